"""The strict account's state and its handle: refused deliveries and the clock.

`strict_account` activates the parts (all by default) for a ``with`` block
and yields a `StrictAccount`, through which tests and the smoke run read
what was dropped and advance the account's clock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from constructs_lib.testing.activation import PARTS, activate, deactivate

#: The group of `constructs_lib.testing.activation` the strict parts belong to.
STRICT_GROUP = "strict"

#: The parts, in the order they are documented.
PART_NAMES = ("deliveries", "principals", "alarms")


@dataclass(frozen=True)
class Drop:
    """A delivery AWS would refuse: what, from where, to where, and which policy said no."""

    #: the delivering service principal (``sns.amazonaws.com``) or role ARN
    producer: str
    #: what sent it: the topic, bucket, rule, schedule or alarm ARN
    source: str
    #: the queue or topic it was for
    target: str
    #: the first 200 characters of the message
    message: str
    #: label of the policy that refused it (``queue policy of arn:...``), when one did
    policy: str | None
    #: the evaluator's reason
    reason: str
    #: where the message went instead (a subscription's or target's DLQ), if anywhere
    dead_lettered_to: str | None = None

    def __str__(self) -> str:
        fate = f"dead-lettered to {self.dead_lettered_to}" if self.dead_lettered_to else "dropped"
        return f"{self.producer} from {self.source} to {self.target}: {fate}: {self.reason}"


@dataclass
class _State:
    lock: threading.RLock = field(default_factory=threading.RLock)
    drops: list[Drop] = field(default_factory=list)
    #: seconds the account's clock is ahead of the wall clock
    clock_offset: float = 0.0
    #: part name -> how many `StrictAccount.suspended` blocks have it off
    suspended: dict[str, int] = field(default_factory=dict)


STATE = _State()


def enabled(part: str) -> bool:
    """True while ``part`` is activated and not suspended (what every hook asks first)."""
    return PARTS[part].active and not STATE.suspended.get(part)


def record_drop(drop: Drop) -> None:
    with STATE.lock:
        STATE.drops.append(drop)


def now() -> float:
    """The account's clock (epoch seconds): the wall clock plus what was advanced."""
    return time.time() + STATE.clock_offset


class UnexpectedDrops(AssertionError):
    """Deliveries were refused that nobody expected."""


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
        from constructs_lib.testing.strict.alarms import advance_clock

        if not enabled("alarms"):
            raise RuntimeError("the strict account's 'alarms' part is off")
        return advance_clock(minutes)

    def fire_schedule(
        self, name: str, *, group: str = "default", account_id: str, region: str
    ) -> bool:
        """Run an EventBridge Scheduler schedule now, as its time had come.

        Returns whether the message reached its target (a refusal is in `drops`).
        """
        from constructs_lib.testing.strict.deliveries import fire_schedule

        return fire_schedule(name, group=group, account_id=account_id, region=region)


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
    _import_parts()
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


def reset() -> None:
    """Forget drops and set the clock back (a new test, a new account)."""
    from constructs_lib.testing.strict.alarms import reset_alarm_history

    with STATE.lock:
        STATE.drops.clear()
        STATE.clock_offset = 0.0
    reset_alarm_history()


def _import_parts() -> None:
    # The parts register themselves when their modules are imported.
    from constructs_lib.testing.strict import alarms, deliveries, principals  # noqa: F401
