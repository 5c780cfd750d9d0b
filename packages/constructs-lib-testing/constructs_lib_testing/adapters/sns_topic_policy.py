"""``AWS::SNS::TopicPolicy``: moto 5.2.5's CloudFormation rejects it as unsupported.

Realized as AWS does it: the policy document becomes the ``Policy`` attribute
of every topic in ``Topics`` (readable with ``get_topic_attributes``). moto
stores the policy but does not enforce it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from moto.sns.models import sns_backends

from constructs_lib_testing.adapters._model import (
    Adapter,
    AdapterModel,
    physical_id_of,
    policy_mismatches,
)

if TYPE_CHECKING:
    from constructs_lib_testing.deployed_stack import DeployedStack


class SnsTopicPolicy(AdapterModel):
    """Sets ``PolicyDocument`` as the ``Policy`` of each topic of ``Topics``."""

    CFN_TYPE = "AWS::SNS::TopicPolicy"

    def _topic_arns(self) -> list[str]:
        return [physical_id_of(t) for t in self.properties.get("Topics", [])]

    def apply(self) -> None:
        backend = sns_backends[self.account_id][self.region_name]
        policy = json.dumps(self.properties["PolicyDocument"])
        for arn in self._topic_arns():
            backend.set_topic_attribute(arn, "policy", policy)

    def remove(self) -> None:
        # AWS gives the topic back its default policy.
        backend = sns_backends[self.account_id][self.region_name]
        for arn in self._topic_arns():
            topic = backend.topics.get(arn)
            if topic is not None:
                topic._policy_json = topic._create_default_topic_policy(
                    self.region_name, self.account_id, topic.name
                )

    @classmethod
    def verify(
        cls, deployed: DeployedStack, logical_id: str, resource: dict[str, Any]
    ) -> list[str]:
        sns = deployed.client("sns")
        expected = resource["Properties"]["PolicyDocument"]
        problems = []
        for topic in resource["Properties"]["Topics"]:
            arn = deployed.resolve_ref(topic)
            actual = sns.get_topic_attributes(TopicArn=arn)["Attributes"].get("Policy")
            problems += policy_mismatches(logical_id, f"topic {arn}", expected, actual)
        return problems


ADAPTER = Adapter.realizing(
    SnsTopicPolicy,
    "the Policy attribute of each topic; removal restores the default",
    relies_on=(
        "moto.sns.models:sns_backends",
        "moto.sns.models:SNSBackend.set_topic_attribute",
        "moto.sns.models:SNSBackend#topics",
        "moto.sns.models:Topic#_policy_json",
        "moto.sns.models:Topic._create_default_topic_policy",
    ),
)
