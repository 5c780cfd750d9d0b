"""Updates: a key is updated in place; a type moto cannot update fails loudly."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import Tags
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from botocore.exceptions import ClientError

from constructs_lib_testing import deploy_template, logical_id_of
from tests.constructs_lib_testing.support import new_stack, template_of

CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]


def _templates(build: Any) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """The same stack synthesized twice: as is, and tagged stage=two."""
    before, ids = build(new_stack())
    tagged_stack = new_stack()
    after, _ = build(tagged_stack, tag=True)
    return before, after, ids


def _key_and_queue(stack: Any, tag: bool = False) -> tuple[dict[str, Any], dict[str, str]]:
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    queue = sqs.Queue(stack, "Queue", encryption_master_key=key)
    if tag:
        Tags.of(stack).add("stage", "two")
    return template_of(stack), {"key": logical_id_of(key), "queue": logical_id_of(queue)}


def _log_group(stack: Any, tag: bool = False) -> tuple[dict[str, Any], dict[str, str]]:
    # more than tags changes: a tag-only change is kept as it is (see the module)
    group = logs.LogGroup(
        stack,
        "Logs",
        retention=logs.RetentionDays.ONE_WEEK if tag else logs.RetentionDays.ONE_MONTH,
    )
    if tag:
        Tags.of(stack).add("stage", "two")
    return template_of(stack), {"group": logical_id_of(group)}


def _update(deployed: Any, template: dict[str, Any]) -> None:
    deployed.client("cloudformation").update_stack(
        StackName=deployed.stack_name,
        TemplateBody=json.dumps(template),
        Parameters=[{"ParameterKey": "BootstrapVersion", "UsePreviousValue": True}],
        Capabilities=CAPABILITIES,
    )


def test_a_tagged_key_is_updated_in_place_and_stays_in_the_stack(moto: None) -> None:
    before, after, ids = _templates(_key_and_queue)
    deployed = deploy_template(before, stack_name="KeyUpdate")
    key_id = deployed.physical_id(ids["key"])

    _update(deployed, after)

    described = deployed.client("cloudformation").describe_stack_resources(StackName="KeyUpdate")
    physical = {
        r["LogicalResourceId"]: r["PhysicalResourceId"] for r in described["StackResources"]
    }
    assert physical[ids["key"]] == key_id
    tags = deployed.client("kms").list_resource_tags(KeyId=key_id)["Tags"]
    assert {"TagKey": "stage", "TagValue": "two"} in tags
    url = deployed.physical_id(ids["queue"])
    attributes = deployed.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
    assert key_id in attributes["Attributes"]["KmsMasterKeyId"]


def test_a_type_moto_cannot_update_fails_the_update_naming_it(moto: None) -> None:
    before, after, ids = _templates(_log_group)
    deployed = deploy_template(before, stack_name="LogUpdate")
    with pytest.raises((ClientError, RuntimeError), match=rf"moto cannot update {ids['group']}"):
        _update(deployed, after)


def _queue_with_dlq(stack: Any, tag: bool = False) -> tuple[dict[str, Any], dict[str, str]]:
    from aws_cdk import Duration

    dlq = sqs.Queue(stack, "Dlq")
    queue = sqs.Queue(
        stack,
        "Queue",
        retention_period=Duration.days(2 if tag else 4),
        dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=7 if tag else 3),
        enforce_ssl=True,
    )
    if tag:
        Tags.of(stack).add("stage", "two")
    return template_of(stack), {"queue": logical_id_of(queue)}


def test_a_queue_update_applies_every_mutable_property_and_keeps_its_policy(moto: None) -> None:
    before, after, ids = _templates(_queue_with_dlq)
    deployed = deploy_template(before, stack_name="QueueUpdate")
    url = deployed.physical_id(ids["queue"])

    _update(deployed, after)

    sqs_client = deployed.client("sqs")
    attributes = sqs_client.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])
    assert attributes["Attributes"]["MessageRetentionPeriod"] == str(2 * 86400)
    assert json.loads(attributes["Attributes"]["RedrivePolicy"])["maxReceiveCount"] == 7
    assert "aws:SecureTransport" in attributes["Attributes"]["Policy"]
    assert sqs_client.list_queue_tags(QueueUrl=url)["Tags"] == {"stage": "two"}
