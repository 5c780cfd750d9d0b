"""HTTP API -> SQS -> Lambda (serverless-patterns, apigw-http-api-sqs-lambda-cdk).

The original: a queue with a 300 s visibility timeout and no DLQ, read by a
function with a 3-minute timeout (``SqsEventSource`` defaults) whose handler
prints each record's body.
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

SOURCE = Source(SERVERLESS_PATTERNS, "apigw-http-api-sqs-lambda-cdk", SERVERLESS_PATTERNS_COMMIT)
ON_ORIGINAL = ("SP4", "SP5", "SP11")


def build(app: App) -> None:
    stack = Stack(app, "HttpApiSqs")
    queue = sqs.Queue(stack, "Messages", visibility_timeout=Duration.seconds(300))
    handler = function(stack, "Handler", timeout=Duration.minutes(3))
    handler.add_event_source(sources.SqsEventSource(queue))


_MAPPING = "HttpApiSqs/Handler/SqsEventSource:HttpApiSqsMessages32E108EC/Resource"

JUDGED = (
    Judged(
        "SP4",
        _MAPPING,
        True,
        "visibility 300 s < 6 x 180 s: a batch retried after throttling becomes visible again",
    ),
    Judged("SP5", "HttpApiSqs/Messages/Resource", True, "consumed queue without a DLQ"),
    Judged(
        "SP11",
        _MAPPING,
        False,
        "the handler prints each body and cannot fail on one message (issue 21's false positive)",
    ),
)
