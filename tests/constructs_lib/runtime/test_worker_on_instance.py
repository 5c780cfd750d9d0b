"""The shipped worker, started exactly as the fleet's user data starts it, through a scale-in.

A fleet is synthesized, its assets published and its template deployed into
a local account (a moto server on loopback). One instance is launched; its
user data is read back from the deployed launch template; the code is
downloaded and unpacked as the script does; the worker is started as systemd
would, with the script's environment file, under two interpreters: this
environment's boto3, and the oldest boto3 that Amazon Linux 2023 ships
(1.28.21, in ``.venv-boto3-1.28``, which ``make setup`` creates).

Then a scale-in with the drain hook, as AWS runs it: the instance waits in
``Terminating:Wait`` (`constructs_lib_testing.lifecycle_hooks`), its instance
metadata says ``Terminated`` (`constructs_lib_testing.instance_metadata`),
and the worker must stop receiving, finish what it started, return the rest
at once and call ``CompleteLifecycleAction``, which terminates the instance
long before the hook's 5-minute timeout.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_cdk import Duration, Stack, cx_api
from aws_cdk import aws_ec2 as ec2
from moto.server import ThreadedMotoServer

from constructs_lib import QueueWorkerFleet, SecureQueue
from constructs_lib_testing import deploy_template, logical_id_of
from constructs_lib_testing.assets import publish_file_assets
from constructs_lib_testing.instance_metadata import FakeInstanceMetadata
from constructs_lib_testing.lifecycle_hooks import (
    scale_in_with_lifecycle_hooks,
    time_out_pending_lifecycle_actions,
)
from constructs_lib_testing.worker_instance import WorkerInstance, launch_template_user_data
from tests.conftest import REPO_ROOT, new_app

pytestmark = pytest.mark.runtime

REGION = "us-east-1"
ENV = {"account": "123456789012", "region": REGION}
#: The oldest boto3 AL2023's repositories ship (amazonlinux/amazon-linux-2023#704).
OLD_BOTO3_PYTHON = REPO_ROOT / ".venv-boto3-1.28" / "bin" / "python"
MESSAGES = 20
#: Each message takes longer than the queue's visibility timeout (2 s): only
#: the worker's heartbeat keeps it from being delivered twice.
HANDLER_SECONDS = 3
#: How often the worker reads its target lifecycle state (its default is 5 s).
LIFECYCLE_POLL_SECONDS = 1

SLOW_HANDLER = f"""
import os, pathlib, time

def handle(message):
    marks = pathlib.Path(os.environ["TEST_MARKS_DIR"])
    (marks / ("started-" + message.body)).touch()
    time.sleep({HANDLER_SECONDS})
    with open(marks / ("done-" + message.body), "a") as done:
        done.write("x")
"""


@dataclass(frozen=True)
class Fleet:
    assembly: cx_api.CloudAssembly
    artifact: cx_api.CloudFormationStackArtifact
    group_id: str
    launch_template_id: str
    queue_id: str


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Fleet:
    handler_dir = tmp_path_factory.mktemp("handler")
    (handler_dir / "slow_jobs.py").write_text(SLOW_HANDLER)
    app = new_app()
    stack = Stack(app, "WorkerInstance", env=ENV)
    jobs = SecureQueue(stack, "Jobs", visibility_timeout=Duration.seconds(2))
    vpc = ec2.Vpc(
        stack,
        "Vpc",
        max_azs=1,
        nat_gateways=0,
        restrict_default_security_group=False,  # its custom resource needs Docker in moto
        subnet_configuration=[
            ec2.SubnetConfiguration(name="W", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        ],
    )
    workers = QueueWorkerFleet(
        stack,
        "Workers",
        queue=jobs,
        vpc=vpc,
        handler="slow_jobs:handle",
        handler_code_path=str(handler_dir),
        max_capacity=1,
        worker_concurrency=2,
        heartbeat_visibility=Duration.seconds(2),
    )
    assembly = app.synth()
    return Fleet(
        assembly=assembly,
        artifact=assembly.get_stack_by_name("WorkerInstance"),
        group_id=logical_id_of(workers.auto_scaling_group),
        launch_template_id=logical_id_of(workers.launch_template),
        queue_id=logical_id_of(jobs.queue),
    )


@pytest.fixture
def local_account() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    # moto's accounts live in this process, shared by every server in it
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"))
    try:
        yield endpoint
    finally:
        server.stop()


def interpreters() -> list[Any]:
    return [
        pytest.param(sys.executable, id="boto3-current"),
        pytest.param(str(OLD_BOTO3_PYTHON), id="boto3-1.28.21"),
    ]


@dataclass
class Launched:
    """One deployed fleet instance with the worker installed, not yet started."""

    endpoint: str
    session: Any
    group: str
    queue_url: str
    instance_id: str
    instance: WorkerInstance
    root: Path
    marks: Path
    tmp_path: Path

    def client(self, name: str) -> Any:
        return self.session.client(name, endpoint_url=self.endpoint)

    def environment(self, metadata: FakeInstanceMetadata) -> dict[str, str]:
        """What systemd's environment file and the test add (see the module doc)."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_EC2_METADATA_SERVICE_ENDPOINT": metadata.endpoint,
            "AWS_CONFIG_FILE": str(self.tmp_path / "no-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(self.tmp_path / "no-credentials"),
            "TEST_MARKS_DIR": str(self.marks),
            # the unit's own setting, read from the environment as on the
            # instance: 1 s instead of 5 between instance-metadata looks
            "WORKER_LIFECYCLE_POLL_SECONDS": str(LIFECYCLE_POLL_SECONDS),
        }

    def start(self, metadata: FakeInstanceMetadata, python: str) -> subprocess.Popen[str]:
        return self.instance.start(
            self.root,
            python,
            self.environment(metadata),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )

    def metadata(self) -> FakeInstanceMetadata:
        return FakeInstanceMetadata(
            self.instance_id, ec2=self.client("ec2"), autoscaling=self.client("autoscaling")
        )

    def done(self) -> dict[str, str]:
        return {p.name.removeprefix("done-"): p.read_text() for p in self.marks.glob("done-*")}

    def started(self) -> set[str]:
        return {p.name.removeprefix("started-") for p in self.marks.glob("started-*")}


def launch(fleet: Fleet, local_account: str, tmp_path: Path, python: str) -> Launched:
    """Deploys the fleet, launches one instance, installs the worker from its
    user data and queues the messages."""
    if not Path(python).exists():
        pytest.fail(f"{python} is missing: `make setup` creates it")
    session = boto3.Session(region_name=REGION)

    def client(name: str) -> Any:
        return session.client(name, endpoint_url=local_account)

    publish_file_assets(fleet.assembly.directory, fleet.artifact.id, client("s3"))
    deployed = deploy_template(
        fleet.artifact.template,
        stack_name="WorkerInstance",
        session=session,
        endpoint_url=local_account,
    )
    autoscaling, sqs = client("autoscaling"), client("sqs")
    group = deployed.physical_id(fleet.group_id)
    queue_url = deployed.physical_id(fleet.queue_id)
    autoscaling.set_desired_capacity(AutoScalingGroupName=group, DesiredCapacity=1)
    (instance_id,) = [i["InstanceId"] for i in _instances(autoscaling, group)]

    instance = WorkerInstance.from_user_data(
        launch_template_user_data(client("ec2"), deployed.physical_id(fleet.launch_template_id))
    )
    root, marks = tmp_path / "instance", tmp_path / "marks"
    marks.mkdir()
    instance.install(root, client("s3"), python)
    for start in range(0, MESSAGES, 10):
        sqs.send_message_batch(
            QueueUrl=queue_url,
            Entries=[{"Id": str(i), "MessageBody": f"job-{i}"} for i in range(start, start + 10)],
        )
    return Launched(
        local_account, session, group, queue_url, instance_id, instance, root, marks, tmp_path
    )


@pytest.mark.parametrize("python", interpreters())
def test_worker_drains_through_the_lifecycle_hook_on_scale_in(
    fleet: Fleet, local_account: str, tmp_path: Path, python: str
) -> None:
    launched = launch(fleet, local_account, tmp_path, python)
    autoscaling, sqs = launched.client("autoscaling"), launched.client("sqs")
    group, queue_url, marks = launched.group, launched.queue_url, launched.marks

    with scale_in_with_lifecycle_hooks(), launched.metadata() as metadata:
        worker = launched.start(metadata, python)
        # the first messages done (heartbeats held them past the 2-s visibility);
        # the next ones are in progress when the scale-in comes
        _wait_for(lambda: len(list(marks.glob("done-*"))) >= 1 or worker.poll() is not None)
        autoscaling.set_desired_capacity(AutoScalingGroupName=group, DesiredCapacity=0)
        scaled_in = time.monotonic()
        assert [i["LifecycleState"] for i in _instances(autoscaling, group)] == ["Terminating:Wait"]
        log = _finish(worker, autoscaling, group)
        drain_seconds = time.monotonic() - scaled_in

    assert worker.returncode == 0, log
    assert "drain: Auto Scaling target lifecycle state is Terminated" in log
    assert "lifecycle drain on: group " in log
    assert "drain: returned" in log  # the unstarted part of the batch, at once
    assert "lifecycle action completed" in log
    assert _instances(autoscaling, group) == []  # CompleteLifecycleAction let it go
    # one metadata poll (1 s) plus the message in progress (3 s), not the
    # hook's 300-s heartbeat timeout
    assert drain_seconds < 20, drain_seconds
    # the group's name came from the instance's own tags, through IMDSv2
    assert ("GET", "/latest/meta-data/tags/instance/aws:autoscaling:groupName", 200) in (
        metadata.requests
    )
    assert all(status != 401 for _, _, status in metadata.requests)

    started, done = launched.started(), launched.done()
    assert started == set(done)  # every started message finished
    assert set(done.values()) == {"x"}  # each once: the heartbeat held them
    assert "heartbeat: extended" in log
    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    # handled ones deleted; the rest visible again at once, none held back
    assert int(attributes["ApproximateNumberOfMessages"]) == MESSAGES - len(done)
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == "0"
    assert 0 < len(done) < MESSAGES


def test_worker_exits_cleanly_when_the_hooks_heartbeat_timeout_passed_during_its_drain(
    fleet: Fleet, local_account: str, tmp_path: Path
) -> None:
    """https://docs.aws.amazon.com/autoscaling/ec2/userguide/lifecycle-hooks.html

    "Instances can remain in a wait state for a finite period of time. The
    default timeout for a lifecycle hook is one hour (heartbeat timeout)."
    Once it has passed, Auto Scaling goes on with the default result and
    ``CompleteLifecycleAction`` answers ``ValidationError`` ("No active
    Lifecycle Action found with instance ID ..."; the local account answers
    as AWS does). The worker expects that answer: it logs it and exits 0,
    so systemd (``Restart=on-failure``) does not start it again.
    """
    python = sys.executable
    launched = launch(fleet, local_account, tmp_path, python)
    autoscaling = launched.client("autoscaling")
    with scale_in_with_lifecycle_hooks(), launched.metadata() as metadata:
        worker = launched.start(metadata, python)
        _wait_for(lambda: len(launched.done()) >= 1 or worker.poll() is not None)
        autoscaling.set_desired_capacity(AutoScalingGroupName=launched.group, DesiredCapacity=0)
        # the drain outlasts the hook: its heartbeat timeout passes now
        time_out_pending_lifecycle_actions()
        log = _finish(worker, autoscaling, launched.group)

    assert "Traceback" not in log, log
    assert worker.returncode == 0, log
    assert "drain: Auto Scaling target lifecycle state is Terminated" in log
    assert "no pending lifecycle action" in log
    assert launched.started() == set(launched.done())  # the drain still finished its work


def test_worker_exits_cleanly_when_its_instance_is_detached(
    fleet: Fleet, local_account: str, tmp_path: Path
) -> None:
    """https://docs.aws.amazon.com/autoscaling/ec2/userguide/retrieving-target-lifecycle-state-through-imds.html

    "The Auto Scaling instance lifecycle has two primary steady states—InService
    and Terminated—and two side steady states—Detached and Standby." A detached
    instance keeps running outside the group: no lifecycle hook waits on it, so
    there is no action to complete. The worker stops consuming (the fleet no
    longer counts it), finishes its messages and exits 0 instead of calling
    ``CompleteLifecycleAction``, failing, and being restarted by systemd every
    5 s.
    """
    python = sys.executable
    launched = launch(fleet, local_account, tmp_path, python)
    autoscaling = launched.client("autoscaling")
    with scale_in_with_lifecycle_hooks(), launched.metadata() as metadata:
        worker = launched.start(metadata, python)
        _wait_for(lambda: len(launched.done()) >= 1 or worker.poll() is not None)
        autoscaling.detach_instances(
            InstanceIds=[launched.instance_id],
            AutoScalingGroupName=launched.group,
            ShouldDecrementDesiredCapacity=True,
        )
        log = _finish(worker, autoscaling, launched.group)

    assert "Traceback" not in log, log
    assert worker.returncode == 0, log
    assert "drain: Auto Scaling target lifecycle state is Detached" in log
    assert "lifecycle action completed" not in log
    assert launched.started() == set(launched.done())


def _instances(autoscaling: Any, group: str) -> list[dict[str, Any]]:
    (found,) = autoscaling.describe_auto_scaling_groups(AutoScalingGroupNames=[group])[
        "AutoScalingGroups"
    ]
    return list(found["Instances"])


def _wait_for(condition: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout} s")
        time.sleep(0.1)


def _finish(worker: subprocess.Popen[str], autoscaling: Any, group: str) -> str:
    """The worker's log once it exits; fails if it does not drain within a minute."""
    try:
        log, _ = worker.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        worker.kill()
        log, _ = worker.communicate()
        states = [i["LifecycleState"] for i in _instances(autoscaling, group)]
        pytest.fail(
            "the worker did not drain within 60 s of the scale-in; the instance is "
            f"{states} (AWS would keep it until the hook's timeout).\nworker log:\n{log}"
        )
    return log
