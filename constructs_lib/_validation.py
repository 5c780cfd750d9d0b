"""Option rules: collected as `OptionProblem`s, raised together, checked without a Stack.

Each construct keeps its keyword arguments flat (what Python CDK users expect,
and what the construct pages' option tables are tested against) and validates them as
one options object, a frozen dataclass whose ``problems()`` is the
construct's rule table (aws-cdk's ``validate-queue-props.ts`` style): it needs
no Stack, so each rule is testable on its own. `options_from` builds that
object from the construct's arguments, so an option is written in the
signature and in the options class, and nowhere else. Rules that need the
construct tree (where a queue lives compared with the stack) run in the
construct with an `OptionValidator`; all problems are raised together.

The rules several constructs share live here once: `OptionRules.fifo_only`,
`requires_enabled`, `only_when_created`, `positive_seconds`. Every rule
names its stable `OptionCode` (docs/option-codes.md).

Values that are unresolved CDK tokens (a CloudFormation parameter, an
attribute of another resource) are only known at deploy time, so every check
here skips them instead of rejecting them.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields, replace
from typing import TYPE_CHECKING, Any, TypeVar, cast

from aws_cdk import Duration
from constructs import Construct, IConstruct

from constructs_lib._tree import is_unresolved, path_of
from constructs_lib.errors import ConstructOptionError, OptionProblem
from constructs_lib.option_codes import OptionCode


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


_MINUTES: dict[int, Duration] = {}


def duration_of_minutes(count: int) -> Duration:
    """``Duration.minutes(count)``, made once per count and process, its seconds
    known to `seconds_of` without a request to the jsii process (a Duration is
    a value: one serves every stack)."""
    try:
        return _MINUTES[count]
    except KeyError:
        duration = _MINUTES[count] = Duration.minutes(count)
        _SECONDS[duration] = count * 60.0
        return duration


_HUMAN: weakref.WeakKeyDictionary[Duration, str] = weakref.WeakKeyDictionary()


def human_string_of(duration: Duration) -> str:
    """``duration.to_human_string()``, read once per Duration (see `_SECONDS`)."""
    try:
        return _HUMAN[duration]
    except KeyError:
        text = _HUMAN[duration] = duration.to_human_string()
        return text


def shown(value: object) -> object:
    """How a problem shows a value: a construct (or an imported resource's
    interface) by its path, anything else as is."""
    if hasattr(value, "node"):
        return path_of(cast(IConstruct, value))
    return value


#: An option AWS bounds: its name, (low, high) (a duration's in seconds), its rule's code.
Bound = tuple[str, tuple[float, float], OptionCode]


class OptionRules:
    """Gathers the `OptionProblem`s of one set of options; needs no Stack.

    Every rule names its `OptionCode` (``code=``): the stable name users and
    tests match instead of the message.
    """

    def __init__(self) -> None:
        self.problems: list[OptionProblem] = []

    def fail(self, option: str, value: object, allowed: str, *, code: OptionCode) -> None:
        self.problems.append(OptionProblem(option, value, allowed, code))

    def check(
        self, condition: bool, option: str, value: object, allowed: str, *, code: OptionCode
    ) -> None:
        if not condition:
            self.fail(option, value, allowed, code=code)

    def extend(self, problems: Iterable[OptionProblem], *, prefix: str = "") -> None:
        """Adds problems of nested options, named ``<prefix>.<option>``, codes kept."""
        for p in problems:
            option = f"{prefix}.{p.option}" if prefix else p.option
            self.problems.append(replace(p, option=option))

    def int_range(
        self, option: str, value: int | None, low: int, high: int, *, code: OptionCode
    ) -> None:
        # CDK encodes number tokens as floats: a Python int is always concrete,
        # and skipping the round trip to the jsii process keeps synth fast.
        if value is None or is_unresolved(value):
            return
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(option, value, f"must be a whole number from {low} to {high}", code=code)
        elif not low <= value <= high:
            self.fail(option, value, f"must be from {low} to {high}", code=code)

    def duration_range(
        self,
        option: str,
        value: Duration | None,
        low_s: float,
        high_s: float,
        *,
        code: OptionCode,
    ) -> None:
        """``value`` within ``low_s``..``high_s`` seconds (``code``), in whole seconds."""
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
                code=code,
            )

    def length(self, option: str, value: str | None, high: int, *, code: OptionCode) -> None:
        """``value`` is 1 to ``high`` characters (None or unresolved: not checked here)."""
        if value is not None and not is_unresolved(value):
            self.check(
                1 <= len(value) <= high, option, value, f"must be 1 to {high} characters", code=code
            )

    def within(self, options: object, bounds: Sequence[Bound]) -> None:
        """Each option of ``bounds`` of ``options`` (a dataclass) within its range:
        a `Duration` in seconds (`duration_range`), anything else a whole number."""
        for option, (low, high), code in bounds:
            value = getattr(options, option)
            if isinstance(value, Duration):
                self.duration_range(option, value, low, high, code=code)
            else:
                self.int_range(option, value, int(low), int(high), code=code)

    def whole_seconds(self, option: str, value: Duration | None) -> bool:
        """CloudFormation takes these durations in whole seconds; a fraction
        (``Duration.millis(1500)``) would make aws-cdk-lib throw a raw error."""
        seconds = seconds_of(value)
        if seconds is None or seconds == int(seconds):
            return True
        self.fail(
            option,
            f"{number(seconds)} seconds",
            "must be a whole number of seconds",
            code=OptionCode.DURATION_NOT_WHOLE_SECONDS,
        )
        return False

    def positive_seconds(self, option: str, seconds: float | None, *, code: OptionCode) -> None:
        """``seconds`` (None: unknown, skipped) must be more than 0."""
        self.check(
            seconds is None or seconds > 0,
            option,
            f"{number(seconds)} seconds" if seconds is not None else None,
            "must be more than 0 seconds",
            code=code,
        )

    # --- rules several constructs share -------------------------------------

    def fifo_only(
        self, option: str, value: object, *, fifo: bool, remedy: str, code: OptionCode
    ) -> None:
        """``option`` applies to FIFO queues or topics only; ``remedy`` says what to do."""
        self.check(
            fifo or value is None or value is False,
            option,
            value,
            f"is a FIFO-only option{remedy}",
            code=code,
        )

    def requires_enabled(
        self,
        enabled_option: str,
        enabled: bool,
        *,
        given_option: str,
        given: object,
        code: OptionCode,
    ) -> None:
        """``given_option`` only makes sense while ``enabled_option`` is True."""
        if given is not None:
            self.check(
                enabled,
                enabled_option,
                enabled,
                f"must be True when {given_option} is given",
                code=code,
            )

    def dead_letter_queue_options(
        self,
        prefix: str,
        enabled: bool,
        given: object,
        options: object,
        *,
        disabled: OptionCode,
        options_with_given: OptionCode,
    ) -> bool:
        """The options of a DLQ a construct is given (``<prefix>``) or creates
        (``<prefix>_options``, a `SecureQueueOptions`): either needs
        ``<prefix>_enabled`` (code ``disabled``), and the options configure a
        created DLQ only (``options_with_given``). True when they do: the
        caller then checks the options themselves."""
        for option, value in ((prefix, given), (f"{prefix}_options", options)):
            self.requires_enabled(
                f"{prefix}_enabled", enabled, given_option=option, given=value, code=disabled
            )
        shown_options = "SecureQueueOptions(...)" if options is not None else None
        self.only_when_created(
            prefix,
            given,
            resource="dead-letter queue",
            options=[(f"{prefix}_options", shown_options, None)],
            code=options_with_given,
        )
        return options is not None and given is None

    def only_when_created(
        self,
        existing_option: str,
        existing: object,
        *,
        resource: str,
        options: Sequence[tuple[str, object, object]],
        code: OptionCode,
    ) -> None:
        """Options of a created ``resource`` are refused when ``existing`` is passed in.

        ``options``: (name, value given, default) of each such option.
        """
        if existing is None:
            return
        for option, value, default in options:
            self.check(
                value == default,
                option,
                shown(value),
                f"configures a created {resource}: leave it unset when {existing_option} is given",
                code=code,
            )


class OptionValidator(OptionRules):
    """`OptionRules` of one construct; `raise_if_any` raises one ConstructOptionError."""

    def __init__(self, scope: Construct) -> None:
        super().__init__()
        self._path = path_of(scope)

    def raise_if_any(self) -> None:
        if self.problems:
            raise ConstructOptionError(self._path, self.problems)


def raise_problems(scope: Construct, problems: Sequence[OptionProblem]) -> None:
    """Raises all ``problems`` of ``scope`` as one ConstructOptionError, if any."""
    if problems:
        raise ConstructOptionError(path_of(scope), list(problems))


if TYPE_CHECKING:
    from _typeshed import DataclassInstance

OptionsT = TypeVar("OptionsT", bound="DataclassInstance")


def options_from(cls: type[OptionsT], arguments: Mapping[str, Any]) -> OptionsT:
    """``cls`` (an options dataclass) from a construct's arguments: ``locals()``
    taken first thing in ``__init__``. Only ``cls``'s fields are read, so the
    construct's other parameters (scope, the resources it wires) stay apart,
    and a test keeps the fields and the signature equal."""
    return cls(**{f.name: arguments[f.name] for f in fields(cls)})
