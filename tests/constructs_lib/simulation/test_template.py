"""A fleet read from a synthesized template runs the policies the construct wrote."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import Duration, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Template

from constructs_lib import FleetScalingPolicy, QueueWorkerFleet, SecureQueue
from constructs_lib.simulation import (
    SimulationInputError,
    fleet_from_options,
    fleet_from_template,
    load_fleet,
)
from stacks import build_example_app
from tests.conftest import new_app


@pytest.fixture(scope="module")
def buffering() -> dict[str, Any]:
    app = new_app()
    stacks = build_example_app(app)
    return Template.from_stack(stacks[0]).to_json()


def test_the_buffering_template_gives_the_fleet_its_options_give(
    buffering: dict[str, Any],
) -> None:
    # stacks/buffering_stack.py: 30 s latency, 250 ms processing, max 20, the
    # queue's 5-minute visibility timeout, 5 receives; the rest defaults.
    from_options = fleet_from_options(
        max_capacity=20, acceptable_latency_seconds=30, average_processing_seconds=0.25,
        visibility_timeout_seconds=300,
    )  # fmt: skip
    assert fleet_from_template(buffering) == from_options


def test_a_default_fleet_template_gives_the_default_options() -> None:
    app = new_app()
    stack = Stack(app, "Defaults")
    vpc = ec2.Vpc(stack, "Vpc", max_azs=1, nat_gateways=0)
    QueueWorkerFleet(stack, "Workers", queue=SecureQueue(stack, "Jobs"), vpc=vpc,
                     handler="jobs:handle")  # fmt: skip
    template = Template.from_stack(stack).to_json()
    assert fleet_from_template(template) == fleet_from_options()


def test_min_capacity_above_zero_has_no_scale_from_zero() -> None:
    app = new_app()
    stack = Stack(app, "MinOne")
    vpc = ec2.Vpc(stack, "Vpc", max_azs=1, nat_gateways=0)
    queue = SecureQueue(stack, "Jobs", visibility_timeout=Duration.minutes(1))
    QueueWorkerFleet(stack, "Workers", queue=queue, vpc=vpc, handler="jobs:handle",
                     min_capacity=1)  # fmt: skip
    fleet = fleet_from_template(Template.from_stack(stack).to_json())
    assert fleet == fleet_from_options(min_capacity=1, visibility_timeout_seconds=60)
    resources = Template.from_stack(stack).to_json()["Resources"]
    # the scale-in alarm and the age alarm; nothing from or to zero
    assert [step.alarm.name for step in fleet.steps] == [
        next(name for name in resources if name.startswith(prefix))
        for prefix in ("WorkersScaleInAlarm", "WorkersMessageAgeAlarm")
    ]


@pytest.mark.parametrize("scaling", list(FleetScalingPolicy))
def test_every_scaling_mode_reads_back_as_its_options(scaling: FleetScalingPolicy) -> None:
    app = new_app()
    stack = Stack(app, "Modes")
    vpc = ec2.Vpc(stack, "Vpc", max_azs=1, nat_gateways=0)
    backlog = {} if scaling is FleetScalingPolicy.QUEUE_DEPTH_STEPS else {
        "acceptable_latency": Duration.seconds(30),
        "average_processing_time": Duration.millis(250),
    }  # fmt: skip
    jobs = SecureQueue(stack, "Jobs")
    QueueWorkerFleet(stack, "Workers", queue=jobs, vpc=vpc, handler="jobs:handle",
                     scaling=scaling, max_capacity=45, **backlog)  # fmt: skip
    options = {} if scaling is FleetScalingPolicy.QUEUE_DEPTH_STEPS else {
        "acceptable_latency_seconds": 30, "average_processing_seconds": 0.25,
    }  # fmt: skip
    expected = fleet_from_options(scaling=scaling.value, max_capacity=45, **options)
    assert fleet_from_template(Template.from_stack(stack).to_json()) == expected


def test_a_cdk_out_folder_and_a_construct_path_pick_the_fleet(
    buffering: dict[str, Any], tmp_path: Path
) -> None:
    template = copy.deepcopy(buffering)
    group = next(k for k, v in template["Resources"].items()
                 if v["Type"] == "AWS::AutoScaling::AutoScalingGroup")  # fmt: skip
    template["Resources"][group]["Metadata"] = {
        "aws:cdk:path": "Buffering/Workers/AutoScalingGroup/ASG"
    }
    _cloud_assembly(tmp_path, {"Buffering": template, "Other": buffering})
    with pytest.raises(
        SimulationInputError, match=r"2 Auto Scaling groups .*name one with --fleet"
    ):
        load_fleet(tmp_path)
    fleet = load_fleet(tmp_path, fleet="Buffering/Workers")
    assert fleet.max_capacity == 20
    assert fleet.source.startswith("Buffering/Workers (")
    with pytest.raises(SimulationInputError, match="no Auto Scaling group named 'Nope'"):
        load_fleet(tmp_path, fleet="Nope")


def _cloud_assembly(
    folder: Path, templates: dict[str, Any], nested: dict[str, tuple[str, Any]] | None = None
) -> None:
    """A ``cdk.out`` of ``templates`` (stack name -> template); ``nested``: construct
    path -> (its stack, its template), declared the way aws-cdk-lib's metadata does."""
    artifacts: dict[str, Any] = {}
    for name, template in templates.items():
        (folder / f"{name}.template.json").write_text(json.dumps(template))
        metadata = {
            f"/{path}": [{"type": "aws:cdk:templateFile", "data": _nested_file(path)}]
            for path, (stack, _) in (nested or {}).items()
            if stack == name
        }
        artifacts[name] = {
            "type": "aws:cloudformation:stack",
            "environment": "aws://unknown-account/unknown-region",
            "properties": {"templateFile": f"{name}.template.json"},
            "metadata": metadata,
        }
    for path, (_, template) in (nested or {}).items():
        (folder / _nested_file(path)).write_text(json.dumps(template))
    (folder / "manifest.json").write_text(json.dumps({"version": "55.0.0", "artifacts": artifacts}))


def _nested_file(path: str) -> str:
    return f"{path.replace('/', '')}.nested.template.json"


def test_the_folder_is_read_through_its_manifest(buffering: dict[str, Any], tmp_path: Path) -> None:
    """A template file the manifest does not name is not the app's (issue 22: the
    simulator globbed ``*.template.json``); a nested stack's fleet is found."""
    (tmp_path / "Stale.template.json").write_text(json.dumps(buffering))
    empty = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}
    _cloud_assembly(tmp_path, {"Parent": empty}, nested={"Parent/Fleet": ("Parent", buffering)})
    fleet = load_fleet(tmp_path)
    assert fleet.source.endswith("ParentFleet.nested.template.json)")
    (tmp_path / "manifest.json").unlink()
    with pytest.raises(SimulationInputError, match=r"no manifest\.json"):
        load_fleet(tmp_path)


def _policy(template: dict[str, Any], prefix: str) -> dict[str, Any]:
    name = next(k for k in template["Resources"] if k.startswith(prefix))
    properties: dict[str, Any] = template["Resources"][name]["Properties"]
    return properties


def test_a_metric_the_simulator_does_not_model_is_refused(buffering: dict[str, Any]) -> None:
    template = copy.deepcopy(buffering)
    metrics = _policy(template, "WorkersArrivalsAndBacklogScaling")[
        "TargetTrackingConfiguration"]["CustomizedMetricSpecification"]["Metrics"]  # fmt: skip
    metrics[0]["MetricStat"]["Metric"]["MetricName"] = "NumberOfEmptyReceives"
    with pytest.raises(
        SimulationInputError, match="AWS/SQS NumberOfEmptyReceives is not simulated"
    ):
        fleet_from_template(template)


def test_predefined_cpu_is_read_and_other_predefined_metrics_are_refused(
    buffering: dict[str, Any],
) -> None:
    # ASGAverageCPUUtilization: "Average CPU utilization of the Auto Scaling
    # group" (EC2 Auto Scaling, "Target tracking scaling policies"), the
    # ecs-patterns way's scale-out signal, which the comparison models.
    template = copy.deepcopy(buffering)
    config = _policy(template, "WorkersArrivalsAndBacklogScaling")["TargetTrackingConfiguration"]
    config.pop("CustomizedMetricSpecification")
    config["PredefinedMetricSpecification"] = {"PredefinedMetricType": "ASGAverageCPUUtilization"}
    config["TargetValue"] = 50
    [cpu] = fleet_from_template(template).tracking
    assert cpu.target == 50
    assert cpu.queries[0]["MetricStat"]["Metric"] == {
        "Namespace": "AWS/EC2", "MetricName": "CPUUtilization"}  # fmt: skip
    config["PredefinedMetricSpecification"] = {"PredefinedMetricType": "ALBRequestCountPerTarget"}
    with pytest.raises(SimulationInputError, match="predefined metric ALBRequestCountPerTarget"):
        fleet_from_template(template)


def test_alarm_periods_of_whole_minutes_are_read_others_refused(
    buffering: dict[str, Any],
) -> None:
    template = copy.deepcopy(buffering)
    age = _policy(template, "WorkersMessageAgeAlarm")
    age["Period"] = 300
    alarm = next(s.alarm for s in fleet_from_template(template).steps
                 if s.alarm.name.startswith("WorkersMessageAgeAlarm"))  # fmt: skip
    assert alarm.period_minutes == 5
    age["Period"] = 90
    with pytest.raises(SimulationInputError, match="period 90 s; simulated periods are whole"):
        fleet_from_template(template)


def test_a_template_without_a_group_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "Empty.template.json"
    empty.write_text(json.dumps({"Resources": {}}))
    with pytest.raises(SimulationInputError, match="no Auto Scaling group"):
        load_fleet(empty)
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(SimulationInputError, match=r"broken\.json: not a JSON template"):
        load_fleet(broken)
