"""Who a statement names: NotPrincipal, the root user, role sessions, trust policies.

Each case comes from the IAM User Guide page its docstring names; the
evaluator must agree with the page, and where AWS says a result "might"
happen (NotPrincipal's account check), a Deny keeps applying.
"""

from __future__ import annotations

from typing import Any

import pytest

from constructs_lib.policy import Caller, CallerKind, PolicySyntaxError, Request, authorize

BOB_ACCOUNT = "444455556666"
OWNER = "111122223333"
BOB = f"arn:aws:iam::{BOB_ACCOUNT}:user/Bob"
ALICE = f"arn:aws:iam::{BOB_ACCOUNT}:user/Alice"
BUCKET = "arn:aws:s3:::BUCKETNAME"
OBJECT = f"{BUCKET}/report.csv"

#: The NotPrincipal page's own example ("IAM user in the same or a different account").
DENY_ALL_BUT_BOB: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "DenyAllButBob",
            "Effect": "Deny",
            "NotPrincipal": {"AWS": [BOB, f"arn:aws:iam::{BOB_ACCOUNT}:root"]},
            "Action": "s3:*",
            "Resource": [BUCKET, f"{BUCKET}/*"],
        },
        {
            "Sid": "AllowTheAccount",
            "Effect": "Allow",
            "Principal": {"AWS": BOB_ACCOUNT},
            "Action": "s3:GetObject",
            "Resource": f"{BUCKET}/*",
        },
    ],
}
READ_ANY_OBJECT = [
    (
        "identity policy",
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
        },
    )
]


def get_object(caller: Caller, policy: Any = DENY_ALL_BUT_BOB, **kwargs: Any) -> Any:
    return authorize(
        Request(caller, "s3:GetObject", OBJECT),
        resource_policy=policy,
        resource_label="bucket policy",
        resource_account=OWNER,
        **kwargs,
    )


def test_not_principal_with_the_account_arn_denies_everyone_else_of_that_account() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html

    "all principals except the user named Bob in AWS account 444455556666 are
    explicitly denied access to a resource". Listing the account ARN beside Bob
    (the pattern the page recommends) does not exempt Alice, Bob's colleague.
    """
    alice = get_object(Caller.user(ALICE), identity_policies=READ_ANY_OBJECT)
    assert not alice.allowed
    assert alice.explicit_deny and alice.statement == "DenyAllButBob"
    bob = get_object(Caller.user(BOB), identity_policies=READ_ANY_OBJECT)
    assert bob.allowed, bob.reason


def test_not_principal_naming_only_the_user_keeps_denying_when_aws_might() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html

    "If the NotPrincipal element contained only Bob's ARN, the effect of the
    policy might be to explicitly deny access to the AWS account that contains
    the user Bob": AWS "might validate the account first and then the user".
    Where AWS might deny, a Deny keeps applying here (it never fails open).
    """
    only_bob = {
        "Version": "2012-10-17",
        "Statement": [
            DENY_ALL_BUT_BOB["Statement"][0] | {"NotPrincipal": {"AWS": BOB}},
            DENY_ALL_BUT_BOB["Statement"][1],
        ],
    }
    assert get_object(Caller.user(BOB), only_bob, identity_policies=READ_ANY_OBJECT).explicit_deny


def test_not_principal_exempts_a_role_session_only_with_its_session_role_and_account() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html

    The page's second example lists the assumed-role session, the role and the
    account: then only that session is exempt. A second session of the same
    role is denied.
    """
    role = f"arn:aws:iam::{BOB_ACCOUNT}:role/cross-account-read-only-role"
    session = (
        f"arn:aws:sts::{BOB_ACCOUNT}:assumed-role/cross-account-read-only-role/"
        "cross-account-audit-app"
    )
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            DENY_ALL_BUT_BOB["Statement"][0]
            | {"NotPrincipal": {"AWS": [session, role, f"arn:aws:iam::{BOB_ACCOUNT}:root"]}},
            {
                "Effect": "Allow",
                "Principal": {"AWS": role},
                "Action": "s3:GetObject",
                "Resource": f"{BUCKET}/*",
            },
        ],
    }
    # across accounts the session's own (its role's) identity policy must allow too
    allowed = get_object(Caller.session(session), policy, identity_policies=READ_ANY_OBJECT)
    assert allowed.allowed, allowed.reason
    other = f"arn:aws:sts::{BOB_ACCOUNT}:assumed-role/cross-account-read-only-role/someone"
    denied = get_object(Caller.session(other), policy, identity_policies=READ_ANY_OBJECT)
    assert denied.explicit_deny


def test_the_root_user_has_full_access_in_its_own_account_unless_denied() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html

    "By default, all requests are implicitly denied with the exception of the
    AWS account root user, which has full access." An explicit deny still wins.
    """
    no_policy = authorize(
        Request(Caller.root(OWNER), "s3:GetObject", OBJECT), resource_account=OWNER
    )
    assert no_policy.allowed, no_policy.reason
    deny = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "NoOne", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}
        ],
    }
    assert get_object(Caller.root(OWNER), deny).explicit_deny


def test_a_resource_policy_naming_another_account_allows_that_accounts_root() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts

    "You can specify AWS account identifiers in the Principal element of a
    resource-based policy ... This delegates authority to the account." The
    root user of that account has full access in it, so it needs no identity
    policy; a user of that account does.
    """
    root = get_object(Caller.root(BOB_ACCOUNT), DENY_ALL_BUT_BOB)
    assert root.allowed, root.reason
    assert root.statement == "AllowTheAccount"
    assert not get_object(Caller.user(BOB), DENY_ALL_BUT_BOB).allowed  # no identity policy


def test_key_and_trust_policies_bind_the_root_user_too() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html

    "IAM role trust policies and KMS key policies are exceptions to this logic,
    because they must explicitly allow access for principals": a key policy
    without the root statement refuses the account's root.
    """
    key = f"arn:aws:kms:us-east-1:{OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    sns_only = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }
    decision = authorize(
        Request(Caller.root(OWNER), "kms:Decrypt", key),
        resource_policy=sns_only,
        resource_account=OWNER,
    )
    assert not decision.allowed


ROLE = f"arn:aws:iam::{OWNER}:role/deployer"
ALLOW_ASSUME_IN_IDENTITY = [
    (
        "identity policy of Alice",
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": ROLE}],
        },
    )
]


def test_a_trust_policy_must_itself_allow_an_identity_allow_is_not_enough() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html

    "For most resources, you only need an explicit allow for the principal in
    either an identity-based policy or a resource-based policy to grant access.
    IAM role trust policies and KMS key policies are exceptions to this logic,
    because they must explicitly allow access for principals." A same-account
    user whose identity policy allows sts:AssumeRole cannot assume a role whose
    trust policy names only EC2.
    """
    alice = Caller.user(f"arn:aws:iam::{OWNER}:user/Alice")
    ec2_only = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    decision = authorize(
        Request(alice, "sts:AssumeRole", ROLE),
        resource_policy=ec2_only,
        resource_label="trust policy of role deployer",
        resource_account=OWNER,
        identity_policies=ALLOW_ASSUME_IN_IDENTITY,
    )
    assert not decision.allowed, decision.reason
    trusting_the_account = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{OWNER}:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    assert authorize(
        Request(alice, "sts:AssumeRole", ROLE),
        resource_policy=trusting_the_account,
        resource_account=OWNER,
        identity_policies=ALLOW_ASSUME_IN_IDENTITY,
    ).allowed


def test_a_resource_policy_naming_a_role_applies_to_its_sessions() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html

    "IAM role - Resource-based policies that grant permissions to an IAM role
    ARN are limited by an implicit deny in a permissions boundary or session
    policy": they apply to the role's sessions
    (``arn:aws:sts::<account>:assumed-role/<name>/<session>``), whatever the
    role's path.
    """
    role = f"arn:aws:iam::{BOB_ACCOUNT}:role/team/reader"
    allow_role = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": role},
                "Action": "s3:GetObject",
                "Resource": "*",
            }
        ],
    }
    session = Caller.session(f"arn:aws:sts::{BOB_ACCOUNT}:assumed-role/reader/job-42")
    assert session.kind is CallerKind.SESSION
    assert session.account == BOB_ACCOUNT
    decision = get_object(session, allow_role, identity_policies=READ_ANY_OBJECT)
    assert decision.allowed, decision.reason
    other_role = Caller.session(f"arn:aws:sts::{BOB_ACCOUNT}:assumed-role/writer/job-42")
    assert not get_object(other_role, allow_role, identity_policies=READ_ANY_OBJECT).allowed


def test_a_session_arn_is_not_taken_for_a_role() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-role-session

    A role session principal is not the role: `Caller.role` refuses an
    ``assumed-role`` ARN instead of comparing it as a role's.
    """
    with pytest.raises(PolicySyntaxError, match=r"Caller\.session"):
        Caller.role(f"arn:aws:sts::{BOB_ACCOUNT}:assumed-role/reader/job-42")
