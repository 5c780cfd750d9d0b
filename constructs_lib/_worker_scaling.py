"""How a `QueueWorkerFleet` follows its queue: the scaling policies and their alarms.

Each scaling mode is a class that binds itself to the fleet (its children go
under the fleet, with the ids the README names):

- `BacklogPerInstanceScaling`: target tracking on ``visible / max(inService, 1)``
  with target ``acceptable latency / average processing time`` (AWS's guide
  "Scaling policy based on Amazon SQS"). An L1 ``CfnScalingPolicy``: the L2's
  ``scale_to_track_metric`` refuses metric math ("Only direct metrics are
  supported for Target Tracking").
- `QueueDepthStepScaling`: step scaling on the visible messages.

Beside either: `scale_from_zero` (target tracking multiplies the current
capacity, so it never leaves 0 alone) and `message_age_scale_out`, whose
alarm waits long enough that one poison message adds no worker
(`message_age_datapoints`, after `constructs_lib.scaling`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aws_cdk import Annotations, Duration
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions

from constructs_lib import defaults
from constructs_lib._alarms import alarm_above
from constructs_lib._metrics import (
    AUTO_SCALING_NAMESPACE,
    IN_SERVICE_INSTANCES,
    QueueMetrics,
    in_service_instances,
)
from constructs_lib._queues import QueueFacts
from constructs_lib._tree import path_of
from constructs_lib._validation import OptionValidator, number, seconds_of
from constructs_lib.scaling import (
    BACKLOG_PER_INSTANCE_EXPRESSION,
    SCALE_FROM_ZERO_EXPRESSION,
    age_alarm_datapoints,
)

if TYPE_CHECKING:
    from constructs_lib.queue_worker_fleet import QueueWorkerFleet as ScaledFleet

#: CloudWatch evaluates one-minute alarms over at most a day.
MAX_AGE_ALARM_PERIODS = 1_440


@dataclass(frozen=True)
class BacklogPerInstanceScaling:
    """Target tracking on the backlog per in-service instance."""

    target: float

    def bind(self, fleet: ScaledFleet) -> autoscaling.CfnScalingPolicy:
        P = autoscaling.CfnScalingPolicy
        group_name = fleet.auto_scaling_group.auto_scaling_group_name
        return P(
            fleet,
            "BacklogPerInstanceScaling",
            auto_scaling_group_name=group_name,
            policy_type="TargetTrackingScaling",
            target_tracking_configuration=P.TargetTrackingConfigurationProperty(
                target_value=self.target,
                customized_metric_specification=P.CustomizedMetricSpecificationProperty(
                    metrics=[
                        _stat(
                            "visible",
                            "AWS/SQS",
                            "ApproximateNumberOfMessagesVisible",
                            {"QueueName": fleet.queue.queue_name},
                            "Sum",
                        ),
                        _stat(
                            "inService",
                            AUTO_SCALING_NAMESPACE,
                            IN_SERVICE_INSTANCES,
                            {"AutoScalingGroupName": group_name},
                            "Average",
                        ),
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
    action = _add_one_instance(fleet, "ScaleFromZero")
    alarm = alarm_above(
        fleet,
        "ScaleFromZeroAlarm",
        description=f"{path_of(fleet)}: messages wait and no worker is in service; adding one.",
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
        fleet,
        "MessageAgeAlarm",
        description=(
            f"{path_of(fleet)}: the oldest message is older than "
            f"{threshold.to_human_string()}{sustained}; adding a worker."
        ),
        metric=QueueMetrics(fleet.queue).oldest_message_age(),
        threshold=threshold.to_seconds(),
        datapoints=datapoints,
    )
    alarm.add_alarm_action(cloudwatch_actions.AutoScalingAction(action))
    return alarm


def message_age_datapoints(fleet: ScaledFleet, queue: QueueFacts, threshold: Duration) -> int:
    """How long the age alarm waits so that one poison message adds no worker.

    See `constructs_lib.scaling.age_alarm_datapoints` for AWS's rules. A
    queue whose visibility timeout or redrive is unknown here (imported)
    keeps one period, with a warning.
    """
    visibility = queue.visibility_timeout_seconds
    threshold_seconds = seconds_of(threshold)
    warn = Annotations.of(fleet).add_warning_v2
    if not queue.redrive_known or visibility is None or threshold_seconds is None:
        warn(
            "constructs_lib:QueueWorkerFleet:AgeAlarmPoisonUnknown",
            "the queue's visibility timeout or redrive policy is unknown at synth: "
            "the message-age scale-out fires after one minute above the threshold, "
            "so one poison message can add workers (see the README, "
            "'One poison message').",
        )
        return 1
    needed = age_alarm_datapoints(
        visibility_timeout_seconds=visibility,
        max_receive_count=queue.max_receive_count,
        fifo=queue.fifo,
        threshold_seconds=threshold_seconds,
        period_seconds=int(defaults.ALARM_PERIOD.to_seconds()),
    )
    if math.isinf(needed):
        warn(
            "constructs_lib:QueueWorkerFleet:FifoWithoutDeadLetterQueue",
            "a FIFO queue without a dead-letter queue: one poison message blocks its "
            "group and keeps the oldest message's age rising, and the message-age "
            "scale-out adds a worker every warm-up up to max_capacity.",
        )
        return 1
    v = OptionValidator(fleet)
    v.check(
        needed <= MAX_AGE_ALARM_PERIODS,
        "message_age_scale_out_threshold",
        f"{number(threshold_seconds)} seconds",
        f"is too low for a {number(visibility)}-second visibility timeout and "
        f"{queue.max_receive_count} receives: one poison message would keep the age above "
        f"it for {int(needed) - 2} minutes, longer than CloudWatch's one-day evaluation range",
    )
    v.raise_if_any()
    return int(needed)


def _add_one_instance(fleet: ScaledFleet, action_id: str) -> autoscaling.StepScalingAction:
    action = autoscaling.StepScalingAction(
        fleet,
        action_id,
        auto_scaling_group=fleet.auto_scaling_group,
        adjustment_type=autoscaling.AdjustmentType.CHANGE_IN_CAPACITY,
        metric_aggregation_type=autoscaling.MetricAggregationType.MAXIMUM,
    )
    # Repeated breaches within one step make one scaling activity while
    # the new instance warms up, so +1 is not applied again and again.
    action.add_adjustment(adjustment=1, lower_bound=0)
    return action


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
