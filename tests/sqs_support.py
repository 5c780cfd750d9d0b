"""An SQS endpoint for runtime tests and helpers to fill and read queues.

The endpoint is a moto server on a free loopback port, started once per test
module, unless ``CONSTRUCTS_LIB_SQS_ENDPOINT_URL`` names another one (the
local account server of the deploy launcher). Every test creates queues with
unique names, so tests never see each other's messages.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from constructs_lib_testing.queues import receive_all

ENDPOINT_ENV = "CONSTRUCTS_LIB_SQS_ENDPOINT_URL"


@pytest.fixture(scope="module")
def sqs_endpoint() -> Iterator[str]:
    given = os.environ.get(ENDPOINT_ENV)
    if given:
        yield given
        return
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture()
def sqs(sqs_endpoint: str) -> Any:
    return boto3.client("sqs", endpoint_url=sqs_endpoint, region_name="us-east-1")


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def create_queue(sqs: Any, name: str, *, fifo: bool = False, **attributes: str) -> str:
    if fifo:
        name += ".fifo"
        attributes["FifoQueue"] = "true"
    url: str = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    return url


def arn_of(sqs: Any, url: str) -> str:
    arn: str = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    return arn


def queue_with_dlq(sqs: Any, *, fifo: bool = False, max_receive_count: int = 1) -> tuple[str, str]:
    """(source url, dlq url): a source queue whose redrive policy names the DLQ."""
    base = unique("redrive")
    dlq = create_queue(sqs, base + "-dlq", fifo=fifo)
    policy = {"deadLetterTargetArn": arn_of(sqs, dlq), "maxReceiveCount": max_receive_count}
    source = create_queue(sqs, base, fifo=fifo, RedrivePolicy=json.dumps(policy))
    return source, dlq


def send(
    sqs: Any, url: str, bodies: list[str], *, group: str | None = None, **attrs: Any
) -> dict[str, str]:
    """Sends the bodies in order; returns body -> message id."""
    ids: dict[str, str] = {}
    for i in range(0, len(bodies), 10):
        entries = []
        for j, body in enumerate(bodies[i : i + 10]):
            entry: dict[str, Any] = {"Id": str(j), "MessageBody": body}
            if attrs:
                entry["MessageAttributes"] = attrs
            if group is not None:
                entry["MessageGroupId"] = group
                entry["MessageDeduplicationId"] = uuid.uuid4().hex
            entries.append(entry)
        response = sqs.send_message_batch(QueueUrl=url, Entries=entries)
        assert not response.get("Failed"), response["Failed"]
        for ok in response["Successful"]:
            ids[entries[int(ok["Id"])]["MessageBody"]] = ok["MessageId"]
    return ids


def drain(sqs: Any, url: str) -> list[dict[str, Any]]:
    """Every message of the queue, in receive order, deleted (FIFO groups stay locked
    while a received message of the group is not deleted)."""
    return receive_all(
        sqs,
        url,
        empty_receives=3,
        VisibilityTimeout=300,
        MessageAttributeNames=["All"],
        MessageSystemAttributeNames=["All"],
    )


def counts(sqs: Any, url: str) -> tuple[int, int]:
    """(visible, in flight)."""
    a = sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(a["ApproximateNumberOfMessages"]), int(a["ApproximateNumberOfMessagesNotVisible"])
