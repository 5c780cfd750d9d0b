"""The strict account's state and its handle: refused deliveries and the clock.

`strict_account` activates the parts (all by default) for a ``with`` block
and yields a `StrictAccount`, through which tests and the smoke run read
what was dropped and advance the account's clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from constructs_lib.metric_math import Value
from constructs_lib_testing.activation import PARTS, activate, deactivate
from constructs_lib_testing.strict import deliveries, metrics, principals  # noqa: F401  (register parts)
from constructs_lib_testing.strict.alarms import (
    advance_clock,
    alarm_states,
    reset_alarm_history,
    skip_to_minute_start,
    tracking_states,
)
from constructs_lib_testing.strict.deliveries import PipeRun, fire_schedule, run_pipe
from constructs_lib_testing.strict.state import (
    PART_NAMES,
    STATE,
    Drop,
    UnexpectedDrops,
    enabled,
)


@dataclass(frozen=True)
class ReplayedMinute:
    """The account after one minute of a scripted metric trace."""

    minute: int
    #: Auto Scaling group name -> desired capacity
    desired: Mapping[str, int]
    #: alarm name -> state; a target-tracking policy's two alarms as
    #: ``<policy name> AlarmHigh`` / ``<policy name> AlarmLow``
    alarm_states: Mapping[str, str]
    #: what happened in the minute (state changes, scaling activities)
    events: tuple[str, ...]


class StrictAccount:
    """Handle on the active strict account (see `strict_account`)."""

    def __init__(self, parts: tuple[str, ...]) -> None:
        self.parts = parts

    @property
    def drops(self) -> list[Drop]:
        """Every delivery refused since the last `take_drops` (a copy)."""
        with STATE.lock:
            return list(STATE.drops)

    def take_drops(self) -> list[Drop]:
        """The refused deliveries, forgetting them (so they count as expected)."""
        with STATE.lock:
            taken, STATE.drops[:] = list(STATE.drops), []
        return taken

    def assert_no_drops(self) -> None:
        """:raises UnexpectedDrops: listing each refused delivery and its reason."""
        drops = self.take_drops()
        if drops:
            lines = "\n".join(f"  - {d}" for d in drops)
            raise UnexpectedDrops(f"{len(drops)} deliveries refused as AWS would:\n{lines}")

    @contextmanager
    def suspended(self, part: str) -> Iterator[None]:
        """Moto's old leniency for ``part`` inside the block."""
        if part not in PART_NAMES:
            raise ValueError(f"unknown strict account part {part!r}; parts: {PART_NAMES}")
        with STATE.lock:
            STATE.suspended[part] = STATE.suspended.get(part, 0) + 1
        try:
            yield
        finally:
            with STATE.lock:
                STATE.suspended[part] -= 1

    def advance(self, *, minutes: int = 1) -> list[str]:
        """Move the clock ``minutes`` ahead, a minute at a time, evaluating every
        alarm at each step and running its actions (no sleeping). Returns what
        happened, one line per state change or scaling activity."""
        if not enabled("alarms"):
            raise RuntimeError("the strict account's 'alarms' part is off")
        return advance_clock(minutes)

    def skip_to_minute_start(self) -> None:
        """Move the clock to the start of the next minute (less than a minute
        ahead) without evaluating anything: the minute cut short is seen by no
        alarm and no scaling policy.

        CloudWatch's minutes start on the clock's minute, not at a test's first
        request (GetMetricData rounds a start time "down to the nearest whole
        minute. For example, 12:32:34 is rounded down to 12:32:00", CloudWatch
        API Reference): 600 messages sent over two seconds that cross a boundary
        are two datapoints, as in AWS. A test that means "this many in one minute"
        skips to a minute's start first; what it then does within the minute
        (less the time its requests take) counts in one datapoint, and what it
        did before (its setup's traffic) in none.
        """
        if not enabled("alarms"):
            raise RuntimeError("the strict account's 'alarms' part is off")
        skip_to_minute_start()

    def replay_metrics(
        self, trace: Sequence[Mapping[tuple[str, str], Value]]
    ) -> list[ReplayedMinute]:
        """Advance a minute per entry of ``trace``, its metrics scripted (see
        `constructs_lib_testing.strict.metrics.script`): every alarm and policy of
        the account decides on them as CloudWatch and Auto Scaling would.

        The fleet simulator replays the same trace through the same template
        (`constructs_lib.simulation.replay_metrics`); the two must agree.
        """
        replayed = []
        try:
            for minute, values in enumerate(trace):
                metrics.script(values)
                events = self.advance(minutes=1)
                replayed.append(
                    ReplayedMinute(
                        minute, _desired(), {**alarm_states(), **tracking_states()}, tuple(events)
                    )
                )
        finally:
            metrics.script(None)
        return replayed

    def fire_schedule(
        self, name: str, *, group: str = "default", account_id: str, region: str
    ) -> bool:
        """Run an EventBridge Scheduler schedule now, as its time had come.

        Returns whether the message reached its target (a refusal is in `drops`).
        """
        return fire_schedule(name, group=group, account_id=account_id, region=region)

    def run_pipe(self, name: str, *, account_id: str, region: str) -> PipeRun:
        """Poll an EventBridge pipe's SQS source once, as AWS's poller would.

        Each record is delivered to the pipe's target as its role, or stays in the
        source (a refusal is in `drops`); see `deliveries.run_pipe`.
        """
        return run_pipe(name, account_id=account_id, region=region)


@contextmanager
def strict_account(*, off: Iterable[str] = ()) -> Iterator[StrictAccount]:
    """Activate the strict account's parts (all but ``off``) for the block.

    Example::

        with mock_aws(), strict_account() as account:
            deployed = deploy_template(template)
            ...
            account.assert_no_drops()

    ``off`` leaves parts out, for a test that needs moto's old leniency:
    ``strict_account(off={"principals"})``.
    """
    off = set(off)
    unknown = off - set(PART_NAMES)
    if unknown:
        raise ValueError(f"unknown strict account parts {sorted(unknown)}; parts: {PART_NAMES}")
    parts = tuple(p for p in PART_NAMES if p not in off)
    activated: list[str] = []
    try:
        for part in parts:
            activate(part)
            activated.append(part)
        yield StrictAccount(parts)
    finally:
        for part in reversed(activated):
            deactivate(part)


def active_account() -> StrictAccount | None:
    """A handle on the strict account when any part is active (e.g. by a fixture), else None."""
    parts = tuple(p for p in PART_NAMES if p in PARTS and PARTS[p].active)
    return StrictAccount(parts) if parts else None


def _desired() -> dict[str, int]:
    from moto.autoscaling.models import autoscaling_backends

    return {
        name: int(group.desired_capacity or 0)
        for regions in autoscaling_backends.values()
        for backend in regions.values()
        for name, group in backend.autoscaling_groups.items()
    }


def reset() -> None:
    """Forget drops and set the clock back (a new test, a new account)."""
    with STATE.lock:
        STATE.drops.clear()
        STATE.clock_offset = 0.0
    reset_alarm_history()
