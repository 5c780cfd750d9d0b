"""Runtime tests of SecureQueue: its synthesized template deployed into moto.

One stack holds every variant and is synthesized once for the module; each
test deploys it into a fresh in-process moto (about 0.2 s). Visibility
timeouts are 1 s and every receive passes ``WaitTimeSeconds`` so no test waits
on the 20 s long-polling default. moto limits (constructs_lib_testing):
FIFO deduplication only while the first copy is still queued, policies and
alarms stored but not enforced or evaluated.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from aws_cdk import Duration
from aws_cdk import aws_sqs as sqs
from moto import mock_aws

from constructs_lib import SecureQueue
from constructs_lib_testing import DeployedStack, deploy_template, logical_id_of
from tests.constructs_lib_testing.support import new_stack, template_of

pytestmark = pytest.mark.runtime

for _name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
    os.environ[_name] = "testing"

MAX_RECEIVE_COUNT = 3
VISIBILITY_TIMEOUT_S = 1


@dataclass(frozen=True)
class Ids:
    """Logical ids of each SecureQueue's queue, DLQ and key (when any)."""

    queue: str
    dlq: str
    key: str | None = None


def _ids(secure: SecureQueue) -> Ids:
    assert secure.dead_letter_queue is not None
    return Ids(
        queue=logical_id_of(secure.queue),
        dlq=logical_id_of(secure.dead_letter_queue),
        key=logical_id_of(secure.encryption_key) if secure.encryption_key else None,
    )


@pytest.fixture(scope="module")
def synthesized() -> tuple[dict[str, Any], dict[str, Ids]]:
    stack = new_stack("SecureQueueRuntime")
    short = Duration.seconds(VISIBILITY_TIMEOUT_S)
    queues = {
        "orders": SecureQueue(
            stack, "Orders", visibility_timeout=short, max_receive_count=MAX_RECEIVE_COUNT
        ),
        # FIFO without names: also proves the unnamed-FIFO mend.
        "payments": SecureQueue(
            stack, "Payments", fifo=True, content_based_deduplication=True, visibility_timeout=short
        ),
        "ledger": SecureQueue(stack, "Ledger", fifo=True, visibility_timeout=short),
        "secrets": SecureQueue(stack, "Secrets", encryption=sqs.QueueEncryption.KMS),
    }
    return template_of(stack), {name: _ids(q) for name, q in queues.items()}


@pytest.fixture
def deployed(synthesized: Any) -> Iterator[DeployedStack]:
    template, _ = synthesized
    with mock_aws():
        yield deploy_template(template, stack_name="SecureQueueRuntime")


@pytest.fixture
def ids(synthesized: Any) -> dict[str, Ids]:
    return synthesized[1]


def _url(deployed: DeployedStack, logical_id: str) -> str:
    return deployed.physical_id(logical_id)


def _attributes(deployed: DeployedStack, logical_id: str) -> dict[str, str]:
    response = deployed.client("sqs").get_queue_attributes(
        QueueUrl=_url(deployed, logical_id), AttributeNames=["All"]
    )
    attributes: dict[str, str] = response["Attributes"]
    return attributes


def _receive(deployed: DeployedStack, logical_id: str, **kwargs: Any) -> list[dict[str, Any]]:
    kwargs.setdefault("WaitTimeSeconds", 0)
    kwargs.setdefault("MaxNumberOfMessages", 10)
    response = deployed.client("sqs").receive_message(
        QueueUrl=_url(deployed, logical_id),
        MessageSystemAttributeNames=["All"],
        **kwargs,
    )
    messages: list[dict[str, Any]] = response.get("Messages", [])
    return messages


def _visible(deployed: DeployedStack, logical_id: str) -> int:
    return int(_attributes(deployed, logical_id)["ApproximateNumberOfMessages"])


# --- dead-letter queue --------------------------------------------------------


def test_message_moves_to_dlq_after_max_receive_count(
    deployed: DeployedStack, ids: dict[str, Ids]
) -> None:
    orders = ids["orders"]
    deployed.client("sqs").send_message(QueueUrl=_url(deployed, orders.queue), MessageBody="poison")

    for attempt in range(1, MAX_RECEIVE_COUNT + 1):
        # VisibilityTimeout=0: visible again at once, so no test time is spent.
        messages = _receive(deployed, orders.queue, VisibilityTimeout=0)
        assert [m["Body"] for m in messages] == ["poison"]
        assert messages[0]["Attributes"]["ApproximateReceiveCount"] == str(attempt)
        assert _visible(deployed, orders.dlq) == 0, f"in the DLQ after only {attempt} receives"

    assert _receive(deployed, orders.queue, VisibilityTimeout=0) == []
    dead = _receive(deployed, orders.dlq)
    assert [m["Body"] for m in dead] == ["poison"]


def test_deleted_message_never_reaches_dlq(deployed: DeployedStack, ids: dict[str, Ids]) -> None:
    orders = ids["orders"]
    sqs_client = deployed.client("sqs")
    sqs_client.send_message(QueueUrl=_url(deployed, orders.queue), MessageBody="fine")
    for _ in range(MAX_RECEIVE_COUNT - 1):
        _receive(deployed, orders.queue, VisibilityTimeout=0)
    (last,) = _receive(deployed, orders.queue, VisibilityTimeout=0)
    sqs_client.delete_message(
        QueueUrl=_url(deployed, orders.queue), ReceiptHandle=last["ReceiptHandle"]
    )
    assert _receive(deployed, orders.queue, VisibilityTimeout=0) == []
    assert _visible(deployed, orders.dlq) == 0


def test_redrive_policy_names_the_dlq(deployed: DeployedStack, ids: dict[str, Ids]) -> None:
    for name, secure in ids.items():
        redrive = json.loads(_attributes(deployed, secure.queue)["RedrivePolicy"])
        dlq_arn = _attributes(deployed, secure.dlq)["QueueArn"]
        expected_count = MAX_RECEIVE_COUNT if name == "orders" else 5
        assert redrive == {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": expected_count}


# --- visibility timeout -------------------------------------------------------


def test_unacknowledged_message_is_redelivered_after_visibility_timeout(
    deployed: DeployedStack, ids: dict[str, Ids]
) -> None:
    orders = ids["orders"]
    assert _attributes(deployed, orders.queue)["VisibilityTimeout"] == str(VISIBILITY_TIMEOUT_S)
    deployed.client("sqs").send_message(QueueUrl=_url(deployed, orders.queue), MessageBody="job")

    (first,) = _receive(deployed, orders.queue)
    assert _receive(deployed, orders.queue) == [], "visible again before the timeout"
    # Long polling returns as soon as the 1 s timeout has passed.
    (again,) = _receive(deployed, orders.queue, WaitTimeSeconds=VISIBILITY_TIMEOUT_S + 2)
    assert again["MessageId"] == first["MessageId"]
    assert again["Attributes"]["ApproximateReceiveCount"] == "2"


# --- FIFO ---------------------------------------------------------------------


def test_fifo_keeps_order_per_group_and_locks_the_group(
    deployed: DeployedStack, ids: dict[str, Ids]
) -> None:
    payments = ids["payments"].queue
    sqs_client = deployed.client("sqs")
    url = _url(deployed, payments)
    for i in range(1, 4):
        for group in ("a", "b"):
            sqs_client.send_message(QueueUrl=url, MessageBody=f"{group}{i}", MessageGroupId=group)

    (head,) = _receive(deployed, payments, MaxNumberOfMessages=1, VisibilityTimeout=30)
    assert head["Body"] == "a1"
    # Group "a" is locked while a1 is in flight; "b" is delivered in order.
    assert [m["Body"] for m in _receive(deployed, payments, VisibilityTimeout=30)] == [
        "b1",
        "b2",
        "b3",
    ]
    sqs_client.delete_message(QueueUrl=url, ReceiptHandle=head["ReceiptHandle"])
    assert [m["Body"] for m in _receive(deployed, payments, VisibilityTimeout=30)] == ["a2", "a3"]


def test_fifo_content_based_deduplication(deployed: DeployedStack, ids: dict[str, Ids]) -> None:
    payments = ids["payments"].queue
    sqs_client = deployed.client("sqs")
    url = _url(deployed, payments)
    assert _attributes(deployed, payments)["ContentBasedDeduplication"] == "true"
    first = sqs_client.send_message(QueueUrl=url, MessageBody="pay 10", MessageGroupId="acct")
    again = sqs_client.send_message(QueueUrl=url, MessageBody="pay 10", MessageGroupId="acct")
    sqs_client.send_message(QueueUrl=url, MessageBody="pay 20", MessageGroupId="acct")

    received = _receive(deployed, payments, VisibilityTimeout=30)
    assert [m["Body"] for m in received] == ["pay 10", "pay 20"]
    assert received[0]["MessageId"] == first["MessageId"]
    assert again["MessageId"]  # accepted, though not delivered (moto gives it a new id)


def test_fifo_explicit_deduplication_id(deployed: DeployedStack, ids: dict[str, Ids]) -> None:
    ledger = ids["ledger"].queue
    sqs_client = deployed.client("sqs")
    url = _url(deployed, ledger)
    assert _attributes(deployed, ledger)["ContentBasedDeduplication"] == "false"
    sends = [("entry-1", "credit"), ("entry-1", "credit, retried"), ("entry-2", "credit")]
    for dedup_id, body in sends:
        sqs_client.send_message(
            QueueUrl=url, MessageBody=body, MessageGroupId="book", MessageDeduplicationId=dedup_id
        )

    received = _receive(deployed, ledger, VisibilityTimeout=30)
    assert [(m["Attributes"]["MessageDeduplicationId"], m["Body"]) for m in received] == [
        ("entry-1", "credit"),
        ("entry-2", "credit"),
    ]


def test_fifo_dlq_is_fifo(deployed: DeployedStack, ids: dict[str, Ids]) -> None:
    for name in ("payments", "ledger"):
        for logical_id in (ids[name].queue, ids[name].dlq):
            assert _attributes(deployed, logical_id)["FifoQueue"] == "true"
            assert _url(deployed, logical_id).endswith(".fifo")


# --- encryption and TLS policy ------------------------------------------------


def test_sse_sqs_on_both_queues(deployed: DeployedStack, ids: dict[str, Ids]) -> None:
    for name in ("orders", "payments", "ledger"):
        for logical_id in (ids[name].queue, ids[name].dlq):
            attributes = _attributes(deployed, logical_id)
            assert attributes["SqsManagedSseEnabled"] == "true"
            assert "KmsMasterKeyId" not in attributes


def test_kms_key_on_both_queues(deployed: DeployedStack, ids: dict[str, Ids]) -> None:
    secrets = ids["secrets"]
    assert secrets.key is not None
    key_id = deployed.physical_id(secrets.key)
    key_arn = deployed.client("kms").describe_key(KeyId=key_id)["KeyMetadata"]["Arn"]
    for logical_id in (secrets.queue, secrets.dlq):
        # (moto also reports SqsManagedSseEnabled=true here; AWS reports false.)
        assert _attributes(deployed, logical_id)["KmsMasterKeyId"] == key_arn


def test_tls_deny_policy_on_both_queues(deployed: DeployedStack, ids: dict[str, Ids]) -> None:
    for secure in ids.values():
        for logical_id in (secure.queue, secure.dlq):
            attributes = _attributes(deployed, logical_id)
            statements = json.loads(attributes["Policy"])["Statement"]
            assert statements == [
                {
                    "Action": "sqs:*",
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    "Effect": "Deny",
                    "Principal": {"AWS": "*"},
                    "Resource": attributes["QueueArn"],
                }
            ]
