"""``AWS::Events::EventBus``: ``Ref`` must give the bus name.

In AWS, ``Ref`` of an event bus returns its name. moto 5.2.5's ``EventBus``
model has no ``physical_resource_id``, so moto's CloudFormation hands the
model object itself to whatever refers to the bus, and a rule on a custom bus
(``EventBusName: {"Ref": ...}``, what aws-cdk writes) fails with
"'EventBus' object has no attribute 'split'". While the adapters are active,
moto's bus model has that property. Upstream, it is this property on
``moto.events.models.EventBus``::

    @property
    def physical_resource_id(self) -> str:
        return self.name
"""

from __future__ import annotations

from typing import Any

from constructs_lib_testing.activation import MotoPatch
from constructs_lib_testing.adapters._model import Adapter


def _bus_name(self: Any) -> str:
    return str(self.name)


ADAPTER = Adapter(
    name="events_event_bus",
    resource_types=("AWS::Events::EventBus",),
    mends="Ref gives the bus name, as in AWS",
    patches=(
        MotoPatch(
            "moto.events.models:EventBus.physical_resource_id",
            lambda _absent: property(_bus_name),
            adds=True,
            relies_on=("moto.events.models:EventBus#name",),
        ),
    ),
    upstream="EventBus: add the physical_resource_id property (the name)",
)
