"""``AWS::Events::EventBus``: ``Ref`` must give the bus name.

In AWS, ``Ref`` of an event bus returns its name. moto 5.2.5's ``EventBus``
model has no ``physical_resource_id``, so moto's CloudFormation hands the
model object itself to whatever refers to the bus, and a rule on a custom bus
(``EventBusName: {"Ref": ...}``, what aws-cdk writes) fails with
"'EventBus' object has no attribute 'split'". This override of moto's own bus
model adds the name as physical id and changes nothing else.
"""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.events.models import EventBus

from constructs_lib.testing.adapters._base import register_model


@register_model
class NamedEventBus(EventBus, CloudFormationModel):
    """moto's ``EventBus`` model whose ``Ref`` is its name, as in AWS."""

    @property
    def physical_resource_id(self) -> str:
        return str(self.name)

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> EventBus:
        bus = super().create_from_cloudformation_json(
            resource_name, cloudformation_json, account_id, region_name, **kwargs
        )
        # moto's backend builds a plain EventBus; this subclass adds only a
        # property, so re-classing the instance it keeps is safe.
        bus.__class__ = cls
        return bus
