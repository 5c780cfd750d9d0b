"""``AWS::SQS::QueuePolicy``: moto 5.2.5's CloudFormation skips it.

Realized as AWS does it: the policy document becomes the ``Policy`` attribute
of every queue in ``Queues`` (readable with ``get_queue_attributes``). moto
stores the policy but does not enforce it (a TLS-deny statement does not stop
plain-HTTP requests to moto).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from moto.sqs.models import sqs_backends

from constructs_lib_testing.adapters._model import (
    Adapter,
    AdapterModel,
    physical_id_of,
    policy_mismatches,
)

if TYPE_CHECKING:
    from constructs_lib_testing.deployed_stack import DeployedStack


def _queue_name(queue_url: str) -> str:
    return queue_url.rstrip("/").rsplit("/", 1)[-1]


class SqsQueuePolicy(AdapterModel):
    """Sets ``PolicyDocument`` as the ``Policy`` of each queue of ``Queues``."""

    CFN_TYPE = "AWS::SQS::QueuePolicy"

    def _queue_urls(self) -> list[str]:
        return [physical_id_of(q) for q in self.properties.get("Queues", [])]

    def apply(self) -> None:
        backend = sqs_backends[self.account_id][self.region_name]
        policy = json.dumps(self.properties["PolicyDocument"])
        for url in self._queue_urls():
            backend.set_queue_attributes(_queue_name(url), {"Policy": policy})

    def remove(self) -> None:
        backend = sqs_backends[self.account_id][self.region_name]
        for url in self._queue_urls():
            if _queue_name(url) in backend.queues:
                backend.set_queue_attributes(_queue_name(url), {"Policy": ""})

    @classmethod
    def verify(
        cls, deployed: DeployedStack, logical_id: str, resource: dict[str, Any]
    ) -> list[str]:
        sqs = deployed.client("sqs")
        expected = resource["Properties"]["PolicyDocument"]
        problems = []
        for queue in resource["Properties"]["Queues"]:
            url = deployed.resolve_ref(queue)
            attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])
            actual = attributes.get("Attributes", {}).get("Policy")
            problems += policy_mismatches(logical_id, f"queue {url}", expected, actual)
        return problems


ADAPTER = Adapter.realizing(
    SqsQueuePolicy,
    "the Policy attribute of each queue",
    relies_on=(
        "moto.sqs.models:sqs_backends",
        "moto.sqs.models:SQSBackend.set_queue_attributes",
        "moto.sqs.models:SQSBackend#queues",
    ),
)
