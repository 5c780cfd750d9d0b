"""Section 2, delivery paths: who sends into which queue, who reads it, where failures go.

Both apps are read with the wiring model SqsPatternChecks judges and the
diagram draws (`constructs_lib.checks.wiring.Wiring`, built from the registry
of delivering services, `constructs_lib.services`): deliveries (SNS
subscriptions, S3 notifications, EventBridge and Scheduler targets, pipes,
alarm actions, Auto Scaling notifications) with their dead-letter queues,
consumers (event-source mappings, pipes, worker roles) and redrive policies.
A resource HEAD renamed is compared with what it was in BASE.

What is compared, and what AWS documents of each:

- paths added or removed (source -> queue, queue -> consumer);
- redrive: the dead-letter queue and ``maxReceiveCount`` (SQS developer
  guide, "Using dead-letter queues": "When the ReceiveCount for a message
  exceeds the maxReceiveCount for a queue, Amazon SQS moves the message to
  the dead-letter queue"; without one a failing message is received again
  until the retention period deletes it);
- the visibility timeout against a Lambda consumer's timeout (Lambda
  developer guide: at least six times the function timeout plus the batching
  window, `constructs_lib._aws.lambda_minimum_visibility_timeout`);
- filters (a subscription's filter policy, a rule's event pattern, a
  mapping's or pipe's filter criteria): what reaches the queue;
- encryption at rest of queues and topics.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from constructs_lib import _aws, services
from constructs_lib.checks.consumer_rules import (
    DEFAULT_FUNCTION_TIMEOUT,
    DEFAULT_RETENTION,
    DEFAULT_VISIBILITY_TIMEOUT,
    EVENT_SOURCE_MAPPING,
    LAMBDA_MIN_MAX_RECEIVE_COUNT,
    number,
    seconds,
)
from constructs_lib.checks.wiring import FUNCTION, QUEUE, TOPIC, Delivery
from constructs_lib.review.changes import Comparison, Side, compact, title
from constructs_lib.review.report import DELIVERY_PATHS, Item
from constructs_lib.services import CONSUMER, as_json
from constructs_lib.templates.assembly import Resource, ResourceId

Key = tuple[ResourceId, ...]


@dataclass(frozen=True)
class _Path:
    """A delivery or a consumer of one side, keyed by BASE's ids."""

    key: Key
    text: str
    filter: Any
    #: the resource that declares it (subscription, rule, mapping...)
    via: Resource
    #: the queue or topic it delivers into, or the queue it reads
    queue: Resource
    other: Resource


def items(comparison: Comparison) -> Iterator[Item]:
    yield from _deliveries(comparison)
    yield from _consumers(comparison)
    yield from _redrives(comparison)
    yield from _visibility(comparison)
    yield from _encryption(comparison)


# --- deliveries and consumers ------------------------------------------------------


def _canon(comparison: Comparison, side: Side, resource: Resource) -> ResourceId:
    return comparison.canonical(resource.id, side)


def _link_filter(via: Resource, location: str, kind: str | None = None) -> Any:
    for _, link in services.links(via.type, via.properties):
        if (kind is None or link.kind == kind) and (kind == CONSUMER or link.location == location):
            return as_json(link.filter)
    return None


def _delivery_paths(comparison: Comparison, side: Side) -> dict[Key, _Path]:
    found: dict[Key, _Path] = {}
    for delivery in side.wiring.deliveries:
        key = (
            _canon(comparison, side, delivery.producer),
            _canon(comparison, side, delivery.target),
            _canon(comparison, side, delivery.via),
            ResourceId("dead-letter" if delivery.dead_letter else "delivery", ""),
        )
        found[key] = _Path(
            key,
            _describe_delivery(delivery),
            _link_filter(delivery.via, delivery.location),
            delivery.via,
            delivery.target,
            delivery.producer,
        )
    return found


def _describe_delivery(delivery: Delivery) -> str:
    producer = f"{delivery.service.producer} **{title(delivery.producer)}**"
    via = "" if delivery.via == delivery.producer else f" (through {title(delivery.via)})"
    if delivery.dead_letter:
        return f"failed deliveries of {producer}{via} go to **{title(delivery.target)}**"
    return f"{producer}{via} delivers into **{title(delivery.target)}**"


def _readers(side: Side, queue: Resource) -> list[str]:
    return sorted({title(c.consumer) for c in side.wiring.consumers if c.queue == queue})


def _deliveries(comparison: Comparison) -> Iterator[Item]:
    base = _delivery_paths(comparison, comparison.base)
    head = _delivery_paths(comparison, comparison.head)
    for key in sorted(head.keys() - base.keys()):
        path = head[key]
        readers = _readers(comparison.head, path.queue)
        read = (
            f"Read by {', '.join(readers)}."
            if readers
            else f"Nothing in the app reads {title(path.queue)}."
            if path.queue.type == QUEUE
            else ""
        )
        yield _item(
            "path added", path.queue, f"New: {path.text}. {read}".strip(), rank=20, via=path.via
        )
    for key in sorted(base.keys() - head.keys()):
        path = base[key]
        if key[3].stack == "dead-letter":
            text = (
                f"No longer: {path.text}. What the service cannot deliver is dropped after its "
                "retries instead."
            )
        else:
            text = (
                f"No longer: {path.text}: what it sends does not reach {title(path.queue)} "
                "any more."
            )
        yield _item("path removed", path.queue, text, rank=10, via=path.via)
    for key in sorted(base.keys() & head.keys()):
        yield from _filter_change(base[key], head[key])


def _filter_change(old: _Path, new: _Path) -> Iterator[Item]:
    if old.filter == new.filter:
        return
    where = f"{title(new.via)} ({new.via.type})"
    receiver = title(new.queue)
    if not new.filter:
        text = (
            f"The filter of {where} is gone: **{receiver}** now receives everything "
            f"{title(new.other)} sends (it was {compact(old.filter)})."
        )
        yield _item("filter removed", new.queue, text, rank=15, via=new.via)
    elif not old.filter:
        text = (
            f"{where} now filters: **{receiver}** receives only what matches {compact(new.filter)}."
        )
        yield _item("filter added", new.queue, text, rank=30, via=new.via)
    else:
        text = (
            f"The filter of {where} into **{receiver}** changes: {compact(old.filter)} → "
            f"{compact(new.filter)}."
        )
        yield _item("filter changed", new.queue, text, rank=25, via=new.via)


def _consumer_paths(comparison: Comparison, side: Side) -> dict[Key, _Path]:
    found: dict[Key, _Path] = {}
    for consumer in side.wiring.consumers:
        key = (
            _canon(comparison, side, consumer.queue),
            _canon(comparison, side, consumer.consumer),
        )
        text = f"**{title(consumer.queue)}** is read by **{title(consumer.consumer)}**"
        found[key] = _Path(
            key,
            text,
            _link_filter(consumer.consumer, "", CONSUMER),
            consumer.consumer,
            consumer.queue,
            consumer.consumer,
        )
    return found


def _consumers(comparison: Comparison) -> Iterator[Item]:
    base = _consumer_paths(comparison, comparison.base)
    head = _consumer_paths(comparison, comparison.head)
    for key in sorted(head.keys() - base.keys()):
        path = head[key]
        yield _item("consumer added", path.queue, f"New: {path.text}.", rank=20, via=path.via)
    for key in sorted(base.keys() - head.keys()):
        path = base[key]
        pair = comparison.pair_of_base(path.queue.id)
        still = _readers(comparison.head, pair.head) if pair and pair.head else []
        if pair is None or pair.head is None:
            rest = ""
        elif still:
            rest = f" It is still read by {', '.join(still)}."
        else:
            retention = number(
                comparison.head.wiring,
                pair.head,
                pair.head.prop("MessageRetentionPeriod"),
                DEFAULT_RETENTION,
            )
            kept = seconds(retention) if retention is not None else "its retention period"
            rest = (
                f" Nothing reads it any more: its messages wait until retention ({kept}) "
                "deletes them."
            )
        yield _item(
            "consumer removed", path.queue, f"No longer: {path.text}.{rest}", rank=5, via=path.via
        )
    for key in sorted(base.keys() & head.keys()):
        yield from _filter_change(base[key], head[key])


# --- redrive -----------------------------------------------------------------------


def _queue_pairs(comparison: Comparison) -> Iterator[tuple[Resource, Resource]]:
    for pair in comparison.pairs:
        if pair.base is not None and pair.head is not None and pair.head.type == QUEUE:
            yield pair.base, pair.head


def _redrive(side: Side, queue: Resource) -> tuple[Resource | None, float | None]:
    found = next((r for r in side.wiring.redrives if r.source == queue), None)
    if found is None:
        return None, None
    count = number(side.wiring, queue, found.max_receive_count, 0)
    return found.dead_letter_queue, count


def _lambda_read(side: Side, queue: Resource) -> bool:
    return any(
        c.queue == queue and c.consumer.type == EVENT_SOURCE_MAPPING for c in side.wiring.consumers
    )


def _redrives(comparison: Comparison) -> Iterator[Item]:
    for old, new in _queue_pairs(comparison):
        old_dlq, old_count = _redrive(comparison.base, old)
        new_dlq, new_count = _redrive(comparison.head, new)
        name = title(new)
        if old_dlq is not None and new_dlq is None:
            retention = number(
                comparison.head.wiring, new, new.prop("MessageRetentionPeriod"), DEFAULT_RETENTION
            )
            kept = seconds(retention) if retention is not None else "its retention period"
            text = (
                f"**{name}** has no dead-letter queue any more (it moved a message to "
                f"{title(old_dlq)} after {_count(old_count)}): a message that fails every "
                f"receive now returns to the queue again and again until retention ({kept}) "
                "deletes it."
            )
            yield _item("DLQ removed", new, text, rank=0)
            continue
        if old_dlq is None and new_dlq is not None:
            text = (
                f"**{name}** now moves a message to **{title(new_dlq)}** after {_count(new_count)}."
            )
            yield _item("DLQ added", new, text, rank=40)
            continue
        if old_dlq is None or new_dlq is None:
            continue
        if comparison.canonical(new_dlq.id, comparison.head) != old_dlq.id:
            text = (
                f"**{name}** now moves failed messages to **{title(new_dlq)}** instead of "
                f"{title(old_dlq)}; the messages waiting in {title(old_dlq)} stay there."
            )
            yield _item("DLQ changed", new, text, rank=12)
        if old_count != new_count:
            yield _receive_count(comparison, new, new_dlq, old_count, new_count)


def _count(count: float | None) -> str:
    if count is None:
        return "a number of receives known at deploy"
    return f"{count:g} receive{'' if count == 1 else 's'}"


def _receive_count(
    comparison: Comparison, queue: Resource, dlq: Resource, old: float | None, new: float | None
) -> Item:
    name = title(queue)
    text = f"**{name}**: maxReceiveCount {_num(old)} → {_num(new)}"
    if new is not None and old is not None and new < old:
        text += (
            f": a message goes to {title(dlq)} after {_count(new)} (a crash, a timeout or a "
            "throttled batch each count as a receive)"
        )
        if _lambda_read(comparison.head, queue) and new < LAMBDA_MIN_MAX_RECEIVE_COUNT:
            text += f"; Lambda asks for at least {LAMBDA_MIN_MAX_RECEIVE_COUNT}"
        rank = 8
    else:
        text += (
            f": a failing message is received up to {_num(new)} times before it goes to "
            f"{title(dlq)}"
        )
        rank = 35
    return _item("maxReceiveCount", queue, text + ".", rank=rank)


def _num(value: float | None) -> str:
    return "(known at deploy)" if value is None else f"{value:g}"


# --- visibility timeout against the consumer's --------------------------------------


def _lambda_timing(side: Side, queue: Resource) -> list[tuple[Resource, float | None, float]]:
    """(function, timeout, batching window) of each Lambda mapping reading ``queue``."""
    found = []
    for consumer in side.wiring.consumers:
        mapping = consumer.consumer
        if consumer.queue != queue or mapping.type != EVENT_SOURCE_MAPPING:
            continue
        function = side.values.find(mapping.id.stack, mapping.prop("FunctionName"), FUNCTION)
        if function is None:
            continue
        timeout = number(side.wiring, function, function.prop("Timeout"), DEFAULT_FUNCTION_TIMEOUT)
        window = number(side.wiring, mapping, mapping.prop("MaximumBatchingWindowInSeconds"), 0)
        found.append((function, timeout, window or 0.0))
    return found


def _visibility(comparison: Comparison) -> Iterator[Item]:
    for old, new in _queue_pairs(comparison):
        old_visibility = number(
            comparison.base.wiring, old, old.prop("VisibilityTimeout"), DEFAULT_VISIBILITY_TIMEOUT
        )
        new_visibility = number(
            comparison.head.wiring, new, new.prop("VisibilityTimeout"), DEFAULT_VISIBILITY_TIMEOUT
        )
        old_timing = {
            comparison.canonical(f.id, comparison.base): (t, w)
            for f, t, w in _lambda_timing(comparison.base, old)
        }
        for function, timeout, window in _lambda_timing(comparison.head, new):
            before = old_timing.get(comparison.canonical(function.id, comparison.head))
            if (before == (timeout, window)) and old_visibility == new_visibility:
                continue
            if timeout is None or new_visibility is None:
                continue
            needed = _aws.lambda_minimum_visibility_timeout(timeout, window)
            visibility = (
                f"{_seconds(old_visibility)} → {seconds(new_visibility)}"
                if old_visibility != new_visibility
                else seconds(new_visibility)
            )
            consumer = "its consumer" if before is not None else "its new consumer"
            text = (
                f"**{title(new)}**: visibility timeout {visibility}; {consumer} "
                f"{title(function)} times out after "
                f"{seconds(timeout)}"
                + (f" (was {_seconds(before[0])})" if before and before[0] != timeout else "")
                + f" with a batching window of {seconds(window)}: Lambda asks for at least "
                f"{seconds(needed)}"
            )
            if new_visibility < timeout:
                text += (
                    ". Below the function's timeout, a message becomes visible again while it is "
                    "still being processed, and Lambda refuses the mapping."
                )
                kind, rank = "visibility below timeout", 3
            elif new_visibility < needed:
                text += (
                    ". A throttled or retried batch can become visible again, and be processed "
                    "twice or go to the DLQ early."
                )
                kind, rank = "visibility too short", 6
            else:
                text += ", and gets it."
                kind, rank = "visibility timeout", 45
            yield _item(kind, new, text, rank=rank)


def _seconds(value: float | None) -> str:
    return "(known at deploy)" if value is None else seconds(value)


# --- encryption --------------------------------------------------------------------


def _encryption_of(comparison: Comparison, side: Side, resource: Resource) -> tuple[Any, str]:
    """(what compares, what the report says) of a queue's or topic's encryption."""
    key = side.wiring.encryption_key(resource)
    if key is not None:
        if key.key is not None:
            canon = comparison.canonical(key.key.id, side)
            return ("key", canon), f"the customer-managed KMS key {title(key.key)}"
        if key.aws_managed:
            return ("alias", key.text), f"the AWS-managed key {key.text.rsplit(':', 1)[-1]}"
        return ("text", key.text), f"the KMS key {compact(key.text, 60)}"
    # a queue or topic that names no key: SSE-SQS for a queue unless turned off
    if resource.type == QUEUE:
        if str(resource.prop("SqsManagedSseEnabled", "")).lower() == "false":
            return ("none",), "no encryption at rest"
        return ("sse-sqs",), "SQS-managed keys (SSE-SQS)"
    return ("none",), "no encryption at rest"


def _encryption(comparison: Comparison) -> Iterator[Item]:
    for pair in comparison.pairs:
        old, new = pair.base, pair.head
        if old is None or new is None or new.type not in (QUEUE, TOPIC):
            continue
        before, said_before = _encryption_of(comparison, comparison.base, old)
        after, said_after = _encryption_of(comparison, comparison.head, new)
        if before == after:
            continue
        text = f"**{title(new)}** is now encrypted with {said_after}; it was {said_before}"
        if after == ("none",):
            text = f"**{title(new)}** is no longer encrypted at rest; it was {said_before}"
            kind, rank = "encryption removed", 4
        elif after[0] == "alias":
            text += (
                "; AWS services that send as themselves (SNS, S3, EventBridge) cannot use an "
                "AWS-managed key"
            )
            kind, rank = "encryption", 14
        else:
            kind, rank = "encryption", 38
        yield _item(kind, new, text + ".", rank=rank)


def _item(kind: str, about: Resource, text: str, *, rank: int, via: Resource | None = None) -> Item:
    covers = (str(via.id),) if via is not None else ()
    return Item(
        DELIVERY_PATHS, kind, title(about), text, rank=rank, where=str(about.id), covers=covers
    )
