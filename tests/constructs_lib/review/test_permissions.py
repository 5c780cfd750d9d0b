"""Section 3 on hand-written templates: the kinds of policy, and what cannot be judged."""

from __future__ import annotations

from typing import Any

import pytest

from constructs_lib.review import compare
from constructs_lib.review.report import GATE_PERMISSIONS_WIDENED, PERMISSIONS
from tests.constructs_lib.review.test_replacement import template_side

#: CloudFormation's resource schemas come with the extra "review" (cfn-lint).
pytest.importorskip("cfnlint", reason="constructs-lib review needs the extra review (cfn-lint)")

BASIC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def function(**permission: Any) -> dict[str, Any]:
    return {
        "Fn": {"Type": "AWS::Lambda::Function", "Properties": {"Role": "arn"}},
        "Invoke": {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "FunctionName": {"Fn::GetAtt": ["Fn", "Arn"]},
                "Action": "lambda:InvokeFunction",
                "Principal": "s3.amazonaws.com",
                **permission,
            },
        },
    }


def role(trusted: list[str], managed: list[str]) -> dict[str, Any]:
    return {
        "Role": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": trusted},
                            "Action": "sts:AssumeRole",
                        }
                    ]
                },
                "ManagedPolicyArns": managed,
            },
        }
    }


def texts(base: dict[str, Any], head: dict[str, Any]) -> list[tuple[str, str]]:
    review = compare(template_side(base, "BASE"), template_side(head, "HEAD"))
    return [(i.kind, i.text) for i in review.section(PERMISSIONS)]


def test_a_lambda_permission_losing_its_source_arn() -> None:
    scoped = function(SourceArn="arn:aws:s3:::uploads", SourceAccount="123456789012")
    assert texts(scoped, function()) == [
        ("widened", "s3.amazonaws.com may now invoke **Fn** from another account."),
    ]


def test_a_trust_policy_admitting_one_more_service_and_a_managed_policy_attached() -> None:
    before = role(["lambda.amazonaws.com"], [BASIC_EXECUTION])
    after = role(["lambda.amazonaws.com", "ec2.amazonaws.com"], [BASIC_EXECUTION, ADMIN])
    assert sorted(texts(before, after)) == [
        ("widened", "ec2.amazonaws.com may now assume **Role**."),
        ("widened", f"role **Role** now has the managed policy `{ADMIN}`, with all it allows."),
    ]
    assert texts(after, before) == [
        ("narrowed", "ec2.amazonaws.com may no longer assume **Role**."),
        ("narrowed", f"role **Role** no longer has the managed policy `{ADMIN}`."),
    ]


def test_a_policy_known_only_at_deploy_is_not_judged_and_counts_as_widened() -> None:
    def queue(principal: Any) -> dict[str, Any]:
        return {
            "Q": {"Type": "AWS::SQS::Queue"},
            "P": {
                "Type": "AWS::SQS::QueuePolicy",
                "Properties": {
                    "Queues": [{"Ref": "Q"}],
                    "PolicyDocument": {
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"AWS": principal},
                                "Action": "sqs:SendMessage",
                                "Resource": {"Fn::GetAtt": ["Q", "Arn"]},
                            }
                        ]
                    },
                },
            },
        }

    review = compare(
        template_side(queue("123456789012"), "BASE"),
        template_side(queue({"Ref": "Env"}), "HEAD"),
    )
    (item,) = review.section(PERMISSIONS)
    assert item.kind == "not judged"
    assert item.text.startswith("The resource policy of queue **Q** changes, but cannot be judged")
    assert review.failing([GATE_PERMISSIONS_WIDENED]) == [GATE_PERMISSIONS_WIDENED]


def test_a_tls_deny_removed_admits_plain_http() -> None:
    def bucket(deny: bool) -> dict[str, Any]:
        statements = [
            {
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": ["B", "Arn"]}, "/*"]]},
            }
        ]
        if deny:
            statements.append(
                {
                    "Effect": "Deny",
                    "Principal": {"AWS": "*"},
                    "Action": "s3:*",
                    "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": ["B", "Arn"]}, "/*"]]},
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            )
        return {
            "B": {"Type": "AWS::S3::Bucket"},
            "P": {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {"Bucket": {"Ref": "B"}, "PolicyDocument": {"Statement": statements}},
            },
        }

    found = texts(bucket(deny=True), bucket(deny=False))
    assert found == [
        ("widened", "logging.s3.amazonaws.com may now write objects to **B** over plain HTTP.")
    ]
