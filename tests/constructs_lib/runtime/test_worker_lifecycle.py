"""The worker's answers to every target lifecycle state Auto Scaling may report.

EC2 Auto Scaling User Guide, "Retrieve the target lifecycle state through
instance metadata": "The Auto Scaling instance lifecycle has two primary
steady states—InService and Terminated—and two side steady states—Detached
and Standby. If you use a warm pool, the lifecycle has four additional steady
states—Warmed:Hibernated, Warmed:Running, Warmed:Stopped, and
Warmed:Terminated." None of them, nor Auto Scaling's ``ValidationError`` for
an action no longer pending, may crash the worker: systemd would restart it
every 5 s (``Restart=on-failure``). The on-instance runs of the shipped worker
(Detached, a heartbeat timeout) are in ``test_worker_on_instance.py``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from constructs_lib.runtime import worker as worker_module
from constructs_lib.runtime.worker import LifecycleWatcher, QueueWorker
from constructs_lib.runtime.worker_settings import WorkerSettings
from constructs_lib_testing.lifecycle_hooks import scale_in_with_lifecycle_hooks

REGION = "us-east-1"
INSTANCE = "i-0123456789abcdef0"
NO_ACTION = f"No active Lifecycle Action found with instance ID {INSTANCE}"


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)


def idle_worker() -> QueueWorker:
    return QueueWorker(queue_url="https://q", handler=lambda m: None, sqs_client=object())


def watcher(state: str, client: Any) -> LifecycleWatcher:
    return LifecycleWatcher(
        idle_worker(),
        autoscaling_client=client,
        auto_scaling_group_name="workers",
        lifecycle_hook_name="drain",
        instance_id=INSTANCE,
        state_source=lambda: state,
        poll_seconds=0.05,
    )


def refusing_client() -> tuple[Any, Stubber]:
    """An Auto Scaling client answering CompleteLifecycleAction as AWS does
    when no action is pending."""
    client = boto3.client("autoscaling", region_name=REGION)
    stubber = Stubber(client)
    stubber.add_client_error(
        "complete_lifecycle_action", service_error_code="ValidationError", service_message=NO_ACTION
    )
    return client, stubber


def test_detached_drains_and_completes_no_action(aws_env: None) -> None:
    """A detached instance leaves the group running: no hook waits on it."""
    detached = watcher("Detached", client=object())  # any call on it would raise
    detached.start()
    assert detached.worker.stopping
    assert detached.state == "Detached"
    assert detached.complete() is False
    assert not detached.returns_to_service


@pytest.mark.parametrize(
    "state", ["Terminated", "Warmed:Terminated", "Warmed:Stopped", "Warmed:Hibernated"]
)
def test_no_pending_action_is_logged_not_raised(
    aws_env: None, state: str, caplog: pytest.LogCaptureFixture
) -> None:
    """https://docs.aws.amazon.com/autoscaling/ec2/userguide/warm-pool-instance-lifecycle.html

    "an instance that is returning to the warm pool pauses to perform a custom
    action at the Warmed:Pending:Wait state for the EC2_INSTANCE_TERMINATING
    lifecycle action": the worker tries to complete it for a Warmed:* state
    too, and takes Auto Scaling's ValidationError (no action pending: an
    instance launched into the pool, or the hook's timeout has passed) as an
    answer, not a crash.
    """
    client, stubber = refusing_client()
    leaving = watcher(state, client)
    leaving.start()
    with stubber, caplog.at_level(logging.WARNING, logger="queue_worker"):
        assert leaving.complete() is False
        stubber.assert_no_pending_responses()
    assert "no pending lifecycle action" in caplog.text
    assert NO_ACTION in caplog.text
    assert not leaving.returns_to_service


def test_other_refusals_are_logged_as_errors_not_raised(
    aws_env: None, caplog: pytest.LogCaptureFixture
) -> None:
    """A refusal a restart cannot mend (a missing permission) is reported, and
    Auto Scaling goes on after the hook's heartbeat timeout."""
    client = boto3.client("autoscaling", region_name=REGION)
    stubber = Stubber(client)
    stubber.add_client_error("complete_lifecycle_action", service_error_code="AccessDenied")
    leaving = watcher("Terminated", client)
    leaving.start()
    with stubber, caplog.at_level(logging.ERROR, logger="queue_worker"):
        assert leaving.complete() is False
    assert "AccessDenied" in caplog.text
    assert "heartbeat timeout" in caplog.text


class ScriptedMetadata:
    """IMDSv2 answering a target lifecycle state the test sets (moto has no warm pools)."""

    def __init__(self, state: str) -> None:
        self.state = state
        self.reads = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_PUT(self) -> None:
                self._answer("token")

            def do_GET(self) -> None:
                answers = {
                    "/latest/meta-data/instance-id": INSTANCE,
                    "/latest/meta-data/tags/instance/aws:autoscaling:groupName": "workers",
                    "/latest/meta-data/autoscaling/target-lifecycle-state": outer.state,
                }
                if self.path.endswith("target-lifecycle-state"):
                    outer.reads += 1
                self._answer(answers[self.path])

            def _answer(self, body: str) -> None:
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def endpoint(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"


@pytest.fixture
def handled(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "record_jobs.py").write_text(
        "import os, pathlib\n"
        "def handle(message):\n"
        "    pathlib.Path(os.environ['TEST_MARKS_DIR'], message.body).touch()\n"
    )
    yield tmp_path


def test_a_worker_in_a_running_warm_pool_waits_for_service_then_consumes(
    aws_env: None, handled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-warm-pools.html

    An instance launched into a warm pool of running instances
    (``Warmed:Running``) runs its user data, so the worker starts, but the
    instance is not in service: the worker must not consume. It keeps running
    (systemd would not start it again) and consumes once Auto Scaling moves
    the instance into the group (``InService``), then drains and exits 0 on
    ``Terminated``; Auto Scaling's answers to CompleteLifecycleAction come from
    the local account (no action pending: ``ValidationError``).
    """
    marks = handled / "marks"
    marks.mkdir()
    monkeypatch.setenv("TEST_MARKS_DIR", str(marks))  # the handler runs in this process
    metadata = ScriptedMetadata("Warmed:Running")
    with mock_aws(), scale_in_with_lifecycle_hooks():
        sqs = boto3.client("sqs", region_name=REGION)
        url = sqs.create_queue(QueueName="jobs")["QueueUrl"]
        sqs.send_message(QueueUrl=url, MessageBody="job-1")
        settings = WorkerSettings(
            queue_url=url,
            handler="record_jobs:handle",
            region=REGION,
            handler_path=(str(handled),),
            wait_time_seconds=0,
            lifecycle_hook_name="drain",
            lifecycle_poll_seconds=0.05,
        )
        environ = settings.to_environment() | {
            "AWS_EC2_METADATA_SERVICE_ENDPOINT": metadata.endpoint
        }
        outcome: list[int] = []
        main = threading.Thread(target=lambda: outcome.append(worker_module.run(environ)))
        main.start()
        _wait_for(lambda: metadata.reads >= 5)
        assert not list(marks.iterdir()), "it consumed while in the warm pool"
        metadata.state = "InService"
        _wait_for(lambda: (marks / "job-1").exists())
        metadata.state = "Terminated"
        main.join(timeout=20)
        assert not main.is_alive(), "the worker did not drain on Terminated"
    assert outcome == [0]


def _wait_for(condition: Any, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout} s")
        time.sleep(0.05)


def test_a_warm_pool_wait_ends_on_a_state_that_leaves_for_good(aws_env: None) -> None:
    states = iter(["Warmed:Running", "Warmed:Running", "Warmed:Terminated"])
    waiting = LifecycleWatcher(
        idle_worker(),
        autoscaling_client=object(),
        auto_scaling_group_name="workers",
        lifecycle_hook_name="drain",
        instance_id=INSTANCE,
        state_source=lambda: next(states),
        poll_seconds=0.01,
    )
    waiting.start()
    assert waiting.returns_to_service
    assert waiting.wait_for_service(threading.Event()) is False
    assert waiting.state == "Warmed:Terminated"


def test_a_warm_pool_wait_ends_on_a_signal(aws_env: None) -> None:
    waiting = watcher("Warmed:Running", client=object())
    waiting.start()
    stop = threading.Event()
    stop.set()
    assert waiting.wait_for_service(stop) is False
