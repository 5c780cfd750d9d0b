"""The strict account bites: five wiring mistakes that deploy cleanly and lose
messages (or fail to deploy) in AWS, each in a synthesized plain aws-cdk-lib
template deployed as CloudFormation would deploy it.

Each test shows the drop or refusal, then the same template under moto's
old leniency (the part switched off), where it passed silently before.
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from moto import mock_aws

from constructs_lib_testing import DeployedStack, DeploymentError, deploy_template, logical_id_of
from constructs_lib_testing.strict import StrictAccount
from tests.constructs_lib_testing.support import ACCOUNT, new_stack, template_of

pytestmark = pytest.mark.runtime

SLR = (
    f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/autoscaling.amazonaws.com/"
    "AWSServiceRoleForAutoScaling"
)


def messages(deployed: DeployedStack, queue_id: str) -> list[str]:
    found = deployed.client("sqs").receive_message(
        QueueUrl=deployed.physical_id(queue_id), MaxNumberOfMessages=10, WaitTimeSeconds=0
    )
    return [m["Body"] for m in found.get("Messages", [])]


# --- 1. a queue policy missing the SNS allow ------------------------------------


def sns_without_queue_allow() -> tuple[dict[str, Any], dict[str, str]]:
    stack = new_stack("NoSnsAllow")
    topic = sns.Topic(stack, "Topic")
    queue = sqs.Queue(stack, "Queue", enforce_ssl=True)  # a policy: the TLS deny only
    sns.Subscription(
        stack,
        "Sub",
        topic=topic,
        endpoint=queue.queue_arn,
        protocol=sns.SubscriptionProtocol.SQS,
        raw_message_delivery=True,
    )
    return template_of(stack), {"topic": logical_id_of(topic), "queue": logical_id_of(queue)}


def test_a_queue_policy_missing_the_sns_allow_drops_every_message(
    strict_account: StrictAccount,
) -> None:
    template, ids = sns_without_queue_allow()
    with mock_aws():
        deployed = deploy_template(template)
        sns_client = deployed.client("sns")
        sns_client.publish(TopicArn=deployed.physical_id(ids["topic"]), Message="order-1")
        assert messages(deployed, ids["queue"]) == []
        (drop,) = strict_account.take_drops()
        assert drop.policy is not None and drop.policy.startswith("queue policy of ")
        with strict_account.suspended("deliveries"):  # moto's old leniency
            sns_client.publish(TopicArn=deployed.physical_id(ids["topic"]), Message="order-2")
        assert messages(deployed, ids["queue"]) == ["order-2"]


# --- 2. a CMK whose policy lacks the S3 principal ----------------------------------


def s3_into_cmk_queue_without_s3_in_key() -> tuple[dict[str, Any], dict[str, str]]:
    stack = new_stack("KeyWithoutS3")
    key = kms.Key(stack, "Key")  # the default policy: the account root only
    queue = sqs.Queue(stack, "Queue", encryption=sqs.QueueEncryption.KMS, encryption_master_key=key)
    queue.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal("s3.amazonaws.com")],
            actions=["sqs:SendMessage"],
            resources=[queue.queue_arn],
            conditions={"StringEquals": {"aws:SourceAccount": stack.account}},
        )
    )
    bucket = s3.CfnBucket(
        stack,
        "Bucket",
        notification_configuration=s3.CfnBucket.NotificationConfigurationProperty(
            queue_configurations=[
                s3.CfnBucket.QueueConfigurationProperty(
                    event="s3:ObjectCreated:*", queue=queue.queue_arn
                )
            ]
        ),
    )
    policy = queue.node.find_child("Policy").node.default_child
    assert isinstance(policy, sqs.CfnQueuePolicy)
    bucket.add_dependency(policy)
    return template_of(stack), {"bucket": logical_id_of(bucket), "queue": logical_id_of(queue)}


def test_a_cmk_whose_policy_lacks_the_s3_principal_drops_every_notification(
    strict_account: StrictAccount,
) -> None:
    template, ids = s3_into_cmk_queue_without_s3_in_key()
    with mock_aws():
        deployed = deploy_template(template)
        bucket = deployed.physical_id(ids["bucket"])
        deployed.client("s3").put_object(Bucket=bucket, Key="a.csv", Body=b"1")
        assert messages(deployed, ids["queue"]) == []
        drops = strict_account.take_drops()
        assert {d.producer for d in drops} == {"s3.amazonaws.com"}
        assert all(d.policy and d.policy.startswith("key policy of ") for d in drops)
        assert all("kms:GenerateDataKey" in d.reason for d in drops)
        with strict_account.suspended("deliveries"):
            deployed.client("s3").put_object(Bucket=bucket, Key="b.csv", Body=b"2")
        assert len(messages(deployed, ids["queue"])) == 1


# --- 3. a topic policy without the CloudWatch allow --------------------------------


def alarm_to_topic(*, allow_cloudwatch: bool) -> tuple[dict[str, Any], dict[str, str]]:
    stack = new_stack("AlarmTopic")
    topic = sns.Topic(stack, "Topic", enforce_ssl=True)  # an explicit policy: TLS deny only
    if allow_cloudwatch:
        topic.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[topic.topic_arn],
                conditions={"StringEquals": {"aws:SourceAccount": stack.account}},
            )
        )
    inbox = sqs.Queue(stack, "Inbox")
    topic.add_subscription(subscriptions.SqsSubscription(inbox, raw_message_delivery=True))
    watched = sqs.Queue(stack, "Watched")
    alarm = cloudwatch.Alarm(
        stack,
        "Alarm",
        metric=watched.metric_approximate_number_of_messages_visible(period=Duration.minutes(1)),
        threshold=0,
        evaluation_periods=1,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    )
    alarm.add_alarm_action(cloudwatch_actions.SnsAction(topic))
    return template_of(stack), {"inbox": logical_id_of(inbox), "watched": logical_id_of(watched)}


@pytest.mark.parametrize("allow_cloudwatch", [False, True])
def test_a_topic_policy_without_the_cloudwatch_allow_drops_alarm_notifications(
    strict_account: StrictAccount, allow_cloudwatch: bool
) -> None:
    template, ids = alarm_to_topic(allow_cloudwatch=allow_cloudwatch)
    with mock_aws():
        deployed = deploy_template(template)
        deployed.client("sqs").send_message(
            QueueUrl=deployed.physical_id(ids["watched"]), MessageBody="x"
        )
        strict_account.advance(minutes=1)
        notes = [json.loads(b)["NewStateValue"] for b in messages(deployed, ids["inbox"])]
        drops = strict_account.take_drops()
    if allow_cloudwatch:
        assert (notes, drops) == (["ALARM"], [])
    else:
        assert notes == []
        (drop,) = drops
        assert drop.producer == "cloudwatch.amazonaws.com"
        assert drop.policy is not None and drop.policy.startswith("topic policy of ")


# --- 4. a key naming the Auto Scaling service-linked role in a fresh account --------


def key_naming_the_autoscaling_role() -> dict[str, Any]:
    stack = new_stack("KeyForAutoScaling")
    key = kms.Key(stack, "Key")
    key.grant(iam.ArnPrincipal(SLR), "kms:Decrypt", "kms:GenerateDataKey*")
    return template_of(stack)


def test_a_key_naming_the_autoscaling_role_cannot_deploy_in_a_fresh_account(
    strict_account: StrictAccount,
) -> None:
    template = key_naming_the_autoscaling_role()
    with mock_aws():
        with pytest.raises(DeploymentError, match="MalformedPolicyDocumentException") as refused:
            deploy_template(template)
        assert "AWSServiceRoleForAutoScaling" in str(refused.value)
    with mock_aws(), strict_account.suspended("principals"):
        deploy_template(template)  # moto's old leniency
    with mock_aws():  # an account that already had an Auto Scaling group
        boto3.client("iam").create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com")
        deploy_template(template)


# --- 5. an EventBridge target on alias/aws/sqs -------------------------------------


def rule_into_aws_managed_key_queue() -> tuple[dict[str, Any], dict[str, str]]:
    stack = new_stack("ManagedKeyTarget")
    queue = sqs.Queue(stack, "Queue", encryption=sqs.QueueEncryption.KMS_MANAGED)
    rule = events.Rule(stack, "Rule", event_pattern=events.EventPattern(source=["shop"]))
    # L1 target: aws-cdk-lib's targets.SqsQueue would grant nothing usable on
    # this key either; the queue policy allows EventBridge, the key cannot.
    cfn_rule = rule.node.default_child
    assert isinstance(cfn_rule, events.CfnRule)
    cfn_rule.targets = [events.CfnRule.TargetProperty(arn=queue.queue_arn, id="Queue")]
    queue.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal("events.amazonaws.com")],
            actions=["sqs:SendMessage"],
            resources=[queue.queue_arn],
            conditions={"ArnEquals": {"aws:SourceArn": rule.rule_arn}},
        )
    )
    return template_of(stack), {"queue": logical_id_of(queue)}


def test_an_eventbridge_target_on_the_aws_managed_key_drops_every_event(
    strict_account: StrictAccount,
) -> None:
    template, ids = rule_into_aws_managed_key_queue()
    entry = {"Source": "shop", "DetailType": "Order", "Detail": json.dumps({"id": 1})}
    with mock_aws():
        deployed = deploy_template(template)
        deployed.client("events").put_events(Entries=[entry])
        assert messages(deployed, ids["queue"]) == []
        (drop,) = strict_account.take_drops()
        assert drop.producer == "events.amazonaws.com"
        assert drop.policy is not None and drop.policy.startswith(
            "the AWS-managed key alias/aws/sqs"
        )
        with strict_account.suspended("deliveries"):
            deployed.client("events").put_events(Entries=[entry])
        assert len(messages(deployed, ids["queue"])) == 1
