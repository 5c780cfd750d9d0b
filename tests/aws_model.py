"""Small models of what AWS does where moto does not: for tests only.

moto stores queue and key policies but never evaluates them, and it names
CloudFormation-created buckets its own way. These models let a test ask the
questions AWS would answer, written from AWS's documentation and from names
CloudFormation really generated, independently of the library's own code:

- `conditions_admit`: does a policy statement's ``Condition`` block admit a
  request context (IAM's ARN and string condition operators)?
- `cloudformation_bucket_name`: the name CloudFormation gives an
  ``AWS::S3::Bucket`` without ``BucketName``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

#: S3's bucket-name limit and CloudFormation's random tail for a generated name
#: ("MyStack-MyBucket-abcdefghijk1" in the CloudFormation user guide's
#: "Name type"; twelve characters in every generated name observed).
BUCKET_NAME_MAX_LENGTH = 63
GENERATED_TAIL_LENGTH = 12

#: Names CloudFormation generated for unnamed buckets: (stack name, logical id,
#: the name). The truncated one is from KensioSoftware/yulin#1113 (a real
#: deployment: 25 characters of the stack name, 24 of the logical id, the tail);
#: its logical id is cut in the name, so the full id here is an assumption
#: about the hidden part (a CDK id: readable part + 8 hex digits).
OBSERVED_GENERATED_NAMES: tuple[tuple[str, str, str], ...] = (
    # CloudFormation user guide, "Name type" (upper case as printed there)
    ("MyStack", "MyBucket", "mystack-mybucket-abcdefghijk1"),
    # zenn.dev/mjxo (cdk deploy of an s3.Bucket and an s3.CfnBucket)
    ("TestStack", "Bucket12520700A", "teststack-bucket12520700a-iobo3sn7tqqq"),
    ("TestStack", "Bucket3", "teststack-bucket3-lspo0pgif1o1"),
    # KensioSoftware/yulin#1113
    (
        "ChineseboostAnalyticsStack",
        "RainlyticsLogsBucket8DF4A1B2",
        "chineseboostanalyticsstac-rainlyticslogsbucket8df4-hdst4ohfvdif",
    ),
)


def cloudformation_bucket_name(stack_name: str, logical_id: str, tail: str) -> str:
    """``<stack name>-<logical id>-<tail>``, lower-cased, at most 63 characters.

    When the two parts do not fit beside the tail, CloudFormation keeps the tail
    and a hyphen (13 characters) and shares the rest (less one hyphen) between
    them, the stack name rounding up, each part taking what the other leaves.
    AWS does not document the rule; it reproduces every name above.
    """
    room = BUCKET_NAME_MAX_LENGTH - len(tail) - 2  # the two hyphens
    stack, lid = stack_name, logical_id
    if len(stack) + len(lid) > room:
        stack_share = (room + 1) // 2
        lid_share = room - stack_share
        if len(stack) < stack_share:
            lid_share = room - len(stack)
        elif len(lid) < lid_share:
            stack_share = room - len(lid)
        stack, lid = stack[:stack_share], lid[:lid_share]
    return f"{stack}-{lid}-{tail}".lower()


def moto_bucket_name(stack_name: str, logical_id: str, tail: str) -> str:
    """The name moto 5.2.5 gives instead: it cuts the stack name only."""
    right = f"-{logical_id}-{tail}"
    return f"{stack_name[: BUCKET_NAME_MAX_LENGTH - len(right)]}{right}".lower()


# --- IAM condition evaluation -------------------------------------------------


def _wildcard(pattern: str) -> re.Pattern[str]:
    """IAM's ``*`` (any run of characters) and ``?`` (one character)."""
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), re.DOTALL)


def arn_like(pattern: str, arn: str) -> bool:
    """IAM's ``ArnLike`` (and ``ArnEquals``, which IAM evaluates the same way).

    "Case-sensitive matching of the ARN. Each of the six colon-delimited
    components of the ARN is checked separately and each can include
    multi-character match wildcards (*) or single-character match wildcards
    (?)" (IAM user guide, condition operators). The sixth component, the
    resource, may itself contain colons.
    """
    wanted = pattern.split(":", 5)
    given = arn.split(":", 5)
    if len(wanted) != 6 or len(given) != 6:
        return False
    return all(_wildcard(w).fullmatch(g) for w, g in zip(wanted, given, strict=True))


def string_like(pattern: str, value: str) -> bool:
    return bool(_wildcard(pattern).fullmatch(value))


_OPERATORS = {
    "ArnLike": arn_like,
    "ArnEquals": arn_like,
    "StringEquals": lambda pattern, value: pattern == value,
    "StringLike": string_like,
}


def conditions_admit(
    condition: Mapping[str, Mapping[str, Any]], context: Mapping[str, str]
) -> bool:
    """True when every operator's every key matches one of its values.

    IAM: operators and keys are ANDed, the values of one key ORed; a key the
    request context lacks does not match.
    """
    for operator, keys in condition.items():
        test = _OPERATORS[operator]  # KeyError: an operator this model does not know
        for key, values in keys.items():
            options: Sequence[str] = [values] if isinstance(values, str) else values
            if key not in context or not any(test(v, context[key]) for v in options):
                return False
    return True
