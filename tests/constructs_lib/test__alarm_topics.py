"""Every construct that sends alarms makes its topic able to receive them.

An explicit topic policy replaces SNS's default one (the statement that lets
the account's CloudWatch alarms publish). With only the TLS deny that
``enforce_ssl`` writes, every alarm action to the topic fails
("not authorized to perform SNS:Publish") and the notification is lost
without an error anyone sees. An encrypted topic also needs its key policy to
admit the publisher. These tests run each alarm-sending construct against the
same kinds of topic.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from aws_cdk import Duration, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Annotations, Match, Template

from constructs_lib import (
    ConstructOptionError,
    LambdaQueueConsumer,
    OptionCode,
    QueueWorkerFleet,
    SecureQueue,
)
from tests.conftest import new_app

ENV = {"account": "123456789012", "region": "us-east-1"}
ALARMS_OF_THE_ACCOUNT = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:*"
AUTO_SCALING_ROLE = (
    "arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/"
    "AWSServiceRoleForAutoScaling"
)


def _vpc(stack: Stack) -> ec2.Vpc:
    return ec2.Vpc(
        stack,
        "Vpc",
        max_azs=2,
        nat_gateways=0,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="W", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        ],
    )


def secure_queue(stack: Stack, topic: sns.ITopic) -> None:
    SecureQueue(stack, "Q", alarm_topic=topic)


def lambda_consumer(stack: Stack, topic: sns.ITopic) -> None:
    function = lambda_.Function.from_function_attributes(
        stack,
        "Fn",
        function_arn="arn:aws:lambda:us-east-1:123456789012:function:f",
        same_environment=True,
    )
    LambdaQueueConsumer(
        stack,
        "C",
        function=function,
        queue=SecureQueue(stack, "Q"),
        function_timeout=Duration.seconds(3),
        alarm_topic=topic,
    )


def fleet_alarms(stack: Stack, topic: sns.ITopic) -> None:
    QueueWorkerFleet(
        stack, "W", queue=SecureQueue(stack, "Q"), vpc=_vpc(stack), handler="m:f", alarm_topic=topic
    )


def fleet_notifications(stack: Stack, topic: sns.ITopic) -> None:
    QueueWorkerFleet(
        stack,
        "W",
        queue=SecureQueue(stack, "Q"),
        vpc=_vpc(stack),
        handler="m:f",
        notifications_topic=topic,
    )


ALARM_SENDERS: dict[str, Callable[[Stack, sns.ITopic], None]] = {
    "SecureQueue": secure_queue,
    "LambdaQueueConsumer": lambda_consumer,
    "QueueWorkerFleet.alarm_topic": fleet_alarms,
}
OPTION = {
    "SecureQueue": "alarm_topic",
    "LambdaQueueConsumer": "alarm_topic",
    "QueueWorkerFleet.alarm_topic": "alarm_topic",
    "QueueWorkerFleet.notifications_topic": "notifications_topic",
}


def wire(
    sender: Callable[[Stack, sns.ITopic], None], topic: Callable[[Stack], sns.ITopic]
) -> tuple[Stack, dict[str, Any]]:
    stack = Stack(new_app(), "Test", env=ENV)
    sender(stack, topic(stack))
    return stack, Template.from_stack(stack).to_json()


def statements(template: dict[str, Any], resource_type: str) -> list[dict[str, Any]]:
    prop = "KeyPolicy" if resource_type == "AWS::KMS::Key" else "PolicyDocument"
    return [
        s
        for r in template["Resources"].values()
        if r["Type"] == resource_type
        for s in r["Properties"][prop]["Statement"]
    ]


def from_service(found: list[dict[str, Any]], service: str) -> list[dict[str, Any]]:
    return [
        s
        for s in found
        if isinstance(s.get("Principal"), dict) and s["Principal"].get("Service") == service
    ]


def tls_only_topic(stack: Stack) -> sns.ITopic:
    return sns.Topic(stack, "Ops", enforce_ssl=True)


def encrypted_topic(stack: Stack) -> sns.ITopic:
    key = kms.Key(stack, "OpsKey", enable_key_rotation=True)
    return sns.Topic(stack, "Ops", master_key=key, enforce_ssl=True)


@pytest.mark.parametrize("sender", sorted(ALARM_SENDERS))
def test_a_tls_only_topic_of_the_app_admits_the_accounts_alarms(sender: str) -> None:
    _, template = wire(ALARM_SENDERS[sender], tls_only_topic)

    (allow,) = from_service(
        statements(template, "AWS::SNS::TopicPolicy"), "cloudwatch.amazonaws.com"
    )
    assert allow["Effect"] == "Allow"
    assert allow["Action"] == "sns:Publish"
    assert allow["Condition"] == {
        "ArnLike": {"aws:SourceArn": ALARMS_OF_THE_ACCOUNT},
        "StringEquals": {"aws:SourceAccount": "123456789012"},
    }


@pytest.mark.parametrize("sender", sorted(ALARM_SENDERS))
def test_an_encrypted_topic_lets_cloudwatch_use_its_key_for_the_accounts_alarms(
    sender: str,
) -> None:
    _, template = wire(ALARM_SENDERS[sender], encrypted_topic)

    (grant,) = from_service(statements(template, "AWS::KMS::Key"), "cloudwatch.amazonaws.com")
    assert grant["Action"] == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert grant["Condition"] == {
        "ArnLike": {"aws:SourceArn": ALARMS_OF_THE_ACCOUNT},
        "StringEquals": {"aws:SourceAccount": "123456789012"},
    }


def test_the_notifications_topic_key_admits_auto_scaling_without_naming_its_role() -> None:
    """Auto Scaling publishes as its service-linked role, which exists only after
    the account's first group: KMS refuses a key policy naming it as principal
    (MalformedPolicyDocumentException). The role's own policy has no KMS
    permission, so the key policy must grant it directly: any principal, held
    to that role's ARN, this account, and calls made through SNS."""
    _, template = wire(fleet_notifications, encrypted_topic)

    key_statements = statements(template, "AWS::KMS::Key")
    assert "aws-service-role/" not in json.dumps([s["Principal"] for s in key_statements])
    (grant,) = [s for s in key_statements if s["Principal"] == {"AWS": "*"}]
    assert grant["Effect"] == "Allow"
    assert grant["Action"] == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert grant["Condition"] == {
        "ArnEquals": {"aws:PrincipalArn": AUTO_SCALING_ROLE},
        "StringEquals": {
            "kms:CallerAccount": "123456789012",
            "kms:ViaService": "sns.us-east-1.amazonaws.com",
        },
    }
    # Auto Scaling's role may publish by its own IAM policy (sns:Publish on *):
    # the topic policy of a topic in the same account need not name it.
    topic_statements = statements(template, "AWS::SNS::TopicPolicy")
    assert [s["Effect"] for s in topic_statements] == ["Deny"]


def test_one_topic_shared_by_several_constructs_holds_one_statement_each() -> None:
    stack = Stack(new_app(), "Test", env=ENV)
    topic = encrypted_topic(stack)
    SecureQueue(stack, "A", alarm_topic=topic)
    SecureQueue(stack, "B", alarm_topic=topic)
    fleet_alarms(stack, topic)
    template = Template.from_stack(stack).to_json()

    assert (
        len(from_service(statements(template, "AWS::SNS::TopicPolicy"), "cloudwatch.amazonaws.com"))
        == 1
    )
    assert len(from_service(statements(template, "AWS::KMS::Key"), "cloudwatch.amazonaws.com")) == 1


def warnings(stack: Stack) -> list[str]:
    return [
        str(m.entry.data)
        for m in Annotations.from_stack(stack).find_warning("*", Match.string_like_regexp(".*"))
    ]


@pytest.mark.parametrize("sender", sorted(ALARM_SENDERS))
def test_an_imported_topic_gets_a_warning_saying_what_its_owner_must_allow(sender: str) -> None:
    stack, template = wire(
        ALARM_SENDERS[sender],
        lambda s: sns.Topic.from_topic_arn(s, "Ops", "arn:aws:sns:us-east-1:123456789012:ops"),
    )

    (warning,) = [w for w in warnings(stack) if "AlarmTopics:TopicPolicyUnmanaged" in w]
    assert "arn:aws:sns:us-east-1:123456789012:ops is imported" in warning
    assert "cloudwatch.amazonaws.com" in warning and "sns:Publish" in warning
    assert "arn:aws:cloudwatch:us-east-1:123456789012:alarm:*" in warning
    assert "kms:GenerateDataKey*" in warning  # in case its owner encrypted it
    assert statements(template, "AWS::SNS::TopicPolicy") == []


def test_an_imported_notifications_topic_gets_a_warning_for_auto_scaling() -> None:
    stack, _ = wire(
        fleet_notifications,
        lambda s: sns.Topic.from_topic_arn(s, "Ops", "arn:aws:sns:us-east-1:123456789012:ops"),
    )

    (warning,) = [w for w in warnings(stack) if "AlarmTopics:TopicPolicyUnmanaged" in w]
    assert "AWSServiceRoleForAutoScaling" in warning


def test_an_imported_key_of_a_topic_of_the_app_gets_a_warning() -> None:
    def topic(stack: Stack) -> sns.ITopic:
        key = kms.Key.from_key_arn(
            stack,
            "Key",
            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        )
        return sns.Topic(stack, "Ops", master_key=key, enforce_ssl=True)

    stack, template = wire(secure_queue, topic)

    (warning,) = [w for w in warnings(stack) if "AlarmTopics:KeyPolicyUnmanaged" in w]
    assert "1234abcd-12ab-34cd-56ef-1234567890ab" in warning
    assert "cloudwatch.amazonaws.com" in warning
    # the topic policy is this app's: it still gets its statement
    assert from_service(statements(template, "AWS::SNS::TopicPolicy"), "cloudwatch.amazonaws.com")


def test_a_topic_without_a_policy_gets_one_and_a_warning_that_it_replaces_the_default() -> None:
    """SNS's default policy lets the account's principals and services
    (AWS:SourceOwner) publish. The first statement replaces it: IAM principals
    of the account keep publishing through their own IAM policies, other
    services that relied on the default statement do not."""
    stack, template = wire(secure_queue, lambda s: sns.Topic(s, "Ops"))

    assert from_service(statements(template, "AWS::SNS::TopicPolicy"), "cloudwatch.amazonaws.com")
    (warning,) = [w for w in warnings(stack) if "AlarmTopics:DefaultTopicPolicyReplaced" in w]
    assert "replaces SNS's default topic policy" in warning


def test_a_topic_on_the_aws_managed_key_is_refused_by_name() -> None:
    """CloudWatch cannot use alias/aws/sns, whose key policy admits only
    principals of the account: every alarm notification would be dropped."""

    def topic(stack: Stack) -> sns.ITopic:
        return sns.Topic(
            stack,
            "Ops",
            master_key=kms.Alias.from_alias_name(stack, "AwsSns", "alias/aws/sns"),
        )

    with pytest.raises(ConstructOptionError) as caught:
        wire(secure_queue, topic)
    (problem,) = caught.value.problems
    assert problem.option == "alarm_topic"
    assert "alias/aws/sns" in problem.allowed
    assert problem.code == OptionCode.SNS_AWS_MANAGED_KEY_UNUSABLE


# --- the topic's Region (issue 20, defect 3) ---------------------------------------

OTHER_REGION_TOPIC = "arn:aws:sns:us-west-2:123456789012:ops"
ALL_SENDERS = {**ALARM_SENDERS, "QueueWorkerFleet.notifications_topic": fleet_notifications}


@pytest.mark.parametrize("sender", sorted(ALL_SENDERS))
def test_a_topic_of_another_region_is_refused_naming_both_regions(sender: str) -> None:
    """CloudWatch refuses an alarm action on an SNS topic of another Region
    (observed: "Invalid region us-west-2 specified. Only us-east-1 is
    supported"; the PutMetricAlarm reference gives AlarmActions as
    ``arn:aws:sns:region:account-id:sns-topic-name`` of the alarm's Region);
    Auto Scaling notifications go to a topic of the group's Region. The old
    code synthesized it and wrote the foreign topic's policies; the deploy failed.
    """

    def topic(stack: Stack) -> sns.ITopic:
        return sns.Topic.from_topic_arn(stack, "Ops", OTHER_REGION_TOPIC)

    with pytest.raises(ConstructOptionError) as caught:
        wire(ALL_SENDERS[sender], topic)
    (problem,) = [p for p in caught.value.problems if p.option == OPTION[sender]]
    assert problem.value == OTHER_REGION_TOPIC
    assert "us-west-2" in problem.allowed and "us-east-1" in problem.allowed
    assert problem.code == OptionCode.TOPIC_IN_OTHER_REGION


def test_the_topics_region_comes_in_one_error_with_the_other_problems() -> None:
    """All problems, one error: the Region of an alarm topic was refused apart,
    when the construct wired its alarms, after its options' problems."""
    app = new_app()
    stack = Stack(app, "Test", env=ENV)
    far = sns.Topic.from_topic_arn(stack, "Ops", OTHER_REGION_TOPIC)
    with pytest.raises(ConstructOptionError) as caught:
        SecureQueue(stack, "Q", max_receive_count=0, alarm_topic=far)
    assert caught.value.codes == [
        OptionCode.SQS_MAX_RECEIVE_COUNT_OUT_OF_RANGE,
        OptionCode.TOPIC_IN_OTHER_REGION,
    ]
    function = lambda_.Function.from_function_attributes(
        stack, "Fn", function_arn="arn:aws:lambda:us-east-1:123456789012:function:f",
        same_environment=True,
    )  # fmt: skip
    with pytest.raises(ConstructOptionError) as caught:
        LambdaQueueConsumer(
            stack, "C", function=function, queue=SecureQueue(stack, "Jobs"),
            function_timeout=Duration.seconds(3), batch_size=0, alarm_topic=far,
        )  # fmt: skip
    assert sorted(caught.value.codes) == sorted(
        [OptionCode.TOPIC_IN_OTHER_REGION, OptionCode.LAMBDA_BATCH_SIZE_OUT_OF_RANGE]
    )


def test_a_topic_of_another_stack_in_another_region_is_refused() -> None:
    """The same for a topic this app builds in a stack of another Region."""
    app = new_app()
    ops = sns.Topic(Stack(app, "Ops", env={**ENV, "region": "eu-west-1"}), "Ops")
    stack = Stack(app, "Test", env=ENV)
    with pytest.raises(ConstructOptionError, match="eu-west-1") as caught:
        SecureQueue(stack, "Q", alarm_topic=ops)
    assert caught.value.codes == [OptionCode.TOPIC_IN_OTHER_REGION]


@pytest.mark.parametrize("sender", sorted(ALL_SENDERS))
def test_a_region_unknown_at_synth_gets_a_warning_not_a_guess(sender: str) -> None:
    """An environment-agnostic stack's Region is a token until deploy: the
    construct cannot compare, so it says what must hold instead of guessing."""
    stack = Stack(new_app(), "Test")  # no env: the Region is unknown at synth
    ALL_SENDERS[sender](stack, sns.Topic.from_topic_arn(stack, "Ops", OTHER_REGION_TOPIC))
    (warning,) = [w for w in warnings(stack) if "AlarmTopics:TopicRegionUnknown" in w]
    assert OPTION[sender] in warning and "us-west-2" in warning


def test_a_topic_of_the_stacks_region_passes_without_a_region_warning() -> None:
    stack, _ = wire(
        secure_queue,
        lambda s: sns.Topic.from_topic_arn(s, "Ops", "arn:aws:sns:us-east-1:123456789012:ops"),
    )
    assert not [w for w in warnings(stack) if "TopicRegion" in w]
    agnostic = Stack(new_app(), "Agnostic")
    SecureQueue(agnostic, "Q", alarm_topic=sns.Topic(agnostic, "Ops"))  # same stack: same Region
    assert not [w for w in warnings(agnostic) if "TopicRegion" in w]
