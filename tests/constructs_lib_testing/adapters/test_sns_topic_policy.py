from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import aws_sns as sns

from constructs_lib_testing import (
    ResourceVerificationError,
    deploy_template,
    logical_id_of,
    verify_resources,
)
from constructs_lib_testing.adapters import MODELS, sns_topic_policy
from tests.constructs_lib_testing.support import new_stack, template_of


@pytest.fixture(scope="module")
def stack() -> tuple[dict[str, Any], str]:
    s = new_stack()
    topic = sns.Topic(s, "Topic", enforce_ssl=True)
    return template_of(s), logical_id_of(topic)


def _statements(deployed: Any, topic_arn: str) -> list[dict[str, Any]]:
    attributes = deployed.client("sns").get_topic_attributes(TopicArn=topic_arn)["Attributes"]
    return list(json.loads(attributes["Policy"])["Statement"])


def test_is_registered() -> None:
    assert MODELS["AWS::SNS::TopicPolicy"] is sns_topic_policy.SnsTopicPolicy


def test_topic_gets_the_policy_with_resolved_arns(moto: None, stack: Any) -> None:
    template, topic_id = stack
    deployed = deploy_template(template)
    arn = deployed.physical_id(topic_id)
    (statement,) = _statements(deployed, arn)
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert statement["Resource"] == arn


def test_verify_reports_a_replaced_policy(moto: None, stack: Any) -> None:
    template, topic_id = stack
    deployed = deploy_template(template)
    deployed.client("sns").set_topic_attributes(
        TopicArn=deployed.physical_id(topic_id),
        AttributeName="Policy",
        AttributeValue=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )
    with pytest.raises(ResourceVerificationError, match="has policy statements"):
        verify_resources(deployed)


def test_removing_the_policy_restores_the_default(moto: None, stack: Any) -> None:
    template, topic_id = stack
    deployed = deploy_template(template)
    arn = deployed.physical_id(topic_id)
    (adapter,) = [
        r for r in _moto_resources(deployed) if isinstance(r, sns_topic_policy.SnsTopicPolicy)
    ]
    adapter.remove()
    assert _statements(deployed, arn)[0]["Sid"] == "__default_statement_ID"


def _moto_resources(deployed: Any) -> list[Any]:
    from moto.cloudformation.models import cloudformation_backends

    backend = cloudformation_backends["123456789012"]["us-east-1"]
    return list(backend.stacks[deployed.stack_id].resource_map.values())
