"""CloudWatch metric math, the part the library's alarms and scaling policies use.

Pure Python: the strict local account (`constructs_lib.testing.strict`) and
the fleet simulator (`constructs_lib.simulation`) both evaluate the
synthesized expressions with it.

One value per period: a number, or None when the metric has no datapoint
(missing data). Supported: numbers, query ids, ``+ - * /``, comparisons
(``> >= < <= == !=``, giving 1 or 0), ``AND``, ``OR``, ``NOT``, and the
functions ``IF(condition, a, b)`` (``IF(condition, a)`` gives missing data when
false) and ``FILL(metric, value)``. Arithmetic with missing data, and division
by zero, give missing data, as CloudWatch drops those datapoints. Anything
else raises `MetricMathError`, never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

__all__ = ["MetricMathError", "Value", "evaluate_expression", "expression_names"]

Value = float | None

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d+)?)|([A-Za-z_]\w*)|(>=|<=|==|!=|[-+*/(),<>]))")


class MetricMathError(ValueError):
    """An expression this evaluator does not support or cannot parse."""


def evaluate_expression(expression: str, values: Mapping[str, Value]) -> Value:
    """The value of ``expression`` given each query id's value for one period."""
    return _Parser(expression, values).parse()


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
    def __init__(self, expression: str, values: Mapping[str, Value]) -> None:
        self.expression = expression
        self.tokens = _tokens(expression)
        self.position = 0
        self.values = values

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
        self._take("(")
        arguments = [self._binary(0)]
        while self._peek() == ",":
            self._take(",")
            arguments.append(self._binary(0))
        self._take(")")
        function = name.upper()
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
