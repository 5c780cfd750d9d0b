"""SNS -> SQS (serverless-patterns, sns-sqs-cdk).

The original: ``topic.add_subscription(SqsSubscription(queue))``, both
unencrypted; no consumer. Nothing for the rules to find.
"""

from __future__ import annotations

from aws_cdk import App, Stack
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.corpus import (
    SERVERLESS_PATTERNS,
    SERVERLESS_PATTERNS_COMMIT,
    Judged,
    Source,
)

SOURCE = Source(SERVERLESS_PATTERNS, "sns-sqs-cdk", SERVERLESS_PATTERNS_COMMIT)
ON_ORIGINAL: tuple[str, ...] = ()


def build(app: App) -> None:
    stack = Stack(app, "TopicToQueue")
    sns.Topic(stack, "OrderEvents").add_subscription(
        subscriptions.SqsSubscription(sqs.Queue(stack, "Orders"))
    )


JUDGED: tuple[Judged, ...] = ()
