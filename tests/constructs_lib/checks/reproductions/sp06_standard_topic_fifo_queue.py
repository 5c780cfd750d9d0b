"""SP6: a FIFO queue subscribed to a standard topic.

``SqsSubscription`` synthesizes it without a word; SNS refuses the
subscription at deploy ("FIFO SQS Queues can not be subscribed to standard
SNS topics"). Corrected: a FIFO topic.
"""

from __future__ import annotations

from aws_cdk import App, Stack
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.reproductions import ENV, new_plain_app


def build(*, fixed: bool, outdir: str | None = None) -> App:
    app = new_plain_app(outdir)
    stack = Stack(app, "Sp6", env=ENV)
    ledger = sqs.Queue(stack, "Ledger", fifo=True, content_based_deduplication=True)
    topic = sns.Topic(
        stack, "Payments", fifo=fixed or None, content_based_deduplication=fixed or None
    )
    topic.add_subscription(subscriptions.SqsSubscription(ledger, raw_message_delivery=True))
    return app
