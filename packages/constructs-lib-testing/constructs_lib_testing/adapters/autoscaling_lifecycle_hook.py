"""``AWS::AutoScaling::LifecycleHook``: moto 5.2.5's CloudFormation skips it.

Realized with moto's ``create_lifecycle_hook``, so ``describe_lifecycle_hooks``
lists it. moto runs no lifecycle (instances never wait in
``Terminating:Wait``) and has no ``CompleteLifecycleAction``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from moto.autoscaling.models import autoscaling_backends

from constructs_lib_testing.adapters._model import Adapter, AdapterModel, physical_id_of

if TYPE_CHECKING:
    from constructs_lib_testing.deployed_stack import DeployedStack


class AutoScalingLifecycleHook(AdapterModel):
    """A lifecycle hook of one Auto Scaling group."""

    CFN_TYPE = "AWS::AutoScaling::LifecycleHook"
    NAME_PROPERTY = "LifecycleHookName"

    def apply(self) -> None:
        p = self.properties
        self.group_name = physical_id_of(p["AutoScalingGroupName"])
        autoscaling_backends[self.account_id][self.region_name].create_lifecycle_hook(
            name=self.physical_name,
            as_name=self.group_name,
            transition=p["LifecycleTransition"],
            timeout=int(p["HeartbeatTimeout"]) if "HeartbeatTimeout" in p else None,
            result=p.get("DefaultResult", "ABANDON"),
        )

    def remove(self) -> None:
        autoscaling_backends[self.account_id][self.region_name].delete_lifecycle_hook(
            self.group_name, self.physical_name
        )

    @classmethod
    def verify(
        cls, deployed: DeployedStack, logical_id: str, resource: dict[str, Any]
    ) -> list[str]:
        props = resource["Properties"]
        group = deployed.resolve_ref(props["AutoScalingGroupName"])
        name = deployed.physical_id(logical_id)
        hooks = deployed.client("autoscaling").describe_lifecycle_hooks(
            AutoScalingGroupName=group, LifecycleHookNames=[name]
        )["LifecycleHooks"]
        if not hooks:
            return [f"{logical_id}: group {group!r} has no lifecycle hook {name!r}"]
        if hooks[0]["LifecycleTransition"] != props["LifecycleTransition"]:
            return [f"{logical_id}: transition {hooks[0]['LifecycleTransition']}"]
        return []


ADAPTER = Adapter.realizing(
    AutoScalingLifecycleHook,
    "create_lifecycle_hook (no lifecycle runs: see lifecycle_hooks)",
    relies_on=(
        "moto.autoscaling.models:autoscaling_backends",
        "moto.autoscaling.models:AutoScalingBackend.create_lifecycle_hook"
        "(name, as_name, transition, timeout, result)",
        "moto.autoscaling.models:AutoScalingBackend.delete_lifecycle_hook",
    ),
)
