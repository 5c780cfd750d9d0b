"""SP15: a FIFO queue whose dead-letter queue is a standard queue.

``sqs.Queue(dead_letter_queue=...)`` takes any queue; SQS refuses a FIFO
queue's redrive policy to a standard queue (SQS developer guide: "The
dead-letter queue of a FIFO queue must also be a FIFO queue"), so the deploy
fails. Corrected: a FIFO dead-letter queue.
"""

from __future__ import annotations

from aws_cdk import App, Duration, Stack
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.reproductions import ENV, new_plain_app


def build(*, fixed: bool, outdir: str | None = None) -> App:
    app = new_plain_app(outdir)
    stack = Stack(app, "Sp15", env=ENV)
    failed = sqs.Queue(
        stack,
        "FailedPayments",
        fifo=True if fixed else None,
        retention_period=Duration.days(14),
    )
    sqs.Queue(
        stack,
        "Payments",
        fifo=True,
        content_based_deduplication=True,
        dead_letter_queue=sqs.DeadLetterQueue(queue=failed, max_receive_count=5),
    )
    return app
