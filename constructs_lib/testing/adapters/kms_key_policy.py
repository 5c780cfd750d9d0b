"""``AWS::KMS::Key``: store the key policy as JSON text, as the KMS API does.

In a template ``KeyPolicy`` is a JSON object; moto 5.2.5 stores that dict as
the key's policy, and then ``describe_key``, ``get_key_policy`` and friends
crash (``json.loads`` of a dict, a 500 error). This override of moto's own key
model serializes the policy first and changes nothing else. It is an override,
not an adapter: moto reports the key in the stack itself.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.kms.models import Key

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
