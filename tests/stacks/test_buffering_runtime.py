"""Buffering deployed into moto: the Jobs queue drained by the fleet's worker.

The template is deployed as synthesized (code assets published to the
bootstrap bucket first). moto launches no real instances and evaluates no
alarms or scaling policies, so the test does what the instances and
CloudWatch would do: it runs several copies of the shipped worker, with the
shipped handler taken from the deployed asset, against the deployed queue,
and drives the group's desired capacity from the scaling arithmetic
(`constructs_lib.fleet_sizing.instances_needed`) and the queue's real attributes.
"""

from __future__ import annotations

import io
import json
import math
import threading
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_cdk import cx_api
from moto import mock_aws

from constructs_lib.fleet_sizing import drain_seconds, instances_needed
from constructs_lib.runtime.worker import QueueWorker, WorkerMessage, load_handler
from constructs_lib_testing import DeployedStack, deploy_template
from constructs_lib_testing.assets import publish_file_assets
from constructs_lib_testing.queues import receive_all
from tests.sqs_serialized import SerializedClient

pytestmark = pytest.mark.runtime

STACK = "Buffering"
BUCKET = "cdk-hnb659fds-assets-123456789012-us-east-1"
#: acceptable latency 30 s, 250 ms per message and the default 180 s warm-up,
#: as the stack sets them
LATENCY, PROCESSING, WARMUP = 30, 0.25, 180


@pytest.fixture
def deployed(example_assembly: cx_api.CloudAssembly) -> Iterator[tuple[DeployedStack, Any]]:
    stack = example_assembly.get_stack_by_name(STACK)
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        # A fresh account: AWSServiceRoleForAutoScaling does not exist yet, and
        # no policy of the stack may name it (issue 9 defect 1).
        publish_file_assets(example_assembly.directory, stack.id, session.client("s3"))
        yield deploy_template(stack.template, stack_name=STACK, session=session), stack


def test_a_fresh_account_deploys_the_stack(example_assembly: cx_api.CloudAssembly) -> None:
    stack = example_assembly.get_stack_by_name(STACK)
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        publish_file_assets(example_assembly.directory, stack.id, session.client("s3"))
        deploy_template(stack.template, stack_name=STACK, session=session)


def _only(stack: Any, resource_type: str, prefix: str) -> str:
    (found,) = [
        i
        for i, r in stack.template["Resources"].items()
        if r["Type"] == resource_type and i.startswith(prefix)
    ]
    return found


def test_group_hook_and_policies_are_deployed(deployed: tuple[DeployedStack, Any]) -> None:
    stack, artifact = deployed
    autoscaling = stack.client("autoscaling")
    group_name = stack.physical_id(
        _only(artifact, "AWS::AutoScaling::AutoScalingGroup", "WorkersAutoScalingGroup")
    )
    (group,) = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[group_name])[
        "AutoScalingGroups"
    ]
    assert (group["MinSize"], group["MaxSize"]) == (0, 20)
    (hook,) = autoscaling.describe_lifecycle_hooks(AutoScalingGroupName=group_name)[
        "LifecycleHooks"
    ]
    assert hook["LifecycleTransition"] == "autoscaling:EC2_INSTANCE_TERMINATING"
    assert hook["HeartbeatTimeout"] == 300
    policies = autoscaling.describe_policies(AutoScalingGroupName=group_name)["ScalingPolicies"]
    # target tracking on the instances the work needs (scale-out only); the
    # SetCapacity, ScaleToZero and MessageAgeScaleOut step policies
    assert Counter(p["PolicyType"] for p in policies) == {
        "TargetTrackingScaling": 1,
        "StepScaling": 3,
    }
    (tracking,) = [p for p in policies if p["PolicyType"] == "TargetTrackingScaling"]
    assert tracking["TargetTrackingConfiguration"]["TargetValue"] == 1
    assert tracking["TargetTrackingConfiguration"]["DisableScaleIn"] is True
    alarms = stack.client("cloudwatch").describe_alarms()["MetricAlarms"]
    actions = {a for alarm in alarms for a in alarm.get("AlarmActions", [])}
    step_arns = {p["PolicyARN"] for p in policies if p["PolicyType"] == "StepScaling"}
    assert step_arns <= actions  # every step policy has an alarm that invokes it


def _asset(stack: DeployedStack, member: str) -> dict[str, bytes]:
    s3 = stack.client("s3")
    for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"]:
        body = s3.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read()
        if not item["Key"].endswith(".zip"):
            continue
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            if member in archive.namelist():
                return {name: archive.read(name) for name in archive.namelist()}
    raise AssertionError(f"no asset holds {member}")


def test_shipped_code_is_the_worker_and_the_handler(deployed: tuple[DeployedStack, Any]) -> None:
    stack, _ = deployed
    worker = _asset(stack, "worker.py")
    assert sorted(worker) == ["worker.py", "worker_settings.py"]
    for source in worker.values():
        assert b"import aws_cdk" not in source and b"from constructs_lib" not in source
    assert list(_asset(stack, "jobs_handler.py")) == ["jobs_handler.py"]


def test_workers_drain_the_queue_and_the_group_follows_the_backlog(
    deployed: tuple[DeployedStack, Any], tmp_path: Path
) -> None:
    stack, artifact = deployed
    sqs = stack.client("sqs")
    autoscaling = stack.client("autoscaling")
    queue_url = stack.physical_id(_only(artifact, "AWS::SQS::Queue", "JobsQueue"))
    dlq_url = stack.physical_id(_only(artifact, "AWS::SQS::Queue", "JobsDeadLetterQueue"))
    group_name = stack.physical_id(
        _only(artifact, "AWS::AutoScaling::AutoScalingGroup", "WorkersAutoScalingGroup")
    )

    good = [json.dumps({"job_id": f"job-{i}"}) for i in range(300)]
    poison = ["not json", json.dumps({"job_id": 7})]
    bodies = good[:150] + poison + good[150:]
    for start in range(0, len(bodies), 10):
        sqs.send_message_batch(
            QueueUrl=queue_url,
            Entries=[
                {"Id": str(i), "MessageBody": b} for i, b in enumerate(bodies[start : start + 10])
            ],
        )

    def in_service() -> int:
        (group,) = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[group_name])[
            "AutoScalingGroups"
        ]
        return sum(i["LifecycleState"] == "InService" for i in group["Instances"])

    def scale(sent: int) -> int:
        visible = int(
            sqs.get_queue_attributes(
                QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages"]
            )["Attributes"]["ApproximateNumberOfMessages"]
        )
        needed = instances_needed(
            sent_per_minute=sent,
            visible_messages=visible,
            acceptable_latency_seconds=drain_seconds(LATENCY, WARMUP),
            average_processing_seconds=PROCESSING,
        )
        wanted = min(20, math.ceil(needed))
        autoscaling.set_desired_capacity(AutoScalingGroupName=group_name, DesiredCapacity=wanted)
        return wanted

    # 302 sent and waiting: (302 + 302 x 60 / 210) / 240 = 1.6 -> 2 instances
    assert in_service() == 0
    assert scale(sent=len(bodies)) == 2
    assert in_service() == 2

    # the shipped handler, from the deployed asset, as the instances load it
    handler_dir = tmp_path / "handler"
    handler_dir.mkdir()
    for name, content in _asset(stack, "jobs_handler.py").items():
        (handler_dir / name).write_bytes(content)
    shipped = load_handler("jobs_handler:handle", [str(handler_dir)])
    done: Counter[str] = Counter()
    lock = threading.Lock()

    def handle(message: WorkerMessage) -> None:
        shipped(message)
        with lock:
            done[message.body] += 1

    # one worker per instance; failures retried at once instead of after the
    # queue's 5-minute visibility timeout, so the test does not wait for it
    shared = SerializedClient(boto3.client("sqs", region_name="us-east-1"))  # moto race
    workers = [
        QueueWorker(
            queue_url=queue_url,
            handler=handle,
            sqs_client=shared,
            wait_time_seconds=0,
            failure_visibility_timeout_seconds=0,
        )
        for _ in range(in_service())
    ]
    threads = [threading.Thread(target=w.run, kwargs={"stop_when_idle": True}) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert done == Counter(good)  # every good job exactly once
    dead = [m["Body"] for m in receive_all(sqs, dlq_url)]
    assert sorted(dead) == sorted(poison)  # after 5 receives each
    assert sum(w.stats.failed for w in workers) == 5 * len(poison)
    assert sum(w.stats.processed for w in workers) == len(good)

    # the queue is empty and nothing arrives: back to the minimum, 0
    assert scale(sent=0) == 0
    assert in_service() == 0
