"""S3 -> SQS -> Lambda -> Bedrock -> S3 (serverless-patterns, s3-sqs-lambda-bedrock-s3-cdk-python).

The original: S3 notifies a queue (``SqsDestination``) whose 14-day DLQ takes
messages after 3 receives; the queue's visibility timeout is 360 s and the
function's timeout 300 s; batch 10 without partial batch responses, on a
handler that reads an object and calls a model (and reads only the first
record).
"""

from __future__ import annotations

from aws_cdk import App, Duration, RemovalPolicy, Stack
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as notifications
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.corpus import (
    MAY_FAIL,
    SERVERLESS_PATTERNS,
    SERVERLESS_PATTERNS_COMMIT,
    Judged,
    Source,
    function,
)

SOURCE = Source(
    SERVERLESS_PATTERNS, "s3-sqs-lambda-bedrock-s3-cdk-python", SERVERLESS_PATTERNS_COMMIT
)
ON_ORIGINAL = ("SP4", "SP11", "SP13")


def build(app: App) -> None:
    stack = Stack(app, "Summaries")
    transcripts = s3.Bucket(
        stack,
        "Transcripts",
        versioned=True,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        removal_policy=RemovalPolicy.DESTROY,
        auto_delete_objects=True,
    )
    dlq = sqs.Queue(stack, "EventsDlq", retention_period=Duration.days(14))
    uploads = sqs.Queue(
        stack,
        "Events",
        visibility_timeout=Duration.seconds(360),
        dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=3),
    )
    transcripts.add_event_notification(
        s3.EventType.OBJECT_CREATED, notifications.SqsDestination(uploads)
    )
    summarizer = function(stack, "Summarizer", code=MAY_FAIL, timeout=Duration.seconds(300))
    summarizer.add_event_source(sources.SqsEventSource(uploads, batch_size=10))


_MAPPING = "Summaries/Summarizer/SqsEventSource:SummariesEvents51D26A7F/Resource"

JUDGED = (
    Judged(
        "SP13",
        "Summaries/Events/Resource",
        True,
        "maxReceiveCount 3 on a Lambda-consumed queue (issue 21's silent loss, an advisory)",
    ),
    Judged("SP4", _MAPPING, True, "visibility 360 s < 6 x 300 s"),
    Judged(
        "SP11",
        _MAPPING,
        True,
        "the handler reads objects and calls a model: a failure retries the whole batch",
    ),
)
