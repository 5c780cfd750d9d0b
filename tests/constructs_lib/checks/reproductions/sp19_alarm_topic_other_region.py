"""SP19: an alarm whose action is the operations topic of another Region.

A central operations topic in us-west-2, referenced by ARN from an app in
us-east-1: ``SnsAction(sns.Topic.from_topic_arn(...))`` synthesizes, and
CloudWatch refuses the alarm at deploy ("Invalid region us-west-2
specified. Only us-east-1 is supported").
Corrected: a topic in the alarm's Region.
"""

from __future__ import annotations

from aws_cdk import App, Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.reproductions import ENV, new_plain_app


def build(*, fixed: bool, outdir: str | None = None) -> App:
    app = new_plain_app(outdir)
    stack = Stack(app, "Sp19", env=ENV)
    region = "us-east-1" if fixed else "us-west-2"
    operations = sns.Topic.from_topic_arn(
        stack, "Operations", f"arn:aws:sns:{region}:123456789012:operations"
    )
    jobs = sqs.Queue(stack, "Jobs", enforce_ssl=True)
    alarm = cloudwatch.Alarm(
        stack,
        "JobsTooOld",
        metric=jobs.metric_approximate_age_of_oldest_message(period=Duration.minutes(1)),
        threshold=900,
        evaluation_periods=1,
    )
    alarm.add_alarm_action(actions.SnsAction(operations))
    return app
