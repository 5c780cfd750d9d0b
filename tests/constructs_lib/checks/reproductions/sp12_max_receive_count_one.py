"""SP12: a Lambda-consumed queue whose redrive policy gives up after 1 receive.

The Lambda developer guide: "Set the maxReceiveCount on the source queue's
redrive policy to at least 5", so that messages Lambda received while the
function was throttled are not sent to the dead-letter queue unprocessed.
At 1 there is no retry at all: an error.
Corrected: maxReceiveCount 5.
"""

from __future__ import annotations

from aws_cdk import App, Duration, Stack
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.reproductions import ENV, new_plain_app, python_function


def build(*, fixed: bool, outdir: str | None = None) -> App:
    app = new_plain_app(outdir)
    stack = Stack(app, "Sp12", env=ENV)
    failed = sqs.Queue(stack, "FailedMessages", retention_period=Duration.days(14))
    messages = sqs.Queue(
        stack,
        "Messages",
        visibility_timeout=Duration.seconds(180),
        dead_letter_queue=sqs.DeadLetterQueue(queue=failed, max_receive_count=5 if fixed else 1),
    )
    handler = python_function(stack, "Handler", timeout=Duration.seconds(30))
    handler.add_event_source(sources.SqsEventSource(messages, report_batch_item_failures=True))
    return app
