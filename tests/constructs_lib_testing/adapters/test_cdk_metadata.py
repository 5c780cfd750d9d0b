from __future__ import annotations

from typing import Any

from aws_cdk import CfnResource
from aws_cdk import aws_sqs as sqs

from constructs_lib_testing import deploy_template
from constructs_lib_testing.adapters import MODELS, cdk_metadata
from tests.constructs_lib_testing.support import new_stack, template_of


def _cli_like_template() -> dict[str, Any]:
    # What `cdk synth` adds and Template.from_stack lacks, condition included.
    stack = new_stack()
    sqs.CfnQueue(stack, "Jobs")
    template = template_of(stack)
    template["Resources"]["CDKMetadata"] = {
        "Type": "AWS::CDK::Metadata",
        "Properties": {
            "Analytics": "v2:deflate64:H4sIAAAAAAAA/zPSMzQ21DNQTCwv1k1OydbNySxKrvZLLElPzcnV"
        },
        "Condition": "CDKMetadataAvailable",
    }
    template.setdefault("Conditions", {})["CDKMetadataAvailable"] = {
        "Fn::Or": [{"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}]
    }
    return template


def test_is_registered() -> None:
    assert MODELS["AWS::CDK::Metadata"] is cdk_metadata.CdkMetadata


def test_cli_metadata_is_accounted_for(moto: None) -> None:
    deployed = deploy_template(_cli_like_template())
    assert deployed.resources["CDKMetadata"].resource_type == "AWS::CDK::Metadata"


def test_metadata_without_condition(moto: None) -> None:
    stack = new_stack()
    CfnResource(stack, "Meta", type="AWS::CDK::Metadata", properties={"Analytics": "v2"})
    deployed = deploy_template(template_of(stack))
    assert deployed.physical_id("Meta")
