"""The scaling configuration of a `QueueWorkerFleet`, as the simulator runs it.

A `FleetModel` holds what Auto Scaling and CloudWatch act on: the group's
bounds and warm-up, its target-tracking policies and its step policies with
their alarms, each alarm's metrics in CloudWatch's ``Metrics`` (query) shape.
It comes from the fleet's options (`fleet_from_options`, the same policies
the construct synthesizes for each ``FleetScalingPolicy``) or from a synthesized
template (`constructs_lib.simulation.template.fleet_from_template`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from constructs_lib.aws_scaling_model import COMPARISONS
from constructs_lib.fleet_sizing import (
    ARRIVALS_AND_BACKLOG_TARGET,
    BACKLOG_PER_INSTANCE_EXPRESSION,
    SCALE_FROM_ZERO_EXPRESSION,
    SCALE_IN_PERIOD_MINUTES,
    SCALE_TO_ZERO_MINUTES,
    age_alarm_datapoints,
    backlog_per_instance_target,
    drain_seconds,
    idle_expression,
    instances_needed_per_instance_expression,
    set_capacity_from_zero_expression,
    set_capacity_in_expression,
    set_capacity_steps,
)
from constructs_lib.metric_math import MetricMathError, evaluate_queries
from constructs_lib.simulation.errors import SimulationInputError

__all__ = [
    "AUTOSCALING",
    "CPU",
    "DELETED",
    "EC2",
    "IN_SERVICE",
    "NOT_VISIBLE",
    "OLDEST_AGE",
    "RECEIVED",
    "SCALING_MODES",
    "SENT",
    "SQS",
    "VISIBLE",
    "AlarmRule",
    "FleetModel",
    "MetricName",
    "StepPolicy",
    "TrackingPolicy",
    "fleet_from_options",
    "metric_query",
    "returned",
    "scale_on_metric",
    "step_adjustments",
]

SQS = "AWS/SQS"
AUTOSCALING = "AWS/AutoScaling"
EC2 = "AWS/EC2"
VISIBLE = "ApproximateNumberOfMessagesVisible"
NOT_VISIBLE = "ApproximateNumberOfMessagesNotVisible"
OLDEST_AGE = "ApproximateAgeOfOldestMessage"
SENT = "NumberOfMessagesSent"
RECEIVED = "NumberOfMessagesReceived"
DELETED = "NumberOfMessagesDeleted"
IN_SERVICE = "GroupInServiceInstances"
DESIRED = "GroupDesiredCapacity"
CPU = "CPUUtilization"
#: A metric by (namespace, name).
MetricName = tuple[str, str]
#: The metrics the simulator models.
SIMULATED_METRICS: frozenset[MetricName] = frozenset(
    {
        (SQS, VISIBLE),
        (SQS, NOT_VISIBLE),
        (SQS, OLDEST_AGE),
        (SQS, SENT),
        (SQS, RECEIVED),
        (SQS, DELETED),
        (AUTOSCALING, IN_SERVICE),
        (AUTOSCALING, DESIRED),
        (EC2, CPU),
    }
)
#: ``FleetScalingPolicy`` values, as `fleet_from_options` takes them.
ARRIVALS_AND_BACKLOG = "arrivals-and-backlog"
BACKLOG_PER_INSTANCE = "backlog-per-instance"
QUEUE_DEPTH_STEPS = "queue-depth-steps"
SCALING_MODES = (ARRIVALS_AND_BACKLOG, BACKLOG_PER_INSTANCE, QUEUE_DEPTH_STEPS)
#: One sample a minute: every statistic of a one-minute period is that sample.
STATISTICS = frozenset({"Sum", "Average", "Maximum", "Minimum", "SampleCount"})
PERIOD_SECONDS = 60
#: The longest alarm period simulated (CloudWatch allows longer; scaling does not use them).
MAX_PERIOD_SECONDS = 3600

Query = Mapping[str, Any]


@dataclass(frozen=True)
class AlarmRule:
    """A CloudWatch alarm as `constructs_lib.aws_scaling_model.decide_state` reads it."""

    name: str = field(compare=False)
    queries: tuple[Query, ...]
    threshold: float
    comparison_operator: str
    evaluation_periods: int
    datapoints_to_alarm: int | None = None
    treat_missing_data: str | None = None

    @property
    def period_minutes(self) -> int:
        return period_minutes(self.queries)


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

    @property
    def tracks_backlog_per_instance(self) -> bool:
        """AWS's guide's metric, whose target is latency / processing time."""
        return any(q.get("Expression") == BACKLOG_PER_INSTANCE_EXPRESSION for q in self.queries)


@dataclass(frozen=True)
class FleetModel:
    """What scales the fleet: bounds, warm-up, policies.

    :param warmup_seconds: the group's default instance warm-up (counted from
        InService), also when the modelled worker starts taking messages.
    :param acceptable_latency_seconds: the fleet's ``acceptable_latency``
        when known (from options, or read back from the default policy's
        expression); AWS's guide's policy has only the target.
    :param average_processing_seconds: likewise, the ``average_processing_time``.
    """

    min_capacity: int
    max_capacity: int
    warmup_seconds: float
    tracking: tuple[TrackingPolicy, ...] = ()
    steps: tuple[StepPolicy, ...] = ()
    acceptable_latency_seconds: float | None = field(default=None, compare=False)
    average_processing_seconds: float | None = field(default=None, compare=False)
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
    periods = set()
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
        period = int(stat.get("Period") or PERIOD_SECONDS)
        if period % PERIOD_SECONDS or not PERIOD_SECONDS <= period <= MAX_PERIOD_SECONDS:
            raise SimulationInputError(
                f"{where}: period {period} s; simulated periods are whole minutes up to "
                f"{MAX_PERIOD_SECONDS // 60}"
            )
        periods.add(period)
    if len(periods) > 1:
        raise SimulationInputError(
            f"{where}: metrics of different periods ({', '.join(map(str, sorted(periods)))} s) "
            "in one alarm are not simulated"
        )
    try:
        evaluate_queries(queries, lambda stat: 1.0)
    except MetricMathError as error:
        raise SimulationInputError(f"{where}: {error}") from error


def period_minutes(queries: Sequence[Query]) -> int:
    """The period of a query set's metrics, in minutes (1 when none says)."""
    for query in queries:
        if query.get("MetricStat"):
            return int(query["MetricStat"].get("Period") or PERIOD_SECONDS) // PERIOD_SECONDS
    return 1


def metric_query(
    query_id: str, namespace: str, name: str, stat: str, period: int = PERIOD_SECONDS
) -> dict[str, Any]:
    """One ``MetricStat`` query of a metric, not returned."""
    return {
        "Id": query_id,
        "MetricStat": {
            "Metric": {"Namespace": namespace, "MetricName": name},
            "Stat": stat,
            "Period": period,
        },
        "ReturnData": False,
    }


def returned(query: dict[str, Any]) -> dict[str, Any]:
    return {**query, "ReturnData": True}


# --- the construct's policies, from its options -------------------------------------


def fleet_from_options(
    *,
    scaling: str = ARRIVALS_AND_BACKLOG,
    min_capacity: int = 0,
    max_capacity: int = 10,
    acceptable_latency_seconds: float = 10.0,
    average_processing_seconds: float = 0.1,
    instance_warmup_seconds: float = 180,
    message_age_threshold_seconds: float = 300,
    visibility_timeout_seconds: float = 30,
    max_receive_count: int | None = 5,
    fifo: bool = False,
    queue_depth_steps: Sequence[tuple[int | None, int | None, int]] | None = None,
) -> FleetModel:
    """The policies `QueueWorkerFleet` synthesizes for these options.

    ``scaling`` is a ``FleetScalingPolicy`` value (`SCALING_MODES`): the default
    ``arrivals-and-backlog``, ``backlog-per-instance`` (AWS's guide) or
    ``queue-depth-steps`` (with ``queue_depth_steps``, default the
    construct's). The defaults are the construct's and `SecureQueue`'s
    (`constructs_lib.defaults`); ``visibility_timeout_seconds``,
    ``max_receive_count`` (None: no DLQ) and ``fifo`` describe the consumed
    queue, which sets the age alarm's datapoints.

    Example (the Buffering stack's fleet)::

        fleet_from_options(max_capacity=20, acceptable_latency_seconds=30,
                           average_processing_seconds=0.25, visibility_timeout_seconds=300)
    """
    if scaling not in SCALING_MODES:
        raise SimulationInputError(
            f"scaling={scaling!r}: not a FleetScalingPolicy (one of {', '.join(SCALING_MODES)})"
        )
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
    if not 0 <= min_capacity <= max_capacity or max_capacity < 1:
        raise SimulationInputError(
            f"min_capacity={min_capacity}, max_capacity={max_capacity}: "
            "need 0 <= min_capacity <= max_capacity and max_capacity >= 1"
        )
    warmup = instance_warmup_seconds
    # As the construct: a FIFO queue without a DLQ keeps one period (and warns).
    age_periods = 1 if math.isinf(needed) else int(needed)
    steps = [_message_age_step(message_age_threshold_seconds, age_periods, warmup)]
    tracking: tuple[TrackingPolicy, ...] = ()
    if scaling == ARRIVALS_AND_BACKLOG:
        drain = drain_seconds(acceptable_latency_seconds, warmup)
        processing = average_processing_seconds
        tracking = (_arrivals_and_backlog_tracking(drain, processing, warmup),)
        steps[:0] = _set_capacity_steps(drain, processing, min_capacity, max_capacity, warmup)
    elif scaling == BACKLOG_PER_INSTANCE:
        tracking = (_backlog_tracking(target, warmup),)
        if min_capacity == 0:
            steps.insert(0, _scale_from_zero_step(warmup))
    else:
        steps[:0] = _queue_depth_steps(queue_depth_steps, warmup)
        if min_capacity == 0:
            steps.insert(-1, _scale_from_zero_step(warmup))
    return FleetModel(
        min_capacity=min_capacity,
        max_capacity=max_capacity,
        warmup_seconds=warmup,
        tracking=tracking,
        steps=tuple(steps),
        acceptable_latency_seconds=acceptable_latency_seconds,
        average_processing_seconds=average_processing_seconds,
        source=f"options ({scaling})",
    )


def _visible_and_in_service(visible_stat: str) -> list[dict[str, Any]]:
    return [
        metric_query("visible", SQS, VISIBLE, visible_stat),
        metric_query("inService", AUTOSCALING, IN_SERVICE, "Average"),
    ]


def _sent_visible_and_in_service() -> list[dict[str, Any]]:
    return [metric_query("sent", SQS, SENT, "Sum"), *_visible_and_in_service("Sum")]


def _arrivals_and_backlog_tracking(
    latency: float, processing: float, warmup: float
) -> TrackingPolicy:
    expression = {
        "Id": "instancesNeededPerInstance",
        "Expression": instances_needed_per_instance_expression(latency, processing),
    }
    return TrackingPolicy(
        name="ArrivalsAndBacklogScaling",
        queries=(*_sent_visible_and_in_service(), returned(expression)),
        target=ARRIVALS_AND_BACKLOG_TARGET,
        warmup_seconds=warmup,
        # Scale-in is the SetCapacity alarms' (faster, and documented end to end).
        scale_in=False,
    )


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


def _set_capacity_steps(
    latency: float, processing: float, min_capacity: int, max_capacity: int, warmup: float
) -> list[StepPolicy]:
    """The default policy's ``ExactCapacity`` alarms and policies (see `set_capacity_steps`)."""
    alarms = [
        _expression_alarm(
            "ScaleInAlarm",
            set_capacity_in_expression(latency, processing),
            threshold=0,
            comparison="GreaterThanOrEqualToThreshold",
            datapoints=1,
            period_minutes=SCALE_IN_PERIOD_MINUTES,
        )
    ]
    if min_capacity == 0:
        alarms.insert(
            0,
            _expression_alarm(
                "ScaleFromZeroAlarm",
                set_capacity_from_zero_expression(latency, processing),
                threshold=0,
                comparison="GreaterThanOrEqualToThreshold",
                datapoints=1,
            ),
        )
    policies = set_capacity_steps(max_capacity)
    names = [
        f"SetCapacity{index + 1}" if index else "SetCapacity" for index in range(len(policies))
    ]
    # Template order: each policy, then the alarms that invoke it.
    steps = [
        StepPolicy(name, alarm, "ExactCapacity", step_adjustments(policy), warmup)
        for name, policy in zip(names, policies, strict=True)
        for alarm in alarms
    ]
    if min_capacity == 0:
        idle = _expression_alarm(
            "ScaleToZeroAlarm",
            idle_expression(latency, processing),
            threshold=1,
            comparison="GreaterThanOrEqualToThreshold",
            datapoints=SCALE_TO_ZERO_MINUTES,
        )
        steps.append(StepPolicy("ScaleToZero", idle, "ExactCapacity", _TO_ZERO, warmup))
    return steps


_TO_ZERO = ({"MetricIntervalLowerBound": 0, "ScalingAdjustment": 0},)


def _expression_alarm(
    name: str, expression: str, *, threshold: float, comparison: str, datapoints: int,
    period_minutes: int = 1,
) -> AlarmRule:  # fmt: skip
    period = period_minutes * PERIOD_SECONDS
    metrics = (
        metric_query("sent", SQS, SENT, "Sum" if period_minutes == 1 else "Maximum", period),
        # over a longer period: the most that waited, the fewest in service
        metric_query("visible", SQS, VISIBLE, "Sum" if period_minutes == 1 else "Maximum", period),
        metric_query("inService", AUTOSCALING, IN_SERVICE,
                     "Average" if period_minutes == 1 else "Minimum", period),
    )  # fmt: skip
    return AlarmRule(
        name=name,
        queries=(returned({"Id": "expr_1", "Expression": expression}), *metrics),
        threshold=threshold,
        comparison_operator=comparison,
        evaluation_periods=datapoints,
        datapoints_to_alarm=datapoints if datapoints > 1 else None,
        treat_missing_data="notBreaching",
    )


def step_adjustments(
    steps: Sequence[tuple[float | None, float | None, int]],
) -> tuple[dict[str, Any], ...]:
    """``(lower, upper, adjustment)`` as CloudFormation's ``StepAdjustments`` (None: unbounded)."""
    adjustments = []
    for lower, upper, change in steps:
        step: dict[str, Any] = {"ScalingAdjustment": change}
        if lower is not None:
            step["MetricIntervalLowerBound"] = lower
        if upper is not None:
            step["MetricIntervalUpperBound"] = upper
        adjustments.append(step)
    return tuple(adjustments)


def _queue_depth_steps(
    steps: Sequence[tuple[int | None, int | None, int]] | None, warmup: float
) -> list[StepPolicy]:
    """``QUEUE_DEPTH_STEPS``: aws-cdk-lib's ``scale_on_metric`` over the visible messages."""
    from constructs_lib import defaults  # the construct's steps; defaults imports aws-cdk-lib

    chosen = list(steps or defaults.WORKER_QUEUE_DEPTH_STEPS)
    query = returned(metric_query("m1", SQS, VISIBLE, "Maximum"))
    return scale_on_metric("QueueDepthScaling", chosen, query, warmup)


def scale_on_metric(
    name: str,
    steps: Sequence[tuple[int | None, int | None, int]],
    query: Query,
    warmup: float,
) -> list[StepPolicy]:
    """aws-cdk-lib's ``scale_on_metric``: ``(lower, upper, change)`` intervals of one
    metric as a lower alarm (at or below the highest bound of the removing steps)
    and an upper alarm (at or above the lowest bound of the adding steps), each
    with its policy and its steps relative to its threshold."""
    removing = [step for step in steps if step[2] < 0]
    adding = [step for step in steps if step[2] > 0]
    policies = []
    if removing:
        threshold = max(upper for _, upper, _ in removing if upper is not None)
        policies.append(
            _relative_steps(
                f"{name}Lower", removing, threshold, "LessThanOrEqualToThreshold", query, warmup
            )
        )
    if adding:
        threshold = min(lower for lower, _, _ in adding if lower is not None)
        policies.append(
            _relative_steps(
                f"{name}Upper", adding, threshold, "GreaterThanOrEqualToThreshold", query, warmup
            )
        )
    return policies


def _relative_steps(
    name: str, steps: Sequence[tuple[int | None, int | None, int]], threshold: int,
    comparison: str, query: Query, warmup: float,
) -> StepPolicy:  # fmt: skip
    relative = [
        (None if low is None else low - threshold, None if high is None else high - threshold, n)
        for low, high, n in steps
    ]
    alarm = AlarmRule(
        name=f"{name}Alarm",
        queries=(query,),
        threshold=threshold,
        comparison_operator=comparison,
        evaluation_periods=1,
    )
    return StepPolicy(name, alarm, "ChangeInCapacity", step_adjustments(relative), warmup)


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
