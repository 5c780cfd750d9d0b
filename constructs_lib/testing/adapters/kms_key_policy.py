"""``AWS::KMS::Key``: store the key policy as JSON text, as the KMS API does.

In a template ``KeyPolicy`` is a JSON object; moto 5.2.5 stores that dict as
the key's policy, and then ``describe_key``, ``get_key_policy`` and friends
crash (``json.loads`` of a dict, a 500 error). This override of moto's own key
model serializes the policy first. moto's key model cannot be updated either
(a changed key, even one with a new tag, was dropped from the stack); the
override updates description, rotation, policy and tags in place, as AWS
does. It is an override, not an adapter: moto reports the key in the stack.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.kms.models import Key, kms_backends

from constructs_lib.testing.adapters._base import register_model


@register_model
class JsonPolicyKey(Key, CloudFormationModel):
    """moto's ``Key`` model, with ``KeyPolicy`` stored as JSON text."""

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Key:
        resource = copy.deepcopy(cloudformation_json)
        properties = resource.setdefault("Properties", {})
        if isinstance(properties.get("KeyPolicy"), dict):
            properties["KeyPolicy"] = json.dumps(properties["KeyPolicy"])
        return super().create_from_cloudformation_json(
            resource_name, resource, account_id, region_name, **kwargs
        )

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Key,
        new_resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
    ) -> Key:
        """Updates the key in place, as AWS does for these properties.

        moto's key model has no update at all: a changed key (even a new tag)
        was dropped from the stack, and the next ``Fn::GetAtt`` on it failed.
        """
        backend = kms_backends[account_id][region_name]
        properties = cloudformation_json.get("Properties", {})
        key_id = original_resource.id
        if "Description" in properties:
            backend.update_key_description(key_id, properties["Description"])
        if properties.get("EnableKeyRotation"):
            backend.enable_key_rotation(key_id)
        policy = properties.get("KeyPolicy")
        if policy is not None:
            backend.put_key_policy(
                key_id, json.dumps(policy) if isinstance(policy, dict) else policy
            )
        tags = {t["Key"]: t["Value"] for t in properties.get("Tags", [])}
        if tags:
            backend.tag_resource(original_resource.arn, tags)
        return original_resource
