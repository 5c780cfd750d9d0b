"""The strict account's shared state: refused deliveries, the clock, suspended parts.

The parts (`deliveries`, `principals`, `alarms`) record into it and read it;
`constructs_lib_testing.strict.account` hands it to tests. A leaf module: it
imports none of them, so neither they nor the account import in a circle.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from constructs_lib_testing.activation import PARTS

#: The group of `constructs_lib_testing.activation` the strict parts belong to.
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
