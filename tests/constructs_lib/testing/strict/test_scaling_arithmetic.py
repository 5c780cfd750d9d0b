"""The arithmetic the alarms part runs: metric math, step bounds, rounding, target tracking.

Numbers from AWS's own examples where they have them (EC2 Auto Scaling User
Guide: "Step adjustments", "Scaling adjustment types", "Scaling policy based
on Amazon SQS").
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from constructs_lib.queue_worker_fleet import (
    BACKLOG_PER_INSTANCE_EXPRESSION,
    SCALE_FROM_ZERO_EXPRESSION,
)
from constructs_lib.testing.strict.alarms import decide_state
from constructs_lib.testing.strict.metric_math import MetricMathError, evaluate_expression
from constructs_lib.testing.strict.scaling import adjusted_capacity, step_for, tracking_capacity


@pytest.mark.parametrize(
    ("visible", "in_service", "expected"),
    [(240.0, 2.0, 120.0), (240.0, None, 240.0), (240.0, 0.0, 240.0), (None, 1.0, None)],
)
def test_backlog_per_instance_expression(
    visible: float | None, in_service: float | None, expected: float | None
) -> None:
    values = {"visible": visible, "inService": in_service}
    assert evaluate_expression(BACKLOG_PER_INSTANCE_EXPRESSION, values) == expected


@pytest.mark.parametrize(
    ("visible", "in_service", "expected"),
    [(5.0, None, 1.0), (5.0, 0.0, 1.0), (5.0, 1.0, 0.0), (0.0, 0.0, 0.0)],
)
def test_scale_from_zero_expression(
    visible: float, in_service: float | None, expected: float
) -> None:
    values = {"visible": visible, "inService": in_service}
    assert evaluate_expression(SCALE_FROM_ZERO_EXPRESSION, values) == expected


@pytest.mark.parametrize(
    ("expression", "message"),
    [("RATE(m1)", "unsupported function RATE"), ("m1 +", "expected more"), ("x / 2", "'x'")],
)
def test_unsupported_metric_math_is_an_error(expression: str, message: str) -> None:
    with pytest.raises(MetricMathError, match=message.replace("(", r"\(").replace("+", r"\+")):
        evaluate_expression(expression, {"m1": 1.0})


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


def test_queries_are_evaluated_in_dependency_order_not_listed_order() -> None:
    # CDK lists an alarm's expression before the queries it uses.
    from constructs_lib.testing.strict.alarms import query_value

    queries = [
        {
            "Id": "ratio",
            "Expression": "visible / IF(inService > 0, inService, 1)",
            "ReturnData": True,
        },
        {"Id": "visible", "Expression": "240", "ReturnData": False},
        {"Id": "inService", "Expression": "2", "ReturnData": False},
    ]
    assert query_value(queries, "123456789012", "us-east-1", 0.0, 60) == 120.0
