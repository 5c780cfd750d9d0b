from __future__ import annotations

import json

from aws_cdk import aws_kms as kms

from constructs_lib_testing import deploy_template, logical_id_of
from constructs_lib_testing.adapters import ADAPTERS, kms_key_policy
from tests.constructs_lib_testing.support import new_stack, template_of


def test_the_fix_is_registered() -> None:
    assert kms_key_policy.ADAPTER in ADAPTERS


def test_key_from_a_template_is_usable(moto: None) -> None:
    stack = new_stack()
    key = kms.Key(stack, "Key", enable_key_rotation=True, description="k")
    deployed = deploy_template(template_of(stack))

    kms_client = deployed.client("kms")
    key_id = deployed.physical_id(logical_id_of(key))
    assert kms_client.describe_key(KeyId=key_id)["KeyMetadata"]["Description"] == "k"
    policy = json.loads(kms_client.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
    assert policy["Statement"][0]["Action"] == "kms:*"
    assert kms_client.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is True
