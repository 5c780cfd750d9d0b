"""How a `QueueWorkerFleet` follows its queue: the scaling policies and their alarms.

Each scaling mode is a class that binds itself to the fleet (its children go
under the fleet, with the ids docs/constructs/queue-worker-fleet.md names):

- `ArrivalsAndBacklogScaling` (the default): the instances the work needs,
  ``(sent + visible x 60 / drain time) / (60 / processing time)``
  (`constructs_lib.fleet_sizing.instances_needed_expression`), where the drain
  time is the acceptable latency plus the instance warm-up. Target tracking
  keeps it per in-service instance at 1 and only scales out; ``ExactCapacity``
  step policies (``SetCapacity``) set that capacity from zero
  (``ScaleFromZeroAlarm``) and in (``ScaleInAlarm``, over five minutes, at the
  busiest minute); ``ScaleToZero`` empties an idle fleet after 15 minutes.
- `BacklogPerInstanceScaling`: target tracking on ``visible / max(inService, 1)``
  with target ``acceptable latency / average processing time`` (AWS's guide
  "Scaling policy based on Amazon SQS"). An L1 ``CfnScalingPolicy``: the L2's
  ``scale_to_track_metric`` refuses metric math ("Only direct metrics are
  supported for Target Tracking").
- `QueueDepthStepScaling`: step scaling on the visible messages.

Beside either: `scale_from_zero` (target tracking multiplies the current
capacity, so it never leaves 0 alone) and `message_age_scale_out`, whose
alarm waits long enough that one poison message adds no worker
(`message_age_datapoints`, after `constructs_lib.fleet_sizing`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from aws_cdk import Annotations, Duration
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from constructs_lib import _aws, defaults
from constructs_lib._alarms import alarm_above
from constructs_lib._metrics import (
    AUTO_SCALING_NAMESPACE,
    IN_SERVICE_INSTANCES,
    MAXIMUM,
    MINIMUM,
    SUM,
    QueueMetrics,
    in_service_instances,
)
from constructs_lib._queue_facts import QueueFacts
from constructs_lib._tree import path_of
from constructs_lib._validation import OptionRules, duration_of_minutes, number, seconds_of
from constructs_lib.errors import OptionProblem
from constructs_lib.fleet_sizing import (
    ARRIVALS_AND_BACKLOG_TARGET,
    BACKLOG_PER_INSTANCE_EXPRESSION,
    SCALE_FROM_ZERO_EXPRESSION,
    SCALE_IN_PERIOD_MINUTES,
    SCALE_TO_ZERO_MINUTES,
    age_alarm_datapoints,
    drain_seconds,
    idle_expression,
    instances_needed_per_instance_expression,
    set_capacity_from_zero_expression,
    set_capacity_in_expression,
    set_capacity_steps,
)
from constructs_lib.option_codes import OptionCode


class ScaledFleet(Protocol):
    """What the scaling needs of the fleet it scales (`QueueWorkerFleet` is one).

    The fleet is also the scope of what the scaling creates: the fleet's page
    (docs/constructs/queue-worker-fleet.md) names those children's ids under the
    fleet (`scope_of`).
    """

    @property
    def queue(self) -> sqs.IQueue: ...

    @property
    def auto_scaling_group(self) -> autoscaling.AutoScalingGroup: ...

    @property
    def min_capacity(self) -> int: ...

    @property
    def max_capacity(self) -> int: ...


def scope_of(fleet: ScaledFleet) -> Construct:
    """The fleet as the construct its scaling's alarms and policies go under."""
    if not isinstance(fleet, Construct):
        raise TypeError(f"{fleet!r} is not a construct: its scaling needs one as its scope")
    return fleet


#: CloudWatch evaluates one-minute alarms over at most a day.
MAX_AGE_ALARM_PERIODS = _aws.CLOUDWATCH_ALARM_EVALUATION_RANGE_SECONDS // 60


@dataclass(frozen=True)
class ArrivalsAndBacklogPolicies:
    """What `ArrivalsAndBacklogScaling` adds to a fleet."""

    #: target tracking on the instances needed per in-service instance (scale-out only)
    tracking: autoscaling.CfnScalingPolicy
    #: ``ExactCapacity`` step policies: one per 20 capacities (AWS's step quota)
    set_capacity: tuple[autoscaling.StepScalingAction, ...]
    #: sets the capacity the work needs when none is in service (min_capacity 0)
    scale_from_zero_alarm: cloudwatch.Alarm | None
    #: sets the capacity the work needs when a whole instance is spare
    scale_in_alarm: cloudwatch.Alarm
    #: empties an idle fleet (min_capacity 0)
    scale_to_zero: autoscaling.StepScalingAction | None
    scale_to_zero_alarm: cloudwatch.Alarm | None

    @property
    def alarms(self) -> list[cloudwatch.Alarm]:
        found = (self.scale_from_zero_alarm, self.scale_in_alarm, self.scale_to_zero_alarm)
        return [alarm for alarm in found if alarm is not None]


@dataclass(frozen=True)
class ArrivalsAndBacklogScaling:
    """Target tracking on the instances the work needs, ``ExactCapacity`` steps in and from 0.

    The backlog is asked to be gone within `constructs_lib.fleet_sizing.drain_seconds`
    (acceptable latency + warm-up).
    """

    acceptable_latency_seconds: float
    average_processing_seconds: float
    instance_warmup_seconds: float

    def bind(self, fleet: ScaledFleet) -> ArrivalsAndBacklogPolicies:
        drain = drain_seconds(self.acceptable_latency_seconds, self.instance_warmup_seconds)
        processing = self.average_processing_seconds
        group_name = fleet.auto_scaling_group.auto_scaling_group_name
        P = autoscaling.CfnScalingPolicy
        tracking = P(
            scope_of(fleet),
            "ArrivalsAndBacklogScaling",
            auto_scaling_group_name=group_name,
            policy_type="TargetTrackingScaling",
            target_tracking_configuration=P.TargetTrackingConfigurationProperty(
                target_value=ARRIVALS_AND_BACKLOG_TARGET,
                # Scale-in is the SetCapacity alarms': target tracking's waits
                # for 15 low datapoints (observed, not documented) and would
                # keep a drained burst's instances for a quarter of an hour.
                disable_scale_in=True,
                customized_metric_specification=P.CustomizedMetricSpecificationProperty(
                    metrics=[
                        *_sent_visible_in_service(fleet, group_name),
                        P.TargetTrackingMetricDataQueryProperty(
                            id="instancesNeededPerInstance",
                            label="Instances the work needs per in-service instance",
                            expression=instances_needed_per_instance_expression(drain, processing),
                            return_data=True,
                        ),
                    ]
                ),
            ),
        )
        set_capacity = tuple(
            _set_capacity_action(
                fleet, "SetCapacity" if index == 0 else f"SetCapacity{index + 1}", steps
            )
            for index, steps in enumerate(set_capacity_steps(fleet.max_capacity))
        )
        idle = fleet.min_capacity == 0
        from_zero = (
            _set_capacity_alarm(
                fleet,
                "ScaleFromZeroAlarm",
                set_capacity_from_zero_expression(drain, processing),
                minutes=1,
                description="messages wait or arrive and no worker is in service; setting "
                "the capacity the work needs.",
                actions=set_capacity,
            )
            if idle
            else None
        )
        scale_in = _set_capacity_alarm(
            fleet,
            "ScaleInAlarm",
            set_capacity_in_expression(drain, processing),
            minutes=SCALE_IN_PERIOD_MINUTES,
            description="a whole worker was spare even in the busiest minute of the last "
            f"{SCALE_IN_PERIOD_MINUTES}; setting the capacity the work needs.",
            actions=set_capacity,
        )
        to_zero = _to_zero_action(fleet) if idle else None
        to_zero_alarm = (
            _idle_alarm(fleet, idle_expression(drain, processing), to_zero)
            if to_zero is not None
            else None
        )
        return ArrivalsAndBacklogPolicies(
            tracking, set_capacity, from_zero, scale_in, to_zero, to_zero_alarm
        )


def _sent_visible_in_service(
    fleet: ScaledFleet, group_name: str
) -> list[autoscaling.CfnScalingPolicy.TargetTrackingMetricDataQueryProperty]:
    queue = {"QueueName": fleet.queue.queue_name}
    return [
        _stat("sent", "AWS/SQS", "NumberOfMessagesSent", queue, SUM),
        *_visible_in_service(fleet, group_name),
    ]


def _visible_in_service(
    fleet: ScaledFleet, group_name: str
) -> list[autoscaling.CfnScalingPolicy.TargetTrackingMetricDataQueryProperty]:
    """The queue's visible messages (Sum) and the group's in-service instances (Average)."""
    queue, group = {"QueueName": fleet.queue.queue_name}, {"AutoScalingGroupName": group_name}
    return [
        _stat("visible", "AWS/SQS", "ApproximateNumberOfMessagesVisible", queue, SUM),
        _stat("inService", AUTO_SCALING_NAMESPACE, IN_SERVICE_INSTANCES, group, "Average"),
    ]


def _set_capacity_action(
    fleet: ScaledFleet, action_id: str, steps: Sequence[tuple[int, int | None, int]]
) -> autoscaling.StepScalingAction:
    return _step_action(fleet, action_id, autoscaling.AdjustmentType.EXACT_CAPACITY, steps)


def _to_zero_action(fleet: ScaledFleet) -> autoscaling.StepScalingAction:
    return _set_capacity_action(fleet, "ScaleToZero", [(0, None, 0)])


def _step_action(
    fleet: ScaledFleet,
    action_id: str,
    adjustment_type: autoscaling.AdjustmentType,
    steps: Sequence[tuple[int, int | None, int]],
) -> autoscaling.StepScalingAction:
    """A step action on the fleet's group: (lower, upper, adjustment) per step."""
    action = autoscaling.StepScalingAction(
        scope_of(fleet),
        action_id,
        auto_scaling_group=fleet.auto_scaling_group,
        adjustment_type=adjustment_type,
        metric_aggregation_type=autoscaling.MetricAggregationType.MAXIMUM,
    )
    for lower, upper, adjustment in steps:
        action.add_adjustment(adjustment=adjustment, lower_bound=lower, upper_bound=upper)
    return action


def _work_metrics(fleet: ScaledFleet, minutes: int) -> dict[str, cloudwatch.IMetric]:
    """``sent``, ``visible`` and ``inService`` for an alarm of ``minutes``-long periods:
    over several minutes, the busiest minute and the fewest instances."""
    period = duration_of_minutes(minutes)
    group = fleet.auto_scaling_group.auto_scaling_group_name
    metrics = QueueMetrics(fleet.queue)
    one = minutes == 1
    return {
        "sent": metrics.sent_messages(period, statistic=SUM if one else MAXIMUM),
        "visible": metrics.visible_messages(statistic=SUM if one else MAXIMUM, period=period),
        "inService": in_service_instances(group, period, statistic=None if one else MINIMUM),
    }


def _set_capacity_alarm(
    fleet: ScaledFleet,
    alarm_id: str,
    expression: str,
    *,
    minutes: int,
    description: str,
    actions: Sequence[autoscaling.StepScalingAction],
) -> cloudwatch.Alarm:
    alarm = alarm_above(
        scope_of(fleet),
        alarm_id,
        description=f"{path_of(scope_of(fleet))}: {description}",
        metric=cloudwatch.MathExpression(
            expression=expression,
            using_metrics=_work_metrics(fleet, minutes),
            label="Instances the work needs (-1: nothing to set)",
            period=duration_of_minutes(minutes),
        ),
        threshold=0,
        or_equal=True,
    )
    for action in actions:
        alarm.add_alarm_action(cloudwatch_actions.AutoScalingAction(action))
    return alarm


def _idle_alarm(
    fleet: ScaledFleet, expression: str, action: autoscaling.StepScalingAction
) -> cloudwatch.Alarm:
    alarm = alarm_above(
        scope_of(fleet),
        "ScaleToZeroAlarm",
        description=f"{path_of(scope_of(fleet))}: no message arrived or waited for "
        f"{SCALE_TO_ZERO_MINUTES} minutes; scaling to zero.",
        metric=cloudwatch.MathExpression(
            expression=expression,
            using_metrics=_work_metrics(fleet, 1),
            label="Workers in service with no work",
            period=defaults.ALARM_PERIOD,
        ),
        threshold=1,
        or_equal=True,
        datapoints=SCALE_TO_ZERO_MINUTES,
    )
    alarm.add_alarm_action(cloudwatch_actions.AutoScalingAction(action))
    return alarm


@dataclass(frozen=True)
class BacklogPerInstanceScaling:
    """Target tracking on the backlog per in-service instance."""

    target: float

    def bind(self, fleet: ScaledFleet) -> autoscaling.CfnScalingPolicy:
        P = autoscaling.CfnScalingPolicy
        group_name = fleet.auto_scaling_group.auto_scaling_group_name
        return P(
            scope_of(fleet),
            "BacklogPerInstanceScaling",
            auto_scaling_group_name=group_name,
            policy_type="TargetTrackingScaling",
            target_tracking_configuration=P.TargetTrackingConfigurationProperty(
                target_value=self.target,
                customized_metric_specification=P.CustomizedMetricSpecificationProperty(
                    metrics=[
                        *_visible_in_service(fleet, group_name),
                        P.TargetTrackingMetricDataQueryProperty(
                            id="backlogPerInstance",
                            label="Visible messages per in-service instance",
                            # max(inService, 1): no division by zero when idle
                            expression=BACKLOG_PER_INSTANCE_EXPRESSION,
                            return_data=True,
                        ),
                    ]
                ),
            ),
        )


@dataclass(frozen=True)
class QueueDepthStepScaling:
    """Step scaling on ``ApproximateNumberOfMessagesVisible``."""

    steps: Sequence[autoscaling.ScalingInterval]

    def bind(self, fleet: ScaledFleet) -> autoscaling.StepScalingPolicy:
        return fleet.auto_scaling_group.scale_on_metric(
            "QueueDepthScaling",
            metric=QueueMetrics(fleet.queue).visible_messages(),
            scaling_steps=list(self.steps),
            adjustment_type=autoscaling.AdjustmentType.CHANGE_IN_CAPACITY,
        )


def default_queue_depth_steps() -> list[autoscaling.ScalingInterval]:
    return [
        autoscaling.ScalingInterval(lower=lower, upper=upper, change=change)
        for lower, upper, change in defaults.WORKER_QUEUE_DEPTH_STEPS
    ]


def scale_from_zero(fleet: ScaledFleet) -> cloudwatch.Alarm:
    """+1 instance when messages wait and none is in service."""
    scope = scope_of(fleet)
    action = _add_one_instance(fleet, "ScaleFromZero")
    alarm = alarm_above(
        scope,
        "ScaleFromZeroAlarm",
        description=f"{path_of(scope)}: messages wait and no worker is in service; adding one.",
        metric=cloudwatch.MathExpression(
            expression=SCALE_FROM_ZERO_EXPRESSION,
            using_metrics={
                "visible": QueueMetrics(fleet.queue).visible_messages(
                    statistic=cloudwatch.Stats.SUM
                ),
                "inService": in_service_instances(fleet.auto_scaling_group.auto_scaling_group_name),
            },
            label="Messages wait and no worker is in service",
            period=defaults.ALARM_PERIOD,
        ),
        threshold=1,
        or_equal=True,
    )
    alarm.add_alarm_action(cloudwatch_actions.AutoScalingAction(action))
    return alarm


def message_age_scale_out(
    fleet: ScaledFleet, threshold: Duration, datapoints: int
) -> cloudwatch.Alarm:
    """+1 instance while the oldest message stays older than ``threshold``."""
    action = _add_one_instance(fleet, "MessageAgeScaleOut")
    sustained = f" for {datapoints} minutes running" if datapoints > 1 else ""
    alarm = alarm_above(
        scope_of(fleet),
        "MessageAgeAlarm",
        description=(
            f"{path_of(scope_of(fleet))}: the oldest message is older than "
            f"{threshold.to_human_string()}{sustained}; adding a worker."
        ),
        metric=QueueMetrics(fleet.queue).oldest_message_age(),
        threshold=threshold.to_seconds(),
        datapoints=datapoints,
    )
    alarm.add_alarm_action(cloudwatch_actions.AutoScalingAction(action))
    return alarm


def message_age_problems(queue: QueueFacts, threshold: Duration) -> list[OptionProblem]:
    """The threshold must leave the alarm a datapoint count CloudWatch can evaluate
    (a threshold that is not above 0 is the options' own problem)."""
    v = OptionRules()
    visibility, threshold_seconds = queue.visibility_timeout_seconds, seconds_of(threshold)
    if threshold_seconds is None or threshold_seconds <= 0:
        return v.problems
    needed = _poison_datapoints(queue, threshold)
    if needed is None or math.isinf(needed):
        return v.problems
    v.check(
        needed <= MAX_AGE_ALARM_PERIODS,
        "message_age_scale_out_threshold",
        f"{number(threshold_seconds or 0)} seconds",
        f"is too low for a {number(visibility or 0)}-second visibility timeout and "
        f"{queue.max_receive_count} receives: one poison message would keep the age above "
        f"it for {int(needed) - 2} minutes, longer than CloudWatch's one-day evaluation range",
        code=OptionCode.FLEET_AGE_THRESHOLD_TOO_LOW_FOR_POISON_MESSAGES,
    )
    return v.problems


def message_age_datapoints(fleet: ScaledFleet, queue: QueueFacts, threshold: Duration) -> int:
    """How long the age alarm waits so that one poison message adds no worker.

    See `constructs_lib.fleet_sizing.age_alarm_datapoints` for AWS's rules. A
    queue whose visibility timeout or redrive is unknown here (imported)
    keeps one period, with a warning. The fleet has checked
    `message_age_problems` before.
    """
    needed = _poison_datapoints(queue, threshold)
    warn = Annotations.of(scope_of(fleet)).add_warning_v2
    if needed is None:
        warn(
            "constructs_lib:QueueWorkerFleet:AgeAlarmPoisonUnknown",
            "the queue's visibility timeout or redrive policy is unknown at synth: "
            "the message-age scale-out fires after one minute above the threshold, "
            "so one poison message can add workers (see the documentation, "
            "QueueWorkerFleet, 'One poison message').",
        )
        return 1
    if math.isinf(needed):
        warn(
            "constructs_lib:QueueWorkerFleet:FifoWithoutDeadLetterQueue",
            "a FIFO queue without a dead-letter queue: one poison message blocks its "
            "group and keeps the oldest message's age rising, and the message-age "
            "scale-out adds a worker every warm-up up to max_capacity.",
        )
        return 1
    return int(needed)


def _poison_datapoints(queue: QueueFacts, threshold: Duration) -> float | None:
    """`age_alarm_datapoints` for ``queue`` (infinite: a FIFO queue without a DLQ),
    or None when its visibility timeout or redrive is unknown here."""
    visibility = queue.visibility_timeout_seconds
    threshold_seconds = seconds_of(threshold)
    if not queue.redrive_known or visibility is None or threshold_seconds is None:
        return None
    return age_alarm_datapoints(
        visibility_timeout_seconds=visibility,
        max_receive_count=queue.max_receive_count,
        fifo=queue.fifo,
        threshold_seconds=threshold_seconds,
        period_seconds=int(defaults.ALARM_PERIOD.to_seconds()),
    )


def _add_one_instance(fleet: ScaledFleet, action_id: str) -> autoscaling.StepScalingAction:
    # Repeated breaches within one step make one scaling activity while
    # the new instance warms up, so +1 is not applied again and again.
    change = autoscaling.AdjustmentType.CHANGE_IN_CAPACITY
    return _step_action(fleet, action_id, change, [(0, None, 1)])


def _stat(
    query_id: str, namespace: str, name: str, dimensions: dict[str, str], statistic: str
) -> autoscaling.CfnScalingPolicy.TargetTrackingMetricDataQueryProperty:
    P = autoscaling.CfnScalingPolicy
    return P.TargetTrackingMetricDataQueryProperty(
        id=query_id,
        return_data=False,
        metric_stat=P.TargetTrackingMetricStatProperty(
            stat=statistic,
            metric=P.MetricProperty(
                namespace=namespace,
                metric_name=name,
                dimensions=[
                    P.MetricDimensionProperty(name=k, value=v) for k, v in dimensions.items()
                ],
            ),
        ),
    )
