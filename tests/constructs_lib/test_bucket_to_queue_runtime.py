"""Runtime tests of BucketToQueue: its template deployed into moto, objects put.

Only objects whose keys match the prefix and suffix produce a message, each an
S3 event record. S3 URL-encodes the key in the record (``+`` for a space, in
AWS and moto alike; moto also encodes ``/`` as ``%2F``), so the test decodes
it with ``unquote_plus``. When the notification is configured S3 first sends
an ``s3:TestEvent`` message to the queue (AWS and moto alike); consumers must
skip it. moto stores bucket and queue policies without enforcing them, so the
policy's conditions are evaluated here with `tests.aws_model` (IAM's ARN
matching), against the name moto generated and names AWS would generate.
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote_plus

import pytest
from aws_cdk import Duration
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Template
from moto import mock_aws

from constructs_lib import BucketToQueue, SecureQueue
from constructs_lib_testing import DeployedStack, deploy_template, logical_id_of
from constructs_lib_testing.queues import receive_all as receive_from_queue
from tests.aws_model import (
    GENERATED_TAIL_LENGTH,
    cloudformation_bucket_name,
    conditions_admit,
    moto_bucket_name,
)
from tests.sources_synth import ACCOUNT, new_stack

pytestmark = pytest.mark.runtime


@pytest.fixture(scope="module")
def synthesized() -> tuple[dict[str, Any], dict[str, str]]:
    stack = new_stack("BucketRuntime")
    ingest = SecureQueue(
        stack, "Ingest", visibility_timeout=Duration.seconds(1), encryption=sqs.QueueEncryption.KMS
    )
    uploads = BucketToQueue(stack, "Uploads", queue=ingest, prefix="incoming/", suffix=".csv")
    assert uploads.access_logs_bucket is not None
    return Template.from_stack(stack).to_json(), {
        "bucket": logical_id_of(uploads.bucket),
        "logs": logical_id_of(uploads.access_logs_bucket),
        "queue": logical_id_of(ingest.queue),
    }


@pytest.fixture
def deployed(synthesized: Any) -> Iterator[DeployedStack]:
    template, _ = synthesized
    with mock_aws():
        yield deploy_template(template, stack_name="BucketRuntime")


def receive_all(deployed: DeployedStack, logical_id: str) -> list[dict[str, Any]]:
    messages = receive_from_queue(deployed.client("sqs"), deployed.physical_id(logical_id))
    return [json.loads(m["Body"]) for m in messages]


def test_only_matching_keys_arrive_as_s3_event_records(
    deployed: DeployedStack, synthesized: Any
) -> None:
    _, ids = synthesized
    bucket = deployed.physical_id(ids["bucket"])
    setup = receive_all(deployed, ids["queue"])
    assert [m.get("Event") for m in setup] == ["s3:TestEvent"]

    s3 = deployed.client("s3")
    keys = {
        "incoming/a.csv": True,
        "incoming/sub dir/b.csv": True,
        "incoming/c.json": False,
        "other/d.csv": False,
        "incoming.csv": False,
    }
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"id,amount\n1,2\n")

    records = [r for m in receive_all(deployed, ids["queue"]) for r in m["Records"]]
    assert sorted(unquote_plus(r["s3"]["object"]["key"]) for r in records) == sorted(
        k for k, match in keys.items() if match
    )
    for record in records:
        assert record["eventSource"] == "aws:s3"
        assert record["eventName"].startswith("ObjectCreated:")
        assert record["s3"]["bucket"]["name"] == bucket


def test_bucket_is_deployed_secure_with_the_name_cloudformation_generated(
    deployed: DeployedStack, synthesized: Any
) -> None:
    _, ids = synthesized
    bucket = deployed.physical_id(ids["bucket"])
    assert bucket.startswith(f"bucketruntime-{ids['bucket'].lower()}-"), bucket
    s3 = deployed.client("s3")
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    (deny,) = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def s3_allow(policy: str) -> dict[str, Any]:
    (allow,) = [s for s in json.loads(policy)["Statement"] if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "s3.amazonaws.com"}
    return dict(allow)


def s3_sends(statement: dict[str, Any], bucket: str, account: str = ACCOUNT) -> bool:
    """Would this statement admit S3 sending an event of ``bucket`` (in ``account``)?"""
    context = {"aws:SourceArn": f"arn:aws:s3:::{bucket}", "aws:SourceAccount": account}
    return conditions_admit(statement["Condition"], context)


def random_tail() -> str:
    return "".join(random.choices(string.ascii_lowercase + string.digits, k=GENERATED_TAIL_LENGTH))


def test_queue_policy_admits_the_bucket_moto_named_and_every_name_aws_would_give(
    deployed: DeployedStack, synthesized: Any
) -> None:
    _, ids = synthesized
    sqs_client = deployed.client("sqs")
    policy = sqs_client.get_queue_attributes(
        QueueUrl=deployed.physical_id(ids["queue"]), AttributeNames=["Policy"]
    )["Attributes"]["Policy"]
    allow = s3_allow(policy)
    assert s3_sends(allow, deployed.physical_id(ids["bucket"]))  # what moto generated
    for _ in range(20):  # what CloudFormation would generate, at any create
        assert s3_sends(
            allow, cloudformation_bucket_name("BucketRuntime", ids["bucket"], random_tail())
        )
    # not another bucket of this stack, of another stack, nor of another account
    assert not s3_sends(allow, deployed.physical_id(ids["logs"]))
    assert not s3_sends(allow, cloudformation_bucket_name("Other", ids["bucket"], random_tail()))
    assert not s3_sends(allow, deployed.physical_id(ids["bucket"]), account="999999999999")


def test_long_names_are_admitted_however_cloudformation_or_moto_cut_them() -> None:
    """Past 63 characters CloudFormation cuts the stack name and the logical id
    (moto cuts only the stack name): the pattern must admit both cuts."""
    stack_name = "VeryLongCompanyProductServerlessWorkflowStack"
    stack = new_stack(stack_name)
    ingest = SecureQueue(stack, "Ingest")
    uploads = BucketToQueue(stack, "PartnerUploads", queue=ingest)
    template = Template.from_stack(stack).to_json()
    bucket_id, queue_id = logical_id_of(uploads.bucket), logical_id_of(ingest.queue)
    with mock_aws():
        deployed = deploy_template(template, stack_name=stack_name)
        moto_name = deployed.physical_id(bucket_id)
        policy = deployed.client("sqs").get_queue_attributes(
            QueueUrl=deployed.physical_id(queue_id), AttributeNames=["Policy"]
        )["Attributes"]["Policy"]
    allow = s3_allow(policy)
    aws_name = cloudformation_bucket_name(stack_name, bucket_id, random_tail())
    assert len(aws_name) == 63 and aws_name != moto_name
    assert moto_name == moto_bucket_name(stack_name, bucket_id, moto_name[-12:])
    assert s3_sends(allow, aws_name) and s3_sends(allow, moto_name)
    assert not s3_sends(
        allow, cloudformation_bucket_name(stack_name, "OtherBucket0A1B2C3D", random_tail())
    )
