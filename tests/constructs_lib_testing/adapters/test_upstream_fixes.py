"""The three moto defects issue 13 names as upstream fixes, shown in moto alone.

Each test deploys with every part of the local account inactive (moto as
released) and asserts the failure AWS does not have; the adapter tests show
the same template working with the fix. When one of these starts failing,
moto has fixed the defect: drop the fix (the checklist flags it too).
These are the reproductions to send with the fixes (docs/testing.md's table
names the change each needs).
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from aws_cdk import aws_events as events
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sqs as sqs
from botocore.exceptions import ClientError

from constructs_lib_testing import ensure_bootstrap_version
from tests.constructs_lib_testing.support import (
    REGION,
    all_parts_inactive,
    new_stack,
    template_of,
)


def _create_in_moto_alone(template: dict[str, Any]) -> tuple[Any, str]:
    """create_stack straight through boto3 (deploy_template would activate the fixes)."""
    cloudformation = boto3.client("cloudformation", region_name=REGION)
    ensure_bootstrap_version(boto3.client("ssm", region_name=REGION), template)
    stack_id = cloudformation.create_stack(StackName="Alone", TemplateBody=json.dumps(template))
    return cloudformation, stack_id["StackId"]


def test_moto_alone_rejects_its_own_name_for_an_unnamed_fifo_queue(moto: None) -> None:
    stack = new_stack()
    sqs.Queue(stack, "Orders", fifo=True)
    with all_parts_inactive(), pytest.raises(ClientError, match=r"must end in \.fifo"):
        _create_in_moto_alone(template_of(stack))


def test_moto_alone_hands_a_rule_the_bus_object_instead_of_its_name(moto: None) -> None:
    stack = new_stack()
    bus = events.EventBus(stack, "Bus", event_bus_name="shop")
    events.Rule(stack, "Rule", event_bus=bus, event_pattern=events.EventPattern(source=["shop"]))
    with all_parts_inactive(), pytest.raises(Exception, match="has no attribute 'split'"):
        _create_in_moto_alone(template_of(stack))


def test_moto_alone_stores_a_template_key_policy_it_cannot_read_back(moto: None) -> None:
    stack = new_stack()
    kms.Key(stack, "Key")
    with all_parts_inactive():
        cloudformation, stack_id = _create_in_moto_alone(template_of(stack))
        (resource,) = cloudformation.describe_stack_resources(StackName=stack_id)["StackResources"]
        kms_client = boto3.client("kms", region_name=REGION)
        key_id = resource["PhysicalResourceId"]
        with pytest.raises(TypeError, match="JSON object must be str"):
            kms_client.describe_key(KeyId=key_id)
        # AWS answers the policy as JSON text; moto hands back the template's object
        policy = kms_client.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]
        assert not isinstance(policy, str)
