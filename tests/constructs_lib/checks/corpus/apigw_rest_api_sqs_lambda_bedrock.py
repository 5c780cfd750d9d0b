"""REST API -> SQS -> Lambda -> Bedrock.

serverless-patterns, apigw-rest-api-sqs-lambda-bedrock-cdk.

The original: queue and DLQ on SSE-KMS with ``alias/aws/sqs`` (API Gateway
sends with a role of the account, so the AWS-managed key works), the DLQ
keeping 14 days, ``maxReceiveCount`` 3, a visibility timeout equal to the
function's 120 s timeout, maximum concurrency 10, a handler that parses
each message and calls a model.
"""

from __future__ import annotations

from aws_cdk import App, Duration, Stack
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

SOURCE = Source(
    SERVERLESS_PATTERNS, "apigw-rest-api-sqs-lambda-bedrock-cdk", SERVERLESS_PATTERNS_COMMIT
)
ON_ORIGINAL = ("SP4", "SP11", "SP13")

TIMEOUT = Duration.seconds(120)


def build(app: App) -> None:
    stack = Stack(app, "GenAi")
    dlq = sqs.Queue(
        stack,
        "RequestsDlq",
        encryption=sqs.QueueEncryption.KMS_MANAGED,
        retention_period=Duration.days(14),
    )
    requests = sqs.Queue(
        stack,
        "Requests",
        encryption=sqs.QueueEncryption.KMS_MANAGED,
        dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=3),
        visibility_timeout=TIMEOUT,
    )
    model = function(stack, "Model", code=MAY_FAIL, timeout=TIMEOUT)
    model.add_event_source(sources.SqsEventSource(requests, max_concurrency=10))


_MAPPING = "GenAi/Model/SqsEventSource:GenAiRequests5F13C19B/Resource"

JUDGED = (
    Judged(
        "SP13",
        "GenAi/Requests/Resource",
        True,
        "maxReceiveCount 3 on a Lambda-consumed queue (issue 21's silent loss, an advisory)",
    ),
    Judged(
        "SP4",
        _MAPPING,
        True,
        "visibility 120 s = the function timeout, below 6 x 120 s",
    ),
    Judged(
        "SP11",
        _MAPPING,
        True,
        "the handler parses each message and calls a model: one failure retries the batch",
    ),
)
