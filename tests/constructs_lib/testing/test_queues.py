"""receive_all: reads a queue to the end, deleting as it goes."""

from __future__ import annotations

import time
from typing import Any

import boto3
import pytest

from constructs_lib.testing.queues import bodies, receive_all


@pytest.fixture
def sqs(moto: None) -> object:
    return boto3.client("sqs", region_name="us-east-1")


def _send(sqs: object, url: str, count: int, **extra: object) -> None:
    for i in range(count):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{i}", **extra)  # type: ignore[attr-defined]


def test_reads_every_message_across_batches_and_deletes_them(sqs: object) -> None:
    url = sqs.create_queue(QueueName="q")["QueueUrl"]  # type: ignore[attr-defined]
    _send(sqs, url, 25)
    assert sorted(bodies(receive_all(sqs, url))) == sorted(f"m{i}" for i in range(25))
    assert receive_all(sqs, url) == []


def test_a_fifo_group_is_read_in_order(sqs: object) -> None:
    url = sqs.create_queue(  # type: ignore[attr-defined]
        QueueName="q.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )["QueueUrl"]
    _send(sqs, url, 15, MessageGroupId="g")
    assert bodies(receive_all(sqs, url)) == [f"m{i}" for i in range(15)]


class _CountingReceives:
    """The SQS client, with the number of messages each receive returned."""

    def __init__(self, sqs: Any) -> None:
        self._sqs = sqs
        self.received: list[int] = []

    def receive_message(self, **request: Any) -> Any:
        answer = self._sqs.receive_message(**request)
        self.received.append(len(answer.get("Messages", [])))
        return answer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sqs, name)


def test_until_waits_for_late_messages_and_stops_at_the_count(sqs: object) -> None:
    url = sqs.create_queue(QueueName="q")["QueueUrl"]  # type: ignore[attr-defined]
    _send(sqs, url, 2, DelaySeconds=1)  # visible a second from now
    _send(sqs, url, 1)
    counting = _CountingReceives(sqs)
    got = receive_all(counting, url, until=3, timeout_seconds=30)
    assert sorted(bodies(got)) == ["m0", "m0", "m1"]
    # It kept receiving through empty answers while the delayed two were on
    # their way, and made no receive once it had three: the last one got some.
    assert 0 in counting.received
    assert sum(counting.received) == 3 and counting.received[-1] > 0


def test_never_runs_past_its_timeout(sqs: object) -> None:
    url = sqs.create_queue(QueueName="q")["QueueUrl"]  # type: ignore[attr-defined]
    started = time.monotonic()
    assert receive_all(sqs, url, until=1, timeout_seconds=0.3) == []
    assert time.monotonic() - started < 2
