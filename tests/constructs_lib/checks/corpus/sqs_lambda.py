"""SQS -> Lambda (serverless-patterns, sqs-lambda-cdk-python).

The original: a queue with a 300 s visibility timeout and no DLQ, read by
``SqsEventSource`` defaults by a handler that only prints the event.
"""

from __future__ import annotations

from aws_cdk import App, Duration, Stack
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.corpus import (
    SERVERLESS_PATTERNS,
    SERVERLESS_PATTERNS_COMMIT,
    Judged,
    Source,
    function,
)

SOURCE = Source(SERVERLESS_PATTERNS, "sqs-lambda-cdk-python", SERVERLESS_PATTERNS_COMMIT)
ON_ORIGINAL = ("SP5", "SP11")


def build(app: App) -> None:
    stack = Stack(app, "QueueToLambda")
    queue = sqs.Queue(stack, "Jobs", visibility_timeout=Duration.seconds(300))
    reader = function(stack, "Reader")
    queue.grant_consume_messages(reader)
    reader.add_event_source(sources.SqsEventSource(queue))


JUDGED = (
    Judged("SP5", "QueueToLambda/Jobs/Resource", True, "a consumed queue without a DLQ"),
    Judged(
        "SP11",
        "QueueToLambda/Reader/SqsEventSource:QueueToLambdaJobs2D4CD477/Resource",
        False,
        "the handler only prints the event: it cannot fail on one message",
    ),
)
