"""Rules SP4, SP5, SP11, SP12 and SP13: consumers and the queues they read.

Lambda developer guide ("Creating and configuring an Amazon SQS event source
mapping", "Lambda parameters for Amazon SQS event source mappings",
"Configuring scaling behavior", "Handling errors for an SQS event source"):

- SP4, per event-source mapping: the visibility timeout against 6 x the
  function timeout + batching window, a batching window on a FIFO queue,
  maximum concurrency with provisioned pollers (each cause with its remedy);
- SP11, per event-source mapping: partial batch responses off (advisory: the
  handler's code decides whether it matters);
- SP12 and SP13, per queue an event-source mapping reads: the redrive
  policy's maxReceiveCount below the 5 AWS asks for (1: error; 2 to 4:
  advisory).

SP5, per consumed queue (SQS developer guide, "Using dead-letter queues";
Lambda operator guide, "SQS retries"): a queue read by an event-source
mapping or a worker fleet without a dead-letter queue.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from constructs_lib import _aws
from constructs_lib.checks import catalog
from constructs_lib.checks.catalog import rule
from constructs_lib.checks.findings import Finding, finding
from constructs_lib.checks.wiring import FUNCTION, Consumer, Wiring, is_true
from constructs_lib.templates.assembly import Resource
from constructs_lib.templates.values import Unresolved

#: AWS's defaults, used when a template leaves the property out; the facts are
#: the ones the constructs validate with (`constructs_lib._aws`).
DEFAULT_VISIBILITY_TIMEOUT = _aws.SQS_DEFAULT_VISIBILITY_TIMEOUT_SECONDS
DEFAULT_FUNCTION_TIMEOUT = _aws.LAMBDA_DEFAULT_TIMEOUT_SECONDS
DEFAULT_RETENTION = _aws.SQS_DEFAULT_RETENTION_SECONDS
DEFAULT_BATCH_SIZE = _aws.LAMBDA_DEFAULT_BATCH_SIZE
LAMBDA_MIN_MAX_RECEIVE_COUNT = _aws.LAMBDA_MIN_RECOMMENDED_MAX_RECEIVE_COUNT

EVENT_SOURCE_MAPPING = "AWS::Lambda::EventSourceMapping"


def number(wiring: Wiring, resource: Resource, value: Any, default: float) -> float | None:
    """A numeric property (default when absent); None when known only at deploy."""
    if value is None:
        return default
    try:
        return float(wiring.values.text(resource.id.stack, value))
    except (Unresolved, ValueError):
        return None


def seconds(value: float) -> str:
    """``60 s``; whole days in days (``4 days``)."""
    days = value / 86_400
    if value >= 86_400 and days.is_integer():
        return f"{days:g} day{'' if days == 1 else 's'}"
    return f"{value:g} s"


def _mappings(wiring: Wiring) -> Iterator[Consumer]:
    for consumer in wiring.consumers:
        if consumer.consumer.type == EVENT_SOURCE_MAPPING:
            yield consumer


def _window(wiring: Wiring, mapping: Resource) -> float:
    return number(wiring, mapping, mapping.prop("MaximumBatchingWindowInSeconds"), 0) or 0


# --- SP4 -------------------------------------------------------------------------------


def mapping_settings(wiring: Wiring) -> Iterator[Finding]:
    """SP4: settings of the mapping that Lambda refuses, or that undo its retries."""
    for consumer in _mappings(wiring):
        mapping, queue = consumer.consumer, consumer.queue
        window = _window(wiring, mapping)
        timeout_problem = _visibility_problem(wiring, mapping, queue, window)
        if timeout_problem:
            yield finding(
                rule(4), mapping, timeout_problem, "Properties", (catalog.SP4_VISIBILITY,)
            )
        if is_true(queue.prop("FifoQueue")) and window > 0:
            yield finding(
                rule(4),
                mapping,
                f"the FIFO queue {queue.path} is read with a batching window of "
                f"{seconds(window)}; Lambda supports no batching window for FIFO queues",
                "Properties/MaximumBatchingWindowInSeconds",
                (catalog.SP4_FIFO_WINDOW,),
            )
        scaling = mapping.prop("ScalingConfig") or {}
        if scaling.get("MaximumConcurrency") is not None and mapping.prop(
            "ProvisionedPollerConfig"
        ):
            yield finding(
                rule(4),
                mapping,
                "maximum concurrency and provisioned pollers are set together; Lambda allows "
                "one or the other",
                "Properties/ScalingConfig",
                (catalog.SP4_SCALING_MODES,),
            )


def _visibility_problem(
    wiring: Wiring, mapping: Resource, queue: Resource, window: float
) -> str | None:
    function = wiring.values.find(mapping.id.stack, mapping.prop("FunctionName"), FUNCTION)
    if function is None:
        return None  # a function outside the app: its timeout is not known here
    timeout = number(wiring, function, function.prop("Timeout"), DEFAULT_FUNCTION_TIMEOUT)
    visibility = number(wiring, queue, queue.prop("VisibilityTimeout"), DEFAULT_VISIBILITY_TIMEOUT)
    if timeout is None or visibility is None:
        return None
    needed = _aws.lambda_minimum_visibility_timeout(timeout, window)
    if visibility >= needed:
        return None
    refused = (
        "; below the function timeout itself, Lambda refuses the mapping"
        if visibility < timeout
        else ""
    )
    return (
        f"the visibility timeout of {queue.path} ({seconds(visibility)}) is below "
        f"{_aws.LAMBDA_VISIBILITY_TIMEOUT_FACTOR} x the timeout of {function.path} "
        f"({seconds(timeout)}) + "
        f"the batching window ({seconds(window)}) = {seconds(needed)}{refused}"
    )


# --- SP11 ------------------------------------------------------------------------------


def partial_batch_responses(wiring: Wiring) -> Iterator[Finding]:
    """SP11: a batch of more than one message without ReportBatchItemFailures."""
    for consumer in _mappings(wiring):
        mapping = consumer.consumer
        batch = number(wiring, mapping, mapping.prop("BatchSize"), DEFAULT_BATCH_SIZE)
        types = mapping.prop("FunctionResponseTypes") or []
        if "ReportBatchItemFailures" in types or batch == 1:
            continue
        size = f"all {batch:g}" if batch is not None else "every message"
        yield finding(
            rule(11),
            mapping,
            f"partial batch responses are off (FunctionResponseTypes lacks "
            f"ReportBatchItemFailures): if the handler fails on one message, {size} of its "
            "batch are received again",
            "Properties/FunctionResponseTypes",
        )


# --- SP5 -------------------------------------------------------------------------------


def queues_without_dead_letter_queue(wiring: Wiring) -> Iterator[Finding]:
    """SP5."""
    consumed: dict[Resource, list[Resource]] = {}
    for consumer in wiring.consumers:
        consumed.setdefault(consumer.queue, []).append(consumer.consumer)
    for queue, consumers in sorted(consumed.items(), key=lambda item: item[0].path):
        if wiring.dead_letter_queue_of(queue) is not None or wiring.is_dead_letter_queue(queue):
            continue
        for reader in consumers:
            yield finding(
                rule(5),
                queue,
                f"{reader.path} consumes this queue, which has no dead-letter queue",
                "Properties/RedrivePolicy",
            )


# --- SP12 and SP13 ---------------------------------------------------------------------


def lambda_max_receive_count(wiring: Wiring) -> Iterator[Finding]:
    """SP12 (maxReceiveCount 1) and SP13 (2 to 4) on queues an event-source mapping reads."""
    for consumer in _mappings(wiring):
        queue, mapping = consumer.queue, consumer.consumer
        redrive = next((r for r in wiring.redrives if r.source == queue), None)
        if redrive is None:
            continue  # SP5 says it
        count = number(wiring, queue, redrive.max_receive_count, LAMBDA_MIN_MAX_RECEIVE_COUNT)
        if count is None or count >= LAMBDA_MIN_MAX_RECEIVE_COUNT:
            continue
        receives = "receive" if count == 1 else "receives"
        detail = (
            f"{mapping.path} consumes this queue, whose redrive policy moves a message to "
            f"{redrive.dead_letter_queue.path} after {count:g} {receives} "
            f"(AWS: at least {LAMBDA_MIN_MAX_RECEIVE_COUNT} for Lambda)"
        )
        yield finding(rule(12 if count <= 1 else 13), queue, detail, "Properties/RedrivePolicy")
