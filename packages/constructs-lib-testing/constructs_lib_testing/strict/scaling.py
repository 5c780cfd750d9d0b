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

The arithmetic is `constructs_lib.aws_scaling_model` (shared with the fleet
simulator); this module keeps what it needs of moto's state: the launches
still warming up and each group's default warm-up.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from constructs_lib.aws_scaling_model import (
    DEFAULT_WARMUP_SECONDS,
    bounded_capacity,
    optional_number,
    step_for,
    step_policy_capacity,
)

#: (account, region, group) -> [(launch time, instances launched)]
_LAUNCHES: dict[tuple[str, str, str], list[tuple[float, int]]] = defaultdict(list)


def reset_launches() -> None:
    _LAUNCHES.clear()
    _DEFAULT_WARMUPS.clear()


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
    return optional_number(getattr(policy, "estimated_instance_warmup", None), group_default)


def run_step_policy(backend: Any, policy: Any, breach: float, at: float) -> str | None:
    """Apply ``policy`` for an alarm ``breach``; a line saying what changed, or None."""
    group = backend.autoscaling_groups[policy.auto_scaling_group_name]
    adjustment = step_for(list(policy.step_adjustments or []), breach)
    if adjustment is None:
        return None
    key = (backend.account_id, backend.region_name, group.name)
    wanted = step_policy_capacity(
        adjustment_type=policy.adjustment_type,
        adjustment=adjustment,
        desired=int(group.desired_capacity or 0),
        warming=warming(key, at, warmup_of(policy)),
        min_magnitude=int(optional_number(policy.min_adjustment_magnitude, 0)) or None,
    )
    return set_capacity(backend, group, wanted, at, cause=f"step policy {policy.name}")


def set_capacity(backend: Any, group: Any, wanted: int, at: float, *, cause: str) -> str | None:
    """Set the desired capacity within min/max; a line saying what changed, or None."""
    desired = int(group.desired_capacity or 0)
    new = bounded_capacity(wanted, int(group.min_size), int(group.max_size))
    if new == desired:
        return None
    backend.set_desired_capacity(group.name, new)
    if new > desired:
        _LAUNCHES[(backend.account_id, backend.region_name, group.name)].append((at, new - desired))
    return f"{group.name}: desired capacity {desired} -> {new} ({cause})"
