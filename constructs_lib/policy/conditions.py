"""The ``Condition`` element: operators, ``...IfExists``, ``ForAnyValue:``/``ForAllValues:``.

Evaluation follows the IAM User Guide ("Condition operators", "Conditions
with multiple context keys or values"):

- several operators in a block, and several keys under one operator: AND;
- several values for one key: OR; for a negated operator (``StringNotEquals``,
  ``ArnNotLike``, ...): NOR;
- a key absent from the request context: the condition is false, except for
  negated operators (true), ``...IfExists`` (true) and ``Null`` (which tests
  exactly that);
- a key whose values are only empty strings is null ("Condition": "it is
  possible to include an empty string. In this case, the value in the request
  context is null"): every operator treats it as absent (``Null`` too), and
  the set operators see the "null data set" of "Conditions with multiple
  context keys or values";
- ``ForAllValues:`` is true for an absent or null key, ``ForAnyValue:`` false;
- policy variables in the values of string and ARN operators are replaced by
  the request's values (`constructs_lib.policy.variables`); in any other
  operator's values they raise.

An operator this module does not know raises `PolicySyntaxError`: a policy is
never allowed by a condition that was not understood.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from constructs_lib.policy.errors import PolicySyntaxError
from constructs_lib.policy.matching import arn_matches, glob_matches
from constructs_lib.policy.variables import refuse_variable, substitute

#: A request's condition keys, by lowercase name (IAM key names are case-insensitive).
ContextValues = Mapping[str, Sequence[str]]

_Matcher = Callable[[str, str], bool]


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _numeric_matcher(compare: Callable[[float, float], bool]) -> _Matcher:
    def matches(policy_value: str, context_value: str) -> bool:
        expected, actual = _number(policy_value), _number(context_value)
        if expected is None:
            raise PolicySyntaxError(f"{policy_value!r} is not a number")
        return actual is not None and compare(actual, expected)

    return matches


def _ip_matches(policy_value: str, context_value: str) -> bool:
    try:
        network = ipaddress.ip_network(policy_value, strict=False)
    except ValueError as err:
        raise PolicySyntaxError(f"{policy_value!r} is not an IP address or CIDR") from err
    try:
        return ipaddress.ip_address(context_value) in network
    except ValueError:
        return False


@dataclass(frozen=True)
class _Operator:
    matches: _Matcher
    negated: bool = False
    #: how policy variables in its values are read: None (not substituted, AWS:
    #: "You can't use a policy variable with other operators"), "exact" or
    #: "pattern" (``*``/``?`` are wildcards there)
    variables: str | None = None


#: Base operator name -> how one policy value matches one context value.
OPERATORS: dict[str, _Operator] = {
    "StringEquals": _Operator(lambda p, v: p == v, variables="exact"),
    "StringNotEquals": _Operator(lambda p, v: p == v, negated=True, variables="exact"),
    "StringEqualsIgnoreCase": _Operator(lambda p, v: p.lower() == v.lower(), variables="exact"),
    "StringNotEqualsIgnoreCase": _Operator(
        lambda p, v: p.lower() == v.lower(), negated=True, variables="exact"
    ),
    "StringLike": _Operator(glob_matches, variables="pattern"),
    "StringNotLike": _Operator(glob_matches, negated=True, variables="pattern"),
    "ArnEquals": _Operator(arn_matches, variables="pattern"),
    "ArnLike": _Operator(arn_matches, variables="pattern"),
    "ArnNotEquals": _Operator(arn_matches, negated=True, variables="pattern"),
    "ArnNotLike": _Operator(arn_matches, negated=True, variables="pattern"),
    "Bool": _Operator(lambda p, v: p.lower() == v.lower()),
    "NumericEquals": _Operator(_numeric_matcher(lambda a, e: a == e)),
    "NumericNotEquals": _Operator(_numeric_matcher(lambda a, e: a == e), negated=True),
    "NumericLessThan": _Operator(_numeric_matcher(lambda a, e: a < e)),
    "NumericLessThanEquals": _Operator(_numeric_matcher(lambda a, e: a <= e)),
    "NumericGreaterThan": _Operator(_numeric_matcher(lambda a, e: a > e)),
    "NumericGreaterThanEquals": _Operator(_numeric_matcher(lambda a, e: a >= e)),
    "IpAddress": _Operator(_ip_matches),
    "NotIpAddress": _Operator(_ip_matches, negated=True),
}

_SET_QUALIFIERS = ("ForAnyValue:", "ForAllValues:")
_IF_EXISTS = "IfExists"


def policy_values(value: Any, *, where: str) -> list[str]:
    """A condition's or element's value(s) as strings (JSON booleans as ``true``/``false``).

    :raises PolicySyntaxError: for an unresolved CloudFormation intrinsic or
        any other non-scalar value: resolve intrinsics first (see
        `constructs_lib.templates.references`).
    """
    values = value if isinstance(value, list) else [value]
    result = []
    for item in values:
        if isinstance(item, bool):
            result.append("true" if item else "false")
        elif isinstance(item, str | int | float):
            result.append(str(item))
        else:
            raise PolicySyntaxError(
                f"{where}: {item!r} is not a plain value; resolve CloudFormation "
                "intrinsics before evaluating (constructs_lib.policy.resolve_intrinsics)"
            )
    return result


def block_holds(
    condition: Mapping[str, Any],
    context: ContextValues,
    *,
    where: str,
    version: str | None = "2012-10-17",
) -> bool:
    """True when every operator and key of a ``Condition`` block holds for ``context``.

    :param version: the policy's ``Version`` (policy variables need 2012-10-17).
    """
    if not isinstance(condition, Mapping):
        raise PolicySyntaxError(f"{where}: Condition must be an object, got {condition!r}")
    for operator_name, keys in condition.items():
        if not isinstance(keys, Mapping):
            raise PolicySyntaxError(f"{where}: {operator_name} must map keys to values")
        for key, value in keys.items():
            expected = policy_values(value, where=f"{where} {operator_name} {key}")
            holds = key_holds(
                operator_name,
                context.get(key.lower()),
                expected,
                where=f"{where} {operator_name} {key}",
                context=context,
                version=version,
            )
            if not holds:
                return False
    return True


def key_holds(
    operator_name: str,
    actual: Sequence[str] | None,
    expected: list[str],
    *,
    where: str,
    context: ContextValues | None = None,
    version: str | None = "2012-10-17",
) -> bool:
    """One operator applied to one key: ``actual`` is None when the request lacks it.

    ``context`` (the whole request context) is where policy variables in
    ``expected`` are read; without it a variable raises.
    """
    qualifier, base = _split_qualifier(operator_name)
    if_exists = base.endswith(_IF_EXISTS) and base != _IF_EXISTS
    if if_exists:
        base = base.removesuffix(_IF_EXISTS)
    null = is_null(actual)
    if base == "Null":
        if qualifier or if_exists:
            raise PolicySyntaxError(f"{where}: {operator_name} is not a valid operator")
        for value in expected:
            refuse_variable(value, where=where, why="in Null conditions")
        return _null_holds(null, expected, where=where)
    operator = OPERATORS.get(base)
    if operator is None:
        raise PolicySyntaxError(
            f"{where}: unknown condition operator {operator_name!r}; "
            f"known: {', '.join(sorted(OPERATORS))}, Null, with IfExists/ForAnyValue:/ForAllValues:"
        )
    patterns = _with_variables(operator, operator_name, expected, context or {}, version, where)
    if actual is None or null:
        return _absent_key_holds(operator, qualifier, if_exists=if_exists)
    values_hold = [_value_holds(operator, patterns, v) for v in actual]
    if qualifier == "ForAllValues:":
        return all(values_hold)
    return any(values_hold)


def is_null(actual: Sequence[str] | None) -> bool:
    """Absent, no value, or only empty strings: a null value for IAM."""
    return actual is None or all(value == "" for value in actual)


def _with_variables(
    operator: _Operator,
    operator_name: str,
    expected: list[str],
    context: ContextValues,
    version: str | None,
    where: str,
) -> list[str]:
    """The policy values with their variables replaced (null ones dropped: they
    equal nothing, so a negated operator holds against them)."""
    if operator.variables is None:
        for value in expected:
            refuse_variable(value, where=where, why=f"in {operator_name} conditions")
        return expected
    substituted = (
        substitute(
            value, context, version=version, wildcards=operator.variables == "pattern", where=where
        )
        for value in expected
    )
    return [value for value in substituted if value is not None]


def _split_qualifier(operator_name: str) -> tuple[str, str]:
    for qualifier in _SET_QUALIFIERS:
        if operator_name.startswith(qualifier):
            return qualifier, operator_name.removeprefix(qualifier)
    return "", operator_name


def _value_holds(operator: _Operator, expected: list[str], value: str) -> bool:
    matched = any(operator.matches(p, value) for p in expected)
    return not matched if operator.negated else matched


def _absent_key_holds(operator: _Operator, qualifier: str, *, if_exists: bool) -> bool:
    if qualifier == "ForAllValues:":
        return True
    if qualifier == "ForAnyValue:":
        return False
    return if_exists or operator.negated


def _null_holds(absent: bool, expected: list[str], *, where: str) -> bool:
    results = []
    for value in expected:
        if value.lower() not in ("true", "false"):
            raise PolicySyntaxError(f"{where}: Null takes true or false, got {value!r}")
        results.append(absent == (value.lower() == "true"))
    return any(results)
