"""Moves messages from a dead-letter queue back to its source (or another queue).

Two ways to move, chosen by ``method``:

- ``move-task``: SQS's own ``StartMessageMoveTask``. SQS moves the messages
  server-side, each back to the queue it came from unless a destination is
  given, and this module only polls ``ListMessageMoveTasks`` for progress.
- ``manual``: receive -> ``SendMessageBatch`` -> ``DeleteMessageBatch``, ten at
  a time. A message is deleted from the DLQ only after its send was confirmed
  (it is not in the batch's ``Failed`` list), so a crash at any point never
  loses a message: at worst a message that was sent but not yet deleted
  reappears in the DLQ after the visibility timeout and is moved a second time
  (at-least-once delivery; consumers of SQS must be idempotent anyway).
- ``auto`` (the default) tries the move task and falls back to ``manual`` only
  when the endpoint does not implement it (moto 5.2.5, older emulators);
  every other error (AccessDenied, a missing queue) propagates.

FIFO queues: both queues must be FIFO, or neither (a FIFO message needs a
group id that a standard queue rejects, and a standard message has none). The
manual path keeps each message's ``MessageGroupId``, sends a batch in the order
it was received, and stops at the first failed send so that a group's order is
not broken further. The deduplication id is NOT the original one: SQS would
silently drop a message whose original deduplication id the source queue saw
less than 5 minutes ago (or derive one from the body with content-based
deduplication) and the DLQ delete would then lose it. The manual path uses
``redrive-<DLQ message id>`` instead: unique per DLQ message, and the same when
a crash makes the same DLQ message move twice, so within SQS's 5-minute
deduplication interval the second copy is dropped and FIFO moves are
exactly-once in practice.

Message attributes (string, number and binary) and the ``AWSTraceHeader``
system attribute are preserved; SQS assigns a new message id, sent timestamp
and receive count in the destination.

Example::

    import boto3
    from constructs_lib.runtime import redrive

    result = redrive(boto3.client("sqs"), "orders-dlq", max_messages=100)
    print(result.moved, result.failed)

Command line: ``python -m constructs_lib redrive --help``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from constructs_lib._extras import CLI_MODULES, require_extra

require_extra("constructs_lib.runtime", "cli", CLI_MODULES)

from botocore.exceptions import ClientError  # noqa: E402  (after the extra check)

Method = Literal["auto", "move-task", "manual"]
METHODS: tuple[Method, ...] = ("auto", "move-task", "manual")

#: Seconds a received message stays invisible while it is sent and deleted: a
#: minute covers both calls with botocore's retries. Too short and another
#: receive (this run's or a consumer's) gets the message again before the
#: delete, which duplicates it.
VISIBILITY_TIMEOUT_SECONDS = 60

#: Long polling of each receive. Long polling asks every SQS server, so an empty
#: answer is meaningful (a short poll samples a subset of servers).
WAIT_TIME_SECONDS = 2

#: Consecutive empty receives (with ``ApproximateNumberOfMessages`` at 0)
#: before the DLQ counts as drained.
EMPTY_RECEIVES_TO_STOP = 3

#: When the queue attribute keeps reporting visible messages that no receive
#: returns (FIFO groups locked by another consumer, delayed messages), give up
#: after this many times ``EMPTY_RECEIVES_TO_STOP`` empty receives.
STUCK_FACTOR = 5

#: StartMessageMoveTask's MaxNumberOfMessagesPerSecond: whole messages per
#: second, at most 500 (SQS refuses more; botocore's model does not check it,
#: so only the request would fail).
MOVE_TASK_MAX_RATE = 500

#: SQS's batch size for SendMessageBatch, DeleteMessageBatch and ReceiveMessage.
BATCH_SIZE = 10

#: Bytes per SendMessageBatch. SQS allows 1 MiB since 2025 but older endpoints
#: (and emulators) 256 KiB; a single larger message is sent in a batch of one.
BATCH_BYTES = 262_144

#: Seconds between ``ListMessageMoveTasks`` polls and between progress lines.
POLL_INTERVAL_SECONDS = 5.0
PROGRESS_INTERVAL_SECONDS = 2.0

#: Dry run: messages sampled, characters of each body shown, and how long the
#: sampled messages are hidden at most if resetting their visibility fails.
DRY_RUN_SAMPLES = 5
SAMPLE_BODY_CHARS = 200
SAMPLE_VISIBILITY_TIMEOUT_SECONDS = 10

#: Error codes with which an endpoint says "this action does not exist here".
#: Real SQS implements StartMessageMoveTask; emulators answer with one of these.
NOT_IMPLEMENTED_CODES = frozenset(
    {
        "NotImplemented",
        "NotImplementedException",
        "InvalidAction",
        "UnknownOperationException",
        "UnsupportedOperation",
        "AWS.SimpleQueueService.UnsupportedOperation",
    }
)

_SYSTEM_ATTRIBUTES_KEPT = ("AWSTraceHeader",)

Progress = Callable[[str], None]


class RedriveError(Exception):
    """A redrive that is refused before any message moves (bad queues, options)."""


@dataclass(frozen=True)
class QueueRef:
    """A resolved queue: its URL (for the API), ARN, name and type."""

    url: str
    arn: str
    fifo: bool
    redrive_policy: dict[str, Any] | None = None

    @property
    def name(self) -> str:
        return self.arn.rsplit(":", 1)[-1]


@dataclass
class SendFailure:
    """A message that stayed in the DLQ, and why."""

    message_id: str
    code: str
    reason: str


@dataclass
class RedriveResult:
    """What a redrive did. ``ok`` is False when any message could not move."""

    method: str
    source: QueueRef
    destination: QueueRef | None
    moved: int = 0
    failed: int = 0
    delete_failed: int = 0
    remaining_visible: int | None = None
    remaining_in_flight: int | None = None
    task_handle: str | None = None
    task_status: str | None = None
    interrupted: bool = False
    stopped_reason: str = ""
    failures: list[SendFailure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            not self.failed
            and not self.delete_failed
            and not self.interrupted
            and self.task_status in (None, "COMPLETED")
        )

    def summary(self) -> str:
        destination = self.destination.name if self.destination else "(each message's source)"
        lines = [
            f"redrive {self.source.name} -> {destination} ({self.method}): "
            f"moved {self.moved}, failed {self.failed}"
            + (f", sent but not deleted {self.delete_failed}" if self.delete_failed else "")
        ]
        if self.remaining_visible is not None:
            lines.append(
                f"left in {self.source.name}: {self.remaining_visible} visible, "
                f"{self.remaining_in_flight} in flight"
            )
        if self.task_handle:
            lines.append(f"move task {self.task_status}: {self.task_handle}")
        lines.extend(f"  failed {f.message_id}: {f.code}: {f.reason}" for f in self.failures)
        if self.delete_failed:
            lines.append("  messages sent but not deleted reappear in the DLQ and would move twice")
        if self.stopped_reason:
            lines.append(f"stopped: {self.stopped_reason}")
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "source": self.source.arn,
            "destination": self.destination.arn if self.destination else None,
            "moved": self.moved,
            "failed": self.failed,
            "delete_failed": self.delete_failed,
            "remaining_visible": self.remaining_visible,
            "remaining_in_flight": self.remaining_in_flight,
            "task_handle": self.task_handle,
            "task_status": self.task_status,
            "interrupted": self.interrupted,
            "stopped_reason": self.stopped_reason,
            "failures": [f.__dict__ for f in self.failures],
            "ok": self.ok,
        }


@dataclass(frozen=True)
class MessageSample:
    message_id: str
    body: str
    receive_count: int
    sent_timestamp: str
    group_id: str | None
    attributes: dict[str, str]


@dataclass
class DryRunReport:
    """Counts and samples of a DLQ; nothing was moved or consumed."""

    source: QueueRef
    destination: QueueRef | None
    destination_note: str
    visible: int
    in_flight: int
    delayed: int
    samples: list[MessageSample]
    sampling_note: str = ""

    def summary(self) -> str:
        lines = [
            f"dry run: {self.source.name} holds {self.visible} visible, "
            f"{self.in_flight} in flight, {self.delayed} delayed messages",
            f"destination: {self.destination.name if self.destination else '-'}"
            + (f" ({self.destination_note})" if self.destination_note else ""),
        ]
        if self.sampling_note:
            lines.append(self.sampling_note)
        for s in self.samples:
            group = f" group={s.group_id}" if s.group_id else ""
            attrs = f" attributes={s.attributes}" if s.attributes else ""
            lines.append(
                f"  {s.message_id} receives={s.receive_count} sent={s.sent_timestamp}"
                f"{group}{attrs}\n    {s.body!r}"
            )
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source.arn,
            "destination": self.destination.arn if self.destination else None,
            "destination_note": self.destination_note,
            "visible": self.visible,
            "in_flight": self.in_flight,
            "delayed": self.delayed,
            "sampling_note": self.sampling_note,
            "samples": [s.__dict__ for s in self.samples],
        }


# --- resolving queues ---------------------------------------------------------


def resolve_queue(sqs: Any, ref: str) -> QueueRef:
    """A queue from its URL, ARN or name (in the client's account and region)."""
    if ref.startswith(("https://", "http://")):
        url = ref
    elif ref.startswith("arn:"):
        parts = ref.split(":")
        if len(parts) != 6 or parts[2] != "sqs":
            raise RedriveError(f"{ref!r} is not an SQS queue ARN (arn:aws:sqs:region:account:name)")
        url = sqs.get_queue_url(QueueName=parts[5], QueueOwnerAWSAccountId=parts[4])["QueueUrl"]
    else:
        try:
            url = sqs.get_queue_url(QueueName=ref)["QueueUrl"]
        except ClientError as err:
            if _is_missing_queue(err):
                raise RedriveError(f"queue {ref!r} does not exist") from err
            raise
    attributes = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["QueueArn", "FifoQueue", "RedrivePolicy"]
    )["Attributes"]
    policy = attributes.get("RedrivePolicy")
    return QueueRef(
        url=url,
        arn=attributes["QueueArn"],
        fifo=attributes.get("FifoQueue", "false") == "true",
        redrive_policy=json.loads(policy) if policy else None,
    )


def source_queues(sqs: Any, dlq: QueueRef) -> list[QueueRef]:
    """The queues whose redrive policy names ``dlq`` (ListDeadLetterSourceQueues)."""
    urls: list[str] = []
    kwargs: dict[str, Any] = {"QueueUrl": dlq.url}
    while True:
        page = sqs.list_dead_letter_source_queues(**kwargs)
        urls.extend(page.get("queueUrls", []))
        if not page.get("NextToken"):
            break
        kwargs["NextToken"] = page["NextToken"]
    return [resolve_queue(sqs, url) for url in sorted(set(urls))]


def _check_pair(source: QueueRef, destination: QueueRef) -> None:
    if source.arn == destination.arn:
        raise RedriveError(f"source and destination are the same queue: {source.name}")
    if source.fifo != destination.fifo:
        kinds = {True: "FIFO", False: "standard"}
        raise RedriveError(
            f"cannot move messages from {kinds[source.fifo]} queue {source.name} to "
            f"{kinds[destination.fifo]} queue {destination.name}: both must be FIFO or "
            "both standard (FIFO messages need a MessageGroupId, standard ones have none)"
        )


def _destination(sqs: Any, dlq: QueueRef, to: str | None) -> QueueRef:
    """``to`` if given, else the one queue whose redrive policy names the DLQ."""
    if to is not None:
        destination = resolve_queue(sqs, to)
    else:
        sources = source_queues(sqs, dlq)
        if not sources:
            raise RedriveError(
                f"no queue names {dlq.name} as its dead-letter queue; pass --to <queue>"
            )
        if len(sources) > 1:
            names = ", ".join(s.name for s in sources)
            raise RedriveError(
                f"{dlq.name} is the dead-letter queue of several queues ({names}); "
                "pass --to <queue> to choose one"
            )
        destination = sources[0]
    _check_pair(dlq, destination)
    return destination


# --- errors -----------------------------------------------------------------


def is_not_implemented(error: BaseException) -> bool:
    """True when the endpoint does not implement the action that raised ``error``.

    - moto in-process (``mock_aws``) raises Python's NotImplementedError;
    - emulators answer with an error code such as ``InvalidAction`` or HTTP 501;
    - moto's server answers HTTP 500 with an HTML page, which botocore reports
      with the status as its code ("500"); a real SQS error always carries a
      named code (``InternalError``, ``ServiceUnavailable``), so a bare numeric
      code means the endpoint did not run the action at all.

    Everything else (AccessDenied, QueueDoesNotExist, throttling) is a real
    answer and must propagate.
    """
    if isinstance(error, NotImplementedError):
        return True
    if not isinstance(error, ClientError):
        return False
    code = str(error.response.get("Error", {}).get("Code", ""))
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    if code in NOT_IMPLEMENTED_CODES or status == 501:
        return True
    return code.isdigit() and status is not None and int(code) == status and status >= 500


def _is_missing_queue(error: ClientError) -> bool:
    code = error.response.get("Error", {}).get("Code", "")
    return code in ("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist")


# --- the move task ----------------------------------------------------------


def _move_task(
    sqs: Any,
    dlq: QueueRef,
    destination: QueueRef | None,
    *,
    rate: float | None,
    poll_interval: float,
    progress: Progress,
    sleep: Callable[[float], None],
) -> RedriveResult:
    kwargs: dict[str, Any] = {"SourceArn": dlq.arn}
    if destination is not None:
        kwargs["DestinationArn"] = destination.arn
    if rate is not None:
        kwargs["MaxNumberOfMessagesPerSecond"] = int(rate)  # 1..500, checked up front
    handle = sqs.start_message_move_task(**kwargs)["TaskHandle"]
    result = RedriveResult(method="move-task", source=dlq, destination=destination)
    result.task_handle = handle
    progress(f"move task started: {handle}")
    try:
        while True:
            tasks = sqs.list_message_move_tasks(SourceArn=dlq.arn, MaxResults=10)["Results"]
            task = next((t for t in tasks if t.get("TaskHandle") == handle), tasks[0])
            result.task_status = str(task["Status"])
            result.moved = int(task.get("ApproximateNumberOfMessagesMoved", 0))
            to_move = task.get("ApproximateNumberOfMessagesToMove")
            progress(f"moved {result.moved} of ~{to_move} ({result.task_status})")
            if result.task_status != "RUNNING":
                if task.get("FailureReason"):
                    result.stopped_reason = str(task["FailureReason"])
                break
            sleep(poll_interval)
    except KeyboardInterrupt:
        # The task runs on in SQS; say how to stop it rather than pretend it stopped.
        result.interrupted = True
        result.stopped_reason = (
            "interrupted; the move task continues in SQS. Stop it with "
            f"aws sqs cancel-message-move-task --task-handle {handle}"
        )
    _fill_remaining(sqs, result)
    return result


# --- the manual path --------------------------------------------------------


def _send_entry(index: int, message: dict[str, Any], fifo: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"Id": str(index), "MessageBody": message["Body"]}
    attributes = {
        name: {k: v for k, v in value.items() if k in ("DataType", "StringValue", "BinaryValue")}
        for name, value in message.get("MessageAttributes", {}).items()
    }
    if attributes:
        entry["MessageAttributes"] = attributes
    system = message.get("Attributes", {})
    kept = {
        name: {"DataType": "String", "StringValue": system[name]}
        for name in _SYSTEM_ATTRIBUTES_KEPT
        if name in system
    }
    if kept:
        entry["MessageSystemAttributes"] = kept
    if fifo:
        entry["MessageGroupId"] = system["MessageGroupId"]
        # Not the original deduplication id: see the module docstring.
        entry["MessageDeduplicationId"] = f"redrive-{message['MessageId']}"
    return entry


def _message_bytes(message: dict[str, Any]) -> int:
    size = len(message["Body"].encode())
    for name, value in message.get("MessageAttributes", {}).items():
        size += len(name.encode()) + len(value.get("DataType", "").encode())
        size += len(str(value.get("StringValue", "")).encode()) + len(value.get("BinaryValue", b""))
    return size


def _batches(messages: Sequence[dict[str, Any]]) -> Iterable[list[dict[str, Any]]]:
    """Consecutive slices of at most BATCH_SIZE messages and BATCH_BYTES bytes."""
    batch: list[dict[str, Any]] = []
    size = 0
    for message in messages:
        n = _message_bytes(message)
        if batch and (len(batch) == BATCH_SIZE or size + n > BATCH_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(message)
        size += n
    if batch:
        yield batch


def _counts(sqs: Any, queue: QueueRef) -> tuple[int, int, int]:
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue.url,
        AttributeNames=[
            "ApproximateNumberOfMessages",
            "ApproximateNumberOfMessagesNotVisible",
            "ApproximateNumberOfMessagesDelayed",
        ],
    )["Attributes"]
    return (
        int(attributes.get("ApproximateNumberOfMessages", 0)),
        int(attributes.get("ApproximateNumberOfMessagesNotVisible", 0)),
        int(attributes.get("ApproximateNumberOfMessagesDelayed", 0)),
    )


def _fill_remaining(sqs: Any, result: RedriveResult) -> None:
    visible, in_flight, _ = _counts(sqs, result.source)
    result.remaining_visible, result.remaining_in_flight = visible, in_flight


@dataclass(frozen=True)
class _ManualSettings:
    """How the manual path receives, paces and reports (see `redrive`)."""

    max_messages: int | None
    rate: float | None
    visibility_timeout: int
    wait_time_seconds: int
    empty_receives_to_stop: int
    progress: Progress
    sleep: Callable[[float], None]
    clock: Callable[[], float]


class _ManualMove:
    """Receive from the DLQ, send to the destination, delete what was sent."""

    def __init__(
        self, sqs: Any, dlq: QueueRef, destination: QueueRef, settings: _ManualSettings
    ) -> None:
        self.sqs, self.dlq, self.destination, self.settings = sqs, dlq, destination, settings
        self.result = RedriveResult(method="manual", source=dlq, destination=destination)
        self.started = self.last_progress = settings.clock()
        self.empty = 0

    def run(self) -> RedriveResult:
        result = self.result
        try:
            while not self._done():
                messages = self._receive()
                if not messages:
                    if self._stop_after_empty_receive():
                        break
                    continue
                self.empty = 0
                if self._move(messages):
                    break
                self._pace()
        except KeyboardInterrupt:
            result.interrupted = True
            result.stopped_reason = (
                "interrupted; messages received but not yet moved reappear in the DLQ after "
                f"{self.settings.visibility_timeout} s, messages sent but not deleted will be "
                "moved again"
            )
        _fill_remaining(self.sqs, result)
        self.settings.progress(
            f"moved {result.moved}, failed {result.failed}, remaining "
            f"~{result.remaining_visible} visible, {result.remaining_in_flight} in flight"
        )
        return result

    def _done(self) -> bool:
        limit = self.settings.max_messages
        return limit is not None and self.result.moved + self.result.failed >= limit

    def _receive(self) -> list[dict[str, Any]]:
        wanted = BATCH_SIZE
        if self.settings.max_messages is not None:
            done = self.result.moved + self.result.failed
            wanted = min(wanted, self.settings.max_messages - done)
        messages: list[dict[str, Any]] = self.sqs.receive_message(
            QueueUrl=self.dlq.url,
            MaxNumberOfMessages=wanted,
            VisibilityTimeout=self.settings.visibility_timeout,
            WaitTimeSeconds=self.settings.wait_time_seconds,
            MessageAttributeNames=["All"],
            MessageSystemAttributeNames=["All"],
        ).get("Messages", [])
        return messages

    def _stop_after_empty_receive(self) -> bool:
        """An empty DLQ ends the run; one that stays "visible" but gives nothing, too."""
        self.empty += 1
        enough = self.settings.empty_receives_to_stop
        if self.empty < enough:
            return False
        visible, _, _ = _counts(self.sqs, self.dlq)
        if visible == 0:
            return True
        if self.empty >= enough * STUCK_FACTOR:
            self.result.stopped_reason = (
                f"{visible} messages are reported visible but {self.empty} receives "
                "in a row returned none (FIFO groups held by another consumer?)"
            )
            return True
        return False

    def _move(self, messages: list[dict[str, Any]]) -> bool:
        """Moves one receive's messages; True when the run must stop."""
        stop = _move_batch(self.sqs, self.destination, messages, self.result)
        now = self.settings.clock()
        if now - self.last_progress >= PROGRESS_INTERVAL_SECONDS or stop:
            visible, in_flight, _ = _counts(self.sqs, self.dlq)
            self.settings.progress(
                f"moved {self.result.moved}, failed {self.result.failed}, "
                f"remaining ~{visible} visible, {in_flight} in flight"
            )
            self.last_progress = now
        if stop:
            self.result.stopped_reason = (
                "a send failed on a FIFO queue; stopping so that the failed message's "
                "group is not reordered further. Fix the cause and run again."
            )
        return stop

    def _pace(self) -> None:
        rate = self.settings.rate
        if rate:
            ahead = self.result.moved / rate - (self.settings.clock() - self.started)
            if ahead > 0:
                self.settings.sleep(ahead)


def _move_batch(
    sqs: Any, destination: QueueRef, messages: list[dict[str, Any]], result: RedriveResult
) -> bool:
    """Sends then deletes; True when a FIFO send failed and the run must stop."""
    stop = False
    for batch in _batches(messages):
        entries = [_send_entry(i, m, destination.fifo) for i, m in enumerate(batch)]
        response = sqs.send_message_batch(QueueUrl=destination.url, Entries=entries)
        failed_ids = set()
        for failure in response.get("Failed", []):
            message = batch[int(failure["Id"])]
            failed_ids.add(failure["Id"])
            result.failed += 1
            result.failures.append(
                SendFailure(
                    message_id=message["MessageId"],
                    code=str(failure.get("Code", "")),
                    reason=str(failure.get("Message", "")),
                )
            )
        confirmed = {s["Id"] for s in response.get("Successful", [])} - failed_ids
        # Only what SQS confirmed as sent is deleted; anything else stays in the DLQ.
        to_delete = [
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
            for i, m in enumerate(batch)
            if str(i) in confirmed
        ]
        if to_delete:
            deleted = sqs.delete_message_batch(QueueUrl=result.source.url, Entries=to_delete)
            result.delete_failed += len(deleted.get("Failed", []))
        result.moved += len(confirmed)
        if failed_ids and destination.fifo:
            stop = True
            break
    return stop


# --- entry points -------------------------------------------------------------


# Long for its docstring, the operator's reference to every option; the body
# is three steps: check the arguments, try a move task, else move manually.
def redrive(
    sqs: Any,
    dlq: str,
    *,
    to: str | None = None,
    method: Method = "auto",
    max_messages: int | None = None,
    rate: float | None = None,
    visibility_timeout: int = VISIBILITY_TIMEOUT_SECONDS,
    wait_time_seconds: int = WAIT_TIME_SECONDS,
    empty_receives_to_stop: int = EMPTY_RECEIVES_TO_STOP,
    poll_interval: float = POLL_INTERVAL_SECONDS,
    progress: Progress | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> RedriveResult:
    """Moves the messages of ``dlq`` to ``to`` or back to their source queue.

    :param sqs: a boto3 SQS client (its endpoint, region and credentials are used).
    :param dlq: URL, ARN or name of the dead-letter queue.
    :param to: URL, ARN or name of the destination. Default: the DLQ's source
        queue. The move task sends each message back to the queue it came from;
        the manual path needs exactly one source queue (ListDeadLetterSourceQueues)
        and refuses to guess among several.
    :param method: ``auto`` (default), ``move-task`` or ``manual``; see the
        module docstring. ``max_messages`` forces ``manual`` under ``auto``
        because a move task cannot stop after a count.
    :param max_messages: move at most this many. Default: all.
    :param rate: at most this many messages per second. Default: unlimited. A
        move task takes whole numbers from 1 to ``MOVE_TASK_MAX_RATE`` (500);
        another rate is refused unless ``method`` is ``manual``.
    :param visibility_timeout: seconds a received message stays hidden while it
        is moved; default ``VISIBILITY_TIMEOUT_SECONDS`` (60).
    :param wait_time_seconds: long polling per receive; default ``WAIT_TIME_SECONDS`` (2).
    :param empty_receives_to_stop: default ``EMPTY_RECEIVES_TO_STOP`` (3).
    :param progress: called with one line per progress report. Default: silent.
    :raises RedriveError: the queues cannot be resolved or do not fit together.
    :raises botocore.exceptions.ClientError: any error of SQS, raised as is.
    """
    uses_move_task = _check_redrive_arguments(method, max_messages, rate)
    report = progress or (lambda _line: None)
    source = resolve_queue(sqs, dlq)
    explicit = resolve_queue(sqs, to) if to is not None else None
    if explicit is not None:
        _check_pair(source, explicit)
    if uses_move_task:
        try:
            return _move_task(
                sqs,
                source,
                explicit,
                rate=rate,
                poll_interval=poll_interval,
                progress=report,
                sleep=sleep,
            )
        except (ClientError, NotImplementedError) as err:
            if method == "move-task" or not is_not_implemented(err):
                raise
            report("StartMessageMoveTask is not implemented by this endpoint; moving manually")
    destination = explicit or _destination(sqs, source, None)
    settings = _ManualSettings(
        max_messages=max_messages,
        rate=rate,
        visibility_timeout=visibility_timeout,
        wait_time_seconds=wait_time_seconds,
        empty_receives_to_stop=empty_receives_to_stop,
        progress=report,
        sleep=sleep,
        clock=clock,
    )
    return _ManualMove(sqs, source, destination, settings).run()


def _check_redrive_arguments(method: str, max_messages: int | None, rate: float | None) -> bool:
    """Refuses what cannot work before any request; True when a move task is tried."""
    if method not in METHODS:
        raise RedriveError(f"method must be one of {', '.join(METHODS)}, got {method!r}")
    if max_messages is not None and max_messages < 1:
        raise RedriveError(f"max_messages must be at least 1, got {max_messages}")
    if rate is not None and rate <= 0:
        raise RedriveError(f"rate must be positive, got {rate}")
    if method == "move-task" and max_messages is not None:
        raise RedriveError("a move task cannot stop after max_messages; use method 'manual'")
    uses_move_task = method == "move-task" or (method == "auto" and max_messages is None)
    if uses_move_task and rate is not None:
        _check_move_task_rate(rate)
    return uses_move_task


def _check_move_task_rate(rate: float) -> None:
    """The move task's limits, checked before any request (see MOVE_TASK_MAX_RATE)."""
    if rate > MOVE_TASK_MAX_RATE:
        raise RedriveError(
            f"rate must be at most {MOVE_TASK_MAX_RATE} messages per second, got "
            f"{rate:g}: StartMessageMoveTask refuses more. Use --method manual to "
            "move faster than that"
        )
    if rate < 1:
        raise RedriveError(
            f"a move task cannot run at a rate below 1 message per second (got "
            f"{rate:g}): it takes whole messages per second. Use --method manual"
        )


def dry_run(
    sqs: Any,
    dlq: str,
    *,
    to: str | None = None,
    samples: int = DRY_RUN_SAMPLES,
) -> DryRunReport:
    """Counts the DLQ's messages and shows a few, without moving or consuming any.

    Sampled messages are received with a short visibility timeout
    (``SAMPLE_VISIBILITY_TIMEOUT_SECONDS``) and made visible again at once with
    ChangeMessageVisibility 0. Receiving counts as a receive: each sample's
    ApproximateReceiveCount goes up by one, so when the DLQ itself has a
    redrive policy (messages would move on after its maxReceiveCount) no
    samples are taken.
    """
    source = resolve_queue(sqs, dlq)
    destination: QueueRef | None = None
    note = ""
    try:
        destination = _destination(sqs, source, to)
    except RedriveError as err:
        note = str(err)
    if to is None and destination is not None:
        note = "its only source queue"
    visible, in_flight, delayed = _counts(sqs, source)
    report = DryRunReport(
        source=source,
        destination=destination,
        destination_note=note,
        visible=visible,
        in_flight=in_flight,
        delayed=delayed,
        samples=[],
    )
    if samples <= 0 or visible == 0:
        return report
    if source.redrive_policy:
        report.sampling_note = (
            f"no samples: {source.name} has its own redrive policy and a receive would "
            "count towards its maxReceiveCount"
        )
        return report
    report.samples = _samples(sqs, source, samples)
    return report


def _samples(sqs: Any, source: QueueRef, samples: int) -> list[MessageSample]:
    """Up to ``samples`` messages, received and made visible again at once."""
    messages = sqs.receive_message(
        QueueUrl=source.url,
        MaxNumberOfMessages=min(samples, BATCH_SIZE),
        VisibilityTimeout=SAMPLE_VISIBILITY_TIMEOUT_SECONDS,
        WaitTimeSeconds=0,
        MessageAttributeNames=["All"],
        MessageSystemAttributeNames=["All"],
    ).get("Messages", [])
    if messages:
        sqs.change_message_visibility_batch(
            QueueUrl=source.url,
            Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
                for i, m in enumerate(messages)
            ],
        )
    return [_sample(m) for m in messages]


def _sample(message: dict[str, Any]) -> MessageSample:
    system = message.get("Attributes", {})
    body = message["Body"]
    if len(body) > SAMPLE_BODY_CHARS:
        body = body[:SAMPLE_BODY_CHARS] + f"... ({len(message['Body'])} chars)"
    return MessageSample(
        message_id=message["MessageId"],
        body=body,
        receive_count=int(system.get("ApproximateReceiveCount", 0)),
        sent_timestamp=system.get("SentTimestamp", ""),
        group_id=system.get("MessageGroupId"),
        attributes={
            name: str(value.get("StringValue", f"<{value.get('DataType')}>"))
            for name, value in sorted(message.get("MessageAttributes", {}).items())
        },
    )
