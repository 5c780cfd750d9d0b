"""``AWS::SNS::TopicPolicy``: moto 5.2.5's CloudFormation skips it.

Realized as AWS does it: the policy document becomes the ``Policy`` attribute
of every topic of ``Topics``. Stored, not enforced (like every moto policy).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from moto.core.common_models import CloudFormationModel
from moto.sns.models import sns_backends

from constructs_lib.testing.adapters._base import (
    AdapterModel,
    physical_id_of,
    policy_statements,
    register_model,
)

if TYPE_CHECKING:
    from constructs_lib.testing.deploy import DeployedStack


_EMPTY_POLICY = {"Version": "2012-10-17", "Statement": []}


@register_model
class SnsTopicPolicy(AdapterModel, CloudFormationModel):
    """Sets ``PolicyDocument`` as the ``Policy`` of each topic of ``Topics``."""

    CFN_TYPE = "AWS::SNS::TopicPolicy"

    def _topic_arns(self) -> list[str]:
        return [physical_id_of(t) for t in self.properties.get("Topics", [])]

    def apply(self) -> None:
        backend = sns_backends[self.account_id][self.region_name]
        policy = json.dumps(self.properties["PolicyDocument"])
        for arn in self._topic_arns():
            # moto's attribute name is the snake_case one its API layer uses
            backend.set_topic_attribute(arn, "policy", policy)

    def remove(self) -> None:
        backend = sns_backends[self.account_id][self.region_name]
        for arn in self._topic_arns():
            if arn in backend.topics:
                backend.set_topic_attribute(arn, "policy", json.dumps(_EMPTY_POLICY))

    @classmethod
    def verify(
        cls, deployed: DeployedStack, logical_id: str, resource: dict[str, Any]
    ) -> list[str]:
        sns = deployed.client("sns")
        expected = policy_statements(resource["Properties"]["PolicyDocument"])
        problems = []
        for topic in resource["Properties"]["Topics"]:
            arn = deployed.resolve_ref(topic)
            attributes = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
            actual = policy_statements(attributes.get("Policy"))
            if [s.get("Sid") for s in actual] != [s.get("Sid") for s in expected]:
                problems.append(f"{logical_id}: topic {arn} has policy {actual}")
        return problems
