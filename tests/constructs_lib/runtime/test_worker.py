"""The fleet's worker against real (moto) SQS queues: batching, failures,
heartbeat, FIFO order, drain, lifecycle and the pluggable handler."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws
from moto.server import ThreadedMotoServer

from constructs_lib.runtime import worker as worker_module
from constructs_lib.runtime.worker import (
    InstanceMetadata,
    LifecycleWatcher,
    QueueWorker,
    WorkerMessage,
    load_handler,
    start_lifecycle_watcher,
    worker_from_environment,
    worker_from_settings,
)
from constructs_lib.runtime.worker_settings import WorkerSettings
from constructs_lib_testing.queues import bodies, receive_all
from tests.sqs_serialized import SerializedClient

# the worker against moto with real receives, heartbeats and timeouts
pytestmark = pytest.mark.runtime

REGION = "us-east-1"
WORKER_SCRIPT = Path(worker_module.__file__)


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def sqs(aws_env: None) -> Iterator[Any]:
    with mock_aws():
        yield boto3.client("sqs", region_name=REGION)


def make_queue(
    sqs: Any, name: str, *, visibility: int = 30, max_receive_count: int = 3, fifo: bool = False
) -> tuple[str, str]:
    suffix = ".fifo" if fifo else ""
    fifo_attrs = {"FifoQueue": "true"} if fifo else {}
    dlq_url = sqs.create_queue(QueueName=f"{name}-dlq{suffix}", Attributes=fifo_attrs)["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    url = sqs.create_queue(
        QueueName=f"{name}{suffix}",
        Attributes={
            **fifo_attrs,
            "VisibilityTimeout": str(visibility),
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(max_receive_count)}
            ),
        },
    )["QueueUrl"]
    return url, dlq_url


def send(sqs: Any, url: str, bodies: list[str], **extra: Any) -> None:
    for start in range(0, len(bodies), 10):
        sqs.send_message_batch(
            QueueUrl=url,
            Entries=[
                {"Id": str(i), "MessageBody": body, **extra}
                for i, body in enumerate(bodies[start : start + 10])
            ],
        )


def drain_all(sqs: Any, url: str) -> list[str]:
    return bodies(receive_all(sqs, url))


def count_requests(client: Any) -> Counter[str]:
    calls: Counter[str] = Counter()

    def on_call(model: Any, **_: Any) -> None:
        calls[model.name] += 1

    client.meta.events.register("before-call.sqs.*", on_call)
    return calls


class Recorder:
    """A thread-safe handler that records bodies and fails on 'poison'."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.seen: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, message: WorkerMessage) -> None:
        if self.delay:
            time.sleep(self.delay)
        if message.body.startswith("poison"):
            raise ValueError(f"cannot process {message.body}")
        with self._lock:
            self.seen.append(message.body)


def test_batches_of_ten_one_receive_and_one_delete_per_batch(sqs: Any) -> None:
    url, _ = make_queue(sqs, "batching")
    send(sqs, url, [f"job-{i}" for i in range(30)])
    calls = count_requests(sqs)
    handler = Recorder()

    stats = QueueWorker(queue_url=url, handler=handler, sqs_client=sqs, wait_time_seconds=0).run(
        stop_when_idle=True
    )

    assert sorted(handler.seen) == sorted(f"job-{i}" for i in range(30))
    assert stats.processed == 30 and stats.failed == 0
    # 3 full receives + 1 empty one that ends the run; 3 batch deletes; the
    # queue's visibility timeout read once
    assert calls == Counter({"ReceiveMessage": 4, "DeleteMessageBatch": 3, "GetQueueAttributes": 1})
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["ApproximateNumberOfMessages"] == "0"
    assert attrs["ApproximateNumberOfMessagesNotVisible"] == "0"


def test_receive_uses_long_polling_and_the_batch_size(sqs: Any) -> None:
    url, _ = make_queue(sqs, "params")
    seen: list[dict[str, Any]] = []
    sqs.meta.events.register(
        "provide-client-params.sqs.ReceiveMessage", lambda params, **_: seen.append(dict(params))
    )
    send(sqs, url, ["a"])
    QueueWorker(
        queue_url=url,
        handler=Recorder(),
        sqs_client=sqs,
        batch_size=7,
        wait_time_seconds=1,
        visibility_timeout_seconds=45,
    ).run(stop_when_idle=True)
    assert seen[0]["MaxNumberOfMessages"] == 7
    assert seen[0]["WaitTimeSeconds"] == 1
    assert seen[0]["VisibilityTimeout"] == 45


def test_failures_are_redelivered_then_dead_lettered_and_nothing_is_lost(sqs: Any) -> None:
    url, dlq_url = make_queue(sqs, "failing", max_receive_count=3)
    good = [f"job-{i}" for i in range(23)]
    poison = ["poison-1", "poison-2"]
    send(sqs, url, good[:12] + poison + good[12:])
    handler = Recorder()

    # two workers on the same queue; failures become visible again at once
    shared = SerializedClient(sqs)  # moto's DLQ move is not thread-safe
    workers = [
        QueueWorker(
            queue_url=url,
            handler=handler,
            sqs_client=shared,
            wait_time_seconds=0,
            failure_visibility_timeout_seconds=0,
        )
        for _ in range(2)
    ]
    threads = [threading.Thread(target=w.run, kwargs={"stop_when_idle": True}) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    # every good message processed exactly once, every poison message in the DLQ
    assert sorted(handler.seen) == sorted(good)
    assert sum(w.stats.failed for w in workers) == 3 * len(poison)
    # moto moves a message to the DLQ on the receive after its last failure
    assert sorted(drain_all(sqs, dlq_url)) == poison
    assert drain_all(sqs, url) == []


def test_heartbeat_keeps_a_slow_message_invisible_to_other_workers(sqs: Any) -> None:
    url, _ = make_queue(sqs, "slow", visibility=2)
    send(sqs, url, ["slow"])
    slow = Recorder(delay=5.0)
    worker = QueueWorker(
        queue_url=url,
        handler=slow,
        sqs_client=sqs,
        wait_time_seconds=0,
        heartbeat_visibility_seconds=2,
        heartbeat_interval_seconds=0.4,
    )
    thread = threading.Thread(target=worker.run, kwargs={"stop_when_idle": True})
    thread.start()
    while worker.stats.received == 0:
        time.sleep(0.01)
    stolen = []
    # a competing consumer polls while the slow message is in progress: 5 s is
    # more than twice the 2-s visibility, so without heartbeats it would see it
    end = time.monotonic() + 4.5
    while time.monotonic() < end:
        got = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0, VisibilityTimeout=0)
        stolen.extend(m["Body"] for m in got.get("Messages", []))
        time.sleep(0.2)
    thread.join(timeout=30)

    assert stolen == []
    assert slow.seen == ["slow"]
    assert worker.stats.visibility_extensions >= 2
    assert drain_all(sqs, url) == []


def test_fifo_group_order_is_kept_and_a_failure_holds_back_its_group(sqs: Any) -> None:
    url, _ = make_queue(sqs, "ordered", fifo=True, max_receive_count=5)
    for i, body in enumerate(["a1", "a2", "poison-a3", "a4", "b1", "b2"]):
        sqs.send_message(
            QueueUrl=url,
            MessageBody=body,
            MessageGroupId=body.removeprefix("poison-")[0],
            MessageDeduplicationId=str(i),
        )
    handler = Recorder()
    worker = QueueWorker(queue_url=url, handler=handler, sqs_client=sqs, wait_time_seconds=0)
    worker.run(stop_when_idle=True)

    by_group: dict[str, list[str]] = {}
    for body in handler.seen:
        by_group.setdefault(body[0], []).append(body)
    assert by_group == {"a": ["a1", "a2"], "b": ["b1", "b2"]}
    # a4 was never handled before poison-a3: both are still in the queue
    assert worker.stats.failed == 1
    left = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    assert left["ApproximateNumberOfMessagesNotVisible"] == "2"


def test_stop_during_a_batch_finishes_started_messages_and_returns_the_rest(sqs: Any) -> None:
    url, _ = make_queue(sqs, "drain")
    send(sqs, url, [f"job-{i}" for i in range(10)])
    worker: QueueWorker

    def handler(message: WorkerMessage) -> None:
        time.sleep(0.3)
        if message.body == "job-1":
            worker.stop("test")
        recorder(message)

    recorder = Recorder()
    worker = QueueWorker(
        queue_url=url, handler=handler, sqs_client=sqs, wait_time_seconds=0, concurrency=1
    )
    stats = worker.run()

    assert recorder.seen == ["job-0", "job-1"]
    assert stats.released == 8
    # the returned messages are visible at once for other workers
    assert sorted(drain_all(sqs, url)) == sorted(f"job-{i}" for i in range(2, 10))


def test_a_drain_ends_when_the_last_message_is_done_not_a_heartbeat_later(sqs: Any) -> None:
    """The drain's final look waits for the batch, not for the heartbeat's next tick:
    on a scale-in the lifecycle action completes (and the instance goes) that much
    sooner, and a SIGTERM'd worker exits before systemd's stop timeout."""
    url, _ = make_queue(sqs, "prompt")
    send(sqs, url, ["only"])
    worker: QueueWorker

    def handler(message: WorkerMessage) -> None:
        worker.stop("test")  # the drain starts while this message is in flight ...
        time.sleep(0.3)  # ... and it takes a moment to finish

    worker = QueueWorker(
        queue_url=url,
        handler=handler,
        sqs_client=sqs,
        wait_time_seconds=0,
        heartbeat_interval_seconds=60,
    )
    thread = threading.Thread(target=worker.run)
    thread.start()
    thread.join(timeout=20)
    finished = not thread.is_alive()
    worker.stop("test over")
    thread.join()

    assert finished, "run() was still waiting for the heartbeat's next tick (60 s)"
    assert worker.stats.processed == 1


def test_lifecycle_watcher_drains_and_completes_the_lifecycle_action(sqs: Any) -> None:
    url, _ = make_queue(sqs, "scale-in")
    send(sqs, url, ["job"])
    states = iter(["InService", "InService", "Terminated"])
    worker = QueueWorker(queue_url=url, handler=Recorder(), sqs_client=sqs, wait_time_seconds=1)
    # moto has no CompleteLifecycleAction: stub the real client's call instead
    autoscaling = boto3.client("autoscaling", region_name=REGION)
    stubber = Stubber(autoscaling)
    stubber.add_response(
        "complete_lifecycle_action",
        {},
        {
            "AutoScalingGroupName": "workers",
            "LifecycleHookName": "drain",
            "InstanceId": "i-0123456789abcdef0",
            "LifecycleActionResult": "CONTINUE",
        },
    )
    watcher = LifecycleWatcher(
        worker,
        autoscaling_client=autoscaling,
        auto_scaling_group_name="workers",
        lifecycle_hook_name="drain",
        instance_id="i-0123456789abcdef0",
        state_source=lambda: next(states),
        poll_seconds=0.2,
    )
    with stubber:
        watcher.start()
        stats = worker.run()  # returns only because the watcher stopped it
        assert watcher.complete() is True
        stubber.assert_no_pending_responses()
    assert watcher.terminating
    assert stats.processed == 1


def test_lifecycle_watcher_does_not_complete_when_not_terminating(sqs: Any) -> None:
    worker = QueueWorker(queue_url="https://q", handler=Recorder(), sqs_client=sqs)
    assert watcher_in_state(worker, "InService").complete() is False


def watcher_in_state(worker: QueueWorker, state: str) -> LifecycleWatcher:
    """A watcher whose instance metadata always reports ``state``."""
    return LifecycleWatcher(
        worker,
        autoscaling_client=object(),
        auto_scaling_group_name="g",
        lifecycle_hook_name="h",
        instance_id="i-1",
        state_source=lambda: state,
    )


def test_load_handler_imports_module_function_from_extra_path(tmp_path: Path) -> None:
    (tmp_path / "my_jobs_handler.py").write_text(
        "def handle(message):\n    return 'handled ' + message.body\n"
    )
    handler = load_handler("my_jobs_handler:handle", [str(tmp_path)])
    message = WorkerMessage(message_id="1", body="x", receipt_handle="r")
    assert handler(message) == "handled x"  # type: ignore[func-returns-value]


@pytest.mark.parametrize(
    ("spec", "error"),
    [
        ("no_colon", "expected 'module:function'"),
        (":handle", "expected 'module:function'"),
        ("json:__doc__", "is not callable"),
    ],
)
def test_load_handler_rejects_bad_specs(spec: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        load_handler(spec)


def test_worker_from_environment_reads_every_setting(sqs: Any) -> None:
    worker = worker_from_environment(
        {
            "QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/jobs",
            "WORKER_HANDLER": "json:dumps",
            "WORKER_BATCH_SIZE": "5",
            "WORKER_CONCURRENCY": "3",
            "WORKER_WAIT_TIME_SECONDS": "7",
            "WORKER_VISIBILITY_TIMEOUT_SECONDS": "90",
            "WORKER_HEARTBEAT_VISIBILITY_SECONDS": "120",
        },
        sqs,
    )
    assert (worker.batch_size, worker.concurrency, worker.wait_time_seconds) == (5, 3, 7)
    assert worker.heartbeat_visibility_seconds == 120
    assert worker._queue_visibility_timeout() == 90
    assert worker.handler is json.dumps


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"batch_size": 11}, "batch_size=11: must be from 1 to 10"),
        ({"wait_time_seconds": 21}, "wait_time_seconds=21: must be from 0 to 20"),
        ({"concurrency": 0}, "concurrency=0: must be at least 1"),
        ({"heartbeat_visibility_seconds": 0}, "must be at least 1"),
    ],
)
def test_worker_rejects_bad_settings(kwargs: dict[str, int], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        QueueWorker(queue_url="https://q", handler=Recorder(), sqs_client=None, **kwargs)


# --- the shipped script in its own process, stopped with a real SIGTERM ------


@pytest.fixture
def moto_server(aws_env: None) -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def test_worker_script_drains_on_sigterm(moto_server: str, tmp_path: Path) -> None:
    sqs = boto3.client("sqs", region_name=REGION, endpoint_url=moto_server)
    url, _ = make_queue(sqs, "sigterm", visibility=30)
    send(sqs, url, [f"job-{i}" for i in range(6)])
    marks = tmp_path / "marks"
    marks.mkdir()
    (tmp_path / "slow_handler.py").write_text(
        "import pathlib, time\n"
        f"MARKS = pathlib.Path({str(marks)!r})\n"
        "def handle(message):\n"
        "    (MARKS / ('started-' + message.body)).touch()\n"
        "    time.sleep(2)\n"
        "    (MARKS / ('done-' + message.body)).touch()\n"
    )
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL": moto_server,
        "QUEUE_URL": url,
        "WORKER_HANDLER": "slow_handler:handle",
        "WORKER_HANDLER_PATH": str(tmp_path),
        "WORKER_CONCURRENCY": "2",
        "WORKER_WAIT_TIME_SECONDS": "1",
    }
    # run exactly as the instances do: the file on its own, not the package
    process = subprocess.Popen(
        [sys.executable, str(WORKER_SCRIPT)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=tmp_path,
    )
    deadline = time.monotonic() + 30
    while not list(marks.glob("started-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=30)

    assert process.returncode == 0, output
    started = {p.name.removeprefix("started-") for p in marks.glob("started-*")}
    done = {p.name.removeprefix("done-") for p in marks.glob("done-*")}
    assert started and started == done  # every started message finished
    assert "drain: received SIGTERM" in output
    # what was not started is back in the queue at once; nothing was lost
    remaining = drain_all(sqs, url)
    assert sorted(remaining + sorted(done)) == sorted(f"job-{i}" for i in range(6))
    assert len(remaining) == 6 - len(done) > 0


# --- the instance's own boto3, and the lifecycle drain's set-up ---------------------


class _Shape:
    def __init__(self, members: list[str]) -> None:
        self.members = dict.fromkeys(members)


class _OldSqsClient:
    """A botocore client as boto3 1.28.21 builds it: no MessageSystemAttributeNames."""

    class meta:
        class service_model:
            @staticmethod
            def operation_model(name: str) -> Any:
                assert name == "ReceiveMessage"
                return type("Op", (), {"input_shape": _Shape(["QueueUrl", "AttributeNames"])})


def test_system_attributes_are_asked_for_by_the_name_botocore_knows(sqs: Any) -> None:
    new = QueueWorker(queue_url="https://q", handler=Recorder(), sqs_client=sqs)
    old = QueueWorker(queue_url="https://q", handler=Recorder(), sqs_client=_OldSqsClient())
    assert new._system_attributes == "MessageSystemAttributeNames"
    assert old._system_attributes == "AttributeNames"


def test_receive_count_arrives_under_either_parameter(sqs: Any) -> None:
    url, _ = make_queue(sqs, "attributes")
    send(sqs, url, ["a"])
    seen: list[WorkerMessage] = []
    worker = QueueWorker(queue_url=url, handler=seen.append, sqs_client=sqs, wait_time_seconds=0)
    worker._system_attributes = "AttributeNames"  # what the worker sends on old botocore
    worker.run(stop_when_idle=True)
    assert [m.receive_count for m in seen] == [1]
    assert "SentTimestamp" in seen[0].attributes


def test_no_lifecycle_hook_no_watcher(sqs: Any) -> None:
    settings = WorkerSettings(queue_url="https://q", handler="json:dumps")
    worker = worker_from_settings(settings, sqs)
    assert start_lifecycle_watcher(worker, settings, InstanceMetadata(), object) is None


def test_unreachable_metadata_turns_the_drain_off_and_says_so(
    sqs: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings = WorkerSettings(queue_url="https://q", handler="json:dumps", lifecycle_hook_name="h")
    worker = worker_from_settings(settings, sqs)
    closed = InstanceMetadata("http://127.0.0.1:9", timeout=0.5)  # discard port: nothing listens
    with caplog.at_level("ERROR", logger="queue_worker"):
        assert start_lifecycle_watcher(worker, settings, closed, object) is None
    assert "lifecycle drain off: cannot read the group name" in caplog.text


def test_a_worker_started_on_a_terminating_instance_receives_nothing(sqs: Any) -> None:
    url, _ = make_queue(sqs, "late")
    send(sqs, url, ["job"])
    worker = QueueWorker(queue_url=url, handler=Recorder(), sqs_client=sqs, wait_time_seconds=0)
    watcher = watcher_in_state(worker, "Terminated")
    watcher.start()
    assert worker.stopping and watcher.terminating
    assert worker.run().received == 0


class _HeartbeatRightAfterRelease:
    """An SQS client that lets the heartbeat run just after each release.

    The heartbeat thread may look at the in-flight messages at any moment;
    this makes it look at the worst one: right after the worker returned the
    unstarted messages (visibility 0) and before it forgot them.
    """

    def __init__(self, client: Any) -> None:
        self._client = client
        self.worker: QueueWorker | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def change_message_visibility_batch(self, **kwargs: Any) -> Any:
        response = self._client.change_message_visibility_batch(**kwargs)
        if self.worker is not None and kwargs["Entries"][0]["VisibilityTimeout"] == 0:
            self.worker._extend_expiring(interval=3600)  # everything counts as expiring
        return response


def test_returned_messages_stay_visible_whatever_the_heartbeat_does(sqs: Any) -> None:
    url, _ = make_queue(sqs, "race")
    send(sqs, url, [f"job-{i}" for i in range(10)])
    client = _HeartbeatRightAfterRelease(sqs)
    worker: QueueWorker

    def handler(message: WorkerMessage) -> None:
        worker.stop("test")  # the first message starts the drain

    worker = QueueWorker(
        queue_url=url, handler=handler, sqs_client=client, wait_time_seconds=0, concurrency=1
    )
    client.worker = worker
    stats = worker.run()

    assert stats.released == 9
    attributes = sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    assert attributes == {
        "ApproximateNumberOfMessages": "9",
        "ApproximateNumberOfMessagesNotVisible": "0",
    }


def test_a_fair_queue_is_consumed_as_the_standard_queue_it_is(sqs: Any) -> None:
    """Fair queues (2025): a standard queue takes MessageGroupId as a tenant key.

    SQS orders nothing there, so the worker must not hold a group back behind
    a failed message, as it does on a FIFO queue.
    """
    url, _ = make_queue(sqs, "fair", max_receive_count=5)
    send(sqs, url, ["t1-first", "poison-t1", "t1-later"], MessageGroupId="tenant-1")
    groups: dict[str, str | None] = {}
    recorder = Recorder()

    def handler(message: WorkerMessage) -> None:
        groups[message.body] = message.message_group_id
        recorder(message)

    worker = QueueWorker(queue_url=url, handler=handler, sqs_client=sqs, wait_time_seconds=0)
    worker.run(stop_when_idle=True)

    assert sorted(recorder.seen) == ["t1-first", "t1-later"]  # not held behind the failure
    assert worker.stats.failed >= 1
    assert set(groups.values()) == {"tenant-1"}
