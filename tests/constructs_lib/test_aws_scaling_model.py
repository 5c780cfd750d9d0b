"""The rules of alarms and scaling policies: step bounds, rounding, target tracking, states.

Numbers from AWS's own examples where they have them (EC2 Auto Scaling User
Guide: "Step adjustments", "Scaling adjustment types", "Scaling policy based
on Amazon SQS"; CloudWatch User Guide: "Evaluating an alarm").
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from constructs_lib.aws_scaling_model import (
    adjusted_capacity,
    bounded_capacity,
    decide_state,
    step_for,
    step_policy_capacity,
    tracking_capacity,
    tracking_direction,
    tracking_policy_capacity,
)

# The guide's step example: alarm at 50, +10 % from 50 to 60, +20 % from 60 to 70,
# +30 % above 70 (bounds relative to the threshold).
GUIDE_STEPS = [
    {"MetricIntervalLowerBound": 0, "MetricIntervalUpperBound": 10, "ScalingAdjustment": 10},
    {"MetricIntervalLowerBound": 10, "MetricIntervalUpperBound": 20, "ScalingAdjustment": 20},
    {"MetricIntervalLowerBound": 20, "ScalingAdjustment": 30},
]


@pytest.mark.parametrize(("metric", "adjustment"), [(50, 10), (59.9, 10), (60, 20), (75, 30)])
def test_step_bounds_follow_the_guide(metric: float, adjustment: int) -> None:
    assert step_for(GUIDE_STEPS, metric - 50) == adjustment


def test_scale_in_steps_take_the_upper_bound_inclusive() -> None:
    steps = [{"MetricIntervalUpperBound": 0, "ScalingAdjustment": -1}]
    assert step_for(steps, -5) == -1
    assert step_for(steps, 0) is None


@pytest.mark.parametrize(
    ("kind", "adjustment", "base", "magnitude", "expected"),
    [
        ("ChangeInCapacity", 2, 3, None, 5),
        ("ExactCapacity", 7, 3, None, 7),
        ("PercentChangeInCapacity", 25, 50, None, 62),  # 12.5 rounds down to 12
        ("PercentChangeInCapacity", 10, 5, None, 6),  # 0.5 rounds to 1
        ("PercentChangeInCapacity", -10, 5, None, 4),  # -0.5 rounds to -1
        ("PercentChangeInCapacity", 10, 10, 2, 12),  # at least MinAdjustmentMagnitude
    ],
)
def test_adjustment_types_round_as_aws_documents(
    kind: str, adjustment: int, base: int, magnitude: int | None, expected: int
) -> None:
    assert adjusted_capacity(kind, adjustment, base, magnitude) == expected


def test_target_tracking_is_proportional_as_in_the_sqs_guide() -> None:
    # 1500 visible, 10 instances: backlog 150 per instance; target 100 -> 15 instances
    assert tracking_capacity(150.0, 10, 100.0) == 15
    assert tracking_capacity(600 / 1, 1, 120.0) == 5
    assert tracking_capacity(0.0, 4, 120.0) == 0


def alarm(evaluation_periods: int = 3, datapoints: int | None = None,
          missing: str | None = None) -> SimpleNamespace:  # fmt: skip
    return SimpleNamespace(
        comparison_operator="GreaterThanThreshold", threshold=10.0,
        evaluation_periods=evaluation_periods, datapoints_to_alarm=datapoints,
        treat_missing_data=missing,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("datapoints", "missing", "m", "old", "expected"),
    [
        ([11, 12, 13], None, None, "OK", "ALARM"),
        ([11, 5, 13], None, None, "OK", "OK"),
        ([11, 5, 13], None, 2, "OK", "ALARM"),  # 2 out of 3
        ([None, None, None], None, None, "OK", "INSUFFICIENT_DATA"),
        ([None, None, None], "notBreaching", None, "ALARM", "OK"),
        ([None, None, None], "breaching", None, "OK", "ALARM"),
        ([None, None, None], "ignore", None, "ALARM", "ALARM"),
        ([11, None, 13], None, 2, "OK", "ALARM"),
    ],
)
def test_alarm_states_follow_cloudwatch(
    datapoints: list[float | None], missing: str | None, m: int | None, old: str, expected: str
) -> None:
    assert decide_state(alarm(datapoints=m, missing=missing), datapoints, old) == expected


# "Set the default instance warmup": instances still warming up count toward the
# desired capacity of the next scale-out (one activity per step), and scale-in
# by a policy waits until they have warmed up.


def test_a_step_breached_again_while_its_instance_warms_up_adds_nothing() -> None:
    first = step_policy_capacity(
        adjustment_type="ChangeInCapacity", adjustment=1, desired=0, warming=0
    )
    again = step_policy_capacity(
        adjustment_type="ChangeInCapacity", adjustment=1, desired=first, warming=1
    )
    after_warm_up = step_policy_capacity(
        adjustment_type="ChangeInCapacity", adjustment=1, desired=first, warming=0
    )
    assert (first, again, after_warm_up) == (1, 1, 2)


def test_a_larger_step_while_instances_warm_up_adds_only_the_difference() -> None:
    # 3 in service, 2 warming (desired 5): a +3 step counts from 5 - 2 = 3 -> 6
    assert (
        step_policy_capacity(adjustment_type="ChangeInCapacity", adjustment=3, desired=5, warming=2)
        == 6
    )


def test_step_scale_in_waits_for_warm_up() -> None:
    kwargs = {"adjustment_type": "ChangeInCapacity", "adjustment": -1, "desired": 4}
    assert step_policy_capacity(**kwargs, warming=1) == 4  # type: ignore[arg-type]
    assert step_policy_capacity(**kwargs, warming=0) == 3  # type: ignore[arg-type]


def test_tracking_alarms_need_3_high_or_15_low_datapoints() -> None:
    assert tracking_direction([150.0] * 2, 100.0, scale_in=True) == 0
    assert tracking_direction([150.0] * 3, 100.0, scale_in=True) == 1
    assert tracking_direction([89.0] * 14, 100.0, scale_in=True) == 0
    assert tracking_direction([89.0] * 15, 100.0, scale_in=True) == -1
    assert tracking_direction([91.0] * 15, 100.0, scale_in=True) == 0  # not below 90 %
    assert tracking_direction([89.0] * 15, 100.0, scale_in=False) == 0
    assert tracking_direction([150.0, None, 150.0], 100.0, scale_in=True) == 0
    assert tracking_direction([150.0], 100.0, scale_in=True, high_datapoints=1) == 1


@pytest.mark.parametrize(
    ("direction", "desired", "proportional", "warming", "expected"),
    [
        (1, 10, 15, 0, 15),  # AWS's example: 1500 visible, target 100
        (1, 15, 15, 5, 15),  # breached again while the 5 warm up: nothing more
        (1, 15, 12, 0, 15),  # scale-out never lowers
        (-1, 15, 3, 0, 3),
        (-1, 15, 3, 2, 15),  # scale-in blocked while instances warm up
        (-1, 3, 5, 0, 3),  # scale-in never raises
        (0, 7, 1, 0, 7),
    ],
)
def test_tracking_policy_capacity(
    direction: int, desired: int, proportional: int, warming: int, expected: int
) -> None:
    assert (
        tracking_policy_capacity(
            direction=direction, desired=desired, proportional=proportional, warming=warming
        )
        == expected
    )


def test_capacity_stays_within_the_group_bounds() -> None:
    assert [bounded_capacity(n, 1, 20) for n in (0, 5, 25)] == [1, 5, 20]
