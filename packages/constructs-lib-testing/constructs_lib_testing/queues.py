"""Reading, emptying and poisoning queues, the way every runtime check needs it.

`receive_all` receives in batches of ten and deletes each batch at once (a
FIFO queue keeps a message group locked while a received message of it is
not deleted), until the queue answers empty, until a number of messages
arrived, or until time is up. `drain` empties a queue before a check, so that
leftovers cannot pass for its results; `poison_until_dead_lettered` plays a
consumer that fails one message until SQS moves it to the dead-letter queue;
`queue_attributes` reads them all. They work with any boto3 SQS client:
in-process moto, a moto server, or AWS.
"""

from __future__ import annotations

import time
from typing import Any

#: SQS's largest batch for ReceiveMessage and DeleteMessageBatch.
BATCH = 10


def receive_all(
    sqs: Any,
    queue_url: str,
    *,
    until: int | None = None,
    timeout_seconds: float = 10.0,
    empty_receives: int = 1,
    wait_seconds: int = 0,
    **receive_options: Any,
) -> list[dict[str, Any]]:
    """Every message received from ``queue_url`` (each deleted), in receive order.

    Without ``until``, it stops after ``empty_receives`` receives in a row
    found nothing (the queue is empty); with ``until``, once that many
    messages arrived, waiting for late ones (a delivery still on its way)
    until ``timeout_seconds``. It never runs past ``timeout_seconds``.

    :param wait_seconds: ``WaitTimeSeconds`` of each receive (long polling).
    :param receive_options: more ``ReceiveMessage`` arguments, e.g.
        ``MessageAttributeNames=["All"]`` or ``VisibilityTimeout=300``.
    """
    messages: list[dict[str, Any]] = []
    deadline = time.monotonic() + timeout_seconds
    empty = 0
    while time.monotonic() < deadline:
        if len(messages) >= until if until is not None else empty >= empty_receives:
            break
        batch = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=BATCH,
            WaitTimeSeconds=wait_seconds,
            **receive_options,
        ).get("Messages", [])
        empty = 0 if batch else empty + 1
        if batch:
            _delete(sqs, queue_url, batch)
        messages.extend(batch)
    return messages


def drain(
    sqs: Any, queue_url: str, *, timeout_seconds: float = 1.5, empty_receives: int = 2
) -> int:
    """Empties ``queue_url`` (every message received and deleted); returns how
    many it held. Two empty receives in a row end it: with short polling one
    empty answer can come from a server that has not yet seen a message."""
    return len(
        receive_all(sqs, queue_url, timeout_seconds=timeout_seconds, empty_receives=empty_receives)
    )


def poison_until_dead_lettered(
    sqs: Any, queue_url: str, dlq_url: str, body: str, *, attempts: int = 50
) -> int:
    """Receives the message ``body`` without deleting it until SQS moves it to
    ``dlq_url``; returns how many receives that took (the redrive policy's
    ``maxReceiveCount``).

    ``VisibilityTimeout=0`` on each receive makes the message visible again at
    once, as a crashing consumer would after its visibility timeout, so no
    test waits. Messages are not deleted from either queue.

    :raises AssertionError: the message is not in the DLQ after ``attempts``
        rounds of receives.
    """
    receives = 0
    for _ in range(attempts):
        batch = sqs.receive_message(
            QueueUrl=queue_url, MaxNumberOfMessages=BATCH, WaitTimeSeconds=0, VisibilityTimeout=0
        ).get("Messages", [])
        receives += sum(1 for m in batch if m["Body"] == body)
        dead = sqs.receive_message(
            QueueUrl=dlq_url, MaxNumberOfMessages=BATCH, WaitTimeSeconds=0, VisibilityTimeout=0
        ).get("Messages", [])
        if any(m["Body"] == body for m in dead):
            return receives
    raise AssertionError(f"{body!r} never reached the DLQ after {receives} receives")


def queue_attributes(sqs: Any, queue_url: str) -> dict[str, str]:
    """Every attribute of ``queue_url`` (``GetQueueAttributes`` with ``All``)."""
    attributes: dict[str, str] = sqs.get_queue_attributes(
        QueueUrl=queue_url, AttributeNames=["All"]
    )["Attributes"]
    return attributes


def bodies(messages: list[dict[str, Any]]) -> list[str]:
    """The bodies of ``messages``, in order."""
    return [str(m["Body"]) for m in messages]


def _delete(sqs: Any, queue_url: str, batch: list[dict[str, Any]]) -> None:
    response = sqs.delete_message_batch(
        QueueUrl=queue_url,
        Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(batch)],
    )
    if response.get("Failed"):
        raise RuntimeError(f"could not delete received messages: {response['Failed']}")
