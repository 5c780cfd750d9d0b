"""Lambda -> SQS (serverless-patterns, lambda-sqs-cdk).

The original: a function allowed to send into a named queue (removed with
the stack); no consumer in the app. Nothing for the rules to find.
"""

from __future__ import annotations

from aws_cdk import App, Duration, Stack
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.corpus import (
    SERVERLESS_PATTERNS,
    SERVERLESS_PATTERNS_COMMIT,
    Judged,
    Source,
    function,
)

SOURCE = Source(SERVERLESS_PATTERNS, "lambda-sqs-cdk", SERVERLESS_PATTERNS_COMMIT)
ON_ORIGINAL: tuple[str, ...] = ()


def build(app: App) -> None:
    stack = Stack(app, "LambdaToQueue")
    queue = sqs.Queue(
        stack, "Outbox", visibility_timeout=Duration.seconds(300), queue_name="lambda-to-queue"
    )
    queue.grant_send_messages(function(stack, "Sender"))


JUDGED: tuple[Judged, ...] = ()
