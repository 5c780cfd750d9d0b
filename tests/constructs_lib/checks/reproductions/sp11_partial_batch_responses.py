"""SP11 (advisory): a Lambda consumer without partial batch responses.

``SqsEventSource(queue)`` leaves ``report_batch_item_failures`` off: if the
handler raises for one message of a batch of 10, all 10 are received again
(Lambda developer guide, "Handling errors for an SQS event source"). Whether
that matters is in the handler's code (one that cannot fail needs nothing),
so the pack reports a warning and the synth goes on.
Corrected: ``report_batch_item_failures=True`` (and a handler that returns
``batchItemFailures``).
"""

from __future__ import annotations

from aws_cdk import App, Duration, Stack
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.reproductions import ENV, new_plain_app, python_function


def build(*, fixed: bool, outdir: str | None = None) -> App:
    app = new_plain_app(outdir)
    stack = Stack(app, "Sp11", env=ENV)
    failed = sqs.Queue(stack, "FailedOrders", retention_period=Duration.days(14))
    orders = sqs.Queue(
        stack,
        "Orders",
        visibility_timeout=Duration.seconds(180),
        dead_letter_queue=sqs.DeadLetterQueue(queue=failed, max_receive_count=5),
    )
    handler = python_function(stack, "Handler", timeout=Duration.seconds(30))
    handler.add_event_source(
        sources.SqsEventSource(orders, report_batch_item_failures=True if fixed else None)
    )
    return app
