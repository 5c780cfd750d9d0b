"""Cross-account EventBridge in an organization.

aws-cdk-examples, python/cross-account-eventbridge-in-organization.

The original's consumer stack: a custom bus whose rule invokes a function
with 3 retries and an SQS dead-letter queue (aws-cdk-lib writes the DLQ's
queue policy, scoped to the rule). Nothing for the rules to find.
"""

from __future__ import annotations

from aws_cdk import App, Duration, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.corpus import (
    CDK_EXAMPLES,
    CDK_EXAMPLES_COMMIT,
    Judged,
    Source,
    function,
)

SOURCE = Source(
    CDK_EXAMPLES, "python/cross-account-eventbridge-in-organization", CDK_EXAMPLES_COMMIT
)
ON_ORIGINAL: tuple[str, ...] = ()


def build(app: App) -> None:
    stack = Stack(app, "Consumer")
    bus = events.EventBus(stack, "Bus", event_bus_name="org-events")
    consumer = function(stack, "Consumer", timeout=Duration.seconds(30))
    rule = events.Rule(
        stack,
        "FromProducers",
        event_bus=bus,
        event_pattern=events.EventPattern(source=["producer"]),
    )
    rule.add_target(
        targets.LambdaFunction(
            consumer, retry_attempts=3, dead_letter_queue=sqs.Queue(stack, "Undelivered")
        )
    )


JUDGED: tuple[Judged, ...] = ()
