"""The policy evaluator against the examples of AWS's IAM User Guide.

Each case names the page it comes from; where the guide gives a request
context table, the rows are the parameters.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from constructs_lib.policy import (
    Caller,
    PolicySyntaxError,
    Request,
    authorize,
    evaluate_policy,
    resolve_intrinsics,
)

ACCOUNT = "111122223333"
OTHER = "444455556666"
CARLOS = f"arn:aws:iam::{ACCOUNT}:user/carlossalazar"


def allow(**statement: Any) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", **statement}]}


# --- "Policy evaluation for requests within a single account" ------------------

CARLOS_IDENTITY_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "AllowS3ListRead",
            "Effect": "Allow",
            "Action": [
                "s3:GetBucketLocation",
                "s3:GetAccountPublicAccessBlock",
                "s3:ListAccessPoints",
                "s3:ListAllMyBuckets",
            ],
            "Resource": "arn:aws:s3:::*",
        },
        {
            "Sid": "AllowS3Self",
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": [
                "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar/*",
                "arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar",
            ],
        },
        {"Sid": "DenyS3Logs", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::*log*"},
    ],
}
LOGS_BUCKET_POLICY = allow(
    Sid="AllowCarlosToPut",
    Principal={"AWS": CARLOS},
    Action="s3:PutObject",
    Resource="arn:aws:s3:::amzn-s3-demo-bucket-carlossalazar-logs/*",
)


def carlos_puts(bucket: str) -> Any:
    return authorize(
        Request(Caller.user(CARLOS), "s3:PutObject", f"arn:aws:s3:::{bucket}/report.txt"),
        resource_policy=LOGS_BUCKET_POLICY,
        resource_label=f"bucket policy of {bucket}",
        resource_account=ACCOUNT,
        identity_policies=[("policy of carlossalazar", CARLOS_IDENTITY_POLICY)],
    )


def test_guide_example_explicit_deny_in_identity_policy_overrides_bucket_allow() -> None:
    decision = carlos_puts("amzn-s3-demo-bucket-carlossalazar-logs")
    assert not decision.allowed
    assert decision.explicit_deny
    assert (decision.policy, decision.statement) == ("policy of carlossalazar", "DenyS3Logs")
    assert decision.reason == "denied by statement DenyS3Logs of policy of carlossalazar"


def test_guide_example_identity_allow_alone_suffices_in_one_account() -> None:
    decision = carlos_puts("amzn-s3-demo-bucket-carlossalazar")
    assert decision.allowed
    assert decision.statement == "AllowS3Self"


def test_no_statement_allows_is_an_implicit_deny_naming_the_request() -> None:
    decision = carlos_puts("someone-elses-bucket")
    assert not decision.allowed and not decision.explicit_deny
    assert decision.reason.startswith("no statement of bucket policy of someone-elses-bucket or ")
    assert "s3:PutObject on arn:aws:s3:::someone-elses-bucket/report.txt" in decision.reason


def test_cross_account_needs_both_the_resource_and_the_identity_policy() -> None:
    bob = f"arn:aws:iam::{OTHER}:role/bob"
    request = Request(Caller.role(bob), "sqs:SendMessage", f"arn:aws:sqs:us-east-1:{ACCOUNT}:q")
    identity = [("bob's policy", allow(Action="sqs:SendMessage", Resource="*"))]
    queue_allows_bob = allow(Principal={"AWS": bob}, Action="sqs:SendMessage", Resource="*")
    queue_allows_other_account = allow(Principal={"AWS": OTHER}, Action="sqs:*", Resource="*")
    assert not authorize(request, resource_account=ACCOUNT, identity_policies=identity)
    assert not authorize(request, resource_policy=queue_allows_bob, resource_account=ACCOUNT)
    assert authorize(
        request,
        resource_policy=queue_allows_bob,
        resource_account=ACCOUNT,
        identity_policies=identity,
    )
    # naming the account delegates to its identity policies
    assert authorize(
        request,
        resource_policy=queue_allows_other_account,
        resource_account=ACCOUNT,
        identity_policies=identity,
    )
    assert not authorize(
        request, resource_policy=queue_allows_other_account, resource_account=ACCOUNT
    )


# --- "Conditions with multiple context keys or values" ------------------------

MULTI_KEY_POLICY = allow(
    Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
    Action="s3:GetObject",
    Resource="arn:aws:s3:::amzn-s3-demo-bucket/*",
    Condition={
        "StringEquals": {
            "aws:PrincipalTag/department": ["finance", "hr", "legal"],
            "aws:PrincipalTag/role": ["audit", "security"],
        },
        "ArnLike": {
            "aws:PrincipalArn": [
                f"arn:aws:iam::{ACCOUNT}:user/Ana",
                f"arn:aws:iam::{ACCOUNT}:user/Mary",
            ]
        },
    },
)


@pytest.mark.parametrize(
    ("context", "holds"),
    [
        ({"aws:PrincipalTag/department": "hr", "aws:PrincipalTag/role": "audit",
          "aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:user/Mary"}, True),
        ({"aws:PrincipalTag/department": "hr", "aws:PrincipalTag/role": "audit",
          "aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:user/Nikhil"}, False),
        ({"aws:PrincipalTag/department": "hr",
          "aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:user/Mary"}, False),
        ({"aws:PrincipalTag/department": "engineering", "aws:PrincipalTag/role": "audit",
          "aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:user/Ana"}, False),
    ],
)  # fmt: skip
def test_guide_example_keys_are_anded_values_ored(context: dict[str, str], holds: bool) -> None:
    request = Request(
        Caller.root(ACCOUNT), "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/x", context
    )
    result = evaluate_policy(MULTI_KEY_POLICY, request, label="bucket policy")
    assert bool(result.allowed_by) is holds


@pytest.mark.parametrize(
    ("department", "holds"),
    [("legal", True), ("finance", False), ("hr", False), (None, True)],
)
def test_guide_example_negated_operator_is_a_nor_and_true_without_the_key(
    department: str | None, holds: bool
) -> None:
    policy = allow(
        Action="s3:GetObject",
        Resource="*",
        Condition={"StringNotEquals": {"aws:PrincipalTag/department": ["finance", "hr"]}},
    )
    context = {} if department is None else {"aws:PrincipalTag/department": department}
    request = Request(Caller.user(CARLOS), "s3:GetObject", "arn:aws:s3:::b/k", context)
    assert bool(evaluate_policy(policy, request, label="p", kind="identity").allowed_by) is holds


@pytest.mark.parametrize(
    ("tag_keys", "for_all", "for_any"),
    [
        (["environment"], True, True),
        (["environment", "cost-center"], True, True),
        (["environment", "department"], False, True),
        (["department"], False, False),
        (None, True, False),  # the guide's warning: ForAllValues holds for no key at all
    ],
)
def test_guide_example_set_operators(
    tag_keys: list[str] | None, for_all: bool, for_any: bool
) -> None:
    context = {} if tag_keys is None else {"aws:TagKeys": tag_keys}
    request = Request(Caller.user(CARLOS), "ec2:CreateTags", "*", context)
    for qualifier, expected in (("ForAllValues", for_all), ("ForAnyValue", for_any)):
        policy = allow(
            Action="ec2:CreateTags",
            Resource="*",
            Condition={
                f"{qualifier}:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]}
            },
        )
        result = evaluate_policy(policy, request, label="p", kind="identity")
        assert bool(result.allowed_by) is expected, qualifier


@pytest.mark.parametrize(
    ("instance_type", "holds"), [(None, True), ("t2.micro", True), ("m5.large", False)]
)
def test_guide_example_if_exists(instance_type: str | None, holds: bool) -> None:
    policy = allow(
        Action="ec2:RunInstances",
        Resource="*",
        Condition={"StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}},
    )
    context = {} if instance_type is None else {"ec2:InstanceType": instance_type}
    request = Request(Caller.user(CARLOS), "ec2:RunInstances", "*", context)
    assert bool(evaluate_policy(policy, request, label="p", kind="identity").allowed_by) is holds


@pytest.mark.parametrize(("present", "holds"), [(False, True), (True, False)])
def test_guide_example_null_checks_that_a_key_is_absent(present: bool, holds: bool) -> None:
    policy = allow(Action="*", Resource="*", Condition={"Null": {"aws:TokenIssueTime": "true"}})
    context = {"aws:TokenIssueTime": "2026-01-01T00:00:00Z"} if present else {}
    request = Request(Caller.user(CARLOS), "s3:GetObject", "*", context)
    assert bool(evaluate_policy(policy, request, label="p", kind="identity").allowed_by) is holds


def test_numeric_operators() -> None:
    policy = allow(
        Action="s3:ListBucket",
        Resource="*",
        Condition={"NumericLessThanEquals": {"s3:max-keys": "10"}},
    )
    for keys, holds in (("10", True), ("11", False), ("ten", False)):
        request = Request(Caller.user(CARLOS), "s3:ListBucket", "*", {"s3:max-keys": keys})
        assert (
            bool(evaluate_policy(policy, request, label="p", kind="identity").allowed_by) is holds
        )


# --- The service deliveries the library wires ---------------------------------

QUEUE = f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders"
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:orders"
TLS_DENY = {
    "Sid": "DenyInsecureTransport",
    "Effect": "Deny",
    "Principal": {"AWS": "*"},
    "Action": "sqs:*",
    "Resource": QUEUE,
    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
}


def sns_delivery(context: dict[str, Any] | None = None) -> Request:
    base = {"aws:SourceArn": TOPIC, "aws:SourceAccount": ACCOUNT, "aws:SecureTransport": True}
    return Request(Caller.service("sns.amazonaws.com"), "sqs:SendMessage", QUEUE, context or base)


def queue_policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [TLS_DENY, *statements]})


SNS_ALLOW = {
    "Effect": "Allow",
    "Principal": {"Service": "sns.amazonaws.com"},
    "Action": "sqs:SendMessage",
    "Resource": QUEUE,
    "Condition": {"ArnEquals": {"aws:SourceArn": TOPIC}},
}


def test_sns_allowed_by_the_statement_aws_cdk_writes_and_not_denied_over_tls() -> None:
    decision = authorize(
        sns_delivery(), resource_policy=queue_policy(SNS_ALLOW), resource_account=ACCOUNT
    )
    assert decision.allowed and decision.statement == "#2"


def test_plain_http_is_denied_by_the_tls_statement() -> None:
    request = sns_delivery({"aws:SourceArn": TOPIC, "aws:SecureTransport": False})
    decision = authorize(request, resource_policy=queue_policy(SNS_ALLOW), resource_account=ACCOUNT)
    assert decision.explicit_deny and decision.statement == "DenyInsecureTransport"


def test_a_queue_policy_without_the_sns_allow_denies_sns() -> None:
    decision = authorize(
        sns_delivery(),
        resource_policy=queue_policy(),
        resource_label=f"queue policy of {QUEUE}",
        resource_account=ACCOUNT,
    )
    assert not decision.allowed
    assert decision.reason.startswith(
        f"no statement of queue policy of {QUEUE} allows sns.amazonaws.com sqs:SendMessage"
    )


def test_another_topic_does_not_match_the_source_arn_condition() -> None:
    other = sns_delivery({"aws:SourceArn": TOPIC + "-other", "aws:SecureTransport": True})
    assert not authorize(other, resource_policy=queue_policy(SNS_ALLOW), resource_account=ACCOUNT)


def test_old_style_everyone_principal_with_source_arn_lets_the_service_in() -> None:
    # The SNS guide's former queue policy: "AWS": "*" scoped by aws:SourceArn.
    statement = SNS_ALLOW | {"Principal": {"AWS": "*"}}
    assert authorize(
        sns_delivery(), resource_policy=queue_policy(statement), resource_account=ACCOUNT
    )


def test_sns_default_topic_policy_lets_the_owner_accounts_services_publish() -> None:
    # SNS's default policy: "AWS": "*" with AWS:SourceOwner (key names are case-insensitive)
    default = allow(
        Principal={"AWS": "*"},
        Action=["SNS:Publish", "SNS:Subscribe"],
        Resource=TOPIC,
        Condition={"StringEquals": {"AWS:SourceOwner": ACCOUNT}},
    )
    alarm = f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:Backlog"
    context = {"aws:SourceArn": alarm, "aws:SourceAccount": ACCOUNT, "aws:SourceOwner": ACCOUNT}
    request = Request(Caller.service("cloudwatch.amazonaws.com"), "sns:Publish", TOPIC, context)
    assert authorize(request, resource_policy=default, resource_account=ACCOUNT)


# --- KMS key policies ---------------------------------------------------------

KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
ROOT_STATEMENT = {
    "Sid": "Enable IAM User Permissions",
    "Effect": "Allow",
    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
    "Action": "kms:*",
    "Resource": "*",
}
#: The policy of the AWS-managed key alias/aws/sqs (cannot be changed).
AWS_SQS_KEY_POLICY = {
    "Version": "2012-10-17",
    "Id": "auto-sqs-2",
    "Statement": [
        {
            "Sid": "Allow access through Simple Queue Service (SQS) for all principals in the "
            "account that are authorized to use SQS",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": [
                "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*",
                "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey",
            ],
            "Resource": "*",
            "Condition": {
                "StringEquals": {
                    "kms:CallerAccount": ACCOUNT,
                    "kms:ViaService": "sqs.us-east-1.amazonaws.com",
                }
            },
        }
    ],
}  # fmt: skip


def test_a_role_uses_a_key_only_when_the_key_policy_delegates_to_the_account() -> None:
    role = Caller.role(f"arn:aws:iam::{ACCOUNT}:role/scheduler")
    request = Request(role, "kms:GenerateDataKey", KEY)
    identity = [("role policy", allow(Action="kms:GenerateDataKey", Resource=KEY))]
    with_root = {"Statement": [ROOT_STATEMENT]}
    without_root = allow(Principal={"Service": "sns.amazonaws.com"}, Action="kms:*", Resource="*")
    assert authorize(
        request,
        resource_policy=with_root,
        identity_policies=identity,
        identity_needs_delegation=True,
    )
    refused = authorize(
        request,
        resource_policy=without_root,
        resource_label="key policy",
        identity_policies=identity,
        identity_needs_delegation=True,
    )
    assert not refused
    assert (
        "role policy allows it, but key policy does not allow or delegate to the account"
        in refused.reason
    )


def test_the_aws_managed_sqs_key_refuses_service_principals_and_serves_account_roles() -> None:
    kms_context = {
        "kms:CallerAccount": "000000000000",
        "kms:ViaService": "sqs.us-east-1.amazonaws.com",
    }
    service = Request(Caller.service("sns.amazonaws.com"), "kms:GenerateDataKey", KEY, kms_context)
    assert not authorize(service, resource_policy=AWS_SQS_KEY_POLICY)
    role = Caller.role(f"arn:aws:iam::{ACCOUNT}:role/worker")
    own = Request(role, "kms:Decrypt", KEY, kms_context | {"kms:CallerAccount": ACCOUNT})
    assert authorize(own, resource_policy=AWS_SQS_KEY_POLICY, identity_needs_delegation=True)


# --- element rules ------------------------------------------------------------


def test_actions_are_case_insensitive_and_resources_case_sensitive() -> None:
    policy = allow(Action="SQS:sendmessage", Resource=f"arn:aws:sqs:*:{ACCOUNT}:Orders*")
    request = Request(
        Caller.user(CARLOS), "sqs:SendMessage", f"arn:aws:sqs:us-east-1:{ACCOUNT}:Orders-1"
    )
    assert evaluate_policy(policy, request, label="p", kind="identity").allowed_by
    lower = Request(
        Caller.user(CARLOS), "sqs:SendMessage", f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders-1"
    )
    assert not evaluate_policy(policy, lower, label="p", kind="identity").allowed_by


def test_a_star_inside_a_resource_segment_stays_in_it() -> None:
    policy = allow(Action="sqs:*", Resource=f"arn:aws:sqs:us-*-1:{ACCOUNT}:q")
    inside = Request(Caller.user(CARLOS), "sqs:SendMessage", f"arn:aws:sqs:us-east-1:{ACCOUNT}:q")
    assert evaluate_policy(policy, inside, label="p", kind="identity").allowed_by


def test_not_principal_not_action_not_resource() -> None:
    deny_everyone_else = {
        "Statement": [
            {
                "Effect": "Deny",
                "NotPrincipal": {"Service": "sns.amazonaws.com"},
                "NotAction": "sqs:GetQueueAttributes",
                "NotResource": f"arn:aws:sqs:us-east-1:{ACCOUNT}:public",
            }
        ]
    }
    sns = sns_delivery()
    someone = Request(Caller.user(CARLOS), "sqs:SendMessage", QUEUE)
    reading = Request(Caller.user(CARLOS), "sqs:GetQueueAttributes", QUEUE)
    assert not evaluate_policy(deny_everyone_else, sns, label="p").denied_by
    assert evaluate_policy(deny_everyone_else, someone, label="p").denied_by
    assert not evaluate_policy(deny_everyone_else, reading, label="p").denied_by


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ({"Condition": {"StringEqualsMaybe": {"aws:SourceArn": TOPIC}}},
         "unknown condition operator 'StringEqualsMaybe'"),
        ({"Condition": {"DateGreaterThan": {"aws:CurrentTime": "2020-01-01"}}},
         "unknown condition operator 'DateGreaterThan'"),
        ({"Condition": {"ForAnyValue:Null": {"aws:TagKeys": "true"}}},
         "ForAnyValue:Null is not a valid operator"),
        ({"Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/*"}},
         "a wildcard in an AWS principal"),
        ({"Resource": {"Fn::GetAtt": ["Queue", "Arn"]}}, "resolve CloudFormation intrinsics"),
        ({"Effect": "Permit"}, "Effect must be Allow or Deny"),
    ],
)  # fmt: skip
def test_what_it_cannot_judge_is_an_error_never_an_allow(
    statement: dict[str, Any], message: str
) -> None:
    base = {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*"}
    with pytest.raises(PolicySyntaxError, match=message.replace("*", r"\*")):
        evaluate_policy({"Statement": [base | statement]}, sns_delivery(), label="p")


def test_a_resource_policy_statement_needs_a_principal() -> None:
    with pytest.raises(PolicySyntaxError, match="needs Principal"):
        evaluate_policy(allow(Action="sqs:*", Resource="*"), sns_delivery(), label="p")


def test_intrinsics_are_resolved_through_the_seam_before_evaluation() -> None:
    template_policy = queue_policy(
        SNS_ALLOW
        | {
            "Resource": {"Fn::GetAtt": ["Orders", "Arn"]},
            "Condition": {"ArnEquals": {"aws:SourceArn": {"Ref": "OrdersTopic"}}},
        }
    )
    physical = {"Orders": QUEUE, "OrdersTopic": TOPIC}

    def resolver(intrinsic: Any) -> str:
        ((function, argument),) = intrinsic.items()
        return physical[argument[0] if function == "Fn::GetAtt" else argument]

    document = resolve_intrinsics(json.loads(template_policy), resolver)
    assert authorize(sns_delivery(), resource_policy=document, resource_account=ACCOUNT)
    joined = resolve_intrinsics({"Fn::Join": ["", ["arn:aws:sqs:", {"Ref": "Orders"}]]}, resolver)
    assert joined == f"arn:aws:sqs:{QUEUE}"
