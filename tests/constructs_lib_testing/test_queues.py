"""The queue helpers of the test kit: receive_all, drain, poison_until_dead_lettered,
queue_attributes."""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
import pytest

from constructs_lib_testing.queues import (
    bodies,
    drain,
    poison_until_dead_lettered,
    queue_attributes,
    receive_all,
)


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


def _with_dlq(sqs: Any, max_receive_count: int) -> tuple[str, str]:
    dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    dlq_arn = queue_attributes(sqs, dlq)["QueueArn"]
    redrive = {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(max_receive_count)}
    url = sqs.create_queue(QueueName="q", Attributes={"RedrivePolicy": json.dumps(redrive)})
    return url["QueueUrl"], dlq


def test_drain_empties_a_queue_and_counts_what_it_held(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="q")["QueueUrl"]
    _send(sqs, url, 13)
    assert drain(sqs, url) == 13
    assert drain(sqs, url) == 0
    assert queue_attributes(sqs, url)["ApproximateNumberOfMessages"] == "0"


@pytest.mark.parametrize("max_receive_count", [1, 3, 5])
def test_a_poison_message_reaches_the_dlq_after_max_receive_count(
    sqs: Any, max_receive_count: int
) -> None:
    url, dlq = _with_dlq(sqs, max_receive_count)
    _send(sqs, url, 4)  # other messages around it do not count
    sqs.send_message(QueueUrl=url, MessageBody="poison")
    assert poison_until_dead_lettered(sqs, url, dlq, "poison") == max_receive_count
    assert "poison" in bodies(receive_all(sqs, dlq))


def test_a_message_that_never_reaches_a_dlq_fails_the_check(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="q")["QueueUrl"]  # no redrive policy
    dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="poison")
    with pytest.raises(AssertionError, match="'poison' never reached the DLQ after 3 receives"):
        poison_until_dead_lettered(sqs, url, dlq, "poison", attempts=3)


def test_queue_attributes_are_all_of_them(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="q", Attributes={"VisibilityTimeout": "42"})["QueueUrl"]
    attributes = queue_attributes(sqs, url)
    assert attributes["VisibilityTimeout"] == "42"
    assert attributes["QueueArn"].endswith(":q")
