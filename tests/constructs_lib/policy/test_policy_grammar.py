"""Policies AWS refuses to store are refused here too, with `PolicySyntaxError`.

IAM validates a policy's grammar when it is saved (IAM User Guide, "IAM JSON
policy element reference" and "Grammar of the IAM JSON policy language"); a
policy it would refuse must not be judged as if it held.
"""

from __future__ import annotations

from typing import Any

import pytest

from constructs_lib.policy import Caller, PolicySyntaxError, Request, evaluate_policy

ACCOUNT = "111122223333"
USER = Caller.user(f"arn:aws:iam::{ACCOUNT}:user/carlossalazar")
REQUEST = Request(USER, "sqs:SendMessage", f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders")
BASE = {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}


def judge(statement: dict[str, Any], kind: str) -> Any:
    document = {"Version": "2012-10-17", "Statement": [statement]}
    return evaluate_policy(document, REQUEST, label="p", kind=kind)


@pytest.mark.parametrize(
    ("statement", "kind", "message"),
    [
        # "IAM JSON policy elements: NotAction": a statement has Action or NotAction
        (BASE | {"NotAction": "sqs:DeleteQueue"}, "identity", "both Action and NotAction"),
        (
            BASE | {"NotResource": "arn:aws:sqs:*:*:other"},
            "identity",
            "both Resource and NotResource",
        ),
        # "IAM JSON policy elements: Resource": identity statements must include one
        (
            {"Effect": "Allow", "Action": "sqs:SendMessage"},
            "identity",
            "an identity policy statement needs Resource or NotResource",
        ),
        # "IAM JSON policy elements: Principal": "You cannot use the Principal
        # element in an identity-based policy"
        (BASE | {"Principal": {"AWS": ACCOUNT}}, "identity", "Principal in an identity policy"),
        (
            BASE | {"NotPrincipal": {"AWS": ACCOUNT}},
            "identity",
            "NotPrincipal in an identity policy",
        ),
        (
            BASE | {"Principal": "*", "NotPrincipal": {"AWS": ACCOUNT}},
            "resource",
            "both Principal and NotPrincipal",
        ),
    ],
)
def test_statements_aws_refuses_raise(statement: dict[str, Any], kind: str, message: str) -> None:
    """https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html,
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html,
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html

    The Resource page: "Statements must include either a Resource or a
    NotResource element" (identity policies); the Principal page: "You cannot
    use the Principal element in an identity-based policy". The grammar page
    gives each pair (Action/NotAction, Resource/NotResource,
    Principal/NotPrincipal) as a choice of one.
    """
    with pytest.raises(PolicySyntaxError, match=message):
        judge(statement, kind)
