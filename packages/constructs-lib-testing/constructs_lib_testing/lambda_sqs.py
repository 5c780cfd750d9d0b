"""Plays the part of Lambda's SQS event-source mapping, in-process.

moto creates Lambda functions but cannot run them (that needs Docker), so a
runtime test does what the mapping would: receive a batch from the deployed
queue, build the SQS event, call the handler, delete the messages it did not
report in ``batchItemFailures`` and leave the rest to their visibility
timeout (and, after ``maxReceiveCount`` receives, to the DLQ). A handler that
raises is a function error: the whole batch returns to the queue.

Disable the deployed mapping first (``update_event_source_mapping(...,
Enabled=False)``): an enabled mapping in moto tries to invoke the function
and takes messages behind the test's back.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

Handler = Callable[[dict[str, Any], Any], Any]


def sqs_event(messages: list[Mapping[str, Any]], queue_arn: str) -> dict[str, Any]:
    """An SQS event as the event-source mapping builds it from received messages."""
    region = queue_arn.split(":")[3] if queue_arn.count(":") >= 5 else ""
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": m.get("Attributes", {}),
                "messageAttributes": m.get("MessageAttributes", {}),
                "md5OfBody": hashlib.md5(m["Body"].encode()).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
            for m in messages
        ]
    }


@dataclass
class MappingRun:
    """What `play_event_source_mapping` did."""

    invocations: int = 0
    function_errors: int = 0
    deleted: int = 0
    reported_failures: int = 0


def play_event_source_mapping(
    sqs: Any,
    queue_url: str,
    handler: Handler,
    *,
    batch_size: int = 10,
    visibility_timeout: int = 1,
    timeout_seconds: float = 60.0,
) -> MappingRun:
    """Invokes ``handler`` with batches of the queue until nothing is left in it.

    ``visibility_timeout`` (seconds) replaces the queue's on each receive so
    failed messages come back quickly; the loop waits for in-flight messages
    before it ends, so every message ends processed or dead-lettered.
    """
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    run = MappingRun()
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        received = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=batch_size,
            WaitTimeSeconds=0,
            VisibilityTimeout=visibility_timeout,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        if not received:
            in_flight = sqs.get_queue_attributes(
                QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessagesNotVisible"]
            )["Attributes"]["ApproximateNumberOfMessagesNotVisible"]
            if in_flight == "0":
                return run
            time.sleep(visibility_timeout + 0.1)  # failures become visible again
            continue
        run.invocations += 1
        try:
            response = handler(sqs_event(received, queue_arn), None) or {}
        except Exception:
            run.function_errors += 1  # Lambda returns the whole batch to the queue
            continue
        failed = {f["itemIdentifier"] for f in response.get("batchItemFailures", [])}
        run.reported_failures += len(failed)
        done = [m for m in received if m["MessageId"] not in failed]
        if done:
            sqs.delete_message_batch(
                QueueUrl=queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)
                ],
            )
            run.deleted += len(done)
    raise TimeoutError(f"{queue_url} still had messages after {timeout_seconds:g} s")
