"""Security rules over EVERY synthesized template of the example app.

The rules (tests/evidence/policy_rules.py) read the template JSON, so a new
stack or construct is covered the moment the example app uses it. Each rule is
also shown to fail on a crafted bad template, or passing would prove nothing.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.evidence import policy_rules
from tests.evidence.policy_rules import RULES


@pytest.mark.parametrize("rule", sorted(RULES))
def test_every_template_passes(rule: str, example_templates: dict[str, dict[str, Any]]) -> None:
    findings = {name: RULES[rule](t) for name, t in example_templates.items()}
    assert {name: f for name, f in findings.items() if f} == {}


def test_the_rules_have_something_to_check(example_templates: dict[str, dict[str, Any]]) -> None:
    """Guard against a vacuous pass: the app has queues and resource policies."""
    queues = sum(
        len(policy_rules.resources_of_type(t, "AWS::SQS::Queue"))
        for t in example_templates.values()
    )
    statements = sum(
        len(list(policy_rules.resource_policy_statements(t))) for t in example_templates.values()
    )
    assert queues >= 2
    assert statements >= queues


# --- crafted bad templates: each rule must report them --------------------------

_QUEUE_ARN = {"Fn::GetAtt": ["Q", "Arn"]}
_TLS_DENY = {
    "Effect": "Deny",
    "Principal": {"AWS": "*"},
    "Action": "sqs:*",
    "Resource": _QUEUE_ARN,
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


def _good() -> dict[str, Any]:
    """A queue with a TLS deny, a topic with one, an SNS grant scoped by SourceArn."""
    return {
        "Resources": {
            "Q": {"Type": "AWS::SQS::Queue", "Properties": {}},
            "T": {"Type": "AWS::SNS::Topic", "Properties": {}},
            "QP": {
                "Type": "AWS::SQS::QueuePolicy",
                "Properties": {
                    "Queues": [{"Ref": "Q"}],
                    "PolicyDocument": {
                        "Statement": [
                            _TLS_DENY,
                            {
                                "Effect": "Allow",
                                "Principal": {"Service": "sns.amazonaws.com"},
                                "Action": "sqs:SendMessage",
                                "Resource": _QUEUE_ARN,
                                "Condition": {"ArnEquals": {"aws:SourceArn": {"Ref": "T"}}},
                            },
                        ]
                    },
                },
            },
            "TP": {
                "Type": "AWS::SNS::TopicPolicy",
                "Properties": {
                    "Topics": [{"Ref": "T"}],
                    "PolicyDocument": {
                        "Statement": [
                            {
                                "Effect": "Deny",
                                "Principal": "*",
                                "Action": "sns:Publish",
                                "Resource": {"Ref": "T"},
                                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                            }
                        ]
                    },
                },
            },
            "K": {
                "Type": "AWS::KMS::Key",
                "Properties": {
                    "KeyPolicy": {
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                                "Action": "kms:*",
                                "Resource": "*",
                            }
                        ]
                    }
                },
            },
            "P": {
                "Type": "AWS::IAM::Policy",
                "Properties": {
                    "PolicyDocument": {
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": ["sqs:ReceiveMessage", "kms:GenerateDataKey*"],
                                "Resource": _QUEUE_ARN,
                            }
                        ]
                    }
                },
            },
        }
    }


def _statements(template: dict[str, Any], lid: str) -> list[dict[str, Any]]:
    props = template["Resources"][lid]["Properties"]
    result: list[dict[str, Any]] = (props.get("PolicyDocument") or props["KeyPolicy"])["Statement"]
    return result


def test_the_crafted_good_template_passes_every_rule() -> None:
    assert {rule: check(_good()) for rule, check in RULES.items()} == {r: [] for r in RULES}


def _without_queue_tls(t: dict[str, Any]) -> None:
    _statements(t, "QP").pop(0)


def _queue_tls_allows(t: dict[str, Any]) -> None:
    _statements(t, "QP")[0]["Effect"] = "Allow"


def _queue_tls_wrong_condition(t: dict[str, Any]) -> None:
    _statements(t, "QP")[0]["Condition"] = {"Bool": {"aws:SecureTransport": "true"}}


def _queue_tls_on_other_queue(t: dict[str, Any]) -> None:
    t["Resources"]["Q2"] = {"Type": "AWS::SQS::Queue", "Properties": {}}


def _topic_without_policy(t: dict[str, Any]) -> None:
    del t["Resources"]["TP"]


def _topic_tls_denies_only_subscribe(t: dict[str, Any]) -> None:
    _statements(t, "TP")[0]["Action"] = "sns:Subscribe"


@pytest.mark.parametrize(
    "break_it",
    [
        _without_queue_tls,
        _queue_tls_allows,
        _queue_tls_wrong_condition,
        _queue_tls_on_other_queue,
        _topic_without_policy,
        _topic_tls_denies_only_subscribe,
    ],
)
def test_tls_rule_fails_on_a_bad_template(break_it: Any) -> None:
    template = copy.deepcopy(_good())
    break_it(template)
    assert policy_rules.tls_only_findings(template)


def _unscoped_sns_grant(t: dict[str, Any]) -> None:
    del _statements(t, "QP")[1]["Condition"]


def _unrelated_condition_only(t: dict[str, Any]) -> None:
    _statements(t, "QP")[1]["Condition"] = {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}


def _unscoped_cloudwatch_in_key_policy(t: dict[str, Any]) -> None:
    _statements(t, "K").append(
        {
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": ["kms:Decrypt"],
            "Resource": "*",
        }
    )


def _unscoped_events_in_queue_policy(t: dict[str, Any]) -> None:
    # events.amazonaws.com is exempt in a KMS key policy only, not in a queue policy.
    _statements(t, "QP")[1]["Principal"] = {"Service": ["events.amazonaws.com"]}
    del _statements(t, "QP")[1]["Condition"]


@pytest.mark.parametrize(
    "break_it",
    [
        _unscoped_sns_grant,
        _unrelated_condition_only,
        _unscoped_cloudwatch_in_key_policy,
        _unscoped_events_in_queue_policy,
    ],
)
def test_service_scope_rule_fails_on_a_bad_template(break_it: Any) -> None:
    template = copy.deepcopy(_good())
    break_it(template)
    assert policy_rules.service_scope_findings(template)


def test_events_in_a_key_policy_is_the_documented_exception() -> None:
    template = copy.deepcopy(_good())
    _statements(template, "K").append(
        {
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "Resource": "*",
        }
    )
    assert policy_rules.service_scope_findings(template) == []


def _identity_sqs_star(t: dict[str, Any]) -> None:
    _statements(t, "P")[0]["Action"] = "sqs:*"


def _identity_star(t: dict[str, Any]) -> None:
    _statements(t, "P")[0]["Action"] = ["*"]


def _identity_prefix_wildcard(t: dict[str, Any]) -> None:
    _statements(t, "P")[0]["Action"] = ["sqs:Receive*"]


def _role_inline_sns_star(t: dict[str, Any]) -> None:
    t["Resources"]["R"] = {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "Policies": [
                {"PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "SNS:*"}]}}
            ]
        },
    }


def _managed_full_access(t: dict[str, Any]) -> None:
    t["Resources"]["R"] = {
        "Type": "AWS::IAM::Role",
        "Properties": {"ManagedPolicyArns": ["arn:aws:iam::aws:policy/AmazonSQSFullAccess"]},
    }


def _queue_policy_allows_star(t: dict[str, Any]) -> None:
    _statements(t, "QP")[1]["Action"] = "sqs:*"


def _key_star_to_a_role(t: dict[str, Any]) -> None:
    _statements(t, "K")[0]["Principal"] = {"AWS": "arn:aws:iam::123456789012:role/app"}


@pytest.mark.parametrize(
    "break_it",
    [
        _identity_sqs_star,
        _identity_star,
        _identity_prefix_wildcard,
        _role_inline_sns_star,
        _managed_full_access,
        _queue_policy_allows_star,
        _key_star_to_a_role,
    ],
)
def test_wildcard_rule_fails_on_a_bad_template(break_it: Any) -> None:
    template = copy.deepcopy(_good())
    break_it(template)
    assert policy_rules.wildcard_action_findings(template)


# --- principals that may not exist; alarm topics --------------------------------

_SLR = (
    "arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/"
    "AWSServiceRoleForAutoScaling"
)


def test_a_service_linked_role_as_principal_is_a_finding() -> None:
    template = copy.deepcopy(_good())
    _statements(template, "K").append(
        {"Effect": "Allow", "Principal": {"AWS": _SLR}, "Action": ["kms:Decrypt"], "Resource": "*"}
    )
    assert policy_rules.service_linked_role_principal_findings(template)


def test_a_service_linked_role_trusted_by_a_role_is_a_finding() -> None:
    template = copy.deepcopy(_good())
    template["Resources"]["R"] = {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": {
                "Statement": [
                    {"Effect": "Allow", "Principal": {"AWS": _SLR}, "Action": "sts:AssumeRole"}
                ]
            }
        },
    }
    assert policy_rules.service_linked_role_principal_findings(template)


def test_a_service_linked_role_in_a_condition_is_fine() -> None:
    template = copy.deepcopy(_good())
    _statements(template, "K").append(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["kms:Decrypt"],
            "Resource": "*",
            "Condition": {"ArnEquals": {"aws:PrincipalArn": _SLR}},
        }
    )
    assert policy_rules.service_linked_role_principal_findings(template) == []


def _alarm_on_the_topic(t: dict[str, Any]) -> None:
    t["Resources"]["A"] = {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {"AlarmActions": [{"Ref": "T"}]},
    }


def _cloudwatch_allow() -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Principal": {"Service": "cloudwatch.amazonaws.com"},
        "Action": "sns:Publish",
        "Resource": {"Ref": "T"},
        "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}},
    }


def test_an_alarm_topic_whose_policy_holds_only_the_tls_deny_is_a_finding() -> None:
    template = copy.deepcopy(_good())
    _alarm_on_the_topic(template)
    assert policy_rules.alarm_topic_findings(template) == [
        "AWS::SNS::Topic T: its topic policy does not let alarms publish"
    ]
    _statements(template, "TP").append(_cloudwatch_allow())
    assert policy_rules.alarm_topic_findings(template) == []


def test_an_encrypted_alarm_topic_needs_its_key_to_admit_cloudwatch() -> None:
    template = copy.deepcopy(_good())
    _alarm_on_the_topic(template)
    _statements(template, "TP").append(_cloudwatch_allow())
    template["Resources"]["T"]["Properties"]["KmsMasterKeyId"] = {"Fn::GetAtt": ["K", "Arn"]}
    assert policy_rules.alarm_topic_findings(template) == [
        "AWS::SNS::Topic T: key K does not let CloudWatch encrypt alarms"
    ]
    _statements(template, "K").append(
        {
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "Resource": "*",
        }
    )
    assert policy_rules.alarm_topic_findings(template) == []


def test_a_topic_without_policy_keeps_snss_default_and_is_no_finding() -> None:
    template = copy.deepcopy(_good())
    _alarm_on_the_topic(template)
    del template["Resources"]["TP"]
    assert policy_rules.alarm_topic_findings(template) == []
