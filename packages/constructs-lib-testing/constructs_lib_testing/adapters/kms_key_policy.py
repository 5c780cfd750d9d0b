"""``AWS::KMS::Key``: the key policy stored as JSON text; the key updated in place.

In a template ``KeyPolicy`` is a JSON object; moto 5.2.5 stores that dict as
the key's policy, and then ``describe_key``, ``get_key_policy`` and friends
crash (``json.loads`` of a dict, a 500 error). moto's key model cannot be
updated either: a changed key, even one with a new tag, was dropped from the
stack. While the adapters are active, moto's ``Key`` model serializes the
policy first and has an update that changes description, rotation, policy
and tags in place, as AWS does.

Upstream, these are two changes to ``moto.kms.models.Key``: in
``create_from_cloudformation_json``, ``json.dumps`` a ``KeyPolicy`` that is a
dict; and the ``update_from_cloudformation_json`` classmethod below
(`_update_key`), which moto's model lacks.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from moto.kms.models import Key, kms_backends

from constructs_lib_testing.activation import MotoPatch
from constructs_lib_testing.adapters._model import Adapter, preparing_create, tags_of


def _policy_text(policy: Any) -> Any:
    return json.dumps(policy) if isinstance(policy, dict) else policy


def _policy_as_text(resource_name: str, cloudformation_json: Any) -> tuple[str, Any]:
    resource = copy.deepcopy(cloudformation_json)
    properties = resource.setdefault("Properties", {})
    if "KeyPolicy" in properties:
        properties["KeyPolicy"] = _policy_text(properties["KeyPolicy"])
    return resource_name, resource


def _update_key(
    cls: Any,
    original_resource: Key,
    new_resource_name: str,
    cloudformation_json: Any,
    account_id: str,
    region_name: str,
) -> Key:
    """Update the key in place, as AWS does for these properties."""
    backend = kms_backends[account_id][region_name]
    properties = cloudformation_json.get("Properties", {})
    key_id = original_resource.id
    if "Description" in properties:
        backend.update_key_description(key_id, properties["Description"])
    if properties.get("EnableKeyRotation"):
        backend.enable_key_rotation(key_id)
    if properties.get("KeyPolicy") is not None:
        backend.put_key_policy(key_id, _policy_text(properties["KeyPolicy"]))
    tags = tags_of(properties)
    if tags:
        backend.tag_resource(original_resource.arn, tags)
    return original_resource


ADAPTER = Adapter(
    name="kms_key_policy",
    resource_types=("AWS::KMS::Key",),
    mends="KeyPolicy stored as JSON text (moto stores the dict, then crashes); "
    "description, rotation, policy and tags updated in place",
    patches=(
        MotoPatch(
            "moto.kms.models:Key.create_from_cloudformation_json",
            preparing_create(_policy_as_text),
        ),
        MotoPatch(
            "moto.kms.models:Key.update_from_cloudformation_json",
            lambda _absent: classmethod(_update_key),
            adds=True,
            relies_on=(
                "moto.kms.models:kms_backends",
                "moto.kms.models:KmsBackend.update_key_description",
                "moto.kms.models:KmsBackend.enable_key_rotation",
                "moto.kms.models:KmsBackend.put_key_policy",
                "moto.kms.models:KmsBackend.tag_resource",
                "moto.kms.models:Key#id",
                "moto.kms.models:Key#arn",
            ),
        ),
    ),
    upstream="Key.create_from_cloudformation_json: json.dumps a dict KeyPolicy; "
    "Key: add update_from_cloudformation_json",
)
