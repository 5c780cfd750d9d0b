"""A scheduled Lambda function that polls SQS itself.

serverless-patterns, sqs-lambda-eb-cdk-python.

The original: a rule every 2 minutes invokes a function that receives from
the queue with the SDK (``grant_consume_messages``), submits jobs and
deletes them; the queue has no DLQ. The rules know event-source mappings and
EC2/ECS worker roles as consumers, not a function polling by SDK: whether a
message can keep failing there is in the handler's code (it deletes what it
handles and hands the rest back), so no rule judges it, and this is not
counted as a miss.
"""

from __future__ import annotations

from aws_cdk import App, Duration, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.corpus import (
    SERVERLESS_PATTERNS,
    SERVERLESS_PATTERNS_COMMIT,
    Judged,
    Source,
    function,
)

SOURCE = Source(SERVERLESS_PATTERNS, "sqs-lambda-eb-cdk-python", SERVERLESS_PATTERNS_COMMIT)
ON_ORIGINAL: tuple[str, ...] = ()


def build(app: App) -> None:
    stack = Stack(app, "ThrottledJobs")
    queue = sqs.Queue(stack, "Jobs", visibility_timeout=Duration.seconds(300))
    submitter = function(stack, "Submitter", environment={"QUEUE_URL": queue.queue_url})
    queue.grant_consume_messages(submitter)
    events.Rule(
        stack,
        "EveryTwoMinutes",
        schedule=events.Schedule.rate(Duration.minutes(2)),
        targets=[targets.LambdaFunction(submitter)],
    )


JUDGED: tuple[Judged, ...] = ()
