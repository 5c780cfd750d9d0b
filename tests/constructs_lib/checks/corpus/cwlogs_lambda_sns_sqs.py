"""CloudWatch Logs -> Lambda -> SNS -> SQS (serverless-patterns, cwlogs-lambda-sns-sqs-cdk).

The original: a topic encrypted with a customer key (named by its alias)
that the publishing function's role may use, a raw subscription into a
TLS-only queue whose DLQ (``sqs.Queue``, 4 days) takes messages after 2
receives; nothing in the app consumes the queue.
"""

from __future__ import annotations

from aws_cdk import App, Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.corpus import (
    SERVERLESS_PATTERNS,
    SERVERLESS_PATTERNS_COMMIT,
    Judged,
    Source,
    function,
)

SOURCE = Source(SERVERLESS_PATTERNS, "cwlogs-lambda-sns-sqs-cdk", SERVERLESS_PATTERNS_COMMIT)
ON_ORIGINAL = ("SP14",)


def build(app: App) -> None:
    stack = Stack(app, "LogsToQueue")
    key = kms.Key(stack, "TopicKey", enable_key_rotation=True, pending_window=Duration.days(7))
    alias = key.add_alias("alias/log-events")
    topic = sns.Topic(stack, "LogEvents", master_key=alias)
    publisher = function(stack, "Publisher", timeout=Duration.seconds(2))
    publisher.add_to_role_policy(
        iam.PolicyStatement(actions=["sns:Publish"], resources=[topic.topic_arn])
    )
    publisher.add_to_role_policy(
        iam.PolicyStatement(actions=["kms:GenerateDataKey", "kms:Decrypt"], resources=[key.key_arn])
    )
    dlq = sqs.Queue(stack, "Dlq", enforce_ssl=True)
    main = sqs.Queue(
        stack,
        "Main",
        enforce_ssl=True,
        dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=2),
    )
    topic.add_subscription(subscriptions.SqsSubscription(main, raw_message_delivery=True))


JUDGED = (
    Judged(
        "SP14",
        "LogsToQueue/Main/Resource",
        True,
        "the DLQ keeps messages 4 days, no longer than its source",
    ),
)
