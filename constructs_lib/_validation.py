"""Collects option problems for one construct and raises them together.

Values that are unresolved CDK tokens (a CloudFormation parameter, an
attribute of another resource) are only known at deploy time, so every check
here skips them instead of rejecting them.
"""

from __future__ import annotations

import weakref

from aws_cdk import Duration, Token
from constructs import Construct

from constructs_lib.errors import ConstructOptionError, OptionProblem


def number(value: float) -> str:
    """A number as people write it: ``:g`` would print 1209600 as '1.2096e+06'."""
    return f"{value:.15g}"


#: Seconds of each Duration seen (None: unresolved). A Duration is immutable and
#: each lookup costs two calls into the jsii (Node) process, which dominate a
#: construct's cost; the defaults are shared objects, looked up once.
_SECONDS: weakref.WeakKeyDictionary[Duration, float | None] = weakref.WeakKeyDictionary()


def seconds_of(duration: Duration | None) -> float | None:
    """The duration in seconds, or None when absent or unresolved.

    ``integral=False``: ``Duration.millis(1500).to_seconds()`` raises a raw jsii
    error; validation must see 1.5 and refuse it with the option's name.
    """
    if duration is None:
        return None
    try:
        return _SECONDS[duration]
    except KeyError:
        pass
    seconds = None if duration.is_unresolved() else duration.to_seconds(integral=False)
    _SECONDS[duration] = seconds
    return seconds


class OptionValidator:
    """Gathers `OptionProblem`s; `raise_if_any` raises one ConstructOptionError."""

    def __init__(self, scope: Construct) -> None:
        self._path = scope.node.path
        self.problems: list[OptionProblem] = []

    def fail(self, option: str, value: object, allowed: str) -> None:
        self.problems.append(OptionProblem(option, value, allowed))

    def check(self, condition: bool, option: str, value: object, allowed: str) -> None:
        if not condition:
            self.fail(option, value, allowed)

    def int_range(self, option: str, value: int | None, low: int, high: int) -> None:
        # CDK encodes number tokens as floats: a Python int is always concrete,
        # and skipping the round trip to the jsii process keeps synth fast.
        if value is None or (type(value) is not int and Token.is_unresolved(value)):
            return
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(option, value, f"must be a whole number from {low} to {high}")
        elif not low <= value <= high:
            self.fail(option, value, f"must be from {low} to {high}")

    def duration_range(
        self, option: str, value: Duration | None, low_s: float, high_s: float
    ) -> None:
        seconds = seconds_of(value)
        if seconds is None:
            return
        if not self.whole_seconds(option, value):
            return
        if not low_s <= seconds <= high_s:
            self.fail(
                option,
                f"{number(seconds)} seconds",
                f"must be from {number(low_s)} to {number(high_s)} seconds",
            )

    def whole_seconds(self, option: str, value: Duration | None) -> bool:
        """CloudFormation takes these durations in whole seconds; a fraction
        (``Duration.millis(1500)``) would make aws-cdk-lib throw a raw error."""
        seconds = seconds_of(value)
        if seconds is None or seconds == int(seconds):
            return True
        self.fail(option, f"{number(seconds)} seconds", "must be a whole number of seconds")
        return False

    def raise_if_any(self) -> None:
        if self.problems:
            raise ConstructOptionError(self._path, self.problems)
