"""Least privilege at runtime: grants from a deployed template, enforced by moto's IAM.

moto 5.2.5 evaluates *identity* policies for signed requests when
``moto.core.enable_iam_authentication()`` is active (in-process; the env var
``INITIAL_NO_AUTH_ACTION_COUNT=0`` does the same for a server, and
``POST /moto-api/reset-auth`` switches a running server). It checks the
signature, collects the caller's inline and attached policies (a role's, for
credentials from ``sts.assume_role``) and matches Action and Resource, SQS
requests against the queue's ARN.

What it does NOT evaluate (so these tests cannot show it; see docs/evidence.md):
resource policies (the TLS-only queue policy, the SNS/EventBridge/S3 grants),
condition keys beyond a few (aws:SecureTransport is never set), KMS key
policies, permission boundaries and SCPs. Those are asserted on the template
instead (tests/evidence/test_security.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from aws_cdk import aws_iam as iam
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core import enable_iam_authentication

from constructs_lib import SecureQueue
from constructs_lib_testing import deploy_template, logical_id_of
from tests.constructs_lib_testing.support import ACCOUNT, REGION, new_stack, template_of

pytestmark = pytest.mark.runtime


@dataclass(frozen=True)
class Deployed:
    orders_url: str
    other_url: str
    consumer_role_arn: str
    producer_role_arn: str
    nobody_role_arn: str


@pytest.fixture(scope="module")
def template_and_ids() -> tuple[dict[str, Any], dict[str, str]]:
    stack = new_stack("LeastPrivilege")
    orders = SecureQueue(stack, "Orders")
    other = SecureQueue(stack, "Other")
    account = iam.AccountRootPrincipal()
    consumer = iam.Role(stack, "Consumer", assumed_by=account)
    producer = iam.Role(stack, "Producer", assumed_by=account)
    nobody = iam.Role(stack, "Nobody", assumed_by=account)
    orders.queue.grant_consume_messages(consumer)
    orders.queue.grant_send_messages(producer)
    ids = {
        "orders": logical_id_of(orders.queue),
        "other": logical_id_of(other.queue),
        "consumer": logical_id_of(consumer),
        "producer": logical_id_of(producer),
        "nobody": logical_id_of(nobody),
    }
    return template_of(stack), ids


@pytest.fixture()
def deployed(template_and_ids: tuple[dict[str, Any], dict[str, str]]) -> Iterator[Deployed]:
    template, ids = template_and_ids
    with mock_aws():
        stack = deploy_template(template)
        iam_client = stack.client("iam")

        def role_arn(logical_id: str) -> str:
            arn: str = iam_client.get_role(RoleName=stack.physical_id(logical_id))["Role"]["Arn"]
            return arn

        sqs = stack.client("sqs")
        orders_url = stack.physical_id(ids["orders"])
        other_url = stack.physical_id(ids["other"])
        sqs.send_message(QueueUrl=orders_url, MessageBody="for the consumer")
        sqs.send_message(QueueUrl=other_url, MessageBody="not for the consumer")
        yield Deployed(
            orders_url=orders_url,
            other_url=other_url,
            consumer_role_arn=role_arn(ids["consumer"]),
            producer_role_arn=role_arn(ids["producer"]),
            nobody_role_arn=role_arn(ids["nobody"]),
        )


def _sqs_as(role_arn: str) -> Any:
    """An SQS client signed with the role's temporary credentials (assumed before auth is on)."""
    creds = boto3.client("sts", region_name=REGION).assume_role(
        RoleArn=role_arn, RoleSessionName="evidence"
    )["Credentials"]
    return boto3.client(
        "sqs",
        region_name=REGION,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def _denied(call: Any, **kwargs: Any) -> str:
    """The denied action. moto answers 403 with an AccessDenied message; over SQS's
    JSON protocol its body is XML (moto answers the query protocol), so botocore
    reports the code as '403' and the whole XML as the message (AWS: a JSON
    AccessDenied)."""
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    response = caught.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 403, response
    found = re.search(r"not authorized to perform: ([\w:]+)", response["Error"]["Message"])
    assert found, response["Error"]
    return found.group(1)


def test_the_consumer_receives_and_deletes_from_its_queue(deployed: Deployed) -> None:
    consumer = _sqs_as(deployed.consumer_role_arn)
    with enable_iam_authentication():
        got = consumer.receive_message(QueueUrl=deployed.orders_url, WaitTimeSeconds=0)
        [message] = got["Messages"]
        assert message["Body"] == "for the consumer"
        consumer.change_message_visibility(
            QueueUrl=deployed.orders_url,
            ReceiptHandle=message["ReceiptHandle"],
            VisibilityTimeout=0,
        )
        consumer.get_queue_attributes(QueueUrl=deployed.orders_url, AttributeNames=["All"])
        again = consumer.receive_message(QueueUrl=deployed.orders_url, WaitTimeSeconds=0)
        consumer.delete_message(
            QueueUrl=deployed.orders_url, ReceiptHandle=again["Messages"][0]["ReceiptHandle"]
        )


def test_the_consumer_cannot_send_to_its_queue(deployed: Deployed) -> None:
    consumer = _sqs_as(deployed.consumer_role_arn)
    with enable_iam_authentication():
        code = _denied(consumer.send_message, QueueUrl=deployed.orders_url, MessageBody="x")
    assert code == "sqs:SendMessage"


def test_the_consumer_cannot_read_or_purge_another_queue(deployed: Deployed) -> None:
    consumer = _sqs_as(deployed.consumer_role_arn)
    with enable_iam_authentication():
        assert (
            _denied(consumer.receive_message, QueueUrl=deployed.other_url) == "sqs:ReceiveMessage"
        )
        assert _denied(consumer.purge_queue, QueueUrl=deployed.orders_url) == "sqs:PurgeQueue"
        assert _denied(consumer.delete_queue, QueueUrl=deployed.orders_url) == "sqs:DeleteQueue"
    # the other queue's message is still there
    left = boto3.client("sqs", region_name=REGION).get_queue_attributes(
        QueueUrl=deployed.other_url, AttributeNames=["ApproximateNumberOfMessages"]
    )
    assert left["Attributes"]["ApproximateNumberOfMessages"] == "1"


def test_the_producer_sends_but_cannot_receive(deployed: Deployed) -> None:
    producer = _sqs_as(deployed.producer_role_arn)
    with enable_iam_authentication():
        producer.send_message(QueueUrl=deployed.orders_url, MessageBody="from the producer")
        assert _denied(producer.receive_message, QueueUrl=deployed.orders_url) == (
            "sqs:ReceiveMessage"
        )
        assert (
            _denied(producer.send_message, QueueUrl=deployed.other_url, MessageBody="x")
            == "sqs:SendMessage"
        )


def test_enforcement_is_really_on_a_role_without_grants_is_refused(deployed: Deployed) -> None:
    """The control: without it, the denials above could be moto refusing everything."""
    nobody = _sqs_as(deployed.nobody_role_arn)
    with enable_iam_authentication():
        assert _denied(nobody.receive_message, QueueUrl=deployed.orders_url) == "sqs:ReceiveMessage"
    # and without enable_iam_authentication moto lets the same client through
    assert nobody.receive_message(QueueUrl=deployed.orders_url, WaitTimeSeconds=0)["Messages"]


def test_the_roles_live_in_the_local_account(deployed: Deployed) -> None:
    assert deployed.consumer_role_arn.startswith(f"arn:aws:iam::{ACCOUNT}:role/")
