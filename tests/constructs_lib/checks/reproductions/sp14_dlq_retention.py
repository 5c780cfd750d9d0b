"""SP14: a dead-letter queue that keeps messages no longer than its source queue.

The common hand-written DLQ, ``sqs.Queue(self, "Dlq")``, keeps messages 4
days, as its source does. A message keeps its first enqueue time when SQS
moves it, so one dead-lettered on its fourth day expires from the DLQ at
once (SQS developer guide, "Using dead-letter queues").
Corrected: the DLQ keeps messages 14 days.
"""

from __future__ import annotations

from aws_cdk import App, Duration, Stack
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.reproductions import ENV, new_plain_app


def build(*, fixed: bool, outdir: str | None = None) -> App:
    app = new_plain_app(outdir)
    stack = Stack(app, "Sp14", env=ENV)
    dlq = sqs.Queue(stack, "Dlq", retention_period=Duration.days(14) if fixed else None)
    jobs = sqs.Queue(
        stack,
        "Jobs",
        visibility_timeout=Duration.seconds(60),
        dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=5),
    )
    handler = lambda_.Function(
        stack,
        "Worker",
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return {}\n"),
        timeout=Duration.seconds(10),
    )
    handler.add_event_source(sources.SqsEventSource(jobs, report_batch_item_failures=True))
    return app
