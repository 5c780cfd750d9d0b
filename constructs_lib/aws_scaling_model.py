"""A model of how CloudWatch alarms and EC2 Auto Scaling policies decide, as pure functions.

(Until issue 22 this was ``constructs_lib.scaling_rules``.)

The strict local account (`constructs_lib_testing.strict`) runs these rules on
moto's state; the fleet simulator (`constructs_lib.simulation`) runs them on a
modelled queue. No AWS call and no moto here: one place for the arithmetic.

Sources:

- CloudWatch User Guide, "Using Amazon CloudWatch alarms": alarm states from
  the last ``EvaluationPeriods`` datapoints, ``DatapointsToAlarm``,
  ``TreatMissingData``; an alarm with an Auto Scaling action invokes it once
  per minute while it stays in ALARM.
- EC2 Auto Scaling User Guide, "Step and simple scaling policies" (step
  bounds), "Scaling adjustment types" (rounding), "Set the default instance
  warmup" (instances still warming up count toward the desired capacity of
  the next scale-out, so repeated breaches of one step make one activity;
  scale-in by scaling policies is blocked until they finish warming up),
  "Target tracking scaling policies" (capacity proportional to metric /
  target, rounded so that capacity is never too small).
- Target tracking's own two alarms (3 one-minute datapoints above the target
  to scale out, 15 below 90 % of it to scale in) are what AWS creates and
  what operators observe; the user guide does not state the numbers, which
  is why they are parameters of `tracking_direction`.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from constructs_lib.metric_math import Value

__all__ = [
    "COMPARISONS",
    "DEFAULT_WARMUP_SECONDS",
    "TRACKING_HIGH_DATAPOINTS",
    "TRACKING_LOW_DATAPOINTS",
    "TRACKING_LOW_FRACTION",
    "AlarmDefinition",
    "adjusted_capacity",
    "bounded_capacity",
    "decide_state",
    "optional_number",
    "step_for",
    "step_policy_capacity",
    "tracking_alarm_states",
    "tracking_capacity",
    "tracking_direction",
    "tracking_policy_capacity",
]

#: Seconds an instance warms up when neither the policy nor the group says
#: (the group's default cooldown).
DEFAULT_WARMUP_SECONDS = 300
#: Target tracking's alarms: this many one-minute datapoints above the target
#: scale out; this many below ``TRACKING_LOW_FRACTION`` x target scale in.
TRACKING_HIGH_DATAPOINTS = 3
TRACKING_LOW_DATAPOINTS = 15
TRACKING_LOW_FRACTION = 0.9

COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "GreaterThanThreshold": operator.gt,
    "GreaterThanOrEqualToThreshold": operator.ge,
    "LessThanThreshold": operator.lt,
    "LessThanOrEqualToThreshold": operator.le,
}


class AlarmDefinition(Protocol):
    """What `decide_state` reads of an alarm (moto's alarm model has these names).

    Numbers may come as strings (CloudFormation and moto keep them so).
    """

    @property
    def comparison_operator(self) -> str: ...
    @property
    def threshold(self) -> Any: ...
    @property
    def evaluation_periods(self) -> Any: ...
    @property
    def datapoints_to_alarm(self) -> Any: ...
    @property
    def treat_missing_data(self) -> str | None: ...


def decide_state(alarm: AlarmDefinition, datapoints: list[Value], old: str) -> str:
    """ALARM, OK or INSUFFICIENT_DATA for the last evaluation periods' datapoints."""
    compare = COMPARISONS.get(alarm.comparison_operator)
    if compare is None:
        raise ValueError(f"comparison {alarm.comparison_operator!r} is not evaluated")
    needed = int(alarm.datapoints_to_alarm or alarm.evaluation_periods)
    missing = alarm.treat_missing_data or "missing"
    present = [compare(v, float(alarm.threshold)) for v in datapoints if v is not None]
    gaps = len(datapoints) - len(present)
    if missing == "breaching":
        present += [True] * gaps
    elif missing == "notBreaching":
        present += [False] * gaps
    if sum(present) >= needed:
        return "ALARM"
    if not present:
        return old if missing == "ignore" else "INSUFFICIENT_DATA"
    if len(datapoints) < int(alarm.evaluation_periods) and missing != "notBreaching":
        return old if old != "INSUFFICIENT_DATA" else "INSUFFICIENT_DATA"
    return "OK"


# --- step scaling ------------------------------------------------------------------


def optional_number(value: Any, default: float) -> float:
    """``value`` as a number; ``default`` when it is absent (None or empty)."""
    return default if value is None or value == "" else float(value)


def step_for(steps: Sequence[Mapping[str, Any]], breach: float) -> int | None:
    """The ``ScalingAdjustment`` of the step whose interval holds ``breach``.

    ``breach`` is the datapoint minus the alarm's threshold; a lower bound is
    inclusive above the threshold, an upper bound inclusive below it.
    """
    for step in steps:
        lower = optional_number(step.get("MetricIntervalLowerBound"), -math.inf)
        upper = optional_number(step.get("MetricIntervalUpperBound"), math.inf)
        inside = lower <= breach < upper if breach >= 0 else lower < breach <= upper
        if inside:
            return int(step["ScalingAdjustment"])
    return None


def adjusted_capacity(adjustment_type: str, adjustment: int, base: int,
                      min_magnitude: int | None = None) -> int:  # fmt: skip
    """The capacity an adjustment asks for, from ``base`` (AWS's rounding rules)."""
    if adjustment_type == "ExactCapacity":
        return adjustment
    if adjustment_type == "ChangeInCapacity":
        return base + adjustment
    if adjustment_type != "PercentChangeInCapacity":
        raise ValueError(f"unknown AdjustmentType {adjustment_type!r}")
    change = base * adjustment / 100
    rounded = math.trunc(change) if abs(change) >= 1 else (1 if change > 0 else -1)
    if change == 0:
        rounded = 0
    if min_magnitude and 0 < abs(rounded) < min_magnitude:
        rounded = int(math.copysign(min_magnitude, rounded))
    return base + rounded


def step_policy_capacity(*, adjustment_type: str, adjustment: int, desired: int, warming: int,
                         min_magnitude: int | None = None) -> int:  # fmt: skip
    """The capacity a step policy asks for while ``warming`` instances warm up.

    Scaling out, the instances still warming up are not part of the capacity
    the step is added to, and the result never goes below ``desired``: the
    same step breached again while they warm up adds nothing. Scaling in is
    blocked until they have warmed up ("This blocks scale-in activities
    initiated by scaling policies until the instances finish warming up"):
    for ``ExactCapacity`` that is any capacity below ``desired``.
    """
    if adjustment_type == "ExactCapacity":
        return desired if adjustment < desired and warming > 0 else adjustment
    if adjustment < 0 and warming > 0:
        return desired
    base = desired - warming if adjustment > 0 else desired
    wanted = adjusted_capacity(adjustment_type, adjustment, base, min_magnitude)
    return max(wanted, desired) if adjustment > 0 else wanted


# --- target tracking -----------------------------------------------------------------


def tracking_capacity(value: float, in_service: int, target: float) -> int:
    """The capacity target tracking asks for: proportional to metric / target, rounded up."""
    return math.ceil(round(value * in_service / target, 9))


def tracking_direction(history: Sequence[Value], target: float, *, scale_in: bool,
                       high_datapoints: int = TRACKING_HIGH_DATAPOINTS,
                       low_datapoints: int = TRACKING_LOW_DATAPOINTS,
                       low_fraction: float = TRACKING_LOW_FRACTION) -> int:  # fmt: skip
    """+1 when a target-tracking policy's high alarm fires, -1 for its low alarm, else 0.

    A missing datapoint breaks the run: target tracking does not scale on
    insufficient data.
    """

    def all_of(count: int, holds: Callable[[float], bool]) -> bool:
        recent = history[-count:]
        return len(recent) == count and all(v is not None and holds(v) for v in recent)

    if all_of(high_datapoints, lambda v: v > target):
        return 1
    low = target * low_fraction
    if scale_in and all_of(low_datapoints, lambda v: v < low):
        return -1
    return 0


def tracking_alarm_states(
    history: Sequence[Value],
    target: float,
    *,
    high_datapoints: int = TRACKING_HIGH_DATAPOINTS,
    low_datapoints: int = TRACKING_LOW_DATAPOINTS,
    low_fraction: float = TRACKING_LOW_FRACTION,
) -> tuple[str, str]:
    """The states of a target-tracking policy's two alarms (high, low) after ``history``.

    ``ALARM`` when its last datapoints all breach, ``INSUFFICIENT_DATA``
    before it has that many datapoints or when the newest is missing, else
    ``OK``. The low alarm is reported whether or not scale-in is enabled
    (AWS creates it either way; `tracking_direction` decides whether it acts).
    """

    def state(count: int, breaches: Callable[[float], bool]) -> str:
        recent = history[-count:]
        if len(recent) < count or recent[-1] is None:
            return "INSUFFICIENT_DATA"
        return "ALARM" if all(v is not None and breaches(v) for v in recent) else "OK"

    return (
        state(high_datapoints, lambda v: v > target),
        state(low_datapoints, lambda v: v < target * low_fraction),
    )


def tracking_policy_capacity(*, direction: int, desired: int, proportional: int,
                             warming: int) -> int:  # fmt: skip
    """The capacity a target-tracking policy sets when its alarm in ``direction`` fires.

    Out: never below ``desired`` (the same breach again while instances warm
    up adds nothing). In: never above ``desired``, and not at all while
    instances warm up.
    """
    if direction > 0:
        return max(desired, proportional)
    if direction < 0 and warming == 0:
        return min(desired, proportional)
    return desired


def bounded_capacity(wanted: int, min_capacity: int, max_capacity: int) -> int:
    """``wanted`` within the group's bounds (Auto Scaling never leaves them)."""
    return max(min_capacity, min(max_capacity, wanted))
