"""No message lost: 10,000 messages through the library's patterns, deployed, with faults.

One stack holds every pattern: standard and FIFO SecureQueues fed directly, a
TopicFanout to two queues (SNS), an EventRuleToQueue (EventBridge) and a
BucketToQueue (S3 object-created events). Its template is deployed into an
in-process moto; producers send through each pattern's entry point, and the
consumers fail 20% of handlings at random, crash mid-batch and time out
(tests/evidence/reliability.py). At the end every message sent was handled at
least once or sits in its queue's DLQ — counted per queue, none missing — the
source-side DLQs (subscription, rule target) are empty, and in FIFO queues the
handled messages of each group kept their order. Seeded: the same faults every
run.
"""

from __future__ import annotations

import functools
import json
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from aws_cdk import Duration
from aws_cdk import aws_events as events
from moto import mock_aws
from moto.sqs import models as moto_sqs_models

from constructs_lib import (
    BucketToQueue,
    EventRuleToQueue,
    FanoutSubscription,
    SecureQueue,
    TopicFanout,
)
from constructs_lib_testing import DeployedStack, deploy_template, logical_id_of
from tests.constructs_lib_testing.support import new_stack, template_of
from tests.evidence.reliability import (
    BATCH,
    Faults,
    Ledger,
    consume_until_empty,
    drain_dlq,
    message_id,
)

pytestmark = pytest.mark.runtime

SEED = 20_260_601
MAX_RECEIVE_COUNT = 3
FIFO_GROUPS = 40
#: Messages sent per route before its consumers drain it: moto recomputes queue
#: attributes over every message several times per request, so shallow queues
#: keep each call cheap.
WAVE = int(os.environ.get("RELIABILITY_WAVE", "10"))
#: Messages per route (10,000 in all; the fan-out delivers each to two queues).
MESSAGES = {"standard": 3_000, "fifo": 3_000, "fanout": 1_500, "events": 1_500, "uploads": 1_000}
SCALE = float(os.environ.get("RELIABILITY_SCALE", "1"))  # < 1 only to try changes quickly
EVENT_SOURCE = "evidence.reliability"

Sender = Callable[[DeployedStack, list[int]], None]


@dataclass(frozen=True)
class Target:
    """A queue a route delivers into (logical ids of the queue and its DLQ)."""

    queue: str
    dlq: str
    fifo: bool


@dataclass(frozen=True)
class Route:
    name: str
    messages: int
    send: Sender
    targets: list[Target]
    source_dlqs: list[str]  # where the service parks what it cannot deliver


def _target(secure: SecureQueue) -> Target:
    assert secure.dead_letter_queue is not None
    return Target(logical_id_of(secure.queue), logical_id_of(secure.dead_letter_queue), secure.fifo)


def _to_queue(route: str, queue: str, fifo: bool) -> Sender:
    def send(stack: DeployedStack, sequences: list[int]) -> None:
        entries: list[dict[str, Any]] = []
        for i, n in enumerate(sequences):
            entry: dict[str, Any] = {"Id": str(i), "MessageBody": message_id(route, n)}
            if fifo:
                entry["MessageGroupId"] = f"g{n % FIFO_GROUPS}"
                entry["MessageDeduplicationId"] = message_id(route, n)
            entries.append(entry)
        result = stack.client("sqs").send_message_batch(
            QueueUrl=stack.physical_id(queue), Entries=entries
        )
        assert not result.get("Failed"), result["Failed"]

    return send


def _to_topic(route: str, topic: str) -> Sender:
    def send(stack: DeployedStack, sequences: list[int]) -> None:
        result = stack.client("sns").publish_batch(
            TopicArn=stack.physical_id(topic),
            PublishBatchRequestEntries=[
                {"Id": str(i), "Message": message_id(route, n)} for i, n in enumerate(sequences)
            ],
        )
        assert not result.get("Failed"), result["Failed"]

    return send


def _to_event_bus(route: str) -> Sender:
    def send(stack: DeployedStack, sequences: list[int]) -> None:
        result = stack.client("events").put_events(
            Entries=[
                {
                    "Source": EVENT_SOURCE,
                    "DetailType": "Work",
                    "Detail": json.dumps({"id": message_id(route, n)}),
                }
                for n in sequences
            ]
        )
        assert result["FailedEntryCount"] == 0, result

    return send


def _to_bucket(route: str, bucket: str) -> Sender:
    def send(stack: DeployedStack, sequences: list[int]) -> None:
        s3 = stack.client("s3")
        for n in sequences:  # S3 has no batch upload
            s3.put_object(
                Bucket=stack.physical_id(bucket), Key=f"in/{message_id(route, n)}.csv", Body=b"x"
            )

    return send


@pytest.fixture(scope="module")
def template_and_routes() -> tuple[dict[str, Any], list[Route]]:
    stack = new_stack("Reliability")

    def queue(name: str, **options: Any) -> SecureQueue:
        # VisibilityTimeout 0: a message not deleted is visible again at once,
        # so redelivery needs no sleep.
        return SecureQueue(
            stack,
            name,
            visibility_timeout=Duration.seconds(0),
            max_receive_count=MAX_RECEIVE_COUNT,
            **options,
        )

    jobs, payments = queue("Jobs"), queue("Payments", fifo=True)
    billing, shipping = queue("Billing"), queue("Shipping")
    fanout = TopicFanout(
        stack,
        "Orders",
        queues=[FanoutSubscription("Billing", billing), FanoutSubscription("Shipping", shipping)],
    )
    work = queue("Work")
    rule = EventRuleToQueue(
        stack, "WorkEvents", queue=work, event_pattern=events.EventPattern(source=[EVENT_SOURCE])
    )
    ingest = queue("Ingest")
    uploads = BucketToQueue(stack, "Uploads", queue=ingest, prefix="in/", suffix=".csv")

    def dlq_ids(*targets: Any) -> list[str]:
        return [logical_id_of(t) for t in targets if t is not None]

    routes = [
        Route(
            "standard",
            MESSAGES["standard"],
            _to_queue("standard", logical_id_of(jobs.queue), False),
            [_target(jobs)],
            [],
        ),
        Route(
            "fifo",
            MESSAGES["fifo"],
            _to_queue("fifo", logical_id_of(payments.queue), True),
            [_target(payments)],
            [],
        ),
        Route(
            "fanout",
            MESSAGES["fanout"],
            _to_topic("fanout", logical_id_of(fanout.topic)),
            [_target(billing), _target(shipping)],
            dlq_ids(fanout.subscription_dead_letter_queue),
        ),
        Route(
            "events",
            MESSAGES["events"],
            _to_event_bus("events"),
            [_target(work)],
            dlq_ids(rule.target_dead_letter_queue),
        ),
        Route(
            "uploads",
            MESSAGES["uploads"],
            _to_bucket("uploads", logical_id_of(uploads.bucket)),
            [_target(ingest)],
            [],
        ),
    ]
    return template_of(stack), routes


@dataclass
class Outcome:
    sent: dict[str, set[str]]
    ledgers: dict[str, Ledger]  # by queue: "<route>/<target index>"
    leftover: dict[str, int]
    parked_at_source: dict[str, int]


@pytest.fixture(scope="module")
def outcome(template_and_routes: tuple[dict[str, Any], list[Route]]) -> Outcome:
    template, routes = template_and_routes
    rng = random.Random(SEED)
    faults = Faults()
    with pytest.MonkeyPatch.context() as patch, mock_aws():
        # Speed only: moto converts every queue attribute name with
        # camelcase_to_underscores (a pure function) several times per
        # message; memoizing it halves the run time and changes no behaviour.
        patch.setattr(
            moto_sqs_models,
            "camelcase_to_underscores",
            functools.lru_cache(maxsize=None)(moto_sqs_models.camelcase_to_underscores),
        )
        stack = deploy_template(template)
        sqs = stack.client("sqs")
        sent: dict[str, set[str]] = {}
        ledgers: dict[str, Ledger] = {}
        for route in routes:
            count = int(route.messages * SCALE)
            sent[route.name] = {message_id(route.name, n) for n in range(count)}
            keys = [f"{route.name}/{i}" for i in range(len(route.targets))]
            for key in keys:
                ledgers[key] = Ledger()
            for wave in range(0, count, WAVE):
                sequences = list(range(wave, min(wave + WAVE, count)))
                for start in range(0, len(sequences), BATCH):
                    route.send(stack, sequences[start : start + BATCH])
                for key, target in zip(keys, route.targets, strict=True):
                    consume_until_empty(
                        sqs,
                        stack.physical_id(target.queue),
                        fifo=target.fifo,
                        rng=rng,
                        faults=faults,
                        ledger=ledgers[key],
                    )
        leftover: dict[str, int] = {}
        parked: dict[str, int] = {}
        for route in routes:
            for i, target in enumerate(route.targets):
                key = f"{route.name}/{i}"
                drain_dlq(sqs, stack.physical_id(target.dlq), ledgers[key])
                attributes = sqs.get_queue_attributes(
                    QueueUrl=stack.physical_id(target.queue),
                    AttributeNames=[
                        "ApproximateNumberOfMessages",
                        "ApproximateNumberOfMessagesNotVisible",
                    ],
                )["Attributes"]
                leftover[key] = sum(int(v) for v in attributes.values())
            for dlq in route.source_dlqs:
                parked[dlq] = drain_dlq(sqs, stack.physical_id(dlq), Ledger())
    return Outcome(sent=sent, ledgers=ledgers, leftover=leftover, parked_at_source=parked)


def _sent_for(outcome: Outcome, key: str) -> set[str]:
    return outcome.sent[key.split("/")[0]]


def test_at_least_10000_messages_were_sent_through_every_pattern(outcome: Outcome) -> None:
    assert sum(len(ids) for ids in outcome.sent.values()) >= 10_000 * SCALE
    assert set(outcome.sent) == {"standard", "fifo", "fanout", "events", "uploads"}


def test_every_message_was_handled_or_is_in_a_dlq(outcome: Outcome) -> None:
    for key, ledger in outcome.ledgers.items():
        sent = _sent_for(outcome, key)
        accounted = set(ledger.handled) | ledger.in_dlq
        assert sent - accounted == set(), f"{key}: lost"
        assert accounted - sent == set(), f"{key}: unknown messages"
        assert outcome.leftover[key] == 0, key


def test_the_services_parked_nothing_in_their_own_dlqs(outcome: Outcome) -> None:
    assert outcome.parked_at_source
    assert set(outcome.parked_at_source.values()) == {0}


def test_a_dead_lettered_message_was_never_completed(outcome: Outcome) -> None:
    """No message both completed (handled and deleted) and dead-lettered.

    A message can be handled and still end in the DLQ: its handling timed out
    (delete lost), and the redeliveries failed — at-least-once, as in AWS."""
    for ledger in outcome.ledgers.values():
        assert ledger.completed, "nothing completed"
        assert ledger.in_dlq.isdisjoint(ledger.completed)
        assert ledger.completed <= set(ledger.handled)


def test_fifo_order_per_group_was_kept_for_what_was_handled(outcome: Outcome) -> None:
    ledger = outcome.ledgers["fifo/0"]
    assert len(ledger.order) == FIFO_GROUPS
    for group, sequences in ledger.order.items():
        # a redelivery after a crash or time-out repeats a message, never reorders
        assert sequences == sorted(sequences), group


def test_the_faults_really_happened(outcome: Outcome) -> None:
    """Guards against a vacuous pass: every fault kind occurred on every queue,
    messages went to DLQs and were handled more than once."""
    for key, ledger in outcome.ledgers.items():
        assert ledger.failures > 0 and ledger.crashes > 0 and ledger.timeouts > 0, key
        assert ledger.in_dlq, key
        assert any(count > 1 for count in ledger.handled.values()), key


def test_report(outcome: Outcome, record_property: Any) -> None:
    """One line per queue for docs/evidence.md (also recorded as test properties)."""
    for key, ledger in sorted(outcome.ledgers.items()):
        duplicates = sum(c - 1 for c in ledger.handled.values())
        line = (
            f"{key}: sent {len(_sent_for(outcome, key))}, handled {len(ledger.handled)} "
            f"(completed {len(ledger.completed)}), in DLQ {len(ledger.in_dlq)}, missing 0, "
            f"duplicates {duplicates}, failures {ledger.failures}, crashes {ledger.crashes}, "
            f"timeouts {ledger.timeouts}, receives {ledger.receives}, "
            f"S3 test events {ledger.test_events}"
        )
        record_property(key, line)
        print(line)
