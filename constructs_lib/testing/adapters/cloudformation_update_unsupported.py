"""UpdateStack on a resource type moto cannot update fails loudly.

moto 5.2.5 updates a modified resource through its model's
``update_from_cloudformation_json``; for a model without one it silently
*drops* the resource from the stack, and the next ``Fn::GetAtt`` on it fails
with "references undefined resource". This patch raises instead, naming the
logical id and type, so the gap is found where it is (add an update to that
type's adapter or override, as `kms_key_policy` does).
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation import parsing

_original = parsing.parse_and_update_resource


class UnsupportedUpdateError(RuntimeError):
    """moto has no update for this resource type."""


def _parse_and_update_resource(
    logical_id: str,
    resource_json: dict[str, Any],
    resources_map: Any,
    account_id: str,
    region_name: str,
) -> Any:
    updated = _original(logical_id, resource_json, resources_map, account_id, region_name)
    if updated is None and parsing.parse_resource_and_generate_name(
        logical_id, resource_json, resources_map
    ):
        raise UnsupportedUpdateError(
            f"moto cannot update {logical_id} ({resource_json.get('Type')}): its model has no "
            "update_from_cloudformation_json; constructs_lib.testing.adapters needs one"
        )
    return updated


def install() -> None:
    """Idempotent: replaces moto's function with the one above."""
    parsing.parse_and_update_resource = _parse_and_update_resource


install()
