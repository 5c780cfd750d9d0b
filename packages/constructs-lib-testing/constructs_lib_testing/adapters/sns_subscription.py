"""``AWS::SNS::Subscription``: moto 5.2.5's CloudFormation skips it.

Realized as AWS does it: ``subscribe`` to ``TopicArn``, then each attribute the
template sets (``FilterPolicyScope`` before ``FilterPolicy``, as moto parses
the policy by its scope; ``RawMessageDelivery``, ``RedrivePolicy``,
``DeliveryPolicy``). ``Ref`` returns the subscription ARN, as in AWS. moto
then delivers published messages through the subscription, applying the
filter policy and raw delivery for real.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from moto.sns.models import sns_backends

from constructs_lib_testing.adapters._model import Adapter, AdapterModel, resolved_matches

if TYPE_CHECKING:
    from constructs_lib_testing.deployed_stack import DeployedStack

#: Template property -> how the attribute is written (JSON text or "true"/"false").
_ATTRIBUTES = (
    "FilterPolicyScope",
    "FilterPolicy",
    "RawMessageDelivery",
    "RedrivePolicy",
    "DeliveryPolicy",
)


def attribute_text(value: Any) -> str:
    """A template value as SNS's attribute text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


class SnsSubscription(AdapterModel):
    """Subscribes ``Endpoint`` to ``TopicArn`` with the template's attributes."""

    CFN_TYPE = "AWS::SNS::Subscription"

    def apply(self) -> None:
        backend = sns_backends[self.account_id][self.region_name]
        props = self.properties
        subscription = backend.subscribe(props["TopicArn"], props["Endpoint"], props["Protocol"])
        self.subscription_arn: str = subscription.arn
        for name in _ATTRIBUTES:
            if name in props:
                backend.set_subscription_attributes(
                    subscription.arn, name, attribute_text(props[name])
                )

    def remove(self) -> None:
        backend = sns_backends[self.account_id][self.region_name]
        backend.unsubscribe(self.subscription_arn)

    @property
    def physical_resource_id(self) -> str:
        return self.subscription_arn

    @classmethod
    def verify(
        cls, deployed: DeployedStack, logical_id: str, resource: dict[str, Any]
    ) -> list[str]:
        arn = deployed.physical_id(logical_id)
        try:
            attributes = deployed.client("sns").get_subscription_attributes(SubscriptionArn=arn)[
                "Attributes"
            ]
        except Exception as err:  # botocore's NotFound is generated per client
            return [f"{logical_id}: subscription {arn} not found ({err})"]
        props = resource["Properties"]
        problems = []
        for name in _ATTRIBUTES:
            if name not in props or name == "FilterPolicyScope":
                continue
            actual = attributes.get(name)
            expected = attribute_text(props[name])
            if isinstance(props[name], dict | list):
                # moto resolved the template's intrinsics (the DLQ's ARN)
                same = bool(actual) and resolved_matches(props[name], json.loads(actual))
            else:
                same = actual == expected
            if not same:
                problems.append(f"{logical_id}: {name} is {actual!r}, expected {expected!r}")
        return problems


ADAPTER = Adapter.realizing(
    SnsSubscription,
    "subscribe, then its attributes (filter policy, raw delivery, redrive)",
    relies_on=(
        "moto.sns.models:sns_backends",
        "moto.sns.models:SNSBackend.subscribe",
        "moto.sns.models:SNSBackend.set_subscription_attributes",
        "moto.sns.models:SNSBackend.unsubscribe",
        "moto.sns.models:Subscription#arn",
    ),
)
