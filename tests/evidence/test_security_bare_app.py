"""The security rules over every construct, synthesized in an App without context.

The example app's cdk.json sets aws-cdk-lib's recommended feature flags. A
user's older app, or a plain ``App()``, does not, and some of aws-cdk-lib's
statements depend on them: without
``@aws-cdk/aws-sns-subscriptions:restrictSqsDescryption`` ``SqsSubscription``
lets ``sns.amazonaws.com`` use a queue's key with no condition; without
``@aws-cdk/aws-events:eventsTargetQueueSameAccount`` ``targets.SqsQueue``
lets ``events.amazonaws.com`` send to an encrypted queue with no condition,
from any rule of any account. The library must not depend on them, so every
construct is built here the way that creates keys, topics, buckets and DLQs,
in an App whose context is empty, and each rule of policy_rules must pass.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aws_cdk import Duration, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_events as events
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Template

from constructs_lib import (
    AlarmTopic,
    BucketToQueue,
    EventRuleToQueue,
    FanoutSubscription,
    LambdaQueueConsumer,
    QueueWorkerFleet,
    ScheduleToQueue,
    SecureQueue,
    TopicFanout,
)
from tests.conftest import bare_app
from tests.evidence.policy_rules import RULES

KMS = sqs.QueueEncryption.KMS
#: The flags whose absence changed aws-cdk-lib's statements.
FLAGS = (
    "@aws-cdk/aws-sns-subscriptions:restrictSqsDescryption",
    "@aws-cdk/aws-events:eventsTargetQueueSameAccount",
)


def secure_queues(stack: Stack) -> None:
    ops = AlarmTopic(stack, "Ops")
    SecureQueue(stack, "Standard", alarm_topic=ops.topic)
    SecureQueue(stack, "Kms", encryption=KMS, alarm_topic=ops.topic)
    SecureQueue(stack, "Fifo", fifo=True, content_based_deduplication=True, encryption=KMS)


def topic_fanout(stack: Stack) -> None:
    TopicFanout(
        stack,
        "Orders",
        queues=[
            FanoutSubscription(id="Kms", queue=SecureQueue(stack, "Billing", encryption=KMS)),
            FanoutSubscription(id="Plain", queue=SecureQueue(stack, "Analytics")),
        ],
    )
    TopicFanout(
        stack,
        "Payments",
        fifo=True,
        queues=[
            FanoutSubscription(
                id="Kms", queue=SecureQueue(stack, "Ledger", fifo=True, encryption=KMS)
            )
        ],
    )


def event_rule_to_queue(stack: Stack) -> None:
    pattern = events.EventPattern(source=["shop.orders"])
    EventRuleToQueue(
        stack, "Kms", queue=SecureQueue(stack, "Jobs", encryption=KMS), event_pattern=pattern
    )
    EventRuleToQueue(stack, "Plain", queue=SecureQueue(stack, "Other"), event_pattern=pattern)
    EventRuleToQueue(
        stack,
        "KmsDlq",
        queue=SecureQueue(stack, "Third"),
        event_pattern=pattern,
        target_dead_letter_queue=SecureQueue(stack, "Dlq", encryption=KMS),
    )


def schedule_to_queue(stack: Stack) -> None:
    ScheduleToQueue(
        stack,
        "Nightly",
        queue=SecureQueue(stack, "Jobs", encryption=KMS),
        schedule=scheduler.ScheduleExpression.rate(Duration.hours(1)),
        payload={"job": "report"},
    )


def bucket_to_queue(stack: Stack) -> None:
    BucketToQueue(stack, "Uploads", queue=SecureQueue(stack, "Ingest", encryption=KMS))


def lambda_queue_consumer(stack: Stack) -> None:
    ops = AlarmTopic(stack, "Ops")
    function = lambda_.Function(
        stack,
        "Handler",
        runtime=lambda_.Runtime.PYTHON_3_13,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return {}\n"),
        timeout=Duration.seconds(10),
    )
    LambdaQueueConsumer(
        stack,
        "Consumer",
        function=function,
        queue=SecureQueue(
            stack, "Payments", encryption=KMS, visibility_timeout=Duration.minutes(1)
        ),
        alarm_topic=ops.topic,
    )


def queue_worker_fleet(stack: Stack) -> None:
    ops = AlarmTopic(stack, "Ops")
    vpc = ec2.Vpc(
        stack,
        "Vpc",
        max_azs=2,
        nat_gateways=0,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="W", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        ],
    )
    QueueWorkerFleet(
        stack,
        "Workers",
        queue=SecureQueue(stack, "Jobs", encryption=KMS, alarm_topic=ops.topic),
        vpc=vpc,
        handler="jobs_handler:handle",
        alarm_topic=ops.topic,
        notifications_topic=ops.topic,
    )


CASES: dict[str, Callable[[Stack], None]] = {
    "SecureQueue+AlarmTopic": secure_queues,
    "TopicFanout": topic_fanout,
    "EventRuleToQueue": event_rule_to_queue,
    "ScheduleToQueue": schedule_to_queue,
    "BucketToQueue": bucket_to_queue,
    "LambdaQueueConsumer": lambda_queue_consumer,
    "QueueWorkerFleet": queue_worker_fleet,
}


@pytest.fixture(scope="module")
def bare_templates() -> dict[str, dict[str, Any]]:
    templates = {}
    for name, build in CASES.items():
        stack = Stack(bare_app(), "Bare")
        build(stack)
        templates[name] = Template.from_stack(stack).to_json()
    return templates


def test_the_app_is_bare() -> None:
    app = bare_app()
    assert [app.node.try_get_context(flag) for flag in FLAGS] == [None, None]


@pytest.mark.parametrize("rule", sorted(RULES))
@pytest.mark.parametrize("case", sorted(CASES))
def test_every_rule_passes_without_feature_flags(
    case: str, rule: str, bare_templates: dict[str, dict[str, Any]]
) -> None:
    assert RULES[rule](bare_templates[case]) == []


def test_the_rules_have_keys_topics_buckets_and_dlqs_to_check(
    bare_templates: dict[str, dict[str, Any]],
) -> None:
    types = {r["Type"] for t in bare_templates.values() for r in t["Resources"].values()}
    assert {
        "AWS::KMS::Key",
        "AWS::SNS::Topic",
        "AWS::SNS::TopicPolicy",
        "AWS::S3::Bucket",
        "AWS::S3::BucketPolicy",
        "AWS::SQS::QueuePolicy",
        "AWS::Events::Rule",
        "AWS::Scheduler::Schedule",
        "AWS::Lambda::EventSourceMapping",
        "AWS::AutoScaling::AutoScalingGroup",
    } <= types
