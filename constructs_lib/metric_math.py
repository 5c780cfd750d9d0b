"""CloudWatch metric math, the part the library's alarms and scaling policies use.

Pure Python: the strict local account (`constructs_lib_testing.strict`) and
the fleet simulator (`constructs_lib.simulation`) both evaluate the
synthesized expressions with it.

One value per period: a number, or None when the metric has no datapoint
(missing data). Supported: numbers, query ids, ``+ - * /``, comparisons
(``> >= < <= == !=``, giving 1 or 0), ``AND``, ``OR``, ``NOT``, and the
functions ``IF(condition, a, b)`` (``IF(condition, a)`` gives missing data when
false), ``FILL(metric, value)``, ``CEIL(x)``, ``FLOOR(x)`` and
``PERIOD(metric)`` (the metric's period in
seconds, given by the caller). Arithmetic with missing data, and division
by zero, give missing data, as CloudWatch drops those datapoints. Anything
else raises `MetricMathError`, never a guess.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = [
    "MetricMathError",
    "Value",
    "evaluate_expression",
    "evaluate_queries",
    "expression_names",
]

Value = float | None

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_]\w*)|(>=|<=|==|!=|[-+*/(),<>]))")


class MetricMathError(ValueError):
    """An expression this evaluator does not support or cannot parse."""


def evaluate_expression(
    expression: str, values: Mapping[str, Value], *, periods: Mapping[str, float] | None = None
) -> Value:
    """The value of ``expression`` given each query id's value for one period
    (and, for ``PERIOD(id)``, each query id's period in seconds)."""
    return _Parser(expression, values, periods or {}).parse()


def evaluate_queries(
    queries: Sequence[Mapping[str, Any]], stat_value: Callable[[Mapping[str, Any]], Value]
) -> Value:
    """The returned value of metric data queries (CloudWatch's ``Metrics`` shape).

    ``stat_value`` gives each ``MetricStat`` query its datapoint; expressions
    are evaluated once the ids they name have values, whatever the order they
    are listed in (CDK lists an alarm's expression before the metrics it uses).
    """
    stats = [query for query in queries if query.get("MetricStat")]
    values: dict[str, Value] = {query["Id"]: stat_value(query["MetricStat"]) for query in stats}
    periods = {
        query["Id"]: float(query["MetricStat"]["Period"])
        for query in stats
        if "Period" in query["MetricStat"]
    }
    pending = [query for query in queries if not query.get("MetricStat")]
    for _ in range(len(pending)):
        for query in [q for q in pending if q["Id"] not in values]:
            if all(name in values for name in expression_names(query["Expression"])):
                values[query["Id"]] = evaluate_expression(
                    query["Expression"], values, periods=periods
                )
    returned = [q["Id"] for q in queries if str(q.get("ReturnData", True)).lower() == "true"]
    if len(returned) != 1 or returned[0] not in values:
        raise MetricMathError(f"cannot evaluate queries {[q['Id'] for q in queries]}: {returned}")
    return values[returned[0]]


def expression_names(expression: str) -> set[str]:
    """The query ids an expression names (identifiers that are not functions or keywords)."""
    tokens = _tokens(expression)
    return {
        token
        for index, token in enumerate(tokens)
        if re.fullmatch(r"[A-Za-z_]\w*", token)
        and token.upper() not in ("AND", "OR", "NOT")
        and (index + 1 == len(tokens) or tokens[index + 1] != "(")
    }


def _tokens(expression: str) -> list[str]:
    tokens, position = [], 0
    while position < len(expression.rstrip()):
        found = _TOKEN.match(expression, position)
        if found is None:
            raise MetricMathError(f"cannot parse {expression!r} at {expression[position:]!r}")
        tokens.append(next(group for group in found.groups() if group is not None))
        position = found.end()
    return tokens


def _arith(op: Callable[[float, float], float]) -> Callable[[Value, Value], Value]:
    def apply(a: Value, b: Value) -> Value:
        if a is None or b is None:
            return None
        try:
            return op(a, b)
        except ZeroDivisionError:
            return None

    return apply


_BINARY: dict[str, Callable[[Value, Value], Value]] = {
    "+": _arith(lambda a, b: a + b),
    "-": _arith(lambda a, b: a - b),
    "*": _arith(lambda a, b: a * b),
    "/": _arith(lambda a, b: a / b),
    ">": _arith(lambda a, b: float(a > b)),
    ">=": _arith(lambda a, b: float(a >= b)),
    "<": _arith(lambda a, b: float(a < b)),
    "<=": _arith(lambda a, b: float(a <= b)),
    "==": _arith(lambda a, b: float(a == b)),
    "!=": _arith(lambda a, b: float(a != b)),
    "AND": _arith(lambda a, b: float(bool(a) and bool(b))),
    "OR": _arith(lambda a, b: float(bool(a) or bool(b))),
}
#: Binding strength of each binary operator (higher binds tighter).
_PRECEDENCE = {"OR": 1, "AND": 2, ">": 3, ">=": 3, "<": 3, "<=": 3, "==": 3, "!=": 3,
               "+": 4, "-": 4, "*": 5, "/": 5}  # fmt: skip


class _Parser:
    def __init__(
        self, expression: str, values: Mapping[str, Value], periods: Mapping[str, float]
    ) -> None:
        self.expression = expression
        self.tokens = _tokens(expression)
        self.position = 0
        self.values = values
        self.periods = periods

    def parse(self) -> Value:
        value = self._binary(0)
        if self.position != len(self.tokens):
            raise MetricMathError(
                f"unexpected {self.tokens[self.position]!r} in {self.expression!r}"
            )
        return value

    def _peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self, expected: str | None = None) -> str:
        token = self._peek()
        if token is None or (expected is not None and token != expected):
            raise MetricMathError(f"expected {expected or 'more'} in {self.expression!r}")
        self.position += 1
        return token

    def _binary(self, min_precedence: int) -> Value:
        left = self._unary()
        while (op := self._peek()) is not None and _PRECEDENCE.get(op.upper(), 0) > min_precedence:
            self._take()
            right = self._binary(_PRECEDENCE[op.upper()])
            left = _BINARY[op.upper()](left, right)
        return left

    def _unary(self) -> Value:
        token = self._take()
        if token == "-":
            value = self._unary()
            return None if value is None else -value
        if token.upper() == "NOT":
            value = self._unary()
            return None if value is None else float(not value)
        if token == "(":
            value = self._binary(0)
            self._take(")")
            return value
        if re.fullmatch(r"\d+(?:\.\d+)?", token):
            return float(token)
        if self._peek() == "(":
            return self._call(token)
        if token not in self.values:
            raise MetricMathError(f"{token!r} in {self.expression!r} is no query id or function")
        return self.values[token]

    def _call(self, name: str) -> Value:
        if name.upper() == "PERIOD":
            return self._period()
        self._take("(")
        arguments = [self._binary(0)]
        while self._peek() == ",":
            self._take(",")
            arguments.append(self._binary(0))
        self._take(")")
        function = name.upper()
        if function in ("CEIL", "FLOOR") and len(arguments) == 1:
            value = arguments[0]
            if value is None:
                return None
            return float(math.ceil(value) if function == "CEIL" else math.floor(value))
        if function == "FILL" and len(arguments) == 2:
            return arguments[1] if arguments[0] is None else arguments[0]
        if function == "IF" and len(arguments) in (2, 3):
            condition = arguments[0]
            if condition is None:
                return None
            if condition:
                return arguments[1]
            return arguments[2] if len(arguments) == 3 else None
        raise MetricMathError(f"unsupported function {name}({len(arguments)} arguments)")

    def _period(self) -> float:
        """``PERIOD(id)``: metadata of the query ``id``, not its value."""
        self._take("(")
        query_id = self._take()
        self._take(")")
        if query_id not in self.periods:
            raise MetricMathError(
                f"PERIOD({query_id}) in {self.expression!r}: its period is unknown"
            )
        return self.periods[query_id]
