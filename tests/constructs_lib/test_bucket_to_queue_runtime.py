"""Runtime tests of BucketToQueue: its template deployed into moto, objects put.

Only objects whose keys match the prefix and suffix produce a message, each an
S3 event record. S3 URL-encodes the key in the record (``+`` for a space, in
AWS and moto alike; moto also encodes ``/`` as ``%2F``), so the test decodes
it with ``unquote_plus``. When the notification is configured S3 first sends
an ``s3:TestEvent`` message to the queue (AWS and moto alike); consumers must
skip it. moto stores bucket and queue policies without enforcing them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote_plus

import pytest
from aws_cdk import Duration
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Template
from moto import mock_aws

from constructs_lib import BucketToQueue, SecureQueue
from constructs_lib.testing import DeployedStack, deploy_template, logical_id_of
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
    sqs_client = deployed.client("sqs")
    url = deployed.physical_id(logical_id)
    bodies: list[dict[str, Any]] = []
    while got := sqs_client.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0
    ).get("Messages", []):
        for m in got:
            bodies.append(json.loads(m["Body"]))
            sqs_client.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return bodies


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


def test_bucket_is_deployed_secure_and_named_as_synthesized(
    deployed: DeployedStack, synthesized: Any
) -> None:
    template, ids = synthesized
    bucket = deployed.physical_id(ids["bucket"])
    assert bucket == template["Resources"][ids["bucket"]]["Properties"]["BucketName"]
    s3 = deployed.client("s3")
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    (deny,) = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_queue_policy_admits_exactly_the_deployed_bucket(
    deployed: DeployedStack, synthesized: Any
) -> None:
    _, ids = synthesized
    bucket = deployed.physical_id(ids["bucket"])
    policy = deployed.client("sqs").get_queue_attributes(
        QueueUrl=deployed.physical_id(ids["queue"]), AttributeNames=["Policy"]
    )["Attributes"]["Policy"]
    (allow,) = [s for s in json.loads(policy)["Statement"] if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "s3.amazonaws.com"}
    assert allow["Condition"] == {
        "ArnEquals": {"aws:SourceArn": f"arn:aws:s3:::{bucket}"},
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
    }
