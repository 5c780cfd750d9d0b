"""UpdateStack with UsePreviousValue, as the CDK CLI sends it, really updates."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import CfnParameter, Duration
from aws_cdk import aws_sqs as sqs

from constructs_lib_testing import CDK_BOOTSTRAP_VERSION, deploy_template, logical_id_of
from tests.constructs_lib_testing.support import new_stack, template_of

CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]


@pytest.fixture(scope="module")
def stack() -> tuple[dict[str, Any], str]:
    s = new_stack()
    CfnParameter(s, "Stage", default="dev")
    queue = sqs.Queue(s, "Queue", visibility_timeout=Duration.seconds(30))
    return template_of(s), logical_id_of(queue)


def _visibility(deployed: Any, logical_id: str) -> str:
    url = deployed.physical_id(logical_id)
    attributes = deployed.client("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["VisibilityTimeout"]
    )
    return str(attributes["Attributes"]["VisibilityTimeout"])


def test_use_previous_value_of_defaulted_parameters_updates_the_stack(
    moto: None, stack: tuple[dict[str, Any], str]
) -> None:
    template, queue_id = stack
    deployed = deploy_template(template, stack_name="Updated")
    changed = json.loads(json.dumps(template))
    changed["Resources"][queue_id]["Properties"]["VisibilityTimeout"] = 45

    deployed.client("cloudformation").update_stack(
        StackName="Updated",
        TemplateBody=json.dumps(changed),
        Parameters=[
            {"ParameterKey": "BootstrapVersion", "UsePreviousValue": True},
            {"ParameterKey": "Stage", "UsePreviousValue": True},
        ],
        Capabilities=CAPABILITIES,
    )

    assert _visibility(deployed, queue_id) == "45"
    described = deployed.client("cloudformation").describe_stacks(StackName="Updated")
    values = {p["ParameterKey"]: p["ParameterValue"] for p in described["Stacks"][0]["Parameters"]}
    assert values["Stage"] == "dev"
    # moto shows the resolved value (AWS: the SSM key, with ResolvedValue "33").
    assert values["BootstrapVersion"] == CDK_BOOTSTRAP_VERSION


def test_a_value_given_at_creation_is_kept(moto: None, stack: tuple[dict[str, Any], str]) -> None:
    template, _ = stack
    deployed = deploy_template(template, stack_name="Given", parameters={"Stage": "prod"})
    deployed.client("cloudformation").update_stack(
        StackName="Given",
        TemplateBody=json.dumps(template),
        Parameters=[{"ParameterKey": "Stage", "UsePreviousValue": True}],
        Capabilities=CAPABILITIES,
    )
    described = deployed.client("cloudformation").describe_stacks(StackName="Given")
    values = {p["ParameterKey"]: p["ParameterValue"] for p in described["Stacks"][0]["Parameters"]}
    assert values["Stage"] == "prod"
