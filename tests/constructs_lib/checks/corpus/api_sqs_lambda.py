"""API Gateway -> SQS -> Lambda (aws-cdk-examples, python/api-sqs-lambda).

The original: a queue with no DLQ, read by ``SqsEventSource`` with the
defaults (batch 10, no partial batch responses) by a handler that only
prints the first record's body.
"""

from __future__ import annotations

from aws_cdk import App, Stack
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.corpus import (
    CDK_EXAMPLES,
    CDK_EXAMPLES_COMMIT,
    Judged,
    Source,
    function,
)

SOURCE = Source(CDK_EXAMPLES, "python/api-sqs-lambda", CDK_EXAMPLES_COMMIT)
ON_ORIGINAL = ("SP5", "SP11")


def build(app: App) -> None:
    stack = Stack(app, "ApiSqsLambda")
    queue = sqs.Queue(stack, "Requests")
    function(stack, "Printer").add_event_source(sources.SqsEventSource(queue))


JUDGED = (
    Judged(
        "SP5",
        "ApiSqsLambda/Requests/Resource",
        True,
        "no DLQ: a message that keeps failing (timeouts, throttling for days) expires unseen",
    ),
    Judged(
        "SP11",
        "ApiSqsLambda/Printer/SqsEventSource:ApiSqsLambdaRequests89598C23/Resource",
        False,
        "the handler only prints: no message can fail alone, so partial batch responses "
        "change nothing",
    ),
)
