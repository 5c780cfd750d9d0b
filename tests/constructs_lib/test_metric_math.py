"""CloudWatch metric math as the library's alarms and scaling policies use it.

The expressions are the ones `QueueWorkerFleet` synthesizes; the strict local
account and the fleet simulator both evaluate them with `constructs_lib.metric_math`.
"""

from __future__ import annotations

import pytest

from constructs_lib.fleet_sizing import BACKLOG_PER_INSTANCE_EXPRESSION, SCALE_FROM_ZERO_EXPRESSION
from constructs_lib.metric_math import MetricMathError, evaluate_expression, evaluate_queries


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


def test_queries_are_evaluated_once_the_ids_they_name_have_values() -> None:
    # As CDK writes the fleet's scale-from-zero alarm: the expression first.
    queries = [
        {"Id": "expr_1", "Expression": SCALE_FROM_ZERO_EXPRESSION, "ReturnData": True},
        {"Id": "visible", "MetricStat": {"Metric": {"MetricName": "V"}}, "ReturnData": False},
        {"Id": "inService", "MetricStat": {"Metric": {"MetricName": "I"}}, "ReturnData": False},
    ]
    values = {"V": 7.0, "I": 0.0}
    assert evaluate_queries(queries, lambda stat: values[stat["Metric"]["MetricName"]]) == 1.0


def test_queries_must_return_exactly_one_value() -> None:
    queries = [
        {"Id": "a", "Expression": "1", "ReturnData": True},
        {"Id": "b", "Expression": "2", "ReturnData": True},
    ]
    with pytest.raises(MetricMathError, match="cannot evaluate queries"):
        evaluate_queries(queries, lambda stat: None)


def test_period_gives_a_metrics_period_in_seconds() -> None:
    """CloudWatch's PERIOD(m): the rates and the time to drain of PatternDashboard
    divide by it, so they stay per second when a dashboard widens its period."""
    values = {"sent": 600.0}
    assert evaluate_expression("sent / PERIOD(sent)", values, periods={"sent": 60}) == 10.0
    assert evaluate_expression("sent / PERIOD(sent)", values, periods={"sent": 300}) == 2.0


def test_period_of_an_unknown_metric_is_an_error() -> None:
    with pytest.raises(MetricMathError, match=r"PERIOD\(sent\)"):
        evaluate_expression("sent / PERIOD(sent)", {"sent": 1.0})


def test_queries_pass_each_metric_stats_period() -> None:
    queries = [
        {"Id": "rate", "Expression": "sent / PERIOD(sent)", "ReturnData": True},
        {"Id": "sent", "MetricStat": {"Metric": {}, "Period": 300}, "ReturnData": False},
    ]
    assert evaluate_queries(queries, lambda stat: 900.0) == 3.0
