"""SP18: EventBridge into a customer-key queue, its key grant conditioned on the account.

With cdk init's recommended flags (``@aws-cdk/aws-events:eventsTargetQueueSameAccount``),
``targets.SqsQueue`` scopes its grant with ``aws:SourceAccount``, in the queue
policy and in the key policy alike. AWS documents no such key in
EventBridge's requests to KMS (the SNS developer guide: it "is not supported
for EventBridge-to-encrypted topics"): the key statement never applies, and
every event is dropped after the retries.
Corrected: the key also lets EventBridge use it without the condition (the
queue policy keeps its ``aws:SourceAccount``).
"""

from __future__ import annotations

from aws_cdk import App, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.reproductions import ENV, new_plain_app


def build(*, fixed: bool, outdir: str | None = None) -> App:
    app = new_plain_app(outdir)
    stack = Stack(app, "Sp18", env=ENV)
    key = kms.Key(stack, "OrdersKey", enable_key_rotation=True)
    orders = sqs.Queue(
        stack, "Orders", encryption=sqs.QueueEncryption.KMS, encryption_master_key=key
    )
    undelivered = sqs.Queue(stack, "UndeliveredOrders", enforce_ssl=True)
    events.Rule(
        stack,
        "OrderPlaced",
        event_pattern=events.EventPattern(source=["shop.orders"]),
        targets=[targets.SqsQueue(orders, dead_letter_queue=undelivered)],
    )
    if fixed:
        key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("events.amazonaws.com")],
                actions=["kms:GenerateDataKey", "kms:Decrypt"],
                resources=["*"],
            )
        )
    return app
