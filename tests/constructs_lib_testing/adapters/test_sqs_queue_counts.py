"""sqs_queue_counts: the same counts and receives as moto's, without re-reading every message.

Each test compares the adapter with moto as released (`all_parts_inactive`)
on the same queue: the answers must be equal; only the work differs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.sqs import models as moto_sqs

from constructs_lib_testing.adapters import adapters_active
from tests.constructs_lib_testing.support import REGION, all_parts_inactive

COUNTS = [
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
]


@pytest.fixture
def sqs(moto: None) -> Any:
    return boto3.client("sqs", region_name=REGION)


def _queue_in_every_state(sqs: Any) -> str:
    """3 in flight, 2 delayed, 4 visible."""
    url: str = sqs.create_queue(QueueName="states")["QueueUrl"]
    for n in range(7):
        sqs.send_message(QueueUrl=url, MessageBody=f"ready-{n}")
    sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=3, VisibilityTimeout=300)
    for n in range(2):
        sqs.send_message(QueueUrl=url, MessageBody=f"later-{n}", DelaySeconds=300)
    return url


def _counts(sqs: Any, url: str) -> dict[str, str]:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=COUNTS)["Attributes"]
    return {name: attributes[name] for name in COUNTS}


def test_counts_are_moto_s_own(sqs: Any) -> None:
    assert adapters_active()
    url = _queue_in_every_state(sqs)
    mended = _counts(sqs, url)
    with all_parts_inactive():
        released = _counts(sqs, url)
    assert mended == released == dict(zip(COUNTS, ["4", "3", "2"], strict=True))


def test_a_receive_returns_what_moto_s_would(sqs: Any) -> None:
    url = _queue_in_every_state(sqs)
    received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
    bodies = sorted(m["Body"] for m in received["Messages"])
    with all_parts_inactive():
        again = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
    assert (
        bodies
        == sorted(m["Body"] for m in again["Messages"])
        == [
            "ready-3",
            "ready-4",
            "ready-5",
            "ready-6",
        ]
    )


def _fresh_then_expired(sqs: Any, name: str) -> str:
    """A queue keeping messages 60 s: one just sent, then one sent 61 s ago."""
    url: str = sqs.create_queue(QueueName=name, Attributes={"MessageRetentionPeriod": "60"})[
        "QueueUrl"
    ]
    sqs.send_message(QueueUrl=url, MessageBody="fresh")
    sqs.send_message(QueueUrl=url, MessageBody="expired")
    queue = moto_sqs.sqs_backends[DEFAULT_ACCOUNT_ID][REGION].get_queue(name)
    expired = next(m for m in queue._messages if m.body == "expired")
    expired.sent_timestamp -= 61_000
    return url


def _receive(sqs: Any, url: str) -> list[str]:
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
    return [m["Body"] for m in got.get("Messages", [])]


def test_a_message_past_its_retention_period_is_not_received(sqs: Any) -> None:
    mended = _receive(sqs, _fresh_then_expired(sqs, "mended"))
    with all_parts_inactive():
        released = _receive(sqs, _fresh_then_expired(sqs, "released"))
    assert mended == released == ["fresh"]


@pytest.fixture
def attribute_map_builds(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How often moto rebuilds a queue's attribute map (each reads every message)."""
    builds = [0]
    original = moto_sqs.Queue.attributes.fget
    assert original is not None

    def counted(self: Any) -> Any:
        builds[0] += 1
        return original(self)

    monkeypatch.setattr(moto_sqs.Queue, "attributes", property(counted))
    yield builds


def test_a_receive_no_longer_rebuilds_the_attribute_map_per_message(
    sqs: Any, attribute_map_builds: list[int]
) -> None:
    url = sqs.create_queue(QueueName="deep")["QueueUrl"]
    for start in range(0, 100, 10):
        entries = [{"Id": str(n), "MessageBody": f"m{start + n}"} for n in range(10)]
        sqs.send_message_batch(QueueUrl=url, Entries=entries)

    def builds_of_one_receive() -> int:
        before = attribute_map_builds[0]
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
        assert len(got["Messages"]) == 10
        return attribute_map_builds[0] - before

    mended = builds_of_one_receive()
    with all_parts_inactive():
        released = builds_of_one_receive()
    # moto as released: three builds for each message returned (retention check)
    assert (mended, released) == (0, 30)
