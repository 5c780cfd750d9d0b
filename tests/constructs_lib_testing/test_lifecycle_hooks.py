"""The lifecycle-hook extension of moto against what AWS documents for scale-in,
and the fake instance metadata service that reports it."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from constructs_lib.runtime.worker import InstanceMetadata
from constructs_lib_testing import lifecycle_hooks
from constructs_lib_testing.instance_metadata import FakeInstanceMetadata, target_lifecycle_state
from constructs_lib_testing.lifecycle_hooks import lifecycle_state, scale_in_with_lifecycle_hooks

REGION = "us-east-1"
GROUP = "workers"
HOOK = "drain"


@pytest.fixture
def clients(moto: None) -> Iterator[dict[str, Any]]:
    yield {name: boto3.client(name, region_name=REGION) for name in ("ec2", "autoscaling")}


def make_group(
    clients: dict[str, Any], *, hook: bool = True, tags: bool = True, size: int = 2
) -> list[str]:
    ec2, autoscaling = clients["ec2"], clients["autoscaling"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    options = {"HttpTokens": "required", "InstanceMetadataTags": "enabled" if tags else "disabled"}
    template = ec2.create_launch_template(
        LaunchTemplateName="workers",
        LaunchTemplateData={"ImageId": "ami-12c6146b", "MetadataOptions": options},
    )["LaunchTemplate"]["LaunchTemplateId"]
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=GROUP,
        LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"},
        MinSize=0,
        MaxSize=3,
        DesiredCapacity=size,
        VPCZoneIdentifier=subnet,
    )
    if hook:
        autoscaling.put_lifecycle_hook(
            AutoScalingGroupName=GROUP,
            LifecycleHookName=HOOK,
            LifecycleTransition="autoscaling:EC2_INSTANCE_TERMINATING",
            HeartbeatTimeout=300,
            DefaultResult="CONTINUE",
        )
    return [i["InstanceId"] for i in instances(autoscaling)]


def instances(autoscaling: Any) -> list[dict[str, Any]]:
    (group,) = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[GROUP])[
        "AutoScalingGroups"
    ]
    return list(group["Instances"])


def ec2_state(ec2: Any, instance_id: str) -> str:
    reservation = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]
    return str(reservation["Instances"][0]["State"]["Name"])


def complete(autoscaling: Any, instance_id: str, result: str = "CONTINUE") -> None:
    autoscaling.complete_lifecycle_action(
        AutoScalingGroupName=GROUP,
        LifecycleHookName=HOOK,
        InstanceId=instance_id,
        LifecycleActionResult=result,
    )


def test_scale_in_waits_in_terminating_wait_until_the_action_is_completed(
    clients: dict[str, Any],
) -> None:
    autoscaling, ec2 = clients["autoscaling"], clients["ec2"]
    make_group(clients)
    with scale_in_with_lifecycle_hooks():
        autoscaling.set_desired_capacity(AutoScalingGroupName=GROUP, DesiredCapacity=1)
        states = {i["InstanceId"]: i["LifecycleState"] for i in instances(autoscaling)}
        (waiting,) = [i for i, s in states.items() if s == "Terminating:Wait"]
        assert sorted(states.values()) == ["InService", "Terminating:Wait"]
        assert ec2_state(ec2, waiting) == "running"  # it keeps running meanwhile
        assert lifecycle_state(waiting) == "Terminating:Wait"
        autoscaling.record_lifecycle_action_heartbeat(
            AutoScalingGroupName=GROUP, LifecycleHookName=HOOK, InstanceId=waiting
        )
        complete(autoscaling, waiting)
        assert [i["LifecycleState"] for i in instances(autoscaling)] == ["InService"]
        assert ec2_state(ec2, waiting) == "terminated"
        assert lifecycle_state(waiting) is None
        with pytest.raises(ClientError, match="No active Lifecycle Action found"):
            complete(autoscaling, waiting)


def test_abandon_terminates_too_and_a_bad_result_is_refused(clients: dict[str, Any]) -> None:
    autoscaling = clients["autoscaling"]
    make_group(clients, size=1)
    with scale_in_with_lifecycle_hooks():
        autoscaling.set_desired_capacity(AutoScalingGroupName=GROUP, DesiredCapacity=0)
        (waiting,) = [i["InstanceId"] for i in instances(autoscaling)]
        with pytest.raises(ClientError, match="LifecycleActionResult must be one of"):
            complete(autoscaling, waiting, "MAYBE")
        complete(autoscaling, waiting, "ABANDON")
        assert instances(autoscaling) == []


def test_the_heartbeat_timeout_applies_the_default_result(
    clients: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    autoscaling = clients["autoscaling"]
    make_group(clients, size=1)
    clock = [1000.0]
    monkeypatch.setattr(lifecycle_hooks.time, "monotonic", lambda: clock[0])
    with scale_in_with_lifecycle_hooks():
        autoscaling.set_desired_capacity(AutoScalingGroupName=GROUP, DesiredCapacity=0)
        (waiting,) = [i["InstanceId"] for i in instances(autoscaling)]
        clock[0] += 299
        assert lifecycle_state(waiting) == "Terminating:Wait"
        clock[0] += 1
        assert lifecycle_state(waiting) is None


def test_without_a_terminating_hook_scale_in_is_immediate(clients: dict[str, Any]) -> None:
    autoscaling = clients["autoscaling"]
    make_group(clients, hook=False)
    with scale_in_with_lifecycle_hooks():
        autoscaling.set_desired_capacity(AutoScalingGroupName=GROUP, DesiredCapacity=1)
        assert [i["LifecycleState"] for i in instances(autoscaling)] == ["InService"]


def test_outside_the_block_moto_is_itself_again(clients: dict[str, Any]) -> None:
    autoscaling = clients["autoscaling"]
    make_group(clients)
    with scale_in_with_lifecycle_hooks():
        pass
    autoscaling.set_desired_capacity(AutoScalingGroupName=GROUP, DesiredCapacity=1)
    assert [i["LifecycleState"] for i in instances(autoscaling)] == ["InService"]
    with pytest.raises(NotImplementedError):  # moto 5.2.5 has no CompleteLifecycleAction
        complete(autoscaling, "i-00000000000000000")


# --- the fake instance metadata service -----------------------------------------


@pytest.mark.parametrize(
    ("state", "target"),
    [
        ("Pending:Wait", "InService"),
        ("InService", "InService"),
        ("Terminating:Wait", "Terminated"),
        ("Detaching", "Detached"),
        ("EnteringStandby", "Standby"),
        (None, "Terminated"),
    ],
)
def test_target_lifecycle_states(state: str | None, target: str) -> None:
    assert target_lifecycle_state(state) == target


def test_the_worker_reads_its_group_and_scale_in_through_imdsv2(clients: dict[str, Any]) -> None:
    autoscaling = clients["autoscaling"]
    first, _ = make_group(clients)
    with (
        scale_in_with_lifecycle_hooks(),
        FakeInstanceMetadata(first, ec2=clients["ec2"], autoscaling=autoscaling) as fake,
    ):
        metadata = InstanceMetadata(fake.endpoint)
        assert metadata.instance_id() == first
        assert metadata.auto_scaling_group_name() == GROUP
        assert metadata.target_lifecycle_state() == "InService"
        autoscaling.set_desired_capacity(AutoScalingGroupName=GROUP, DesiredCapacity=1)
        waiting = [
            i["InstanceId"] for i in instances(autoscaling) if i["LifecycleState"] != "InService"
        ]
        assert waiting == [first]  # the extension scales in the oldest first
        assert metadata.target_lifecycle_state() == "Terminated"
        # IMDSv2 only: a read without a token is refused
        with pytest.raises(urllib.error.HTTPError, match="401"):
            urllib.request.urlopen(f"{fake.endpoint}/latest/meta-data/instance-id")
        with pytest.raises(urllib.error.HTTPError, match="400"):
            urllib.request.urlopen(
                urllib.request.Request(f"{fake.endpoint}/latest/api/token", method="PUT")
            )


def test_tags_are_not_in_the_metadata_unless_the_launch_template_allows_it(
    clients: dict[str, Any],
) -> None:
    first, _ = make_group(clients, tags=False)
    with (
        FakeInstanceMetadata(first, ec2=clients["ec2"], autoscaling=clients["autoscaling"]) as fake,
        pytest.raises(urllib.error.HTTPError, match="404"),
    ):
        InstanceMetadata(fake.endpoint).auto_scaling_group_name()
