"""UpdateStack on a resource type moto cannot update fails loudly.

moto 5.2.5 updates a modified resource through its model's
``update_from_cloudformation_json``; for a model without one it silently
*drops* the resource from the stack, and the next ``Fn::GetAtt`` on it fails
with "references undefined resource". This patch raises instead, naming the
logical id and type, so the gap is found where it is (add an update to that
type's adapter or override, as `kms_key_policy` does).

A change of ``Tags`` only (e.g. the CDK CLI tagging a whole stack) is the
exception: AWS updates tags in place, moto has no update for many types
(VPC, Subnet, RouteTable, FlowLog, VPCEndpoint, LogGroup, InstanceProfile,
SecurityGroupIngress); the resource is kept as it is, with its old tags.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.cloudformation import parsing

from constructs_lib_testing.activation import MotoPatch
from constructs_lib_testing.adapters._model import Adapter


class UnsupportedUpdateError(RuntimeError):
    """moto has no update for this resource type."""


def _wrap_parse_and_update_resource(original: Callable[..., Any]) -> Callable[..., Any]:
    def parse_and_update_resource(
        logical_id: str,
        resource_json: dict[str, Any],
        resources_map: Any,
        account_id: str,
        region_name: str,
    ) -> Any:
        updated = original(logical_id, resource_json, resources_map, account_id, region_name)
        return _kept_or_refused(updated, logical_id, resource_json, resources_map)

    return parse_and_update_resource


def _kept_or_refused(
    updated: Any, logical_id: str, resource_json: dict[str, Any], resources_map: Any
) -> Any:
    if updated is None and _only_tags_changed(logical_id, resource_json, resources_map):
        # In AWS a tag change updates these types in place. moto cannot update
        # them at all: keep the resource as it is (its tags stay the old ones).
        return resources_map[logical_id]
    if updated is None and parsing.parse_resource_and_generate_name(
        logical_id, resource_json, resources_map
    ):
        raise UnsupportedUpdateError(
            f"moto cannot update {logical_id} ({resource_json.get('Type')}): its model has no "
            "update_from_cloudformation_json; constructs_lib_testing.adapters needs one"
        )
    return updated


def _without_tags(resource: dict[str, Any] | None) -> dict[str, Any]:
    properties = dict((resource or {}).get("Properties") or {})
    properties.pop("Tags", None)
    return {**(resource or {}), "Properties": properties}


def _only_tags_changed(logical_id: str, resource_json: dict[str, Any], resources_map: Any) -> bool:
    previous = getattr(resources_map, "_previous_resource_json_map", {}).get(logical_id)
    return previous is not None and _without_tags(previous) == _without_tags(resource_json)


def _wrap_map_update(original: Callable[..., Any]) -> Callable[..., Any]:
    def update(self: Any, template: dict[str, Any], parameters: Any = None) -> None:
        # moto replaces the template before it updates resources: keep the old
        # resource definitions, so a tag-only change can be recognized.
        self._previous_resource_json_map = dict(self._resource_json_map)
        original(self, template, parameters)

    return update


ADAPTER = Adapter(
    name="cloudformation_update_unsupported",
    resource_types=(),
    mends="an update moto cannot apply raises UnsupportedUpdateError (a tag-only change "
    "is kept), instead of dropping the resource",
    patches=(
        MotoPatch(
            "moto.cloudformation.parsing:parse_and_update_resource",
            _wrap_parse_and_update_resource,
            relies_on=("moto.cloudformation.parsing:parse_resource_and_generate_name",),
        ),
        MotoPatch(
            "moto.cloudformation.parsing:ResourceMap.update",
            _wrap_map_update,
            relies_on=("moto.cloudformation.parsing:ResourceMap#_resource_json_map",),
        ),
    ),
    upstream="parsing.parse_and_update_resource: fail the update (UPDATE_FAILED) instead of "
    "dropping a resource whose model has no update",
)
