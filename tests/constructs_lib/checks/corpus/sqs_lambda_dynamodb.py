"""SQS -> Lambda -> DynamoDB (serverless-patterns, sqs-lambda-dynamodb-cdk).

The original: a named queue (removed with the stack) without a DLQ, read by
``SqsEventSource`` defaults by a handler that catches and logs every error
(it never fails), writing to a table named ``CLIENT`` that
``dynamodb.Table`` keeps on destroy.
"""

from __future__ import annotations

from aws_cdk import App, Duration, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.corpus import (
    SERVERLESS_PATTERNS,
    SERVERLESS_PATTERNS_COMMIT,
    Judged,
    Source,
    function,
)

SOURCE = Source(SERVERLESS_PATTERNS, "sqs-lambda-dynamodb-cdk", SERVERLESS_PATTERNS_COMMIT)
ON_ORIGINAL = ("SP5", "SP9", "SP11")

#: The original's handler logs and swallows every error.
SWALLOWS_ERRORS = (
    "def handler(event, context):\n"
    "    for record in event['Records']:\n"
    "        try:\n"
    "            print(record['body'])\n"
    "        except Exception as error:\n"
    "            print(error)\n"
)


def build(app: App) -> None:
    stack = Stack(app, "RecordsToTable")
    queue = sqs.Queue(
        stack, "Records", visibility_timeout=Duration.seconds(300), queue_name="records-to-table"
    )
    table = dynamodb.Table(
        stack,
        "Clients",
        table_name="clients",
        partition_key=dynamodb.Attribute(name="client-key", type=dynamodb.AttributeType.STRING),
    )
    writer = function(stack, "Writer", code=SWALLOWS_ERRORS)
    table.grant_write_data(writer)
    queue.grant_consume_messages(writer)
    writer.add_event_source(sources.SqsEventSource(queue))


JUDGED = (
    Judged("SP5", "RecordsToTable/Records/Resource", True, "a consumed queue without a DLQ"),
    Judged(
        "SP9",
        "RecordsToTable/Clients/Resource",
        True,
        "a table named at synth and kept on destroy: the next deploy finds the name taken",
    ),
    Judged(
        "SP11",
        "RecordsToTable/Writer/SqsEventSource:RecordsToTableRecords0EA150AA/Resource",
        False,
        "the handler catches every error and never fails a batch",
    ),
)
