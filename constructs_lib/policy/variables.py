"""Policy variables (``${aws:username}``, ``${aws:PrincipalTag/team, 'default'}``).

IAM User Guide, "IAM policy elements: Variables and tags": variables are
replaced by the request's values in the ``Resource``/``NotResource`` element
and in the values of string and ARN conditions, only in policies of
``"Version": "2012-10-17"``; ``${*}``, ``${?}`` and ``${$}`` stand for the
characters themselves. A key the request carries as an empty string is null:
"There is no equal or like value".

What this module adds to AWS's rules: a variable whose key the request does
not carry raises `PolicySyntaxError`. A local request models only the keys
its caller put in it, so "absent" here may be "present" in AWS; comparing the
variable's own text, or guessing it null, could let a Deny quietly stop
applying.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from constructs_lib.policy.errors import PolicySyntaxError

#: The policy language version that has variables; earlier ones read them as text.
VARIABLES_VERSION = "2012-10-17"

#: Characters a wildcard pattern must take literally (what ``${*}``/``${?}`` become
#: where ``*`` and ``?`` are wildcards); the matchers of `matching` read them so.
LITERAL_STAR = "\ue000"
LITERAL_QUESTION = "\ue001"

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_WITH_DEFAULT = re.compile(r"^\s*([^,]+?)\s*,\s*'([^']*)'\s*$")
_SPECIAL = {"*": "*", "?": "?", "$": "$"}
_LITERAL_IN_PATTERNS = {"*": LITERAL_STAR, "?": LITERAL_QUESTION, "$": "$"}


def has_variable(value: str) -> bool:
    return _VARIABLE.search(value) is not None


def substitute(
    value: str,
    context: Mapping[str, Sequence[str]],
    *,
    version: str | None,
    wildcards: bool,
    where: str,
) -> str | None:
    """``value`` with each variable replaced by the request's value.

    :param wildcards: the value is a pattern (``StringLike``, ``Arn*``,
        ``Resource``): ``${*}`` and ``${?}`` become `LITERAL_STAR` and
        `LITERAL_QUESTION`, which the matchers take literally.
    :returns: None when a variable's key is null in the request (an empty
        string): the value then matches nothing.
    :raises PolicySyntaxError: for a variable under an older ``Version`` (AWS
        would compare its text), a key the request does not carry (and no
        default), or a key with several values.
    """
    if not has_variable(value):
        return value
    if version != VARIABLES_VERSION:
        raise PolicySyntaxError(
            f"{where}: {value!r} holds a policy variable, but the policy's Version is "
            f"{version!r}: AWS reads variables as literal text unless the Version is "
            f"{VARIABLES_VERSION!r}; set it (or escape the text)"
        )
    null = False

    def replace(found: re.Match[str]) -> str:
        nonlocal null
        inner = found.group(1)
        if inner in _SPECIAL:
            return _LITERAL_IN_PATTERNS[inner] if wildcards else _SPECIAL[inner]
        with_default = _WITH_DEFAULT.match(inner)
        key, default = (
            (with_default.group(1), with_default.group(2))
            if with_default
            else (inner.strip(), None)
        )
        values = context.get(key.lower())
        if values is None or len(values) == 0:
            if default is not None:
                return default
            raise PolicySyntaxError(
                f"{where}: the request carries no value for the policy variable ${{{key}}} "
                f"in {value!r}; AWS substitutes the caller's value there, which this "
                "request does not model: put the key in the request's context (an empty "
                "string if it is null)"
            )
        if len(values) > 1:
            raise PolicySyntaxError(
                f"{where}: the policy variable ${{{key}}} has several values in the "
                f"request ({list(values)}); a variable takes a single-valued key"
            )
        if values[0] == "":
            if default is not None:
                return default
            null = True
            return ""
        return values[0]

    result = _VARIABLE.sub(replace, value)
    return None if null else result


def refuse_variable(value: str, *, where: str, why: str) -> None:
    """Raises where AWS does not substitute variables (``why`` names the place)."""
    if has_variable(value):
        raise PolicySyntaxError(f"{where}: {value!r}: policy variables are not substituted {why}")
