"""SP2: an EventBridge target whose dead-letter queue has a key EventBridge may not use.

aws-cdk#33169 (open): ``targets.SqsQueue(queue, dead_letter_queue=dlq)``
writes the DLQ's queue policy but does not grant EventBridge the DLQ's
customer-managed key. Events reach the queue; the ones that fail never reach
the DLQ. Corrected: the DLQ's key lets EventBridge use it (unconditioned:
EventBridge sends no source keys to KMS, SP18).
"""

from __future__ import annotations

from aws_cdk import App, Duration, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.reproductions import ENV, new_plain_app


def build(*, fixed: bool, outdir: str | None = None) -> App:
    app = new_plain_app(outdir)
    stack = Stack(app, "Sp2", env=ENV)
    dlq_key = kms.Key(stack, "FailedOrdersKey", enable_key_rotation=True)
    orders = sqs.Queue(stack, "Orders", encryption=sqs.QueueEncryption.SQS_MANAGED)
    failed = sqs.Queue(
        stack,
        "FailedOrders",
        encryption=sqs.QueueEncryption.KMS,
        encryption_master_key=dlq_key,
        retention_period=Duration.days(14),
    )
    events.Rule(
        stack,
        "OrderPlaced",
        event_pattern=events.EventPattern(source=["shop.orders"]),
        targets=[targets.SqsQueue(orders, dead_letter_queue=failed)],
    )
    if fixed:
        dlq_key.grant_encrypt_decrypt(iam.ServicePrincipal("events.amazonaws.com"))
    return app
