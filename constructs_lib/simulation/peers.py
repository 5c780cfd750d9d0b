"""How other tools scale queue workers, as fleets the simulator runs beside the construct's.

Each is the tool's own rule, put on an EC2 Auto Scaling group, so that one
load can be compared across them (`constructs_lib.simulation.compare`):

- `ecs_patterns_fleet`: aws-cdk's ``QueueProcessingFargateService`` /
  ``QueueProcessingEc2Service`` (``aws-ecs-patterns``,
  ``queue-processing-service-base.ts``): target tracking on average CPU at
  50 %, plus step scaling on ``ApproximateNumberOfMessagesVisible`` (CDK's
  default metric: Maximum over 5 minutes) with steps ``upper 0: -1``,
  ``lower 100: +1``, ``lower 500: +5``; at least 1 task by default.
- `keda_fleet`: KEDA's ``aws-sqs-queue`` scaler: visible plus in-flight
  messages (``scaleOnInFlight`` defaults to true) per replica against a
  queue length, from zero (``minReplicaCount`` 0, activation above 0). Put
  on Auto Scaling as target tracking on that per in-service instance, with
  AWS's guide's target (acceptable latency / processing time) rather than
  KEDA's default of 5, which is made for one message at a time per pod.
- AWS's guide itself is the construct's ``backlog-per-instance`` mode
  (`constructs_lib.simulation.fleet.fleet_from_options`).

How busy an instance's CPU is, the simulator is told
(``SimulationSettings.cpu_share``): 1 for a CPU-bound handler, the best case
for CPU-based scaling; an I/O-bound handler waits on the network, and its
CPU stays low however long messages wait.
"""

from __future__ import annotations

from collections.abc import Sequence

from constructs_lib.fleet_sizing import SCALE_FROM_ZERO_EXPRESSION, backlog_per_instance_target
from constructs_lib.simulation.errors import SimulationInputError
from constructs_lib.simulation.fleet import (
    AUTOSCALING,
    CPU,
    EC2,
    IN_SERVICE,
    NOT_VISIBLE,
    SQS,
    VISIBLE,
    AlarmRule,
    FleetModel,
    StepPolicy,
    TrackingPolicy,
    metric_query,
    returned,
    scale_on_metric,
    step_adjustments,
)

__all__ = ["ECS_PATTERNS_STEPS", "KEDA_IN_FLIGHT_EXPRESSION", "ecs_patterns_fleet", "keda_fleet"]

#: aws-ecs-patterns' ``defaultScalingSteps`` over the visible messages.
ECS_PATTERNS_STEPS: tuple[tuple[int | None, int | None, int], ...] = (
    (None, 0, -1),
    (100, 500, 1),
    (500, None, 5),
)
#: aws-ecs-patterns' ``scaleOnCpuUtilization('CpuScaling', { targetUtilizationPercent: 50 })``.
ECS_PATTERNS_CPU_TARGET = 50.0
#: aws-cdk-lib's SQS metrics default to 5-minute periods.
ECS_PATTERNS_PERIOD_SECONDS = 300
#: KEDA's queue length counts what waits and what is being worked on.
KEDA_IN_FLIGHT_EXPRESSION = (
    "(visible + FILL(inFlight, 0)) / IF(FILL(inService, 0) > 0, FILL(inService, 0), 1)"
)


def ecs_patterns_fleet(
    *,
    max_capacity: int,
    min_capacity: int = 1,
    instance_warmup_seconds: float = 180,
    steps: Sequence[tuple[int | None, int | None, int]] = ECS_PATTERNS_STEPS,
) -> FleetModel:
    """aws-ecs-patterns' queue processing service's scaling, on an Auto Scaling group."""
    _check_bounds(min_capacity, max_capacity)
    cpu = TrackingPolicy(
        name="CpuScaling",
        queries=(returned(metric_query("cpu", EC2, CPU, "Average")),),
        target=ECS_PATTERNS_CPU_TARGET,
        warmup_seconds=instance_warmup_seconds,
    )
    visible = returned(metric_query("m1", SQS, VISIBLE, "Maximum", ECS_PATTERNS_PERIOD_SECONDS))
    return FleetModel(
        min_capacity=min_capacity,
        max_capacity=max_capacity,
        warmup_seconds=instance_warmup_seconds,
        tracking=(cpu,),
        steps=tuple(
            scale_on_metric("QueueMessagesVisibleScaling", steps, visible, instance_warmup_seconds)
        ),
        source="the ecs-patterns way (CPU 50 % + queue-depth steps)",
    )


def keda_fleet(
    *,
    acceptable_latency_seconds: float,
    average_processing_seconds: float,
    max_capacity: int,
    min_capacity: int = 0,
    instance_warmup_seconds: float = 180,
) -> FleetModel:
    """KEDA's SQS scaler (visible + in-flight per replica), on an Auto Scaling group."""
    _check_bounds(min_capacity, max_capacity)
    try:
        target = backlog_per_instance_target(acceptable_latency_seconds, average_processing_seconds)
    except ValueError as error:
        raise SimulationInputError(str(error)) from error
    visible = metric_query("visible", SQS, VISIBLE, "Sum")
    in_service = metric_query("inService", AUTOSCALING, IN_SERVICE, "Average")
    tracking = TrackingPolicy(
        name="QueueLengthScaling",
        queries=(
            visible,
            metric_query("inFlight", SQS, NOT_VISIBLE, "Sum"),
            in_service,
            returned({"Id": "queueLength", "Expression": KEDA_IN_FLIGHT_EXPRESSION}),
        ),
        target=target,
        warmup_seconds=instance_warmup_seconds,
    )
    steps: tuple[StepPolicy, ...] = ()
    if min_capacity == 0:
        activation = AlarmRule(
            name="ActivationAlarm",
            queries=(
                returned({"Id": "expr_1", "Expression": SCALE_FROM_ZERO_EXPRESSION}),
                visible,
                in_service,
            ),
            threshold=1,
            comparison_operator="GreaterThanOrEqualToThreshold",
            evaluation_periods=1,
            treat_missing_data="notBreaching",
        )
        steps = (
            StepPolicy("Activation", activation, "ChangeInCapacity",
                       step_adjustments([(0, None, 1)]), instance_warmup_seconds),
        )  # fmt: skip
    return FleetModel(
        min_capacity=min_capacity,
        max_capacity=max_capacity,
        warmup_seconds=instance_warmup_seconds,
        tracking=(tracking,),
        steps=steps,
        acceptable_latency_seconds=acceptable_latency_seconds,
        source="the KEDA way (visible + in-flight per instance)",
    )


def _check_bounds(min_capacity: int, max_capacity: int) -> None:
    if not 0 <= min_capacity <= max_capacity or max_capacity < 1:
        raise SimulationInputError(
            f"min_capacity={min_capacity}, max_capacity={max_capacity}: "
            "need 0 <= min_capacity <= max_capacity and max_capacity >= 1"
        )
