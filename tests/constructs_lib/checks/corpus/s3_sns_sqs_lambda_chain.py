"""S3 -> SNS -> SQS -> Lambda (aws-cdk-examples, python/s3-sns-sqs-lambda-chain).

The original: ``maxReceiveCount`` 1 on the queue a Lambda function reads (a
7-day DLQ), visibility 6 x the 30 s function timeout, a raw SNS subscription,
the bucket notifying the topic, a handler that only prints the event.
"""

from __future__ import annotations

from aws_cdk import App, Duration, Stack
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as notifications
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.corpus import (
    CDK_EXAMPLES,
    CDK_EXAMPLES_COMMIT,
    Judged,
    Source,
    function,
)

SOURCE = Source(CDK_EXAMPLES, "python/s3-sns-sqs-lambda-chain", CDK_EXAMPLES_COMMIT)
ON_ORIGINAL = ("SP11", "SP12")


def build(app: App) -> None:
    stack = Stack(app, "Chain")
    dlq = sqs.Queue(stack, "Failed", retention_period=Duration.days(7))
    uploads = sqs.Queue(
        stack,
        "Uploads",
        visibility_timeout=Duration.seconds(6 * 30),
        dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=1),
    )
    topic = sns.Topic(stack, "UploadEvents")
    topic.add_subscription(subscriptions.SqsSubscription(uploads, raw_message_delivery=True))
    bucket = s3.Bucket(stack, "Bucket", block_public_access=s3.BlockPublicAccess.BLOCK_ALL)
    bucket.add_event_notification(
        s3.EventType.OBJECT_CREATED_PUT,
        notifications.SnsDestination(topic),
        s3.NotificationKeyFilter(prefix="uploads", suffix=".csv"),
    )
    reader = function(stack, "Reader", timeout=Duration.seconds(30))
    reader.add_event_source(sources.SqsEventSource(uploads))


JUDGED = (
    Judged(
        "SP12",
        "Chain/Uploads/Resource",
        True,
        "maxReceiveCount 1 on a Lambda-consumed queue: one throttled receive dead-letters the "
        "batch unprocessed (issue 21's silent loss)",
    ),
    Judged(
        "SP11",
        "Chain/Reader/SqsEventSource:ChainUploads2C76F493/Resource",
        False,
        "the handler only prints the event: it cannot fail on one message",
    ),
)
