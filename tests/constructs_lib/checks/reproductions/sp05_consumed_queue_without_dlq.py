"""SP5: a queue a Lambda function consumes, without a dead-letter queue.

The shortest ``SqsEventSource`` example: a queue and a function. A message
the function always fails on is received again and again until the queue's
retention period (4 days by default) ends, and SQS then deletes it (Lambda
operator guide, "SQS retries").
Corrected: a dead-letter queue that keeps messages 14 days, after 5 receives.
"""

from __future__ import annotations

from aws_cdk import App, Duration, Stack
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.reproductions import ENV, new_plain_app, python_function


def build(*, fixed: bool, outdir: str | None = None) -> App:
    app = new_plain_app(outdir)
    stack = Stack(app, "Sp5", env=ENV)
    dead_letter = (
        sqs.DeadLetterQueue(
            queue=sqs.Queue(stack, "FailedJobs", retention_period=Duration.days(14)),
            max_receive_count=5,
        )
        if fixed
        else None
    )
    jobs = sqs.Queue(
        stack, "Jobs", visibility_timeout=Duration.seconds(60), dead_letter_queue=dead_letter
    )
    worker: lambda_.Function = python_function(stack, "Worker", timeout=Duration.seconds(10))
    worker.add_event_source(sources.SqsEventSource(jobs, report_batch_item_failures=True))
    return app
