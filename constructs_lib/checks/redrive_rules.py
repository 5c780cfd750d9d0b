"""Rules SP14 and SP15: every redrive policy's dead-letter queue, consumed or not.

SQS developer guide, "Using dead-letter queues": a standard queue's message
keeps its first enqueue time when it is moved, so the dead-letter queue must
keep messages longer than its source (SP14; a FIFO queue's enqueue time is
reset, so SP14 judges standard queues only); a FIFO queue's dead-letter
queue is FIFO, a standard queue's standard (SP15).
"""

from __future__ import annotations

from collections.abc import Iterator

from constructs_lib.checks.catalog import rule
from constructs_lib.checks.consumer_rules import DEFAULT_RETENTION, number, seconds
from constructs_lib.checks.findings import Finding, finding
from constructs_lib.checks.wiring import Wiring, is_true
from constructs_lib.templates.assembly import Resource


def _kind(queue: Resource) -> str:
    return "FIFO" if is_true(queue.prop("FifoQueue")) else "standard"


def dead_letter_queue_types(wiring: Wiring) -> Iterator[Finding]:
    """SP15."""
    for redrive in wiring.redrives:
        source, dlq = redrive.source, redrive.dead_letter_queue
        if _kind(source) != _kind(dlq):
            yield finding(
                rule(15),
                source,
                f"the dead-letter queue {dlq.path} is {_kind(dlq)}, this queue is {_kind(source)}",
                "Properties/RedrivePolicy",
            )


def dead_letter_queue_retention(wiring: Wiring) -> Iterator[Finding]:
    """SP14."""
    for redrive in wiring.redrives:
        source, dlq = redrive.source, redrive.dead_letter_queue
        if is_true(source.prop("FifoQueue")) or _kind(source) != _kind(dlq):
            continue  # FIFO resets the enqueue time; a type mismatch is SP15
        kept = number(wiring, source, source.prop("MessageRetentionPeriod"), DEFAULT_RETENTION)
        dlq_kept = number(wiring, dlq, dlq.prop("MessageRetentionPeriod"), DEFAULT_RETENTION)
        if kept is None or dlq_kept is None or dlq_kept > kept:
            continue
        yield finding(
            rule(14),
            source,
            f"the dead-letter queue {dlq.path} keeps messages {seconds(dlq_kept)}, no longer "
            f"than this queue ({seconds(kept)}): a message moved late in its life expires there "
            "at once",
            "Properties/RedrivePolicy",
        )
