"""S3 -> SQS (serverless-patterns, s3-sqs-cdk).

The original: ``add_event_notification(OBJECT_CREATED, SqsDestination(queue))``
into an unencrypted queue; aws-cdk-lib scopes the queue policy to the bucket
and orders the notification after it. Nothing for the rules to find.
"""

from __future__ import annotations

from aws_cdk import App, Stack
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as notifications
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.corpus import (
    SERVERLESS_PATTERNS,
    SERVERLESS_PATTERNS_COMMIT,
    Judged,
    Source,
)

SOURCE = Source(SERVERLESS_PATTERNS, "s3-sqs-cdk", SERVERLESS_PATTERNS_COMMIT)
ON_ORIGINAL: tuple[str, ...] = ()


def build(app: App) -> None:
    stack = Stack(app, "BucketToQueue")
    queue = sqs.Queue(stack, "Created")
    bucket = s3.Bucket(stack, "Uploads")
    bucket.add_event_notification(s3.EventType.OBJECT_CREATED, notifications.SqsDestination(queue))


JUDGED: tuple[Judged, ...] = ()
