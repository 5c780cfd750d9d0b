"""SP1: an EventBridge rule delivering into a queue encrypted with ``alias/aws/sqs``.

aws-cdk#30549: ``targets.SqsQueue`` accepts a ``KMS_MANAGED`` queue; synth
and deploy succeed, and EventBridge can never use the AWS-managed key, so
every event is lost. (``SqsSubscription`` refuses such a queue since
aws-cdk#19796; rule targets and S3 notifications do not.)
Corrected: SSE-SQS.
"""

from __future__ import annotations

from aws_cdk import App, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.reproductions import ENV, new_plain_app


def build(*, fixed: bool, outdir: str | None = None) -> App:
    app = new_plain_app(outdir)
    stack = Stack(app, "Sp1", env=ENV)
    encryption = sqs.QueueEncryption.SQS_MANAGED if fixed else sqs.QueueEncryption.KMS_MANAGED
    orders = sqs.Queue(stack, "Orders", encryption=encryption, enforce_ssl=True)
    undelivered = sqs.Queue(stack, "UndeliveredOrders", enforce_ssl=True)
    events.Rule(
        stack,
        "OrderPlaced",
        event_pattern=events.EventPattern(source=["shop.orders"], detail_type=["OrderPlaced"]),
        targets=[targets.SqsQueue(orders, dead_letter_queue=undelivered)],
    )
    return app
