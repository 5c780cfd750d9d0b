"""The queue worker that `QueueWorkerFleet` instances run.

This file is shipped to the instances with ``worker_settings.py`` beside it
(an S3 asset of the two, unpacked by the user data and started by systemd as
``python3 worker.py``), so it imports only the standard library, boto3 and
that module — never ``aws_cdk`` nor the rest of ``constructs_lib``. It runs
on the instance's own Python (3.9 on Amazon Linux 2023) and boto3: every
boto3 from 1.28.21 (the oldest AL2023 ships) on.

What it does, per AWS's guidance for SQS consumers:

- long polling (``WaitTimeSeconds`` up to 20 s) and batches of up to 10
  messages per ``ReceiveMessage``;
- the messages of a batch are handled concurrently by a pluggable handler
  (``module:function``, one call per message; raising means "failed"); on a
  FIFO queue the messages of one message group are handled in order, and
  after a failure the rest of that group's batch is left for redelivery;
- successes are deleted with one ``DeleteMessageBatch`` per batch; failures
  are left in the queue, so SQS redelivers them after the visibility timeout
  and moves them to the DLQ after ``maxReceiveCount`` receives;
- a heartbeat thread extends the visibility of messages still in progress
  (``ChangeMessageVisibilityBatch``), so a slow message is not delivered to a
  second worker while the first still works on it;
- graceful drain: on SIGTERM/SIGINT, or when the instance's Auto Scaling
  target lifecycle state says it leaves service (``Terminated`` on a
  scale-in with the fleet's lifecycle hook, ``Detached``, ``Warmed:*``), it
  stops receiving, finishes the messages in flight, returns the
  not-yet-started ones at once (visibility 0), completes the lifecycle
  action where one may wait, and exits 0; on ``Warmed:Running`` (a warm pool
  of running instances) it waits, not consuming, until the instance is
  ``InService`` again. Auto Scaling's ``ValidationError`` for an action no
  longer pending (the hook's heartbeat timeout passed, or no hook waits) is
  logged, never a crash: systemd would restart the worker every 5 s. The
  group's name and the instance id come from the instance metadata (IMDSv2):
  the ``aws:autoscaling:groupName`` instance tag and ``instance-id``.

SQS bills per request: one receive and one delete per 10 messages is the floor
of 0.2 requests per message, which this worker reaches when the queue is busy.

Configuration: the environment the fleet's user data writes, read by
`WorkerSettings.from_environment` (``worker_settings.py`` lists every
variable). ``AWS_EC2_METADATA_SERVICE_ENDPOINT`` (botocore's own name)
points the metadata reads elsewhere than ``http://169.254.169.254``, for tests.
"""

from __future__ import annotations

import importlib
import logging
import os
import signal
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

try:  # inside constructs_lib: the construct, the tests
    from .worker_settings import (
        DEFAULT_HEARTBEAT_VISIBILITY_SECONDS,
        DEFAULT_LIFECYCLE_POLL_SECONDS,
        MAX_WAIT_TIME_SECONDS,
        SQS_BATCH_LIMIT,
        WorkerSettings,
    )
except ImportError:  # on the instance: run as a script, worker_settings.py beside it
    from worker_settings import (  # type: ignore[no-redef,import-not-found]
        DEFAULT_HEARTBEAT_VISIBILITY_SECONDS,
        DEFAULT_LIFECYCLE_POLL_SECONDS,
        MAX_WAIT_TIME_SECONDS,
        SQS_BATCH_LIMIT,
        WorkerSettings,
    )

LOG = logging.getLogger("queue_worker")

#: How often the lifecycle watcher asks the instance metadata service.
LIFECYCLE_POLL_SECONDS = DEFAULT_LIFECYCLE_POLL_SECONDS

#: The instance metadata service, and botocore's variable that moves it.
IMDS_ENDPOINT = "http://169.254.169.254"
IMDS_ENDPOINT_VARIABLE = "AWS_EC2_METADATA_SERVICE_ENDPOINT"
#: The instance tag Auto Scaling puts on every instance it launches.
GROUP_NAME_TAG = "aws:autoscaling:groupName"

# Target lifecycle states (EC2 Auto Scaling User Guide, "Retrieve the target
# lifecycle state through instance metadata": InService, Terminated, Detached,
# Standby and, with a warm pool, Warmed:Hibernated, Warmed:Running,
# Warmed:Stopped, Warmed:Terminated).
IN_SERVICE = "InService"
#: The instance leaves service: the worker stops receiving and drains.
LEAVING_STATES = frozenset(
    {
        "Terminated",
        "Detached",
        "Warmed:Terminated",
        "Warmed:Stopped",
        "Warmed:Hibernated",
        "Warmed:Running",
    }
)
#: A terminating hook's action may wait there: Terminating:Wait, or
#: Warmed:Pending:Wait when a scale-in returns the instance to a warm pool
#: ("Warm pool instance lifecycle"). A detached instance has none.
ACTION_STATES = LEAVING_STATES - {"Detached"}
#: The instance keeps running out of service and may come back: wait, do not exit.
RETURNING_STATES = frozenset({"Warmed:Running"})


@dataclass(frozen=True)
class WorkerMessage:
    """One SQS message as the handler sees it."""

    message_id: str
    body: str
    receipt_handle: str
    attributes: Mapping[str, str] = field(default_factory=dict)
    message_attributes: Mapping[str, Any] = field(default_factory=dict)

    @property
    def receive_count(self) -> int:
        """How often SQS has delivered this message (1 on the first delivery)."""
        return int(self.attributes.get("ApproximateReceiveCount", "1"))

    @property
    def message_group_id(self) -> str | None:
        """The sender's message group, or None when it gave none.

        On a FIFO queue it orders the group's messages; on a standard queue
        (a fair queue, since 2025) it is only a tenant key: nothing is ordered.
        """
        return self.attributes.get("MessageGroupId")

    @classmethod
    def from_sqs(cls, raw: Mapping[str, Any]) -> WorkerMessage:
        return cls(
            message_id=raw["MessageId"],
            body=raw.get("Body", ""),
            receipt_handle=raw["ReceiptHandle"],
            attributes=dict(raw.get("Attributes", {})),
            message_attributes=dict(raw.get("MessageAttributes", {})),
        )


#: The pluggable part: handle one message; raise to mark it failed.
Handler = Callable[[WorkerMessage], None]


@dataclass
class WorkerStats:
    """What a worker did, counted per message (thread-safe through `add`)."""

    received: int = 0
    processed: int = 0
    failed: int = 0
    released: int = 0
    delete_failures: int = 0
    visibility_extensions: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, **counts: int) -> None:
        with self._lock:
            for name, n in counts.items():
                setattr(self, name, getattr(self, name) + n)


@dataclass
class _Outcome:
    succeeded: list[WorkerMessage] = field(default_factory=list)
    failed: list[WorkerMessage] = field(default_factory=list)
    unstarted: list[WorkerMessage] = field(default_factory=list)

    def merge(self, other: _Outcome) -> None:
        self.succeeded.extend(other.succeeded)
        self.failed.extend(other.failed)
        self.unstarted.extend(other.unstarted)


@dataclass
class _InFlight:
    message: WorkerMessage
    visible_until: float


class QueueWorker:
    """Consumes one SQS queue with a handler until stopped (see the module doc).

    :param queue_url: the queue to consume.
    :param handler: called once per message; an exception marks it failed.
    :param sqs_client: a boto3 SQS client (thread-safe; shared with the heartbeat).
    :param batch_size: messages per receive, 1..10 (default 10).
    :param wait_time_seconds: long-polling wait, 0..20 (default 20).
    :param concurrency: handler threads (default 10).
    :param visibility_timeout_seconds: the visibility each receive asks for;
        default: the queue's own, read once with GetQueueAttributes.
    :param heartbeat_visibility_seconds: the visibility a heartbeat sets on a
        message still in progress (default 60).
    :param heartbeat_interval_seconds: how often the heartbeat looks; default
        a quarter of the smaller of the two visibilities. A message is extended
        when less than two intervals of its visibility remain.
    :param failure_visibility_timeout_seconds: when set, failed messages get
        this visibility at once (0 = retry now), in one batch call; default
        None leaves them until their visibility timeout ends.
    """

    def __init__(
        self,
        *,
        queue_url: str,
        handler: Handler,
        sqs_client: Any,
        batch_size: int = SQS_BATCH_LIMIT,
        wait_time_seconds: int = MAX_WAIT_TIME_SECONDS,
        concurrency: int = SQS_BATCH_LIMIT,
        visibility_timeout_seconds: int | None = None,
        heartbeat_visibility_seconds: int = DEFAULT_HEARTBEAT_VISIBILITY_SECONDS,
        heartbeat_interval_seconds: float | None = None,
        failure_visibility_timeout_seconds: int | None = None,
    ) -> None:
        if not 1 <= batch_size <= SQS_BATCH_LIMIT:
            raise ValueError(f"batch_size={batch_size!r}: must be from 1 to {SQS_BATCH_LIMIT}")
        if not 0 <= wait_time_seconds <= MAX_WAIT_TIME_SECONDS:
            raise ValueError(
                f"wait_time_seconds={wait_time_seconds!r}: must be from 0 to "
                f"{MAX_WAIT_TIME_SECONDS}"
            )
        if concurrency < 1:
            raise ValueError(f"concurrency={concurrency!r}: must be at least 1")
        if heartbeat_visibility_seconds < 1:
            raise ValueError(
                f"heartbeat_visibility_seconds={heartbeat_visibility_seconds!r}: must be at least 1"
            )
        self.queue_url = queue_url
        self.handler = handler
        self.sqs = sqs_client
        self.batch_size = batch_size
        self.wait_time_seconds = wait_time_seconds
        self.concurrency = concurrency
        self.heartbeat_visibility_seconds = heartbeat_visibility_seconds
        self.failure_visibility_timeout_seconds = failure_visibility_timeout_seconds
        self.fifo = queue_url.endswith(".fifo")
        self._system_attributes = _system_attributes_parameter(sqs_client)
        self.stats = WorkerStats()
        self._visibility = visibility_timeout_seconds
        self._heartbeat_interval = heartbeat_interval_seconds
        self._stop = threading.Event()
        self._in_flight: dict[str, _InFlight] = {}
        self._lock = threading.Lock()
        #: notified (under ``_lock``) whenever messages leave ``_in_flight``
        self._in_flight_left = threading.Condition(self._lock)
        self._heartbeat_lock = threading.Lock()

    # --- control -------------------------------------------------------------

    def stop(self, reason: str = "requested") -> None:
        """Asks the worker to drain: no new receives, finish what is in flight."""
        if not self._stop.is_set():
            LOG.info("drain: %s; finishing in-flight messages, receiving no more", reason)
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def install_signal_handlers(self) -> None:
        """SIGTERM (systemd stop, instance shutdown) and SIGINT start the drain."""

        def on_signal(signum: int, _frame: FrameType | None) -> None:
            self.stop(f"received {signal.Signals(signum).name}")

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)

    # --- main loop -----------------------------------------------------------

    def run(self, *, stop_when_idle: bool = False) -> WorkerStats:
        """Receives and handles batches until stopped (or, if asked, until idle).

        ``stop_when_idle`` ends the loop after the first empty receive: for
        scripts, benchmarks and tests that drain a queue once.
        """
        visibility = self._queue_visibility_timeout()
        interval = self._heartbeat_interval or max(
            0.5, min(visibility, self.heartbeat_visibility_seconds) / 4
        )
        heartbeat = threading.Thread(
            target=self._heartbeat_loop, args=(interval,), name="heartbeat", daemon=True
        )
        heartbeat.start()
        LOG.info(
            "started: queue=%s batch_size=%d concurrency=%d visibility=%ds heartbeat=%gs",
            self.queue_url,
            self.batch_size,
            self.concurrency,
            visibility,
            interval,
        )
        try:
            with ThreadPoolExecutor(self.concurrency, thread_name_prefix="handler") as pool:
                while not self.stopping:
                    raw = self._receive(visibility)
                    if self.stopping:
                        self._release(raw)
                        break
                    if not raw:
                        if stop_when_idle:
                            break
                        continue
                    self._handle_batch(pool, raw, visibility)
        finally:
            self._stop.set()
            heartbeat.join()
        LOG.info(
            "stopped: received=%d processed=%d failed=%d released=%d extended=%d",
            self.stats.received,
            self.stats.processed,
            self.stats.failed,
            self.stats.released,
            self.stats.visibility_extensions,
        )
        return self.stats

    # --- internals -----------------------------------------------------------

    def _queue_visibility_timeout(self) -> int:
        if self._visibility is None:
            attrs = self.sqs.get_queue_attributes(
                QueueUrl=self.queue_url, AttributeNames=["VisibilityTimeout"]
            )["Attributes"]
            self._visibility = int(attrs["VisibilityTimeout"])
        return self._visibility

    def _receive(self, visibility: int) -> list[dict[str, Any]]:
        response = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=self.batch_size,
            WaitTimeSeconds=self.wait_time_seconds,
            VisibilityTimeout=visibility,
            MessageAttributeNames=["All"],
            **{self._system_attributes: ["All"]},
        )
        messages: list[dict[str, Any]] = response.get("Messages", [])
        if messages:
            self.stats.add(received=len(messages))
            LOG.debug("received %d messages", len(messages))
        return messages

    def _handle_batch(
        self, pool: ThreadPoolExecutor, raw: list[dict[str, Any]], visibility: int
    ) -> None:
        messages = [WorkerMessage.from_sqs(m) for m in raw]
        deadline = time.monotonic() + visibility
        with self._lock:
            for m in messages:
                self._in_flight[m.message_id] = _InFlight(m, deadline)
        outcome = _Outcome()
        for part in pool.map(self._handle_sequence, _sequences(messages, fifo=self.fifo)):
            outcome.merge(part)
        # Forget the batch before any visibility change: a heartbeat after the
        # release would hide the returned messages again for its whole span.
        with self._heartbeat_lock, self._lock:
            for m in messages:
                self._in_flight.pop(m.message_id, None)
            self._in_flight_left.notify_all()
        self._delete(outcome.succeeded)
        if self.failure_visibility_timeout_seconds is not None and outcome.failed:
            self._change_visibility(outcome.failed, self.failure_visibility_timeout_seconds)
        if outcome.unstarted:
            released = self._change_visibility(outcome.unstarted, 0)
            self.stats.add(released=released)
            LOG.info("drain: returned %d unstarted messages to the queue", released)

    def _handle_sequence(self, sequence: list[WorkerMessage]) -> _Outcome:
        """Handles messages in order; after a failure the rest count as failed.

        On a standard queue every sequence holds one message. On a FIFO queue
        a sequence is one message group's share of the batch: handling a later
        message after an earlier one failed would break the group's order.
        Once a drain has begun, messages not yet started are not started.
        """
        outcome = _Outcome()
        for index, message in enumerate(sequence):
            if self.stopping:
                outcome.unstarted.extend(sequence[index:])
                return outcome
            try:
                self.handler(message)
            except Exception as exc:  # the handler's failure is data, not a crash
                LOG.warning(
                    "message %s failed (receive %d): %s: %s",
                    message.message_id,
                    message.receive_count,
                    type(exc).__name__,
                    exc,
                )
                self.stats.add(failed=1)
                outcome.failed.extend(sequence[index:])
                return outcome
            self.stats.add(processed=1)
            outcome.succeeded.append(message)
            with self._lock:
                # done: no heartbeat needed any more
                self._in_flight.pop(message.message_id, None)
                self._in_flight_left.notify_all()
        return outcome

    def _delete(self, messages: Sequence[WorkerMessage]) -> None:
        for chunk in _chunks(messages, SQS_BATCH_LIMIT):
            response = self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m.receipt_handle} for i, m in enumerate(chunk)
                ],
            )
            for failure in response.get("Failed", []):
                # The message will be delivered again: handlers must be idempotent.
                self.stats.add(delete_failures=1)
                LOG.error(
                    "delete of message %s failed: %s %s",
                    chunk[int(failure["Id"])].message_id,
                    failure.get("Code"),
                    failure.get("Message"),
                )

    def _change_visibility(self, messages: Sequence[WorkerMessage], seconds: int) -> int:
        changed = 0
        for chunk in _chunks(messages, SQS_BATCH_LIMIT):
            response = self.sqs.change_message_visibility_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m.receipt_handle, "VisibilityTimeout": seconds}
                    for i, m in enumerate(chunk)
                ],
            )
            changed += len(response.get("Successful", []))
            for failure in response.get("Failed", []):
                LOG.warning(
                    "visibility change of message %s failed: %s",
                    chunk[int(failure["Id"])].message_id,
                    failure.get("Code"),
                )
        return changed

    def _release(self, raw: list[dict[str, Any]]) -> None:
        """Returns messages received while draining to the queue at once."""
        if not raw:
            return
        messages = [WorkerMessage.from_sqs(m) for m in raw]
        released = self._change_visibility(messages, 0)
        self.stats.add(released=released)
        LOG.info("drain: returned %d unstarted messages to the queue", released)

    def _heartbeat_loop(self, interval: float) -> None:
        while not self._stop.wait(interval):
            self._extend_expiring(interval)
        # Keep the final batch visible while it drains; wake the moment it is
        # done (a sleep of one interval would hold up the drain's end by as much).
        while True:
            with self._lock:
                self._in_flight_left.wait_for(lambda: not self._in_flight, timeout=interval)
                if not self._in_flight:
                    return
            self._extend_expiring(interval)

    def _extend_expiring(self, interval: float) -> None:
        # One look and its extension at a time with `_handle_batch`'s forgetting:
        # a message is never extended after its batch let it go.
        with self._heartbeat_lock:
            self._extend_expiring_locked(interval)

    def _extend_expiring_locked(self, interval: float) -> None:
        now = time.monotonic()
        with self._lock:
            expiring = [
                f.message for f in self._in_flight.values() if f.visible_until - now < 2 * interval
            ]
        if not expiring:
            return
        changed = self._change_visibility(expiring, self.heartbeat_visibility_seconds)
        new_deadline = time.monotonic() + self.heartbeat_visibility_seconds
        with self._lock:
            for m in expiring:
                if m.message_id in self._in_flight:
                    self._in_flight[m.message_id].visible_until = new_deadline
        self.stats.add(visibility_extensions=changed)
        LOG.info(
            "heartbeat: extended %d in-progress messages by %ds",
            changed,
            self.heartbeat_visibility_seconds,
        )


def _system_attributes_parameter(sqs_client: Any) -> str:
    """The ReceiveMessage parameter that asks for system attributes, per botocore.

    ``MessageSystemAttributeNames`` replaced ``AttributeNames`` in botocore
    1.34.9x; older botocore (Amazon Linux 2023 ships 1.31.21) refuses the new
    name before sending anything (``ParamValidationError``). SQS accepts both.
    """
    try:
        operation = sqs_client.meta.service_model.operation_model("ReceiveMessage")
    except AttributeError:  # not a botocore client (a test double): the current name
        return "MessageSystemAttributeNames"
    if "MessageSystemAttributeNames" in operation.input_shape.members:
        return "MessageSystemAttributeNames"
    return "AttributeNames"


def _sequences(messages: list[WorkerMessage], *, fifo: bool) -> list[list[WorkerMessage]]:
    if not fifo:
        return [[m] for m in messages]
    groups: dict[str, list[WorkerMessage]] = {}
    for m in messages:  # SQS returns a group's messages in order
        groups.setdefault(m.message_group_id or "", []).append(m)
    return list(groups.values())


def _chunks(items: Sequence[WorkerMessage], size: int) -> Iterable[Sequence[WorkerMessage]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- Auto Scaling lifecycle --------------------------------------------------


class InstanceMetadata:
    """Reads the instance metadata service with IMDSv2 session tokens.

    The fleet's launch template requires IMDSv2 (a token on every read) and
    exposes instance tags, so the worker can learn its group's name, which
    the user data cannot hold (see ``worker_settings.py``).
    """

    def __init__(self, endpoint: str = IMDS_ENDPOINT, *, timeout: float = 2.0) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.timeout = timeout

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> InstanceMetadata:
        return cls(environ.get(IMDS_ENDPOINT_VARIABLE) or IMDS_ENDPOINT)

    def get(self, path: str) -> str:
        """GET ``/latest/meta-data/<path>``; raises OSError (incl. HTTPError) on failure."""
        token_request = urllib.request.Request(
            f"{self.endpoint}/latest/api/token",
            method="PUT",
            headers={"X-aws-ec2-metadata-token-ttl-seconds": "60"},
        )
        with urllib.request.urlopen(token_request, timeout=self.timeout) as response:
            token = response.read().decode()
        request = urllib.request.Request(
            f"{self.endpoint}/latest/meta-data/{path}",
            headers={"X-aws-ec2-metadata-token": token},
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            return str(response.read().decode())

    def instance_id(self) -> str:
        return self.get("instance-id")

    def auto_scaling_group_name(self) -> str:
        """From the instance tag; 404 (HTTPError) when instance metadata tags are off."""
        return self.get(f"tags/instance/{GROUP_NAME_TAG}")

    def target_lifecycle_state(self) -> str:
        """The Auto Scaling target lifecycle state, e.g. ``InService`` or ``Terminated``."""
        return self.get("autoscaling/target-lifecycle-state")


class LifecycleWatcher:
    """Drains the worker when Auto Scaling takes its instance out of service.

    Scale-in with the fleet's ``INSTANCE_TERMINATING`` lifecycle hook moves the
    instance to ``Terminating:Wait``, and its metadata's target lifecycle
    state to ``Terminated``. The watcher sees that (or any of
    `LEAVING_STATES`), stops the worker, and once the worker has drained,
    `complete` tells Auto Scaling to go on (``CompleteLifecycleAction``,
    result ``CONTINUE``) instead of waiting for the hook's heartbeat timeout.
    """

    def __init__(
        self,
        worker: QueueWorker,
        *,
        autoscaling_client: Any,
        auto_scaling_group_name: str,
        lifecycle_hook_name: str,
        instance_id: str,
        state_source: Callable[[], str] | None = None,
        poll_seconds: float = LIFECYCLE_POLL_SECONDS,
    ) -> None:
        self.worker = worker
        self.autoscaling = autoscaling_client
        self.group = auto_scaling_group_name
        self.hook = lifecycle_hook_name
        self.instance_id = instance_id
        self.state_source = state_source or InstanceMetadata().target_lifecycle_state
        self.poll_seconds = poll_seconds
        #: the target lifecycle state that started the drain (None: none did)
        self.state: str | None = None
        self._thread = threading.Thread(target=self._watch, name="lifecycle", daemon=True)

    @property
    def terminating(self) -> bool:
        """True once a target lifecycle state has drained the worker."""
        return self.state is not None

    @property
    def returns_to_service(self) -> bool:
        """The instance stays running out of service and may come back (`wait_for_service`)."""
        return self.state in RETURNING_STATES

    def start(self) -> None:
        """Looks once now (a worker restarted on a terminating instance must
        not receive), then keeps looking in a thread."""
        if not self._leaving_now():
            self._thread.start()

    def _watch(self) -> None:
        while not self.worker.stopping:
            time.sleep(self.poll_seconds)
            if self._leaving_now():
                return

    def _read_state(self) -> str | None:
        try:
            return self.state_source()
        except OSError as exc:  # metadata briefly unreachable: look again later
            LOG.debug("target lifecycle state unavailable: %s", exc)
            return None

    def _leaving_now(self) -> bool:
        state = self._read_state()
        if state not in LEAVING_STATES:
            return False
        self.state = state
        self.worker.stop(f"Auto Scaling target lifecycle state is {state}")
        return True

    def complete(self) -> bool:
        """After the drain: lets Auto Scaling take the instance now.

        Only where an action may wait (`ACTION_STATES`). Auto Scaling's refusal
        is an answer, logged and returned as False, never raised: a restarted
        worker could not change it.
        """
        if self.state is None:
            return False
        if self.state not in ACTION_STATES:
            LOG.info(
                "no lifecycle action to complete: the target lifecycle state is %s "
                "(no hook waits on it)",
                self.state,
            )
            return False
        try:
            self.autoscaling.complete_lifecycle_action(
                AutoScalingGroupName=self.group,
                LifecycleHookName=self.hook,
                InstanceId=self.instance_id,
                LifecycleActionResult="CONTINUE",
            )
        except Exception as exc:
            code, message = _aws_error(exc)
            if code is None:
                raise  # not an answer of Auto Scaling's: a fault to see
            if code == "ValidationError":
                LOG.warning(
                    "no pending lifecycle action for instance %s (%s): Auto Scaling has gone "
                    "on without it (the hook's heartbeat timeout passed, or no hook waits on "
                    "this transition)",
                    self.instance_id,
                    message,
                )
            else:
                LOG.error(
                    "CompleteLifecycleAction refused: %s %s; Auto Scaling goes on after the "
                    "hook's heartbeat timeout",
                    code,
                    message,
                )
            return False
        LOG.info("lifecycle action completed: instance %s may terminate", self.instance_id)
        return True

    def wait_for_service(self, stop: threading.Event) -> bool:
        """While the instance waits out of service (``Warmed:Running``): True once
        it is ``InService`` again; False on a state that leaves for good, or
        when ``stop`` is set (a signal)."""
        LOG.info("waiting, not consuming, until the instance is InService (now %s)", self.state)
        while not stop.wait(self.poll_seconds):
            state = self._read_state()
            if state == IN_SERVICE:
                return True
            if state in LEAVING_STATES and state not in RETURNING_STATES:
                self.state = state
                LOG.info("target lifecycle state is %s: not returning to service", state)
                return False
        return False


def _aws_error(exc: Exception) -> tuple[str | None, str]:
    """(code, message) of a botocore ClientError; (None, "") for anything else."""
    response = getattr(exc, "response", None)
    error = response.get("Error", {}) if isinstance(response, dict) else {}
    code = error.get("Code")
    return (str(code), str(error.get("Message", ""))) if code else (None, "")


# --- entry point ---------------------------------------------------------------


def load_handler(spec: str, extra_paths: Iterable[str] = ()) -> Handler:
    """Imports ``module:function`` (after adding ``extra_paths`` to sys.path)."""
    module_name, sep, attribute = spec.partition(":")
    if not sep or not module_name or not attribute:
        raise ValueError(f"WORKER_HANDLER={spec!r}: expected 'module:function'")
    for path in extra_paths:
        if path and path not in sys.path:
            sys.path.insert(0, path)
    handler = getattr(importlib.import_module(module_name), attribute)
    if not callable(handler):
        raise ValueError(f"WORKER_HANDLER={spec!r}: {attribute} is not callable")
    return handler  # type: ignore[no-any-return]


def worker_from_settings(settings: WorkerSettings, sqs_client: Any) -> QueueWorker:
    """Builds the worker the fleet's user data describes."""
    return QueueWorker(
        queue_url=settings.queue_url,
        handler=load_handler(settings.handler, settings.handler_path),
        sqs_client=sqs_client,
        batch_size=settings.batch_size,
        wait_time_seconds=settings.wait_time_seconds,
        concurrency=settings.concurrency,
        visibility_timeout_seconds=settings.visibility_timeout_seconds,
        heartbeat_visibility_seconds=settings.heartbeat_visibility_seconds,
    )


def worker_from_environment(environ: Mapping[str, str], sqs_client: Any) -> QueueWorker:
    """Builds a worker from the variables the fleet's user data sets."""
    return worker_from_settings(WorkerSettings.from_environment(environ), sqs_client)


def start_lifecycle_watcher(
    worker: QueueWorker,
    settings: WorkerSettings,
    metadata: InstanceMetadata,
    autoscaling_client: Callable[[], Any],
) -> LifecycleWatcher | None:
    """Watches for scale-in when the fleet named a lifecycle hook; None otherwise.

    Without its group's name and its instance id (metadata unreachable, tags
    not exposed) the worker cannot complete the action: it says so and runs
    anyway; SIGTERM still drains it, and Auto Scaling goes on after the
    hook's heartbeat timeout.
    """
    if settings.lifecycle_hook_name is None:
        return None
    try:
        group, instance_id = metadata.auto_scaling_group_name(), metadata.instance_id()
    except OSError as exc:
        LOG.error(
            "lifecycle drain off: cannot read the group name (instance tag %s) and the "
            "instance id from the instance metadata at %s: %s",
            GROUP_NAME_TAG,
            metadata.endpoint,
            exc,
        )
        return None
    watcher = LifecycleWatcher(
        worker,
        autoscaling_client=autoscaling_client(),
        auto_scaling_group_name=group,
        lifecycle_hook_name=settings.lifecycle_hook_name,
        instance_id=instance_id,
        state_source=metadata.target_lifecycle_state,
        poll_seconds=settings.lifecycle_poll_seconds,
    )
    LOG.info("lifecycle drain on: group %s, hook %s, instance %s", group, watcher.hook, instance_id)
    watcher.start()
    return watcher


class Shutdown:
    """SIGTERM/SIGINT: drains the running worker and ends any wait for service."""

    def __init__(self) -> None:
        self.requested = threading.Event()
        self.worker: QueueWorker | None = None

    def __call__(self, reason: str) -> None:
        self.requested.set()
        if self.worker is not None:
            self.worker.stop(reason)

    def install(self) -> None:
        def on_signal(signum: int, _frame: FrameType | None) -> None:
            self(f"received {signal.Signals(signum).name}")

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)


def run(environ: Mapping[str, str], shutdown: Shutdown | None = None) -> int:
    """Runs the worker the environment describes until it drains for good.

    A drain on a target lifecycle state completes the lifecycle action where
    one may wait; on ``Warmed:Running`` the worker waits for ``InService`` and
    starts receiving again. Returns 0 (systemd's ``Restart=on-failure`` then
    leaves it stopped).
    """
    shutdown = shutdown or Shutdown()
    settings = WorkerSettings.from_environment(environ)
    boto3 = importlib.import_module("boto3")  # the instance's own, untyped
    sqs = boto3.client("sqs", region_name=settings.region)
    metadata = InstanceMetadata.from_environment(environ)
    while not shutdown.requested.is_set():
        worker = shutdown.worker = worker_from_settings(settings, sqs)
        watcher = start_lifecycle_watcher(
            worker,
            settings,
            metadata,
            lambda: boto3.client("autoscaling", region_name=settings.region),
        )
        if shutdown.requested.is_set():
            worker.stop("a signal came while it started")
        worker.run()
        if watcher is None:
            break
        watcher.complete()
        if not watcher.returns_to_service or not watcher.wait_for_service(shutdown.requested):
            break
        LOG.info("the instance is InService again: receiving")
    return 0


def main(environ: Mapping[str, str] | None = None) -> int:
    """Runs the worker as the fleet's systemd unit starts it, until drained."""
    env = os.environ if environ is None else environ
    settings = WorkerSettings.from_environment(env)
    logging.basicConfig(
        level=settings.log_level,
        format="%(asctime)s %(levelname)s %(threadName)s %(message)s",
    )
    shutdown = Shutdown()
    shutdown.install()
    return run(env, shutdown)


# How instances start it (the unit's ExecStart runs this file): the path
# tests/constructs_lib/runtime/test_worker_on_instance.py starts it by, in a
# subprocess that coverage does not follow.
if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
