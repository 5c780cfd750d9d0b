"""Condition values the IAM User Guide treats specially: empty strings, policy variables.

Each case names its page. An empty string is a null value; a policy variable
is replaced by the request's value or, when the request does not carry it,
the evaluator raises: it is never compared as its own text, and a Deny that
uses one never silently stops applying.
"""

from __future__ import annotations

from typing import Any

import pytest

from constructs_lib.policy import Caller, PolicySyntaxError, Request, authorize, evaluate_policy

ACCOUNT = "111122223333"
CARLOS = f"arn:aws:iam::{ACCOUNT}:user/carlossalazar"


def identity(*statements: dict[str, Any], version: str | None = "2012-10-17") -> dict[str, Any]:
    document: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        document["Version"] = version
    return document


def allows(policy: dict[str, Any], request: Request) -> bool:
    return bool(evaluate_policy(policy, request, label="p", kind="identity").allowed_by)


def denies(policy: dict[str, Any], request: Request) -> bool:
    return bool(evaluate_policy(policy, request, label="p", kind="identity").denied_by)


# --- empty strings are null -----------------------------------------------------


def test_null_treats_an_empty_string_as_absent() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html

    "For condition keys that are defined by the user, such as passing tags in a
    request, it is possible to include an empty string. In this case, the value
    in the request context is null."
    """
    policy = identity(
        {
            "Effect": "Allow",
            "Action": "ec2:CreateTags",
            "Resource": "*",
            "Condition": {"Null": {"aws:RequestTag/team": "true"}},
        }
    )
    empty = Request(Caller.user(CARLOS), "ec2:CreateTags", "*", {"aws:RequestTag/team": ""})
    assert allows(policy, empty)


@pytest.mark.parametrize("empty", [[""], ""])
def test_set_operators_treat_an_empty_string_as_a_null_data_set(empty: Any) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html

    ForAllValues "also returns true if there are no keys in the request, or if
    the key values resolve to a null data set, such as an empty string";
    ForAnyValue: "For no matching key or a null dataset, the condition returns false".
    """
    request = Request(Caller.user(CARLOS), "ec2:CreateTags", "*", {"aws:TagKeys": empty})
    for qualifier, expected in (("ForAllValues", True), ("ForAnyValue", False)):
        policy = identity(
            {
                "Effect": "Allow",
                "Action": "ec2:CreateTags",
                "Resource": "*",
                "Condition": {f"{qualifier}:StringNotEquals": {"aws:TagKeys": "x"}},
            }
        )
        assert allows(policy, request) is expected, qualifier


# --- policy variables -------------------------------------------------------------

HOME_FOLDER = identity(
    {
        "Sid": "OwnFolder",
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*",
    }
)


def get(key: str, context: dict[str, Any]) -> Request:
    return Request(
        Caller.user(CARLOS), "s3:GetObject", f"arn:aws:s3:::amzn-s3-demo-bucket/{key}", context
    )


def test_a_variable_in_resource_is_the_requests_value() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-resourceelement

    The page's example: ``.../home/${aws:username}/*`` lets each user into their
    own folder, and no one else's.
    """
    context = {"aws:username": "carlossalazar"}
    assert allows(HOME_FOLDER, get("home/carlossalazar/notes.txt", context))
    assert not allows(HOME_FOLDER, get("home/mary/notes.txt", context))


def test_a_variable_is_never_matched_as_its_own_text() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html

    Without the value in the request the evaluator cannot know what AWS would
    substitute: it raises, rather than compare the text ``${aws:username}``.
    """
    with pytest.raises(PolicySyntaxError, match=r"\$\{aws:username\}"):
        allows(HOME_FOLDER, get("home/${aws:username}/notes.txt", {}))


def test_a_deny_with_a_variable_keeps_applying() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-conditionelement

    "You can use a policy variable for Condition values in any condition that
    involves the string operators or the ARN operators." A Deny of other teams'
    projects (``aws:ResourceTag/team`` not equal to ``${aws:PrincipalTag/team}``)
    denies the other team's project, and cannot be judged (raises) when the
    principal's tag is not in the request: it never quietly stops applying.
    """
    deny_other_teams = identity(
        {
            "Sid": "OtherTeams",
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}},
        }
    )
    other = get("p", {"aws:ResourceTag/team": "blue", "aws:PrincipalTag/team": "red"})
    own = get("p", {"aws:ResourceTag/team": "red", "aws:PrincipalTag/team": "red"})
    assert denies(deny_other_teams, other)
    assert not denies(deny_other_teams, own)
    with pytest.raises(PolicySyntaxError, match="aws:PrincipalTag/team"):
        denies(deny_other_teams, get("p", {"aws:ResourceTag/team": "blue"}))
    decision_owner = Request(
        Caller.user(CARLOS), "s3:GetObject", "arn:aws:s3:::b/k", {"aws:ResourceTag/team": "blue"}
    )
    with pytest.raises(PolicySyntaxError):
        authorize(
            decision_owner, identity_policies=[("p", deny_other_teams)], resource_account=ACCOUNT
        )


def test_a_deny_whose_resource_uses_a_variable_applies_to_that_resource() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-resourceelement

    A Deny of the principal's own team quarantine folder, beside an Allow of
    the whole bucket: read as text, the Resource never matches and the Deny
    fails open.
    """
    policy = identity(
        {"Sid": "Bucket", "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"},
        {
            "Sid": "Quarantine",
            "Effect": "Deny",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/quarantine/${aws:PrincipalTag/team}/*",
        },
    )
    request = Request(
        Caller.user(CARLOS),
        "s3:GetObject",
        "arn:aws:s3:::b/quarantine/red/x",
        {"aws:PrincipalTag/team": "red"},
    )
    decision = authorize(request, identity_policies=[("p", policy)], resource_account=ACCOUNT)
    assert decision.explicit_deny and decision.statement == "Quarantine", decision.reason


def test_a_variable_takes_its_default_when_the_key_is_absent() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-default-values

    "To add a default value to a variable, surround the default value with
    single quotes (' '), and separate the variable text and the default value
    with a comma and space (, )."
    """
    policy = identity(
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": (
                "arn:aws:s3:::amzn-s3-demo-bucket-${aws:PrincipalTag/team, 'company-wide'}/*"
            ),
        }
    )

    def bucket(name: str, context: dict[str, Any]) -> Request:
        return Request(Caller.user(CARLOS), "s3:GetObject", f"arn:aws:s3:::{name}/k", context)

    assert allows(policy, bucket("amzn-s3-demo-bucket-company-wide", {}))
    assert allows(policy, bucket("amzn-s3-demo-bucket-yellow", {"aws:PrincipalTag/team": "yellow"}))
    assert not allows(policy, bucket("amzn-s3-demo-bucket-yellow", {}))


def test_special_character_variables_are_literal_characters() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-specialchars

    ``${*}``, ``${?}`` and ``${$}`` stand for the characters themselves, not wildcards.
    """
    policy = identity(
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/${*}${?}${$}",
        }
    )
    assert allows(policy, get("*?$", {}))
    assert not allows(policy, get("abc", {}))


def test_variables_need_the_2012_version_otherwise_aws_reads_them_as_text() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html

    "If you don't include the Version element and set it to an appropriate
    version date, variables like ${aws:username} are treated as literal
    strings in the policy." That is almost never meant: refused.
    """
    old = identity(*HOME_FOLDER["Statement"], version=None)
    with pytest.raises(PolicySyntaxError, match="2012-10-17"):
        allows(old, get("home/carlossalazar/x", {"aws:username": "carlossalazar"}))


def test_variables_are_refused_where_aws_does_not_substitute_them() -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-conditionelement

    "You can't use a policy variable with other operators, such as Numeric,
    Date, Boolean, Binary, IP Address, or Null operators."
    """
    policy = identity(
        {
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": "*",
            "Condition": {"NumericLessThan": {"s3:max-keys": "${aws:PrincipalTag/n}"}},
        }
    )
    request = Request(
        Caller.user(CARLOS), "s3:ListBucket", "*", {"s3:max-keys": "5", "aws:PrincipalTag/n": "10"}
    )
    with pytest.raises(PolicySyntaxError, match="NumericLessThan"):
        allows(policy, request)
