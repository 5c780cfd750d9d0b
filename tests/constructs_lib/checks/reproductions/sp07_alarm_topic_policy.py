"""SP7: an alarm that notifies a topic whose explicit policy leaves CloudWatch out.

``sns.Topic(enforce_ssl=True)`` writes an ``AWS::SNS::TopicPolicy`` with
the TLS deny only. An explicit topic policy replaces SNS's default one (the
one that lets the account's services publish): the alarm fires, CloudWatch
is "not authorized to perform: SNS:Publish", nobody is told (AWS knowledge
center, "cloudwatch-receive-sns-for-alarm-trigger").
Corrected: the topic policy allows ``cloudwatch.amazonaws.com``, scoped to
the account's alarms.
"""

from __future__ import annotations

from aws_cdk import App, ArnFormat, Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.reproductions import ENV, new_plain_app


def build(*, fixed: bool, outdir: str | None = None) -> App:
    app = new_plain_app(outdir)
    stack = Stack(app, "Sp7", env=ENV)
    operations = sns.Topic(stack, "Operations", enforce_ssl=True)
    jobs = sqs.Queue(stack, "Jobs")
    alarm = cloudwatch.Alarm(
        stack,
        "JobsTooOld",
        metric=jobs.metric_approximate_age_of_oldest_message(period=Duration.minutes(1)),
        threshold=900,
        evaluation_periods=1,
    )
    alarm.add_alarm_action(actions.SnsAction(operations))
    if fixed:
        operations.add_to_resource_policy(
            iam.PolicyStatement(
                actions=["sns:Publish"],
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                resources=[operations.topic_arn],
                conditions={
                    "ArnLike": {
                        "aws:SourceArn": stack.format_arn(
                            service="cloudwatch",
                            resource="alarm",
                            resource_name="*",
                            arn_format=ArnFormat.COLON_RESOURCE_NAME,
                        )
                    },
                    "StringEquals": {"aws:SourceAccount": stack.account},
                },
            )
        )
    return app
