"""EventBridge Scheduler -> SQS (serverless-patterns, eventbridge-schedule-to-sqs-cdk-python).

The original: an L1 ``CfnSchedule`` every 5 minutes into a queue, with an
execution role allowed ``sqs:SendMessage`` on it, and no dead-letter queue.
"""

from __future__ import annotations

from aws_cdk import App, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.corpus import (
    SERVERLESS_PATTERNS,
    SERVERLESS_PATTERNS_COMMIT,
    Judged,
    Source,
)

SOURCE = Source(
    SERVERLESS_PATTERNS, "eventbridge-schedule-to-sqs-cdk-python", SERVERLESS_PATTERNS_COMMIT
)
ON_ORIGINAL = ("SP16",)


def build(app: App) -> None:
    stack = Stack(app, "Scheduled")
    queue = sqs.Queue(stack, "Ticks")
    role = iam.Role(
        stack, "SchedulerRole", assumed_by=iam.ServicePrincipal("scheduler.amazonaws.com")
    )
    role.add_to_policy(
        iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[queue.queue_arn])
    )
    scheduler.CfnSchedule(
        stack,
        "EveryFiveMinutes",
        flexible_time_window=scheduler.CfnSchedule.FlexibleTimeWindowProperty(mode="OFF"),
        schedule_expression="rate(5 minutes)",
        target=scheduler.CfnSchedule.TargetProperty(
            arn=queue.queue_arn, role_arn=role.role_arn, input="tick"
        ),
    )


JUDGED = (
    Judged(
        "SP16",
        "Scheduled/EveryFiveMinutes",
        True,
        "the schedule's SQS target has no DLQ: an invocation that fails after the retries is lost",
    ),
)
