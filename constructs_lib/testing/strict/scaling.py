"""Scaling policies run as EC2 Auto Scaling runs them (EC2 Auto Scaling User Guide).

Step scaling: the alarm's breach (datapoint minus threshold) picks the step
whose bounds hold it (lower bound inclusive above the threshold, upper bound
inclusive below it); ``ChangeInCapacity``, ``ExactCapacity`` or
``PercentChangeInCapacity`` (rounded toward zero, at least 1, at least
``MinAdjustmentMagnitude``) changes the desired capacity, within min/max.
While instances launched by an earlier scale-out warm up, they are not part
of the current capacity the step is added to, so repeated breaches of the
same step make one scaling activity, not one per evaluation.

Target tracking: the two alarms AWS creates for a policy (scale out after 3
one-minute datapoints above the target, scale in after 15 below 90 % of it),
and a new capacity proportional to the metric: ``ceil(metric x in-service /
target)``, i.e. for backlog per instance ``ceil(visible / target)``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

#: Seconds an instance warms up when neither the policy nor the group says
#: (the group's default cooldown).
DEFAULT_WARMUP_SECONDS = 300
TRACKING_HIGH_DATAPOINTS = 3
TRACKING_LOW_DATAPOINTS = 15
TRACKING_LOW_FRACTION = 0.9

#: (account, region, group) -> [(launch time, instances launched)]
_LAUNCHES: dict[tuple[str, str, str], list[tuple[float, int]]] = defaultdict(list)


def reset_launches() -> None:
    _LAUNCHES.clear()
    _DEFAULT_WARMUPS.clear()


def _number(value: Any, default: float) -> float:
    return default if value is None or value == "" else float(value)


def step_for(steps: list[dict[str, Any]], breach: float) -> int | None:
    """The ``ScalingAdjustment`` of the step whose interval holds ``breach``."""
    for step in steps:
        lower = _number(step.get("MetricIntervalLowerBound"), -math.inf)
        upper = _number(step.get("MetricIntervalUpperBound"), math.inf)
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


def warming(group_key: tuple[str, str, str], at: float, warmup: float) -> int:
    return sum(count for launched, count in _LAUNCHES[group_key] if at - launched < warmup)


#: group name -> its DefaultInstanceWarmup (moto's group model drops it)
_DEFAULT_WARMUPS: dict[str, float] = {}


def remember_default_warmup(group: Any, warmup: Any) -> None:
    if warmup not in (None, ""):
        _DEFAULT_WARMUPS[str(group.name)] = float(warmup)


def warmup_of(policy: Any) -> float:
    """The policy's ``EstimatedInstanceWarmup``, else the group's default, else 300 s."""
    group_default = _DEFAULT_WARMUPS.get(policy.auto_scaling_group_name, DEFAULT_WARMUP_SECONDS)
    return _number(getattr(policy, "estimated_instance_warmup", None), group_default)


def run_step_policy(backend: Any, policy: Any, breach: float, at: float) -> str | None:
    """Apply ``policy`` for an alarm ``breach``; a line saying what changed, or None."""
    group = backend.autoscaling_groups[policy.auto_scaling_group_name]
    adjustment = step_for(list(policy.step_adjustments or []), breach)
    if adjustment is None:
        return None
    key = (backend.account_id, backend.region_name, group.name)
    desired = int(group.desired_capacity or 0)
    base = desired - warming(key, at, warmup_of(policy)) if adjustment > 0 else desired
    magnitude = int(_number(policy.min_adjustment_magnitude, 0)) or None
    wanted = adjusted_capacity(policy.adjustment_type, adjustment, base, magnitude)
    if adjustment > 0:
        wanted = max(wanted, desired)
    return set_capacity(backend, group, wanted, at, cause=f"step policy {policy.name}")


def tracking_capacity(value: float, in_service: int, target: float) -> int:
    """The capacity target tracking asks for: proportional to metric / target."""
    return math.ceil(round(value * in_service / target, 9))


def set_capacity(backend: Any, group: Any, wanted: int, at: float, *, cause: str) -> str | None:
    """Set the desired capacity within min/max; a line saying what changed, or None."""
    desired = int(group.desired_capacity or 0)
    new = max(int(group.min_size), min(int(group.max_size), wanted))
    if new == desired:
        return None
    backend.set_desired_capacity(group.name, new)
    if new > desired:
        _LAUNCHES[(backend.account_id, backend.region_name, group.name)].append((at, new - desired))
    return f"{group.name}: desired capacity {desired} -> {new} ({cause})"
