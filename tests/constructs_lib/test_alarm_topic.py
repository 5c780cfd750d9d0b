"""AlarmTopic: its key, its topic, both policies, options and rules, at synth."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import Stack, Validations
from aws_cdk import aws_kms as kms
from aws_cdk.assertions import Annotations, Match, Template

from constructs_lib import AlarmTopic, ConstructOptionError, OptionCode, SecureQueue
from tests.conftest import NO_CDK_NAG, new_app
from tests.evidence.policy_rules import RULES

ENV = {"account": "123456789012", "region": "us-east-1"}


def build(**kwargs: Any) -> tuple[Stack, AlarmTopic]:
    stack = Stack(new_app(), "Test", env=ENV)
    return stack, AlarmTopic(stack, "Ops", **kwargs)


@pytest.fixture(scope="module")
def default() -> tuple[Stack, AlarmTopic, dict[str, Any]]:
    stack, ops = build()
    return stack, ops, Template.from_stack(stack).to_json()


def of_type(template: dict[str, Any], kind: str) -> dict[str, Any]:
    (found,) = [r for r in template["Resources"].values() if r["Type"] == kind]
    return dict(found["Properties"])


def test_default_creates_a_rotating_key_and_an_encrypted_topic_with_its_policy(
    default: tuple[Stack, AlarmTopic, dict[str, Any]],
) -> None:
    stack, ops, template = default
    assert sorted(r["Type"] for r in template["Resources"].values()) == [
        "AWS::KMS::Key",
        "AWS::SNS::Topic",
        "AWS::SNS::TopicPolicy",
    ]
    assert of_type(template, "AWS::KMS::Key")["EnableKeyRotation"] is True
    key_id = stack.get_logical_id(ops.topic_encryption_key.node.default_child)  # type: ignore[arg-type]
    assert of_type(template, "AWS::SNS::Topic")["KmsMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    assert ops.node.find_child("Key") is ops.topic_encryption_key
    assert ops.node.find_child("Topic") is ops.topic


def test_topic_policy_denies_plain_http_and_admits_only_this_accounts_alarms(
    default: tuple[Stack, AlarmTopic, dict[str, Any]],
) -> None:
    _, _, template = default
    deny, allow = of_type(template, "AWS::SNS::TopicPolicy")["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert allow["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert allow["Action"] == "sns:Publish"
    assert allow["Condition"] == {
        "ArnLike": {"aws:SourceArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:*"},
        "StringEquals": {"aws:SourceAccount": "123456789012"},
    }


def test_key_policy_admits_cloudwatch_and_auto_scaling_without_naming_a_role(
    default: tuple[Stack, AlarmTopic, dict[str, Any]],
) -> None:
    _, _, template = default
    key = of_type(template, "AWS::KMS::Key")
    root, cloudwatch, auto_scaling = key["KeyPolicy"]["Statement"]
    assert root["Action"] == "kms:*"
    assert cloudwatch["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert cloudwatch["Action"] == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert auto_scaling["Principal"] == {"AWS": "*"}
    assert auto_scaling["Condition"]["ArnEquals"] == {
        "aws:PrincipalArn": "arn:aws:iam::123456789012:role/aws-service-role/"
        "autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
    }
    assert auto_scaling["Condition"]["StringEquals"] == {
        "kms:CallerAccount": "123456789012",
        "kms:ViaService": "sns.us-east-1.amazonaws.com",
    }
    assert "aws-service-role" not in json.dumps(
        [s["Principal"] for s in key["KeyPolicy"]["Statement"]]
    )


def test_the_key_tells_checkov_why_its_principal_is_a_wildcard(
    default: tuple[Stack, AlarmTopic, dict[str, Any]],
) -> None:
    _, _, template = default
    (key,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::KMS::Key"]
    (skip,) = key["Metadata"]["checkov"]["skip"]
    assert skip["id"] == "CKV_AWS_33"
    assert "aws:PrincipalArn" in skip["comment"]


@pytest.mark.parametrize("rule", sorted(RULES))
def test_the_security_rules_pass(
    rule: str, default: tuple[Stack, AlarmTopic, dict[str, Any]]
) -> None:
    assert RULES[rule](default[2]) == []


def test_a_secure_queue_notifying_it_adds_nothing_to_either_policy(
    default: tuple[Stack, AlarmTopic, dict[str, Any]],
) -> None:
    stack, ops = build()
    SecureQueue(stack, "Jobs", alarm_topic=ops.topic)
    after = Template.from_stack(stack).to_json()
    for kind in ("AWS::SNS::TopicPolicy", "AWS::KMS::Key"):
        assert of_type(after, kind) == of_type(default[2], kind)
    Annotations.from_stack(stack).has_no_warning("*", Match.any_value())


def test_options_reach_the_topic() -> None:
    stack, _ = build(topic_name="ops-alarms", display_name="Ops")
    topic = of_type(Template.from_stack(stack).to_json(), "AWS::SNS::Topic")
    assert (topic["TopicName"], topic["DisplayName"]) == ("ops-alarms", "Ops")


def test_a_given_key_is_used_and_gets_the_statements() -> None:
    stack = Stack(new_app(), "Test", env=ENV)
    key = kms.Key(stack, "Mine", enable_key_rotation=True)
    ops = AlarmTopic(stack, "Ops", topic_encryption_key=key)
    template = Template.from_stack(stack).to_json()
    assert ops.topic_encryption_key is key
    assert ops.node.try_find_child("Key") is None
    assert len(of_type(template, "AWS::KMS::Key")["KeyPolicy"]["Statement"]) == 3


def test_an_imported_key_gets_a_warning_saying_what_it_must_allow() -> None:
    stack = Stack(new_app(), "Test", env=ENV)
    key = kms.Key.from_key_arn(
        stack,
        "Theirs",
        "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    )
    AlarmTopic(stack, "Ops", topic_encryption_key=key)
    messages = [
        str(m.entry.data)
        for m in Annotations.from_stack(stack).find_warning("*", Match.string_like_regexp(".*"))
    ]
    assert len([m for m in messages if "KeyPolicyUnmanaged" in m]) == 2  # CloudWatch, Auto Scaling
    assert any("AWSServiceRoleForAutoScaling" in m for m in messages)


@pytest.mark.parametrize(
    ("options", "option", "allowed", "code"),
    [
        (
            {"topic_name": "ops.fifo"},
            "topic_name",
            "CloudWatch alarms cannot notify FIFO topics",
            OptionCode.ALARM_TOPIC_NAME_FIFO,
        ),
        (
            "aws-managed-key",
            "topic_encryption_key",
            "alias/aws/sns",
            OptionCode.SNS_AWS_MANAGED_KEY_UNUSABLE,
        ),
    ],
)
def test_invalid_options_are_refused_by_name(
    options: Any, option: str, allowed: str, code: OptionCode
) -> None:
    stack = Stack(new_app(), "Test", env=ENV)
    if options == "aws-managed-key":
        options = {"topic_encryption_key": kms.Alias.from_alias_name(stack, "A", "alias/aws/sns")}
    with pytest.raises(ConstructOptionError) as caught:
        AlarmTopic(stack, "Ops", **options)
    (problem,) = caught.value.problems
    assert problem.option == option
    assert allowed in problem.allowed
    assert problem.code == code


def test_cdk_nag_aws_solutions_finds_nothing() -> None:
    nag = pytest.importorskip("cdk_nag", reason=NO_CDK_NAG)
    app = new_app()
    stack = Stack(app, "Test", env=ENV)
    AlarmTopic(stack, "Ops")
    Validations.of(app).add_plugins(nag.AwsSolutionsChecks(app))
    app.synth()
