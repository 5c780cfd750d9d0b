"""A VPC with endpoints, a flow log and subnet route tables: its stack is
deleted completely (moto alone leaves them and cannot delete the VPC), and a
tag-only update of types moto cannot update keeps them in the stack."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from aws_cdk import Tags
from aws_cdk import aws_ec2 as ec2

from constructs_lib_testing import deploy_template
from constructs_lib_testing.adapters import ADAPTERS, ec2_vpc_teardown
from constructs_lib_testing.adapters.cloudformation_update_unsupported import (
    UnsupportedUpdateError,
)
from tests.constructs_lib_testing.support import new_stack, template_of


def _vpc_template(tagged: bool = False) -> dict[str, Any]:
    s = new_stack()
    vpc = ec2.Vpc(
        s,
        "Vpc",
        availability_zones=["us-east-1a"],
        nat_gateways=0,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="W", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        ],
        gateway_endpoints={
            "S3": ec2.GatewayVpcEndpointOptions(service=ec2.GatewayVpcEndpointAwsService.S3)
        },
        flow_logs={"Flow": ec2.FlowLogOptions()},
        restrict_default_security_group=False,
    )
    vpc.add_interface_endpoint("Sqs", service=ec2.InterfaceVpcEndpointAwsService.SQS)
    if tagged:
        Tags.of(s).add("stage", "test")
    return template_of(s)


def test_the_fixes_are_registered() -> None:
    assert ec2_vpc_teardown.ADAPTER in ADAPTERS
    assert ec2_vpc_teardown.ADAPTER.resource_types == (
        "AWS::EC2::VPCEndpoint",
        "AWS::EC2::FlowLog",
        "AWS::EC2::RouteTable",
    )


def test_stack_delete_removes_endpoints_flow_log_route_tables_and_the_vpc(moto: None) -> None:
    deployed = deploy_template(_vpc_template())
    ec2_client = deployed.client("ec2")
    vpc_id = deployed.physical_id(deployed.logical_ids_of_type("AWS::EC2::VPC")[0])
    in_vpc = [{"Name": "vpc-id", "Values": [vpc_id]}]
    assert len(ec2_client.describe_vpc_endpoints(Filters=in_vpc)["VpcEndpoints"]) == 2
    deployed.delete()
    status = deployed.client("cloudformation").describe_stacks(StackName=deployed.stack_id)
    assert status["Stacks"][0]["StackStatus"] == "DELETE_COMPLETE"
    assert [v["VpcId"] for v in ec2_client.describe_vpcs()["Vpcs"] if v["VpcId"] == vpc_id] == []
    assert ec2_client.describe_flow_logs()["FlowLogs"] == []


def test_tag_only_update_keeps_resources_moto_cannot_update(moto: None) -> None:
    deployed = deploy_template(_vpc_template(), stack_name="Tagging")
    cloudformation = deployed.client("cloudformation")
    cloudformation.update_stack(
        StackName="Tagging",
        TemplateBody=json.dumps(_vpc_template(tagged=True)),
        Capabilities=["CAPABILITY_IAM"],
    )
    (stack,) = cloudformation.describe_stacks(StackName="Tagging")["Stacks"]
    assert stack["StackStatus"] == "UPDATE_COMPLETE"
    listed = cloudformation.describe_stack_resources(StackName="Tagging")["StackResources"]
    types = {r["ResourceType"] for r in listed if r.get("LogicalResourceId")}
    assert {"AWS::EC2::VPC", "AWS::EC2::VPCEndpoint", "AWS::EC2::FlowLog"} <= types


def test_a_real_change_of_such_a_type_still_fails_loudly(moto: None) -> None:
    template = _vpc_template()
    deploy_template(template, stack_name="Changing")
    changed = json.loads(json.dumps(template))
    vpc_id = next(i for i, r in changed["Resources"].items() if r["Type"] == "AWS::EC2::VPC")
    changed["Resources"][vpc_id]["Properties"]["CidrBlock"] = "10.1.0.0/16"
    cloudformation = boto3.client("cloudformation", region_name="us-east-1")
    with pytest.raises(UnsupportedUpdateError, match=f"moto cannot update {vpc_id}"):
        cloudformation.update_stack(StackName="Changing", TemplateBody=json.dumps(changed))
