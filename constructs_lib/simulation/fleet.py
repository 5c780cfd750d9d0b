"""The scaling configuration of a `QueueWorkerFleet`, as the simulator runs it.

A `FleetModel` holds what Auto Scaling and CloudWatch act on: the group's
bounds and warm-up, its target-tracking policies and its step policies with
their alarms, each alarm's metrics in CloudWatch's ``Metrics`` (query) shape.
It comes from the fleet's options (`fleet_from_options`, the same policies
the construct synthesizes) or from a synthesized template
(`constructs_lib.simulation.template.fleet_from_template`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from constructs_lib.metric_math import MetricMathError, evaluate_queries
from constructs_lib.scaling import (
    BACKLOG_PER_INSTANCE_EXPRESSION,
    SCALE_FROM_ZERO_EXPRESSION,
    age_alarm_datapoints,
    backlog_per_instance_target,
)
from constructs_lib.scaling_rules import COMPARISONS
from constructs_lib.simulation.errors import SimulationInputError

__all__ = [
    "AUTOSCALING",
    "IN_SERVICE",
    "OLDEST_AGE",
    "SQS",
    "VISIBLE",
    "AlarmRule",
    "FleetModel",
    "StepPolicy",
    "TrackingPolicy",
    "fleet_from_options",
]

SQS = "AWS/SQS"
AUTOSCALING = "AWS/AutoScaling"
VISIBLE = "ApproximateNumberOfMessagesVisible"
OLDEST_AGE = "ApproximateAgeOfOldestMessage"
IN_SERVICE = "GroupInServiceInstances"
DESIRED = "GroupDesiredCapacity"
#: The metrics the simulator models, by (namespace, name).
SIMULATED_METRICS = frozenset(
    {(SQS, VISIBLE), (SQS, OLDEST_AGE), (AUTOSCALING, IN_SERVICE), (AUTOSCALING, DESIRED)}
)
#: One sample a minute: every statistic of a one-minute period is that sample.
STATISTICS = frozenset({"Sum", "Average", "Maximum", "Minimum", "SampleCount"})
PERIOD_SECONDS = 60

Query = Mapping[str, Any]


@dataclass(frozen=True)
class AlarmRule:
    """A CloudWatch alarm as `constructs_lib.scaling_rules.decide_state` reads it."""

    name: str = field(compare=False)
    queries: tuple[Query, ...]
    threshold: float
    comparison_operator: str
    evaluation_periods: int
    datapoints_to_alarm: int | None = None
    treat_missing_data: str | None = None


@dataclass(frozen=True)
class StepPolicy:
    """A step-scaling policy and the alarm that invokes it."""

    name: str = field(compare=False)
    alarm: AlarmRule
    adjustment_type: str
    #: ``StepAdjustments`` as CloudFormation writes them (bounds relative to
    #: the alarm's threshold).
    steps: tuple[Mapping[str, Any], ...]
    warmup_seconds: float
    min_adjustment_magnitude: int | None = None


@dataclass(frozen=True)
class TrackingPolicy:
    """A target-tracking policy on a metric (or metric math) of the fleet."""

    name: str = field(compare=False)
    queries: tuple[Query, ...]
    target: float
    warmup_seconds: float
    scale_in: bool = True


@dataclass(frozen=True)
class FleetModel:
    """What scales the fleet: bounds, warm-up, policies.

    :param warmup_seconds: the group's default instance warm-up (counted from
        InService), also when the modelled worker starts taking messages.
    :param acceptable_latency_seconds: the fleet's ``acceptable_latency``
        when known (from options); a template only has the target.
    """

    min_capacity: int
    max_capacity: int
    warmup_seconds: float
    tracking: tuple[TrackingPolicy, ...] = ()
    steps: tuple[StepPolicy, ...] = ()
    acceptable_latency_seconds: float | None = field(default=None, compare=False)
    source: str = field(default="options", compare=False)

    def __post_init__(self) -> None:
        if not 0 <= self.min_capacity <= self.max_capacity or self.max_capacity < 1:
            raise SimulationInputError(
                f"min_capacity={self.min_capacity}, max_capacity={self.max_capacity}: "
                "need 0 <= min_capacity <= max_capacity and max_capacity >= 1"
            )
        if self.warmup_seconds < 0:
            raise SimulationInputError(f"warm-up {self.warmup_seconds} s: must not be negative")
        for policy in self.tracking:
            check_queries(policy.queries, f"policy {policy.name}")
        for step in self.steps:
            check_queries(step.alarm.queries, f"alarm {step.alarm.name}")
            if step.alarm.comparison_operator not in COMPARISONS:
                raise SimulationInputError(
                    f"alarm {step.alarm.name}: comparison {step.alarm.comparison_operator!r} "
                    f"is not simulated (simulated: {', '.join(sorted(COMPARISONS))})"
                )


def check_queries(queries: Sequence[Query], where: str) -> None:
    """Refuse metrics, statistics and periods the simulator does not model."""
    for query in queries:
        stat = query.get("MetricStat")
        if not stat:
            continue
        metric = stat["Metric"]
        key = (metric.get("Namespace"), metric.get("MetricName"))
        if key not in SIMULATED_METRICS:
            simulated = ", ".join(f"{ns} {name}" for ns, name in sorted(SIMULATED_METRICS))
            raise SimulationInputError(
                f"{where}: metric {key[0]} {key[1]} is not simulated (simulated: {simulated})"
            )
        if stat.get("Stat") not in STATISTICS:
            raise SimulationInputError(
                f"{where}: statistic {stat.get('Stat')!r} is not simulated "
                f"(simulated: {', '.join(sorted(STATISTICS))})"
            )
        if int(stat.get("Period") or PERIOD_SECONDS) != PERIOD_SECONDS:
            raise SimulationInputError(
                f"{where}: period {stat.get('Period')} s; only one-minute periods are simulated"
            )
    try:
        evaluate_queries(queries, lambda stat: 1.0)
    except MetricMathError as error:
        raise SimulationInputError(f"{where}: {error}") from error


def metric_query(query_id: str, namespace: str, name: str, stat: str) -> dict[str, Any]:
    """One ``MetricStat`` query of a one-minute metric, not returned."""
    return {
        "Id": query_id,
        "MetricStat": {
            "Metric": {"Namespace": namespace, "MetricName": name},
            "Stat": stat,
            "Period": PERIOD_SECONDS,
        },
        "ReturnData": False,
    }


def returned(query: dict[str, Any]) -> dict[str, Any]:
    return {**query, "ReturnData": True}


# --- the construct's policies, from its options -------------------------------------


def fleet_from_options(
    *,
    min_capacity: int = 0,
    max_capacity: int = 10,
    acceptable_latency_seconds: float = 10.0,
    average_processing_seconds: float = 0.1,
    instance_warmup_seconds: float = 180,
    message_age_threshold_seconds: float = 300,
    visibility_timeout_seconds: float = 30,
    max_receive_count: int | None = 5,
    fifo: bool = False,
) -> FleetModel:
    """The policies `QueueWorkerFleet` synthesizes for these options (backlog-per-instance scaling).

    The defaults are the construct's and `SecureQueue`'s (`constructs_lib.defaults`);
    ``visibility_timeout_seconds``, ``max_receive_count`` (None: no DLQ) and
    ``fifo`` describe the consumed queue, which sets the age alarm's datapoints.

    Example (the Buffering stack's fleet)::

        fleet_from_options(max_capacity=20, acceptable_latency_seconds=30,
                           average_processing_seconds=0.25, visibility_timeout_seconds=300)
    """
    try:
        target = backlog_per_instance_target(acceptable_latency_seconds, average_processing_seconds)
        needed = age_alarm_datapoints(
            visibility_timeout_seconds=visibility_timeout_seconds,
            max_receive_count=max_receive_count,
            fifo=fifo,
            threshold_seconds=message_age_threshold_seconds,
            period_seconds=PERIOD_SECONDS,
        )
    except ValueError as error:
        raise SimulationInputError(str(error)) from error
    if message_age_threshold_seconds <= 0:
        raise SimulationInputError(
            f"message_age_threshold_seconds={message_age_threshold_seconds!r}: must be more than 0"
        )
    # As the construct: a FIFO queue without a DLQ keeps one period (and warns).
    age_periods = 1 if math.isinf(needed) else int(needed)
    steps = [_message_age_step(message_age_threshold_seconds, age_periods, instance_warmup_seconds)]
    if min_capacity == 0:
        steps.insert(0, _scale_from_zero_step(instance_warmup_seconds))
    return FleetModel(
        min_capacity=min_capacity,
        max_capacity=max_capacity,
        warmup_seconds=instance_warmup_seconds,
        tracking=(_backlog_tracking(target, instance_warmup_seconds),),
        steps=tuple(steps),
        acceptable_latency_seconds=acceptable_latency_seconds,
    )


def _visible_and_in_service(visible_stat: str) -> list[dict[str, Any]]:
    return [
        metric_query("visible", SQS, VISIBLE, visible_stat),
        metric_query("inService", AUTOSCALING, IN_SERVICE, "Average"),
    ]


def _backlog_tracking(target: float, warmup: float) -> TrackingPolicy:
    expression = {"Id": "backlogPerInstance", "Expression": BACKLOG_PER_INSTANCE_EXPRESSION}
    return TrackingPolicy(
        name="BacklogPerInstanceScaling",
        queries=(*_visible_and_in_service("Sum"), returned(expression)),
        target=target,
        warmup_seconds=warmup,
    )


_PLUS_ONE = ({"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1},)


def _scale_from_zero_step(warmup: float) -> StepPolicy:
    expression = {"Id": "expr_1", "Expression": SCALE_FROM_ZERO_EXPRESSION}
    alarm = AlarmRule(
        name="ScaleFromZeroAlarm",
        queries=(returned(expression), *_visible_and_in_service("Sum")),
        threshold=1,
        comparison_operator="GreaterThanOrEqualToThreshold",
        evaluation_periods=1,
        treat_missing_data="notBreaching",
    )
    return StepPolicy("ScaleFromZero", alarm, "ChangeInCapacity", _PLUS_ONE, warmup)


def _message_age_step(threshold: float, periods: int, warmup: float) -> StepPolicy:
    alarm = AlarmRule(
        name="MessageAgeAlarm",
        queries=(returned(metric_query("m1", SQS, OLDEST_AGE, "Maximum")),),
        threshold=threshold,
        comparison_operator="GreaterThanThreshold",
        evaluation_periods=periods,
        datapoints_to_alarm=periods if periods > 1 else None,
        treat_missing_data="notBreaching",
    )
    return StepPolicy("MessageAgeScaleOut", alarm, "ChangeInCapacity", _PLUS_ONE, warmup)
