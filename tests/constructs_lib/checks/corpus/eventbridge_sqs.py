"""EventBridge custom bus -> SQS (serverless-patterns, eventbridge-sqs-cdk).

The original: a rule on a custom bus with one ``targets.SqsQueue`` target
and no dead-letter queue.
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

SOURCE = Source(SERVERLESS_PATTERNS, "eventbridge-sqs-cdk", SERVERLESS_PATTERNS_COMMIT)
ON_ORIGINAL = ("SP16",)


def build(app: App) -> None:
    stack = Stack(app, "BusToQueue")
    queue = sqs.Queue(stack, "Messages")
    bus = events.EventBus(stack, "Bus", event_bus_name="app-bus")
    rule = events.Rule(
        stack,
        "ForQueue",
        event_bus=bus,
        event_pattern=events.EventPattern(source=["my-app"], detail_type=["message-for-queue"]),
    )
    rule.add_target(targets.SqsQueue(queue))


JUDGED = (
    Judged(
        "SP16",
        "BusToQueue/ForQueue/Resource",
        True,
        "an SQS target without a DLQ: an undeliverable event is dropped",
    ),
)
