"""Rules SP4 and SP5: consumers and their queues.

SP4, per Lambda event-source mapping (Lambda developer guide, "Creating and
configuring an Amazon SQS event source mapping", "Lambda parameters for
Amazon SQS event source mappings", "Configuring scaling behavior"): the
visibility timeout against 6 x the function timeout + batching window,
partial batch responses, a batching window on a FIFO queue, maximum
concurrency with provisioned pollers.

SP5, per consumed queue (SQS developer guide, "Using dead-letter queues"): a
DLQ at all; a standard DLQ that keeps messages longer than its source; a DLQ
of the source's type. The last two for every redrive policy.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from constructs_lib import _aws
from constructs_lib.checks.assembly import Resource
from constructs_lib.checks.catalog import rule
from constructs_lib.checks.findings import Finding, finding
from constructs_lib.checks.values import Unresolved
from constructs_lib.checks.wiring import FUNCTION, Consumer, Wiring, is_true

#: AWS's defaults, used when a template leaves the property out; the facts are
#: the ones the constructs validate with (`constructs_lib._aws`).
DEFAULT_VISIBILITY_TIMEOUT = _aws.SQS_DEFAULT_VISIBILITY_TIMEOUT_SECONDS
DEFAULT_FUNCTION_TIMEOUT = _aws.LAMBDA_DEFAULT_TIMEOUT_SECONDS
DEFAULT_RETENTION = _aws.SQS_DEFAULT_RETENTION_SECONDS
DEFAULT_BATCH_SIZE = _aws.LAMBDA_DEFAULT_BATCH_SIZE


def _number(wiring: Wiring, resource: Resource, value: Any, default: float) -> float | None:
    """A numeric property (default when absent); None when known only at deploy."""
    if value is None:
        return default
    try:
        return float(wiring.values.text(resource.id.stack, value))
    except (Unresolved, ValueError):
        return None


def _seconds(value: float) -> str:
    return f"{value:g} s"


def mapping_settings(wiring: Wiring) -> Iterator[Finding]:
    """SP4."""
    for consumer in wiring.consumers:
        mapping = consumer.consumer
        if mapping.type != "AWS::Lambda::EventSourceMapping":
            continue
        for problem, location in _mapping_problems(wiring, consumer):
            yield finding(rule(4), mapping, problem, location)


def _mapping_problems(wiring: Wiring, consumer: Consumer) -> Iterator[tuple[str, str]]:
    mapping, queue = consumer.consumer, consumer.queue
    window = _number(wiring, mapping, mapping.prop("MaximumBatchingWindowInSeconds"), 0) or 0
    fifo = is_true(queue.prop("FifoQueue"))
    timeout_problem = _visibility_problem(wiring, mapping, queue, window)
    if timeout_problem:
        yield timeout_problem, "Properties"
    batch = _number(wiring, mapping, mapping.prop("BatchSize"), DEFAULT_BATCH_SIZE)
    types = mapping.prop("FunctionResponseTypes") or []
    if "ReportBatchItemFailures" not in types and batch != 1:
        yield (
            f"partial batch responses are off (FunctionResponseTypes lacks "
            f"ReportBatchItemFailures): one failed message retries all {batch:g} of its batch",
            "Properties/FunctionResponseTypes",
        )
    if fifo and window > 0:
        yield (
            f"the FIFO queue {queue.path} is read with a batching window of {_seconds(window)}; "
            "Lambda supports no batching window for FIFO queues",
            "Properties/MaximumBatchingWindowInSeconds",
        )
    if (mapping.prop("ScalingConfig") or {}).get("MaximumConcurrency") is not None and mapping.prop(
        "ProvisionedPollerConfig"
    ):
        yield (
            "maximum concurrency and provisioned pollers are set together; Lambda allows one or "
            "the other",
            "Properties/ScalingConfig",
        )


def _visibility_problem(
    wiring: Wiring, mapping: Resource, queue: Resource, window: float
) -> str | None:
    function = wiring.values.find(mapping.id.stack, mapping.prop("FunctionName"), FUNCTION)
    if function is None:
        return None  # a function outside the app: its timeout is not known here
    timeout = _number(wiring, function, function.prop("Timeout"), DEFAULT_FUNCTION_TIMEOUT)
    visibility = _number(wiring, queue, queue.prop("VisibilityTimeout"), DEFAULT_VISIBILITY_TIMEOUT)
    if timeout is None or visibility is None:
        return None
    needed = _aws.lambda_minimum_visibility_timeout(timeout, window)
    if visibility >= needed:
        return None
    return (
        f"the visibility timeout of {queue.path} ({_seconds(visibility)}) is below "
        f"{_aws.LAMBDA_VISIBILITY_TIMEOUT_FACTOR} x the timeout of {function.path} "
        f"({_seconds(timeout)}) + "
        f"the batching window ({_seconds(window)}) = {_seconds(needed)}"
    )


def dead_letter_queues(wiring: Wiring) -> Iterator[Finding]:
    """SP5."""
    consumed = {c.queue: c.consumer for c in wiring.consumers}
    for queue, consumer in sorted(consumed.items(), key=lambda item: item[0].path):
        if wiring.dead_letter_queue_of(queue) is None and not wiring.is_dead_letter_queue(queue):
            yield finding(
                rule(5),
                queue,
                f"{consumer.path} consumes this queue, which has no dead-letter queue",
                "Properties/RedrivePolicy",
            )
    for redrive in wiring.redrives:
        source, dlq = redrive.source, redrive.dead_letter_queue
        if is_true(source.prop("FifoQueue")) != is_true(dlq.prop("FifoQueue")):
            yield finding(
                rule(5),
                source,
                f"the dead-letter queue {dlq.path} is {_kind(dlq)}, the queue is {_kind(source)}",
                "Properties/RedrivePolicy",
            )
        elif not is_true(source.prop("FifoQueue")):
            yield from _retention(wiring, source, dlq)


def _retention(wiring: Wiring, source: Resource, dlq: Resource) -> Iterator[Finding]:
    kept = _number(wiring, source, source.prop("MessageRetentionPeriod"), DEFAULT_RETENTION)
    dlq_kept = _number(wiring, dlq, dlq.prop("MessageRetentionPeriod"), DEFAULT_RETENTION)
    if kept is not None and dlq_kept is not None and dlq_kept <= kept:
        yield finding(
            rule(5),
            source,
            f"the dead-letter queue {dlq.path} keeps messages {_seconds(dlq_kept)}, no longer "
            f"than this queue ({_seconds(kept)}): a message moved late in its life expires there "
            "at once",
            "Properties/RedrivePolicy",
        )


def _kind(queue: Resource) -> str:
    return "FIFO" if is_true(queue.prop("FifoQueue")) else "standard"
