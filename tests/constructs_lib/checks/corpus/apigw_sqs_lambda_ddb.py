"""REST API -> SQS -> Lambda -> DynamoDB (serverless-patterns, apigw-sqs-lambda-ddb-cdk).

The original: a buffering queue with ``maxReceiveCount`` 1 to a DLQ made
with ``sqs.Queue`` (4 days, like its source), both with fixed names (removed
with the stack), read by ``SqsEventSource`` defaults; the handler parses
each message and writes it to a table named ``EventTable``, which
``dynamodb.Table`` keeps on destroy.
"""

from __future__ import annotations

from aws_cdk import App, Duration, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.corpus import (
    MAY_FAIL,
    SERVERLESS_PATTERNS,
    SERVERLESS_PATTERNS_COMMIT,
    Judged,
    Source,
    function,
)

SOURCE = Source(SERVERLESS_PATTERNS, "apigw-sqs-lambda-ddb-cdk", SERVERLESS_PATTERNS_COMMIT)
ON_ORIGINAL = ("SP9", "SP11", "SP12", "SP14")


def build(app: App) -> None:
    stack = Stack(app, "Buffering")
    dlq = sqs.Queue(
        stack, "Dlq", queue_name="buffering-dlq", visibility_timeout=Duration.seconds(300)
    )
    buffering = sqs.Queue(
        stack,
        "Requests",
        queue_name="buffering-requests",
        visibility_timeout=Duration.seconds(300),
        dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=1),
    )
    dynamodb.Table(
        stack,
        "Events",
        table_name="buffered-events",
        partition_key=dynamodb.Attribute(name="eventId", type=dynamodb.AttributeType.STRING),
        billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
    )
    writer = function(stack, "Writer", code=MAY_FAIL)
    writer.add_event_source(sources.SqsEventSource(buffering))


JUDGED = (
    Judged(
        "SP12",
        "Buffering/Requests/Resource",
        True,
        "maxReceiveCount 1 on a Lambda-consumed queue (issue 21's silent loss)",
    ),
    Judged(
        "SP14",
        "Buffering/Requests/Resource",
        True,
        "the DLQ keeps messages 4 days, no longer than its source",
    ),
    Judged(
        "SP9",
        "Buffering/Events/Resource",
        True,
        "a table named at synth and kept on destroy: the next deploy finds the name taken",
    ),
    Judged(
        "SP11",
        "Buffering/Writer/SqsEventSource:BufferingRequests9CB3CADA/Resource",
        True,
        "the handler parses and writes each message: one bad message retries the whole batch",
    ),
)
