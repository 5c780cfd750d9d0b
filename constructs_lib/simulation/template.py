"""A `FleetModel` read from a synthesized CloudFormation template.

Everything that scales the fleet is in the template: the Auto Scaling
group's ``MinSize``, ``MaxSize`` and ``DefaultInstanceWarmup``, its
``AWS::AutoScaling::ScalingPolicy`` resources (target tracking with its
metric queries and ``TargetValue``; step scaling with its adjustments) and
the ``AWS::CloudWatch::Alarm`` resources whose actions name a step policy
(threshold, comparison, evaluation periods, datapoints to alarm, missing
data, metric or metric math). The processing time of a message is not: the
simulator is told it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from constructs_lib.aws_scaling_model import DEFAULT_WARMUP_SECONDS
from constructs_lib.simulation.errors import SimulationInputError
from constructs_lib.simulation.fleet import (
    AUTOSCALING,
    CPU,
    EC2,
    PERIOD_SECONDS,
    SQS,
    AlarmRule,
    FleetModel,
    StepPolicy,
    TrackingPolicy,
)
from constructs_lib.templates.assembly import assembly_stacks
from constructs_lib.templates.errors import AssemblyError

__all__ = ["fleet_from_template", "load_fleet"]

GROUP = "AWS::AutoScaling::AutoScalingGroup"
#: The one predefined target-tracking metric simulated (the ecs-patterns way's CPU).
CPU_PREDEFINED = "ASGAverageCPUUtilization"
POLICY = "AWS::AutoScaling::ScalingPolicy"
ALARM = "AWS::CloudWatch::Alarm"
Resource = Mapping[str, Any]


@dataclass(frozen=True)
class _Candidate:
    """An Auto Scaling group found in a template: its logical id, CDK path and file."""

    template: Mapping[str, Any]
    logical_id: str
    path: str
    source: str

    def label(self) -> str:
        return f"{self.path or self.logical_id} ({self.source})"

    def matches(self, wanted: str) -> bool:
        return wanted == self.logical_id or (
            bool(self.path) and (self.path == wanted or self.path.startswith(wanted + "/"))
        )


def load_fleet(location: str | Path, *, fleet: str | None = None) -> FleetModel:
    """The fleet in a template file, or in the stacks of a ``cdk.out`` folder (read
    through its manifest: nested stages and nested stacks too).

    :param fleet: the group's logical id, or its construct path or a prefix of
        it (``Buffering/Workers``); needed when there is more than one group.
    :raises SimulationInputError: unreadable input, no group, several without
        ``fleet``, or a policy the simulator does not model.
    """
    path = Path(location)
    if path.is_dir():
        try:
            stacks = assembly_stacks(path)
        except AssemblyError as error:
            raise SimulationInputError(str(error)) from error
        read = [(stack.template, str(stack.source)) for stack in stacks]
    else:
        read = [(_read(path), str(path))]
    candidates = [c for template, source in read for c in _groups(template, source)]
    return _fleet_of(_choose(candidates, fleet, str(path)))


def fleet_from_template(
    template: Mapping[str, Any], *, fleet: str | None = None, source: str = "template"
) -> FleetModel:
    """The fleet in one template already loaded (``Template.to_json()``, or the file's JSON)."""
    return _fleet_of(_choose(_groups(template, source), fleet, source))


def _read(file: Path) -> Mapping[str, Any]:
    try:
        loaded = json.loads(file.read_text())
    except OSError as error:
        raise SimulationInputError(f"{file}: cannot read it ({error.strerror})") from error
    except json.JSONDecodeError as error:
        raise SimulationInputError(f"{file}: not a JSON template ({error})") from error
    if not isinstance(loaded, dict) or not isinstance(loaded.get("Resources"), dict):
        raise SimulationInputError(f"{file}: not a CloudFormation template (no Resources)")
    return loaded


def _groups(template: Mapping[str, Any], source: str) -> list[_Candidate]:
    resources = template.get("Resources") or {}
    return [
        _Candidate(template, logical_id, _fleet_path(resource), source)
        for logical_id, resource in resources.items()
        if resource.get("Type") == GROUP
    ]


def _fleet_path(resource: Resource) -> str:
    """The construct path of the group's fleet: ``Buffering/Workers/AutoScalingGroup/ASG`` -> ``Buffering/Workers``."""  # noqa: E501
    path = str((resource.get("Metadata") or {}).get("aws:cdk:path", ""))
    return path.removesuffix("/AutoScalingGroup/ASG")


def _choose(candidates: list[_Candidate], wanted: str | None, where: str) -> _Candidate:
    if wanted is not None:
        candidates = [c for c in candidates if c.matches(wanted)]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        found = f" named {wanted!r}" if wanted else ""
        raise SimulationInputError(f"{where}: no Auto Scaling group{found}")
    labels = "; ".join(c.label() for c in candidates)
    raise SimulationInputError(
        f"{where}: {len(candidates)} Auto Scaling groups ({labels}); name one with --fleet"
    )


def _fleet_of(group: _Candidate) -> FleetModel:
    resources: Mapping[str, Resource] = group.template["Resources"]
    props = resources[group.logical_id].get("Properties") or {}
    where = group.label()
    warmup = _group_warmup(props, where)
    tracking: list[TrackingPolicy] = []
    steps: list[StepPolicy] = []
    queues: set[str] = set()
    for logical_id, resource in resources.items():
        if resource.get("Type") != POLICY:
            continue
        policy = resource.get("Properties") or {}
        if policy.get("AutoScalingGroupName") != {"Ref": group.logical_id}:
            continue
        reader = _PolicyReader(group, logical_id, policy, warmup, queues)
        kind = policy.get("PolicyType", "SimpleScaling")
        if kind == "TargetTrackingScaling":
            tracking.append(reader.tracking())
        elif kind == "StepScaling":
            steps += reader.steps(resources)
        else:
            raise SimulationInputError(
                f"{where}: policy {logical_id} is {kind}; only target tracking and step "
                "scaling are simulated"
            )
    if len(queues) > 1:
        raise SimulationInputError(
            f"{where}: the policies read the metrics of {len(queues)} queues "
            f"({', '.join(sorted(queues))}); the simulator models one queue"
        )
    latency, processing = _latency_and_processing(tracking)
    return FleetModel(
        min_capacity=_whole(props.get("MinSize"), f"{where}: MinSize"),
        max_capacity=_whole(props.get("MaxSize"), f"{where}: MaxSize"),
        warmup_seconds=warmup,
        tracking=tuple(tracking),
        steps=tuple(steps),
        acceptable_latency_seconds=latency,
        average_processing_seconds=processing,
        source=where,
    )


#: The default policy's expression: ``(sent + visible * 60/drain) / (60/processing) / ...``.
_INSTANCES_NEEDED = re.compile(r"^\(sent \+ visible \* ([0-9.]+)\) / ([0-9.]+) / ")


def _latency_and_processing(tracking: list[TrackingPolicy]) -> tuple[float | None, float | None]:
    """What the default policy's expression says: the acceptable latency (its drain
    time less the warm-up) and the processing time; (None, None) for other policies."""
    for policy in tracking:
        for query in policy.queries:
            found = _INSTANCES_NEEDED.match(str(query.get("Expression", "")))
            if found:
                drain = round(60 / float(found.group(1)), 6)
                processing = round(60 / float(found.group(2)), 6)
                return drain - policy.warmup_seconds, processing
    return None, None


def _group_warmup(props: Resource, where: str) -> float:
    """``DefaultInstanceWarmup``, else the default cooldown (AWS's fallback), else 300 s."""
    for key in ("DefaultInstanceWarmup", "Cooldown"):
        if props.get(key) not in (None, ""):
            return float(_whole(props[key], f"{where}: {key}"))
    return DEFAULT_WARMUP_SECONDS


def _whole(value: Any, what: str) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise SimulationInputError(
            f"{what} is {value!r}, not a number the template fixes"
        ) from None


class _PolicyReader:
    """One scaling policy of the group, read into the simulator's model."""

    def __init__(
        self, group: _Candidate, logical_id: str, policy: Resource, warmup: float, queues: set[str]
    ) -> None:
        self.group, self.logical_id, self.policy = group, logical_id, policy
        #: the QueueName dimensions seen so far, shared by the group's policies
        self.queues = queues
        self.where = f"{group.label()}: policy {logical_id}"
        self.warmup = float(policy.get("EstimatedInstanceWarmup") or warmup)

    def tracking(self) -> TrackingPolicy:
        config = self.policy.get("TargetTrackingConfiguration") or {}
        spec = config.get("CustomizedMetricSpecification")
        predefined = (config.get("PredefinedMetricSpecification") or {}).get("PredefinedMetricType")
        if predefined == CPU_PREDEFINED:
            # "ASGAverageCPUUtilization—Average CPU utilization of the Auto Scaling group"
            stat = {"Metric": {"Namespace": EC2, "MetricName": CPU}, "Stat": "Average"}
            queries: tuple[dict[str, Any], ...] = (
                {"Id": "cpu", "MetricStat": {**stat, "Period": PERIOD_SECONDS}, "ReturnData": True},
            )
        elif predefined:
            raise SimulationInputError(
                f"{self.where}: predefined metric {predefined} is not simulated "
                f"(simulated: {CPU_PREDEFINED} and customized metrics)"
            )
        elif not spec:
            raise SimulationInputError(f"{self.where}: no metric to track")
        elif spec.get("Metrics"):
            queries = tuple(self._query(q) for q in spec["Metrics"])
        else:
            stat = {"Metric": spec, "Stat": spec.get("Statistic", "Average")}
            queries = (self._query({"Id": "m1", "MetricStat": stat, "ReturnData": True}),)
        return TrackingPolicy(
            name=self.logical_id,
            queries=queries,
            target=float(config["TargetValue"]),
            warmup_seconds=self.warmup,
            scale_in=str(config.get("DisableScaleIn", False)).lower() != "true",
        )

    def steps(self, resources: Mapping[str, Resource]) -> list[StepPolicy]:
        """One `StepPolicy` per alarm that invokes this policy (none: it never runs)."""
        adjustments = tuple(
            {key: step[key] for key in step if key.startswith(("Metric", "Scaling"))}
            for step in self.policy.get("StepAdjustments") or []
        )
        magnitude = self.policy.get("MinAdjustmentMagnitude")
        return [
            StepPolicy(
                name=self.logical_id,
                alarm=self._alarm(alarm_id, alarm.get("Properties") or {}),
                adjustment_type=str(self.policy.get("AdjustmentType", "ChangeInCapacity")),
                steps=adjustments,
                warmup_seconds=self.warmup,
                min_adjustment_magnitude=int(magnitude) if magnitude is not None else None,
            )
            for alarm_id, alarm in resources.items()
            if alarm.get("Type") == ALARM
            and {"Ref": self.logical_id}
            in ((alarm.get("Properties") or {}).get("AlarmActions") or [])
        ]

    def _alarm(self, alarm_id: str, props: Resource) -> AlarmRule:
        if props.get("Metrics"):
            queries = tuple(self._query(q) for q in props["Metrics"])
        else:
            metric = {k: props.get(k) for k in ("Namespace", "MetricName", "Dimensions")}
            stat = {
                "Metric": metric,
                "Stat": props.get("Statistic") or props.get("ExtendedStatistic"),
                "Period": props.get("Period"),
            }
            queries = (self._query({"Id": "m1", "MetricStat": stat, "ReturnData": True}),)
        datapoints = props.get("DatapointsToAlarm")
        return AlarmRule(
            name=alarm_id,
            queries=queries,
            threshold=float(props["Threshold"]),
            comparison_operator=str(props["ComparisonOperator"]),
            evaluation_periods=int(props["EvaluationPeriods"]),
            datapoints_to_alarm=int(datapoints) if datapoints is not None else None,
            treat_missing_data=props.get("TreatMissingData"),
        )

    def _query(self, query: Resource) -> dict[str, Any]:
        """A metric query without what the simulator does not need (labels, dimensions)."""
        returns = str(query.get("ReturnData", True)).lower() == "true"
        if query.get("Expression"):
            return {"Id": query["Id"], "Expression": query["Expression"], "ReturnData": returns}
        stat = query["MetricStat"]
        metric = stat["Metric"]
        self._check_dimensions(metric)
        return {
            "Id": query["Id"],
            "MetricStat": {
                "Metric": {
                    "Namespace": metric.get("Namespace"),
                    "MetricName": metric.get("MetricName"),
                },
                "Stat": stat.get("Stat"),
                "Period": int(stat.get("Period") or PERIOD_SECONDS),
            },
            "ReturnData": returns,
        }

    def _check_dimensions(self, metric: Resource) -> None:
        """An Auto Scaling or EC2 metric must be this group's: the simulator models only it."""
        dimensions = {d["Name"]: d["Value"] for d in metric.get("Dimensions") or []}
        if metric.get("Namespace") in (AUTOSCALING, EC2):
            if dimensions.get("AutoScalingGroupName") != {"Ref": self.group.logical_id}:
                raise SimulationInputError(
                    f"{self.where}: {metric.get('MetricName')} of another group "
                    f"({dimensions.get('AutoScalingGroupName')!r}) is not simulated"
                )
        elif metric.get("Namespace") == SQS:
            if "QueueName" not in dimensions:
                raise SimulationInputError(f"{self.where}: an SQS metric without a QueueName")
            self.queues.add(json.dumps(dimensions["QueueName"], sort_keys=True))
