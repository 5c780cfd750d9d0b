"""Defect 1 of issue 20: a tag key instances cannot carry with metadata tags on.

The fleet's launch template turns on ``InstanceMetadataTags`` (the worker reads
its group's name from its tags). EC2 User Guide, "Tag your Amazon EC2
resources", tag restrictions: "If you enable instance tags in instance
metadata, instance tag keys can only use letters (a-z, A-Z), numbers (0-9),
and the following characters: + - = . , _ : @. Instance tag keys can't
contain spaces or /, and can't comprise only . (one period), .. (two
periods), or _index." ("Work with instance tags in instance metadata":
"Non-compliance will result in failed launches for new instances".) CDK's
``Tags.of(app)`` reaches the launch template's instance tags and the group's
propagated tags, also when added after the fleet: the check runs at synth.
"""

from __future__ import annotations

import pytest
from aws_cdk import App, Stack, Tags
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Template

from constructs_lib import QueueWorkerFleet, SecureQueue, _aws
from tests.conftest import ACCOUNT, REGION, bare_app, new_app

ENV = {"account": ACCOUNT, "region": REGION}
QUOTE = "Instance tag keys can't contain spaces or /"


def fleet_stack(app: App, *, env: dict[str, str] | None = ENV) -> Stack:
    stack = Stack(app, "Workers", env=env)
    vpc = ec2.Vpc(
        stack,
        "Vpc",
        max_azs=1,
        nat_gateways=0,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="W", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        ],
    )
    QueueWorkerFleet(stack, "Fleet", queue=SecureQueue(stack, "Jobs"), vpc=vpc, handler="m:f")
    return stack


@pytest.mark.parametrize("make_app", [new_app, bare_app, App], ids=["cdk.json", "bare", "App()"])
@pytest.mark.parametrize("key", ["team/owner", "cost center", ".", "..", "_index"])
def test_an_app_tag_added_after_the_fleet_that_instances_cannot_carry_fails_synth(
    make_app: object, key: str
) -> None:
    app = make_app()  # type: ignore[operator]
    stack = fleet_stack(app)
    Tags.of(app).add(key, "platform")  # after the fleet was built
    with pytest.raises(Exception) as caught:
        Template.from_stack(stack)
    message = str(caught.value)
    assert "Workers/Fleet" in message
    assert repr(key) in message
    assert QUOTE in message
    assert "failed launches" in message


def test_an_environment_agnostic_stack_is_checked_too() -> None:
    app = bare_app()
    stack = fleet_stack(app, env=None)
    Tags.of(stack).add("team/owner", "platform")
    with pytest.raises(Exception, match="team/owner"):
        Template.from_stack(stack)


def test_every_offending_key_is_named_once() -> None:
    app = new_app()
    stack = fleet_stack(app)
    Tags.of(app).add("team/owner", "a")
    Tags.of(app).add("cost center", "b")
    with pytest.raises(Exception) as caught:
        Template.from_stack(stack)
    message = str(caught.value)
    assert message.count("'team/owner'") == 1 and message.count("'cost center'") == 1


@pytest.mark.parametrize("key", ["team:owner", "cost-center", "CostCenter", "a.b", "x@y,z+=_"])
def test_keys_aws_allows_pass(key: str) -> None:
    app = new_app()
    stack = fleet_stack(app)
    Tags.of(app).add(key, "v")
    template = Template.from_stack(stack).to_json()
    (group,) = [
        r
        for r in template["Resources"].values()
        if r["Type"] == "AWS::AutoScaling::AutoScalingGroup"
    ]
    assert {"Key": key, "PropagateAtLaunch": True, "Value": "v"} in group["Properties"]["Tags"]


@pytest.mark.parametrize(
    "scoping",
    [
        {"include_resource_types": ["AWS::SQS::Queue"]},
        # what the error message advises
        {
            "exclude_resource_types": [
                "AWS::EC2::LaunchTemplate",
                "AWS::AutoScaling::AutoScalingGroup",
            ]
        },
        {
            "exclude_resource_types": ["AWS::EC2::LaunchTemplate"],
            "apply_to_launched_instances": False,
        },
    ],
)
def test_a_tag_that_never_reaches_the_instances_passes(scoping: dict[str, object]) -> None:
    """Only instance tags are restricted: a tag kept off the launch template and
    off the group's launched instances does not reach them."""
    app = new_app()
    stack = fleet_stack(app)
    Tags.of(app).add("team/owner", "v", **scoping)  # type: ignore[arg-type]
    Template.from_stack(stack)


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("team/owner", "contains '/'"),
        ("cost center", "contains a space"),
        ("é", "contains 'é'"),
        (".", "is '.', which EC2 refuses"),
        ("..", "is '..', which EC2 refuses"),
        ("_index", "is '_index', which EC2 refuses"),
        ("team:owner", None),
        ("aws:cloudformation:stack-name", None),
    ],
)
def test_the_rule_of_aws(key: str, problem: str | None) -> None:
    found = _aws.instance_metadata_tag_key_problem(key)
    assert (found is None) if problem is None else (found is not None and problem in found)


def test_the_keys_read_are_the_instance_tags_aws_cdk_lib_synthesizes() -> None:
    """`_launch_template_instance_keys` reads the launch template's TagManager,
    not its synthesized data: the keys must be those aws-cdk-lib writes into the
    instance TagSpecifications (this runs at the floor and the pinned version)."""
    from aws_cdk import TagManager

    from constructs_lib._instance_tags import _launch_template_instance_keys

    app = new_app()
    stack = fleet_stack(app)
    (fleet,) = [c for c in stack.node.children if isinstance(c, QueueWorkerFleet)]
    Tags.of(app).add("team", "platform")
    Tags.of(stack).add("stack-tag", "s")
    Tags.of(app).add(
        "group-only", "g", include_resource_types=["AWS::AutoScaling::AutoScalingGroup"]
    )
    Tags.of(stack).add("not-here", "n", exclude_resource_types=["AWS::EC2::LaunchTemplate"])
    Tags.of(fleet).add("removed", "r")
    Tags.of(fleet).remove("removed")
    template = Template.from_stack(stack).to_json()

    (launch_template,) = [c for c in fleet.node.find_all() if isinstance(c, ec2.LaunchTemplate)]
    assert TagManager.of(launch_template) is not None
    (data,) = [
        r["Properties"]["LaunchTemplateData"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::EC2::LaunchTemplate"
    ]
    synthesized = [
        tag["Key"]
        for spec in data["TagSpecifications"]
        if spec["ResourceType"] == "instance"
        for tag in spec["Tags"]
    ]
    read = list(_launch_template_instance_keys(launch_template))
    assert sorted(read) == sorted(synthesized)
    assert {"team", "stack-tag"} <= set(read)
    assert not {"group-only", "not-here", "removed"} & set(read)
