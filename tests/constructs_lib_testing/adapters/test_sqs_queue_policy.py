from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sqs as sqs

from constructs_lib_testing import (
    ResourceVerificationError,
    deploy_template,
    logical_id_of,
    verify_resources,
)
from constructs_lib_testing.adapters import MODELS, sqs_queue_policy
from tests.constructs_lib_testing.support import new_stack, template_of

_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sqs:SendMessage", "Resource": "*"}
    ],
}


@pytest.fixture(scope="module")
def stack() -> tuple[dict[str, Any], str, str, str]:
    s = new_stack()
    first, second = sqs.Queue(s, "First"), sqs.Queue(s, "Second")
    policy = sqs.CfnQueuePolicy(
        s, "Shared", queues=[first.queue_url, second.queue_url], policy_document=_POLICY
    )
    return (
        template_of(s),
        logical_id_of(first),
        logical_id_of(second),
        logical_id_of(policy),
    )


def _policy(deployed: Any, logical_id: str) -> Any:
    url = deployed.physical_id(logical_id)
    attributes = deployed.client("sqs").get_queue_attributes(
        QueueUrl=url, AttributeNames=["Policy"]
    )
    return json.loads(attributes["Attributes"]["Policy"])


def test_is_registered() -> None:
    assert MODELS["AWS::SQS::QueuePolicy"] is sqs_queue_policy.SqsQueuePolicy


def test_sets_the_policy_of_every_listed_queue(moto: None, stack: Any) -> None:
    template, first, second, policy_id = stack
    deployed = deploy_template(template)
    assert _policy(deployed, first) == _POLICY
    assert _policy(deployed, second) == _POLICY
    assert deployed.resources[policy_id].resource_type == "AWS::SQS::QueuePolicy"


def test_resolves_intrinsics_in_the_document(moto: None) -> None:
    s = new_stack()
    queue = sqs.Queue(s, "Jobs")
    queue.add_to_resource_policy(
        iam.PolicyStatement(
            actions=["sqs:SendMessage"],
            principals=[iam.ServicePrincipal("sns.amazonaws.com")],
            resources=[queue.queue_arn],
        )
    )
    deployed = deploy_template(template_of(s))
    url = deployed.physical_id(logical_id_of(queue))
    arn = deployed.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
    statement = _policy(deployed, logical_id_of(queue))["Statement"][0]
    assert statement["Resource"] == arn["Attributes"]["QueueArn"]


def test_verify_reports_a_missing_policy(moto: None, stack: Any) -> None:
    template, first, _, policy_id = stack
    deployed = deploy_template(template)
    deployed.client("sqs").set_queue_attributes(
        QueueUrl=deployed.physical_id(first), Attributes={"Policy": ""}
    )
    with pytest.raises(ResourceVerificationError, match=f"{policy_id}: queue .*First"):
        verify_resources(deployed)


def test_stack_delete_removes_the_adapter_resource(moto: None, stack: Any) -> None:
    template, _, _, _ = stack
    deployed = deploy_template(template)
    deployed.delete()
    assert deployed.client("sqs").list_queues().get("QueueUrls", []) == []
