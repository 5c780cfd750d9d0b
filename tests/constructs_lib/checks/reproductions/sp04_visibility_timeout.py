"""SP4: a Lambda consumer whose queue hides messages for less than 6 x its timeout.

aws-cdk#20527 (open): ``SqsEventSource`` accepts a queue whose visibility
timeout (30 s by default) merely equals the function's timeout; Lambda
accepts it too (it only refuses one shorter than the timeout). A throttled
batch reappears while Lambda still retries it (the Lambda developer guide
asks for 6 x the function timeout).
Corrected: 6 x 30 s visibility timeout.
"""

from __future__ import annotations

from aws_cdk import App, Duration, Stack
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.reproductions import ENV, new_plain_app

FUNCTION_TIMEOUT = Duration.seconds(30)


def build(*, fixed: bool, outdir: str | None = None) -> App:
    app = new_plain_app(outdir)
    stack = Stack(app, "Sp4", env=ENV)
    failed = sqs.Queue(stack, "FailedPayments", retention_period=Duration.days(14))
    payments = sqs.Queue(
        stack,
        "Payments",
        visibility_timeout=Duration.seconds(180) if fixed else FUNCTION_TIMEOUT,
        dead_letter_queue=sqs.DeadLetterQueue(queue=failed, max_receive_count=5),
    )
    handler = lambda_.Function(
        stack,
        "Handler",
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return {}\n"),
        timeout=FUNCTION_TIMEOUT,
    )
    handler.add_event_source(sources.SqsEventSource(payments, report_batch_item_failures=True))
    return app
