"""REST API -> EventBridge bus -> two SQS queues.

serverless-patterns, apigw-rest-api-eventbridge-sqs-fanout-cdk.

The original: one rule on a custom bus with two ``targets.SqsQueue``
targets, neither with a dead-letter queue; aws-cdk-lib scopes each queue
policy to the rule (aws:SourceArn).
"""

from __future__ import annotations

from aws_cdk import App, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.corpus import (
    SERVERLESS_PATTERNS,
    SERVERLESS_PATTERNS_COMMIT,
    Judged,
    Source,
)

SOURCE = Source(
    SERVERLESS_PATTERNS, "apigw-rest-api-eventbridge-sqs-fanout-cdk", SERVERLESS_PATTERNS_COMMIT
)
ON_ORIGINAL = ("SP16",)


def build(app: App) -> None:
    stack = Stack(app, "Fanout")
    first = sqs.Queue(stack, "First")
    second = sqs.Queue(stack, "Second")
    bus = events.EventBus(stack, "Bus", event_bus_name="fanout-bus")
    events.Rule(
        stack,
        "FromClients",
        event_bus=bus,
        event_pattern=events.EventPattern(source=["WebClient"]),
        targets=[targets.SqsQueue(first), targets.SqsQueue(second)],
    )


JUDGED = (
    Judged(
        "SP16",
        "Fanout/FromClients/Resource",
        True,
        "two SQS targets without a DLQ: an event EventBridge cannot deliver is dropped",
    ),
)
