"""SP16 (advisory): an EventBridge rule's SQS target without a dead-letter queue.

``targets.SqsQueue(queue)``, as most samples write it. EventBridge retries a
failed delivery (24 hours, 185 attempts by default), then: "If an event
isn't delivered after all retry attempts are exhausted, the event is
dropped" (EventBridge user guide). Whether deliveries ever fail is not in the
template, so the pack reports a warning and the synth goes on.
Corrected: ``targets.SqsQueue(queue, dead_letter_queue=dlq)``.
"""

from __future__ import annotations

from aws_cdk import App, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.reproductions import ENV, new_plain_app


def build(*, fixed: bool, outdir: str | None = None) -> App:
    app = new_plain_app(outdir)
    stack = Stack(app, "Sp16", env=ENV)
    orders = sqs.Queue(stack, "Orders", enforce_ssl=True)
    undelivered = sqs.Queue(stack, "UndeliveredOrders", enforce_ssl=True) if fixed else None
    events.Rule(
        stack,
        "OrderPlaced",
        event_pattern=events.EventPattern(source=["shop.orders"]),
        targets=[targets.SqsQueue(orders, dead_letter_queue=undelivered)],
    )
    return app
