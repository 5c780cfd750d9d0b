"""Adapters the consumer stacks need: ScalingPolicy, LifecycleHook,
SecurityGroupEgress and SNS TopicPolicy. Each: registered, its real effect
visible through boto3 after a deploy, and a broken resource reported."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns

from constructs_lib_testing import (
    ResourceVerificationError,
    deploy_template,
    logical_id_of,
    verify_resources,
)
from constructs_lib_testing.adapters import (
    MODELS,
    autoscaling_lifecycle_hook,
    autoscaling_scaling_policy,
    ec2_security_group_egress,
    sns_topic_policy,
)
from tests.constructs_lib_testing.support import new_stack, template_of


def test_all_four_are_registered() -> None:
    assert MODELS["AWS::AutoScaling::ScalingPolicy"] is (
        autoscaling_scaling_policy.AutoScalingScalingPolicy
    )
    assert MODELS["AWS::AutoScaling::LifecycleHook"] is (
        autoscaling_lifecycle_hook.AutoScalingLifecycleHook
    )
    assert MODELS["AWS::EC2::SecurityGroupEgress"] is (
        ec2_security_group_egress.Ec2SecurityGroupEgress
    )
    assert MODELS["AWS::SNS::TopicPolicy"] is sns_topic_policy.SnsTopicPolicy


@pytest.fixture(scope="module")
def group_stack() -> tuple[dict[str, Any], dict[str, str]]:
    s = new_stack()
    vpc = ec2.Vpc(
        s,
        "Vpc",
        availability_zones=["us-east-1a"],
        nat_gateways=0,
        restrict_default_security_group=False,
    )
    group = autoscaling.AutoScalingGroup(
        s,
        "Group",
        vpc=vpc,
        instance_type=ec2.InstanceType("t3.micro"),
        machine_image=ec2.MachineImage.latest_amazon_linux2023(),
        min_capacity=0,
        max_capacity=3,
    )
    step = group.scale_on_metric(
        "Steps",
        metric=cloudwatch.Metric(namespace="AWS/EC2", metric_name="CPUUtilization"),
        scaling_steps=[
            autoscaling.ScalingInterval(upper=10, change=-1),
            autoscaling.ScalingInterval(lower=50, change=+1),
        ],
    )
    hook = autoscaling.LifecycleHook(
        s,
        "Hook",
        auto_scaling_group=group,
        lifecycle_transition=autoscaling.LifecycleTransition.INSTANCE_TERMINATING,
        lifecycle_hook_name="drain",
    )
    sg = ec2.SecurityGroup(s, "Sg", vpc=vpc, allow_all_outbound=False)
    egress = ec2.CfnSecurityGroupEgress(
        s,
        "Https",
        group_id=sg.security_group_id,
        ip_protocol="tcp",
        from_port=443,
        to_port=443,
        cidr_ip="0.0.0.0/0",
    )
    topic = sns.Topic(s, "Topic")
    topic.add_to_resource_policy(
        iam.PolicyStatement(
            sid="OnlyTls",
            effect=iam.Effect.DENY,
            principals=[iam.AnyPrincipal()],
            actions=["sns:Publish"],
            resources=[topic.topic_arn],
            conditions={"Bool": {"aws:SecureTransport": "false"}},
        )
    )
    ids = {
        "group": logical_id_of(group),
        "upper": logical_id_of(step.upper_action.node.default_child),  # type: ignore[union-attr]
        "hook": logical_id_of(hook),
        "sg": logical_id_of(sg),
        "egress": logical_id_of(egress),
        "topic": logical_id_of(topic),
    }
    return template_of(s), ids


def test_scaling_policy_hook_egress_and_topic_policy_exist(
    moto: None, group_stack: tuple[dict[str, Any], dict[str, str]]
) -> None:
    template, ids = group_stack
    deployed = deploy_template(template)
    autoscaling_client = deployed.client("autoscaling")
    group = deployed.physical_id(ids["group"])

    policies = autoscaling_client.describe_policies(AutoScalingGroupName=group)["ScalingPolicies"]
    assert {p["PolicyType"] for p in policies} == {"StepScaling"}
    # Ref of a scaling policy is its ARN, as alarm actions expect
    assert deployed.physical_id(ids["upper"]) in {p["PolicyARN"] for p in policies}

    (hook,) = autoscaling_client.describe_lifecycle_hooks(AutoScalingGroupName=group)[
        "LifecycleHooks"
    ]
    assert hook["LifecycleHookName"] == "drain"

    (sg,) = deployed.client("ec2").describe_security_groups(
        GroupIds=[deployed.physical_id(ids["sg"])]
    )["SecurityGroups"]
    assert any(p.get("FromPort") == 443 for p in sg["IpPermissionsEgress"])

    attributes = deployed.client("sns").get_topic_attributes(
        TopicArn=deployed.physical_id(ids["topic"])
    )["Attributes"]
    assert [s["Sid"] for s in json.loads(attributes["Policy"])["Statement"]] == ["OnlyTls"]


def test_broken_resources_are_reported(
    moto: None, group_stack: tuple[dict[str, Any], dict[str, str]]
) -> None:
    template, ids = group_stack
    deployed = deploy_template(template)
    group = deployed.physical_id(ids["group"])
    autoscaling_client = deployed.client("autoscaling")
    for policy in autoscaling_client.describe_policies(AutoScalingGroupName=group)[
        "ScalingPolicies"
    ]:
        autoscaling_client.delete_policy(
            AutoScalingGroupName=group, PolicyName=policy["PolicyName"]
        )
    autoscaling_client.delete_lifecycle_hook(AutoScalingGroupName=group, LifecycleHookName="drain")
    deployed.client("sns").set_topic_attributes(
        TopicArn=deployed.physical_id(ids["topic"]),
        AttributeName="Policy",
        AttributeValue=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )
    with pytest.raises(ResourceVerificationError) as caught:
        verify_resources(deployed)
    text = str(caught.value)
    assert f"{ids['upper']}: no scaling policy" in text
    assert f"{ids['hook']}: group" in text
    assert f"topic {deployed.physical_id(ids['topic'])} has policy statements [" in text
