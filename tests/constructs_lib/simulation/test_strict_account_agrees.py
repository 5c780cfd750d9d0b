"""The fleet simulator and the strict local account: one template, one metric trace, one answer.

Two implementations read a synthesized fleet's policies: the simulator from
the template (`fleet_from_template`), the strict account from what
CloudFormation deployed into moto (its alarms and the scaling-policy
adapter). Both replay the same scripted minute-by-minute metrics and must
reach the same desired capacity and the same state of every alarm, minute
by minute: the Buffering stack's fleet and a default fleet, through scale
from zero, target tracking out, the five-minute scale-in, the message-age
step and scale to zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import boto3
import pytest
from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Template
from moto import mock_aws

from constructs_lib import QueueWorkerFleet, SecureQueue
from constructs_lib.metric_math import Value
from constructs_lib.simulation import fleet_from_template, replay_metrics
from constructs_lib.simulation.fleet import IN_SERVICE, OLDEST_AGE, SENT, VISIBLE
from constructs_lib_testing import deploy_template
from constructs_lib_testing.strict import StrictAccount
from stacks import build_example_app
from tests.conftest import new_app

pytestmark = pytest.mark.runtime

Trace = list[Mapping[tuple[str, str], Value]]


def minute(
    sent: float | None, visible: float | None, in_service: float | None = None, age: float = 0
) -> dict[Any, Value]:
    """One minute's scripted metrics; without ``in_service``, each side reads its
    own group (moto's instances are in service as soon as they are asked for)."""
    values: dict[Any, Value] = {
        ("AWS/SQS", SENT): sent,
        ("AWS/SQS", VISIBLE): visible,
        ("AWS/SQS", OLDEST_AGE): age,
    }
    if in_service is not None:
        values[("AWS/AutoScaling", IN_SERVICE)] = in_service
    return values


def trace_for(per_instance: int) -> Trace:
    """A scripted hour and a half that crosses every policy of the default fleet.

    ``per_instance`` is how many messages one instance handles a minute, so
    the same shape drives fleets of any processing time.
    """
    w = per_instance
    trace: Trace = [minute(0, 0)] * 3
    # a burst from idle: work arrives and waits; the instances asked for are
    # still launching (none in service)
    trace += [minute(6 * w, 6 * w, 0), minute(6 * w, 12 * w, 0)]
    # in service at last, with a backlog that keeps target tracking above 1
    trace += [minute(6 * w, 14 * w, 3), minute(8 * w, 10 * w, 6), minute(8 * w, 9 * w)]
    trace += [minute(8 * w, 8 * w), minute(8 * w, 4 * w)]
    # steady, kept up: nothing waits
    trace += [minute(3 * w, 0)] * 12
    # an old message the workers cannot take: the age rises past 5 minutes
    trace += [minute(3 * w, 1, age=60.0 * (n + 1)) for n in range(12)]
    # the load stops: scale-in, then 15 idle minutes to zero
    trace += [minute(0, 0)] * 25
    # missing SQS datapoints (an inactive queue): nothing decides on them
    trace += [minute(None, None)] * 2
    return trace


def replay_both(
    template: dict[str, Any], strict_account: StrictAccount, trace: Trace, *, group_prefix: str
) -> tuple[list[Any], list[Any], dict[str, str], str]:
    fleet = fleet_from_template(template)
    simulated = replay_metrics(fleet, trace)
    session = boto3.Session(region_name="us-east-1")
    deployed = deploy_template(template, stack_name="Fleet", session=session)
    names = {
        logical_id: deployed.physical_id(logical_id)
        for logical_id, r in template["Resources"].items()
        if r["Type"] == "AWS::CloudWatch::Alarm"
    }
    policies = session.client("autoscaling").describe_policies()["ScalingPolicies"]
    for logical_id, r in template["Resources"].items():
        if r["Type"] == "AWS::AutoScaling::ScalingPolicy":
            arn = deployed.physical_id(logical_id)
            names[logical_id] = next(p["PolicyName"] for p in policies if p["PolicyARN"] == arn)
    (group_id,) = [
        i for i, r in template["Resources"].items()
        if r["Type"] == "AWS::AutoScaling::AutoScalingGroup" and i.startswith(group_prefix)
    ]  # fmt: skip
    replayed = strict_account.replay_metrics(trace)
    return simulated, replayed, names, deployed.physical_id(group_id)


def assert_same_minute_by_minute(
    template: dict[str, Any], strict_account: StrictAccount, trace: Trace, group_prefix: str
) -> list[int]:
    simulated, replayed, names, group = replay_both(
        template, strict_account, trace, group_prefix=group_prefix
    )
    desired = []
    for sim, account in zip(simulated, replayed, strict=True):
        assert account.desired[group] == sim.desired, (sim.minute, account.events)
        for name, state in sim.alarm_states.items():
            logical_id, _, suffix = name.partition(" ")
            physical = f"{names[logical_id]} {suffix}" if suffix else names[logical_id]
            assert account.alarm_states[physical] == state, (sim.minute, name, account.events)
        desired.append(sim.desired)
    return desired


@pytest.fixture
def moto() -> Any:
    with mock_aws():
        yield


def test_the_buffering_fleet(moto: Any, strict_account: StrictAccount) -> None:
    app = new_app()
    (buffering, *_) = build_example_app(app)
    template = Template.from_stack(buffering).to_json()
    desired = assert_same_minute_by_minute(
        template, strict_account, trace_for(per_instance=240), group_prefix="Workers"
    )
    # the trace crossed what it was written for: from zero in one step, out,
    # in, and back to zero
    assert desired[2] == 0 and desired[3] > 1
    assert max(desired) > desired[3]
    assert desired[-1] == 0


def test_a_default_fleet(moto: Any, strict_account: StrictAccount) -> None:
    app = new_app()
    stack = Stack(app, "Defaults")
    # no Lambda-backed custom resource: its code asset is not published here
    vpc = ec2.Vpc(stack, "Vpc", max_azs=1, nat_gateways=0, restrict_default_security_group=False)
    QueueWorkerFleet(stack, "Workers", queue=SecureQueue(stack, "Jobs"), vpc=vpc,
                     handler="jobs:handle")  # fmt: skip
    template = Template.from_stack(stack).to_json()
    desired = assert_same_minute_by_minute(
        template, strict_account, trace_for(per_instance=600), group_prefix="Workers"
    )
    assert desired[-1] == 0 and max(desired) == 10  # the default max_capacity
