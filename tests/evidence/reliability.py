"""A fault-injecting consumer and the bookkeeping of the reliability test.

The consumer is what a correct SQS consumer does, with faults drawn from a
seeded random generator:

- *fail* (``fail_rate``): the handler raises; the message is not deleted and
  comes back, until SQS moves it to the DLQ after ``maxReceiveCount`` receives;
- *crash* (``crash_rate`` per batch): the process dies mid-batch after
  handling part of it, before its batch delete: the handled messages come back
  and are handled again (at-least-once);
- *time out* (``timeout_rate``): the handler finishes after the visibility
  timeout, so its delete is lost and the message comes back.

FIFO: a failure or crash stops the rest of that message group in the batch
(later messages of the group must not overtake it); they come back in order.

The queues run with VisibilityTimeout=0 so that a message not deleted is
visible again at once: no test waits for a timer.
"""

from __future__ import annotations

import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from constructs_lib_testing.queues import receive_all

BATCH = 10


@dataclass
class Faults:
    fail_rate: float = 0.20
    crash_rate: float = 0.02
    timeout_rate: float = 0.02


@dataclass
class Ledger:
    """What the consumers did, per message id."""

    handled: Counter[str] = field(default_factory=Counter)
    completed: set[str] = field(default_factory=set)  # handled and deleted
    order: dict[tuple[str, str], list[int]] = field(default_factory=lambda: defaultdict(list))
    failures: int = 0
    crashes: int = 0
    timeouts: int = 0
    receives: int = 0
    test_events: int = 0
    in_dlq: set[str] = field(default_factory=set)


def consume_until_empty(
    sqs: Any, queue_url: str, *, fifo: bool, rng: random.Random, faults: Faults, ledger: Ledger
) -> None:
    """Receives and handles until the queue answers empty.

    One empty answer suffices: with VisibilityTimeout=0 nothing stays in
    flight, and moto answers from every visible message (AWS samples servers:
    a real consumer polls on)."""
    while True:
        got = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=BATCH,
            WaitTimeSeconds=0,
            AttributeNames=["All"],
        ).get("Messages", [])
        ledger.receives += 1
        if not got:
            return
        _handle_batch(sqs, queue_url, got, fifo=fifo, rng=rng, faults=faults, ledger=ledger)


def _handle_batch(
    sqs: Any,
    queue_url: str,
    messages: list[dict[str, Any]],
    *,
    fifo: bool,
    rng: random.Random,
    faults: Faults,
    ledger: Ledger,
) -> None:
    crash_at = rng.randrange(len(messages)) if rng.random() < faults.crash_rate else None
    blocked_groups: set[str] = set()
    to_delete: list[dict[str, str]] = []
    done: list[str] = []
    for index, message in enumerate(messages):
        if index == crash_at:
            ledger.crashes += 1
            return  # the process died: nothing of this batch is deleted
        group = message.get("Attributes", {}).get("MessageGroupId", "")
        if fifo and group in blocked_groups:
            continue
        if rng.random() < faults.fail_rate:
            ledger.failures += 1
            blocked_groups.add(group)
            continue
        if '"Event": "s3:TestEvent"' in message["Body"]:
            # S3 sends one when a notification is configured (AWS too): not work.
            ledger.test_events += 1
            to_delete.append({"Id": str(len(to_delete)), "ReceiptHandle": message["ReceiptHandle"]})
            continue
        message_id, sequence = _identity(message["Body"])
        ledger.handled[message_id] += 1
        if fifo:
            ledger.order[(queue_url, group)].append(sequence)
        if rng.random() < faults.timeout_rate:
            ledger.timeouts += 1  # handled, but too late: the delete is lost
            continue
        to_delete.append({"Id": str(len(to_delete)), "ReceiptHandle": message["ReceiptHandle"]})
        done.append(message_id)
    if to_delete:
        result = sqs.delete_message_batch(QueueUrl=queue_url, Entries=to_delete)
        assert not result.get("Failed"), result["Failed"]
        ledger.completed.update(done)


def drain_dlq(sqs: Any, dlq_url: str, ledger: Ledger) -> int:
    """Reads every message of a DLQ (and deletes it); returns how many."""
    messages = receive_all(sqs, dlq_url)
    ledger.in_dlq.update(_identity(m["Body"])[0] for m in messages)
    return len(messages)


_ID = re.compile(r"msg-([a-z]+)-(\d{5})")


def message_id(route: str, sequence: int) -> str:
    """``msg-<route>-<sequence>``: survives SNS, EventBridge envelopes and S3 key encoding."""
    return f"msg-{route}-{sequence:05d}"


def _identity(text: str) -> tuple[str, int]:
    """(message id, sequence) found in a body, whatever envelope carries it."""
    found = _ID.search(text)
    assert found, f"no message id in {text[:200]!r}"
    return found.group(0), int(found.group(2))
