"""Wildcard matching as IAM does it: actions, resources and ARN-like conditions.

Case rules (IAM User Guide, "IAM JSON policy elements"): action names are
case-insensitive; resource ARNs and string conditions are case-sensitive.
``*`` matches any run of characters and ``?`` one character; the characters
a policy variable ``${*}`` or ``${?}`` put in a pattern (`LITERAL_STAR`,
`LITERAL_QUESTION`) match themselves only.
"""

from __future__ import annotations

import functools
import re

from constructs_lib.policy.variables import LITERAL_QUESTION, LITERAL_STAR

#: An ARN has six colon-separated parts; the last one may itself hold colons.
ARN_PARTS = 6

_LITERALS = {LITERAL_STAR: re.escape("*"), LITERAL_QUESTION: re.escape("?")}


@functools.lru_cache(maxsize=4096)
def _glob(pattern: str, *, ignore_case: bool, star: str) -> re.Pattern[str]:
    parts = []
    for char in pattern:
        if char == "*":
            parts.append(star)
        elif char == "?":
            parts.append("." if star == ".*" else "[^:]")
        elif char in _LITERALS:
            parts.append(_LITERALS[char])
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.IGNORECASE if ignore_case else 0)


def glob_matches(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """``StringLike``: ``*`` and ``?`` anywhere, across any character."""
    return _glob(pattern, ignore_case=ignore_case, star=".*").fullmatch(value) is not None


def action_matches(pattern: str, action: str) -> bool:
    """An ``Action`` entry against a request's action (``sqs:SendMessage``): case-insensitive."""
    return glob_matches(pattern, action, ignore_case=True)


def _arn_parts(arn: str) -> list[str]:
    return arn.split(":", ARN_PARTS - 1)


def arn_matches(pattern: str, arn: str) -> bool:
    """``ArnLike``/``ArnEquals`` (IAM treats both alike): part by part, case-sensitive.

    "Each of the six colon-delimited components of the ARN is checked
    separately and each can include multi-character match wildcards (*) or
    single-character match wildcards (?)". A value that is not an ARN never
    matches (AWS: the condition is false).
    """
    if pattern == "*":
        return True
    pattern_parts, arn_parts = _arn_parts(pattern), _arn_parts(arn)
    if len(pattern_parts) != ARN_PARTS or len(arn_parts) != ARN_PARTS:
        return False
    return all(glob_matches(p, a) for p, a in zip(pattern_parts, arn_parts, strict=True))


def resource_matches(pattern: str, resource: str) -> bool:
    """A ``Resource`` entry against the requested resource ARN: case-sensitive.

    The IAM User Guide: wildcards work "within any ARN segment", and "if the
    * wildcard is the last character of a resource ARN segment, it can expand
    to match beyond the colon boundaries". So ``*`` stays inside its segment
    unless a colon or the end follows it.
    """
    if pattern == "*":
        return True
    regex = []
    for index, char in enumerate(pattern):
        if char == "*":
            at_segment_end = index + 1 == len(pattern) or pattern[index + 1] == ":"
            regex.append(".*" if at_segment_end else "[^:]*")
        elif char == "?":
            regex.append("[^:]")
        elif char in _LITERALS:
            regex.append(_LITERALS[char])
        else:
            regex.append(re.escape(char))
    return re.fullmatch("".join(regex), resource) is not None
