"""Reading a queue to the end, the way every runtime check needs it.

`receive_all` receives in batches of ten and deletes each batch at once (a
FIFO queue keeps a message group locked while a received message of it is
not deleted), until the queue answers empty, until a number of messages
arrived, or until time is up. It works with any boto3 SQS client: in-process
moto, a moto server, or AWS.
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
