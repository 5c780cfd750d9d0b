"""No message lost: 10,000 messages through deployed templates with faulty consumers.

The example patterns' templates are deployed into an in-process moto; producers
send in batches, consumers fail 20% of handlings at random, crash mid-batch
and time out (tests/evidence/reliability.py). At the end every message sent
was handled at least once or sits in a DLQ — counted, none missing — and in
FIFO queues the handled messages of each group kept their order. Seeded: the
same faults every run.
"""

from __future__ import annotations

import functools
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from aws_cdk import Duration
from moto import mock_aws
from moto.sqs import models as moto_sqs_models

from constructs_lib import SecureQueue
from constructs_lib.testing import DeployedStack, deploy_template, logical_id_of
from tests.constructs_lib.testing.support import new_stack, template_of
from tests.evidence.reliability import (
    BATCH,
    Faults,
    Ledger,
    body,
    consume_until_empty,
    drain_dlq,
)

pytestmark = pytest.mark.runtime

SEED = 20_260_601
MAX_RECEIVE_COUNT = 3
FIFO_GROUPS = 40
#: Messages sent per route before the consumers drain it again.
WAVE = int(os.environ.get("RELIABILITY_WAVE", "10"))
SCALE = float(os.environ.get("RELIABILITY_SCALE", "1"))


@dataclass(frozen=True)
class Route:
    """One pattern: how messages enter it, and the queues they end in."""

    name: str
    messages: int
    fifo: bool
    queue: str  # logical id of the main queue
    dlq: str
    send: Callable[[DeployedStack, Route, list[tuple[str, int, str]]], None]


def _send_to_queue(stack: DeployedStack, route: Route, batch: list[tuple[str, int, str]]) -> None:
    entries = []
    for i, (message_id, sequence, group) in enumerate(batch):
        entry: dict[str, Any] = {"Id": str(i), "MessageBody": body(message_id, sequence)}
        if route.fifo:
            entry["MessageGroupId"] = group
            entry["MessageDeduplicationId"] = message_id
        entries.append(entry)
    result = stack.client("sqs").send_message_batch(
        QueueUrl=stack.physical_id(route.queue), Entries=entries
    )
    assert not result.get("Failed"), result["Failed"]


@pytest.fixture(scope="module")
def template_and_routes() -> tuple[dict[str, Any], list[Route]]:
    stack = new_stack("Reliability")
    # VisibilityTimeout 0: a message that is not deleted is visible again at
    # once, so redelivery needs no sleep.
    instant = Duration.seconds(0)
    jobs = SecureQueue(
        stack, "Jobs", visibility_timeout=instant, max_receive_count=MAX_RECEIVE_COUNT
    )
    payments = SecureQueue(
        stack,
        "Payments",
        fifo=True,
        visibility_timeout=instant,
        max_receive_count=MAX_RECEIVE_COUNT,
    )
    routes = []
    for name, secure, count in (
        ("standard", jobs, int(6_000 * SCALE)),
        ("fifo", payments, int(4_000 * SCALE)),
    ):
        assert secure.dead_letter_queue is not None
        routes.append(
            Route(
                name=name,
                messages=count,
                fifo=secure.fifo,
                queue=logical_id_of(secure.queue),
                dlq=logical_id_of(secure.dead_letter_queue),
                send=_send_to_queue,
            )
        )
    return template_of(stack), routes


@dataclass
class Outcome:
    sent: dict[str, set[str]]
    ledgers: dict[str, Ledger]
    leftover: dict[str, int]


@pytest.fixture(scope="module")
def outcome(template_and_routes: tuple[dict[str, Any], list[Route]]) -> Outcome:
    template, routes = template_and_routes
    rng = random.Random(SEED)
    faults = Faults()
    with pytest.MonkeyPatch.context() as patch, mock_aws():
        # Speed only: moto recomputes every queue attribute several times per
        # message, converting each name with camelcase_to_underscores (a pure
        # function of its string); memoizing it halves the run time and changes
        # no behaviour.
        patch.setattr(
            moto_sqs_models,
            "camelcase_to_underscores",
            functools.lru_cache(maxsize=None)(moto_sqs_models.camelcase_to_underscores),
        )
        stack = deploy_template(template)
        sqs = stack.client("sqs")
        sent: dict[str, set[str]] = {route.name: set() for route in routes}
        ledgers = {route.name: Ledger() for route in routes}
        # Waves keep queues shallow: moto recomputes queue attributes over every
        # message several times per request, so a deep queue makes each call slow.
        for route in routes:
            ledger = ledgers[route.name]
            url = stack.physical_id(route.queue)
            for wave in range(0, route.messages, WAVE):
                ids = [
                    (f"msg-{route.name}-{n:05d}", n, f"g{n % FIFO_GROUPS}")
                    for n in range(wave, min(wave + WAVE, route.messages))
                ]
                sent[route.name].update(message_id for message_id, _, _ in ids)
                for start in range(0, len(ids), BATCH):
                    route.send(stack, route, ids[start : start + BATCH])
                consume_until_empty(
                    sqs, url, fifo=route.fifo, rng=rng, faults=faults, ledger=ledger
                )
        leftover: dict[str, int] = {}
        for route in routes:
            drain_dlq(sqs, stack.physical_id(route.dlq), ledgers[route.name])
            attributes = sqs.get_queue_attributes(
                QueueUrl=stack.physical_id(route.queue),
                AttributeNames=[
                    "ApproximateNumberOfMessages",
                    "ApproximateNumberOfMessagesNotVisible",
                ],
            )["Attributes"]
            leftover[route.name] = sum(int(v) for v in attributes.values())
    return Outcome(sent=sent, ledgers=ledgers, leftover=leftover)


def test_at_least_10000_messages_were_sent(outcome: Outcome) -> None:
    assert sum(len(ids) for ids in outcome.sent.values()) >= 10_000


def test_every_message_was_handled_or_is_in_a_dlq(outcome: Outcome) -> None:
    for name, sent in outcome.sent.items():
        ledger = outcome.ledgers[name]
        accounted = set(ledger.handled) | ledger.in_dlq
        assert sent - accounted == set(), f"{name}: lost"
        assert accounted - sent == set(), f"{name}: unknown messages"
        assert outcome.leftover[name] == 0


def test_a_dead_lettered_message_was_never_completed(outcome: Outcome) -> None:
    """No message both completed (handled and deleted) and dead-lettered.

    A message can be handled and still end in the DLQ: its handling timed out
    (delete lost), and the redeliveries failed — at-least-once, as in AWS."""
    for ledger in outcome.ledgers.values():
        assert ledger.completed, "nothing completed"
        assert ledger.in_dlq.isdisjoint(ledger.completed)
        assert ledger.completed <= set(ledger.handled)


def test_fifo_order_per_group_was_kept_for_what_was_handled(outcome: Outcome) -> None:
    ledger = outcome.ledgers["fifo"]
    assert len(ledger.order) == FIFO_GROUPS
    for group, sequences in ledger.order.items():
        # a redelivery after a crash or time-out repeats a message, never reorders
        assert sequences == sorted(sequences), group


def test_the_faults_really_happened(outcome: Outcome) -> None:
    """Guards against a vacuous pass: every fault kind occurred, messages went to DLQs
    and were handled more than once."""
    for name, ledger in outcome.ledgers.items():
        assert ledger.failures > 0 and ledger.crashes > 0 and ledger.timeouts > 0, name
        assert ledger.in_dlq, name
        assert any(count > 1 for count in ledger.handled.values()), name


def test_report(outcome: Outcome, record_property: Any) -> None:
    """One line per route for the README (also recorded as test properties)."""
    for name, ledger in outcome.ledgers.items():
        duplicates = sum(c - 1 for c in ledger.handled.values())
        line = (
            f"{name}: sent {len(outcome.sent[name])}, handled {len(ledger.handled)} "
            f"(completed {len(ledger.completed)}), "
            f"in DLQ {len(ledger.in_dlq)}, missing 0, duplicates {duplicates}, "
            f"failures {ledger.failures}, crashes {ledger.crashes}, timeouts {ledger.timeouts}, "
            f"receives {ledger.receives}"
        )
        record_property(name, line)
        print(line)
