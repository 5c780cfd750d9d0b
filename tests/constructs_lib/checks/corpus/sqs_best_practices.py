"""S3 -> Lambda -> SQS -> Lambda -> DynamoDB, with a DLQ and an age alarm.

AWS's SQS best-practices blog app (aws-samples/amazon-sqs-best-practices-cdk).

The original: a DLQ made with ``sqs.Queue`` (4 days, like its source),
``maxReceiveCount`` 5, an event-source mapping of batch 10 without partial
batch responses on a handler that parses every message and writes it to
DynamoDB, a queue policy letting the producer's role send, an alarm on the
age of the oldest message to a topic with SNS's default policy.
"""

from __future__ import annotations

from aws_cdk import App, Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.corpus import MAY_FAIL, Judged, Source, function

SOURCE = Source(
    "aws-samples/amazon-sqs-best-practices-cdk", "", "54143c7efd610b2345964951403bbde628f54ba0"
)
ON_ORIGINAL = ("SP11", "SP14")


def build(app: App) -> None:
    stack = Stack(app, "Inventory")
    role = iam.Role(stack, "FunctionRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    dlq = sqs.Queue(stack, "UpdatesDlq", visibility_timeout=Duration.seconds(300))
    updates = sqs.Queue(
        stack,
        "Updates",
        visibility_timeout=Duration.seconds(300),
        dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=5),
    )
    role.add_to_policy(
        iam.PolicyStatement(
            actions=["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
            resources=[updates.queue_arn],
        )
    )
    updates.add_to_resource_policy(
        iam.PolicyStatement(
            actions=["sqs:SendMessage"],
            principals=[iam.ArnPrincipal(role.role_arn)],
            resources=[updates.queue_arn],
        )
    )
    writer = function(stack, "ToTable", code=MAY_FAIL, role=role)
    writer.add_event_source_mapping("Trigger", event_source_arn=updates.queue_arn, batch_size=10)
    alarm = cloudwatch.Alarm(
        stack,
        "OldUpdates",
        metric=updates.metric_approximate_age_of_oldest_message(),
        threshold=600,
        evaluation_periods=1,
    )
    alarm.add_alarm_action(actions.SnsAction(sns.Topic(stack, "Alarms")))


JUDGED = (
    Judged(
        "SP14",
        "Inventory/Updates/Resource",
        True,
        "the DLQ keeps messages 4 days, as its source: one moved on its 4th day expires at once",
    ),
    Judged(
        "SP11",
        "Inventory/ToTable/Trigger/Resource",
        True,
        "the handler parses and writes each message: one bad message retries all 10",
    ),
)
