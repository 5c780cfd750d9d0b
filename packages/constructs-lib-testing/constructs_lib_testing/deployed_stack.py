"""A stack deployed into moto, and the boto3 clients to exercise it.

Kept apart from `constructs_lib_testing.deploy` so that the adapters' checks
(`constructs_lib_testing.adapters`) can name the type without importing the
deployer that uses them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import boto3


@dataclass(frozen=True)
class StackResource:
    """One resource of a deployed stack, as describe_stack_resources reports it."""

    logical_id: str
    resource_type: str
    physical_id: str


@dataclass
class DeployedStack:
    """A stack deployed by `deploy_template`, with the clients to exercise it.

    Example::

        deployed = deploy_template(Template.from_stack(stack).to_json())
        url = deployed.physical_id(logical_id_of(orders.queue))
        deployed.client("sqs").send_message(QueueUrl=url, MessageBody="hi")
    """

    stack_name: str
    stack_id: str
    template: dict[str, Any]
    resources: dict[str, StackResource]
    outputs: dict[str, str]
    session: boto3.Session
    endpoint_url: str | None
    region_name: str
    _clients: dict[str, Any] = field(default_factory=dict, repr=False)

    def client(self, service_name: str) -> Any:
        """A boto3 client of ``service_name`` aimed at the same moto (cached)."""
        if service_name not in self._clients:
            self._clients[service_name] = make_client(
                self.session, service_name, self.endpoint_url, self.region_name
            )
        return self._clients[service_name]

    def physical_id(self, logical_id: str) -> str:
        """The physical id (queue URL, alarm name, ...) of a logical id."""
        try:
            return self.resources[logical_id].physical_id
        except KeyError:
            if "${Token[" in logical_id:
                raise KeyError(
                    f"{logical_id!r} is an unresolved token: use logical_id_of(construct)"
                ) from None
            raise KeyError(
                f"{logical_id!r} is not a resource of stack {self.stack_name}; "
                f"it has {sorted(self.resources)}"
            ) from None

    def logical_ids_of_type(self, resource_type: str) -> list[str]:
        """Logical ids of every resource of ``resource_type``, sorted."""
        return sorted(
            r.logical_id for r in self.resources.values() if r.resource_type == resource_type
        )

    def resolve_ref(self, value: Any) -> str:
        """A template value that is a literal or ``{"Ref": logical id}``, resolved."""
        if isinstance(value, Mapping) and set(value) == {"Ref"}:
            return self.physical_id(str(value["Ref"]))
        if isinstance(value, str):
            return value
        raise ValueError(f"cannot resolve {value!r}: only literals and Ref are supported")

    def delete(self) -> None:
        """Delete the stack (and with it every resource moto created)."""
        self.client("cloudformation").delete_stack(StackName=self.stack_id)


def make_client(
    session: boto3.Session, service_name: str, endpoint_url: str | None, region: str
) -> Any:
    return session.client(service_name, endpoint_url=endpoint_url, region_name=region)
