"""`python -m constructs_lib`, run as operators run it: a separate process.

The process talks to the test module's SQS endpoint through
``--endpoint-url``; one test kills it between a send and its delete.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from collections import Counter
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

import constructs_lib
from constructs_lib.cli import COMMANDS, Command
from tests.conftest import REPO_ROOT
from tests.sqs_support import (
    counts,
    create_queue,
    drain,
    queue_with_dlq,
    send,
    sqs,
    sqs_endpoint,
    unique,
)

pytestmark = pytest.mark.runtime
__all__ = ["sqs", "sqs_endpoint"]  # fixtures used by name


def cli(endpoint: str, *args: str, code: str | None = None) -> subprocess.CompletedProcess[str]:
    """Runs the CLI; ``code`` is Python run first in the same process (fault injection)."""
    argv = ["redrive", "--endpoint-url", endpoint, "--region", "us-east-1", *args]
    prelude = code or ""
    script = f"{prelude}\nimport sys\nfrom constructs_lib.cli import main\nsys.exit(main({argv!r}))"
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_redrive_prints_progress_on_stderr_and_a_summary_on_stdout(
    sqs: Any, sqs_endpoint: str
) -> None:
    source, dlq = queue_with_dlq(sqs)
    send(sqs, dlq, [f"m{i}" for i in range(12)])

    result = cli(sqs_endpoint, "--dlq", dlq, "--wait-time", "0")

    assert result.returncode == 0, result.stderr
    assert "not implemented by this endpoint; moving manually" in result.stderr
    assert "moved 12, failed 0, remaining ~0 visible, 0 in flight" in result.stderr
    name = dlq.rsplit("/", 1)[1]
    assert result.stdout.startswith(f"redrive {name} -> {name[: -len('-dlq')]} (manual): moved 12")
    assert len(drain(sqs, source)) == 12


def test_json_summary_and_max_messages(sqs: Any, sqs_endpoint: str) -> None:
    _, dlq = queue_with_dlq(sqs)
    send(sqs, dlq, [f"m{i}" for i in range(5)])

    result = cli(sqs_endpoint, "--dlq", dlq, "--max-messages", "3", "--json", "--wait-time", "0")

    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["moved"], summary["ok"], summary["remaining_visible"]) == (3, True, 2)


def test_dry_run_exits_0_and_leaves_the_queue_alone(sqs: Any, sqs_endpoint: str) -> None:
    _, dlq = queue_with_dlq(sqs)
    send(sqs, dlq, ["one", "two"], tenant={"DataType": "String", "StringValue": "acme"})

    result = cli(sqs_endpoint, "--dlq", dlq, "--dry-run", "--json")

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["visible"] == 2
    assert {s["body"] for s in report["samples"]} <= {"one", "two"}
    assert report["samples"] and report["samples"][0]["attributes"] == {"tenant": "acme"}
    assert counts(sqs, dlq) == (2, 0)


def test_refusals_exit_2_with_the_reason(sqs: Any, sqs_endpoint: str) -> None:
    _, dlq = queue_with_dlq(sqs, fifo=True)
    standard = create_queue(sqs, unique("standard"))

    mismatch = cli(sqs_endpoint, "--dlq", dlq, "--to", standard)
    missing = cli(sqs_endpoint, "--dlq", unique("missing"))
    bad_method = cli(sqs_endpoint, "--dlq", dlq, "--method", "fast")

    assert mismatch.returncode == 2
    assert "redrive refused: cannot move messages from FIFO queue" in mismatch.stderr
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    assert bad_method.returncode == 2 and "invalid choice: 'fast'" in bad_method.stderr


def test_failed_sends_exit_1(sqs: Any, sqs_endpoint: str) -> None:
    _, dlq = queue_with_dlq(sqs)
    send(sqs, dlq, ["poison"])
    # Every send entry fails, as SQS reports a per-entry failure in a batch.
    inject = textwrap.dedent(
        """
        import constructs_lib.cli as c
        real = c._sqs_client
        class Failing:
            def __init__(self, client): self.client = client
            def __getattr__(self, name): return getattr(self.client, name)
            def send_message_batch(self, QueueUrl, Entries):
                return {"Successful": [], "Failed": [
                    {"Id": e["Id"], "Code": "KMS.AccessDenied", "Message": "no key access",
                     "SenderFault": True} for e in Entries]}
        c._sqs_client = lambda args: Failing(real(args))
        """
    )

    result = cli(sqs_endpoint, "--dlq", dlq, "--method", "manual", "--wait-time", "0", code=inject)

    assert result.returncode == 1, result.stderr
    assert "failed 1" in result.stdout and "KMS.AccessDenied: no key access" in result.stdout
    assert counts(sqs, dlq) == (0, 1)


def test_a_process_killed_between_send_and_delete_loses_nothing(
    sqs: Any, sqs_endpoint: str
) -> None:
    source, dlq = queue_with_dlq(sqs)
    bodies = [f"payment-{i}" for i in range(35)]
    send(sqs, dlq, bodies)
    # The process dies (no cleanup, like kill -9) at its third delete: three batches
    # are sent, two of them deleted from the DLQ.
    kill = textwrap.dedent(
        """
        import os
        import constructs_lib.cli as c
        real = c._sqs_client
        class Dying:
            deletes = 0
            def __init__(self, client): self.client = client
            def __getattr__(self, name): return getattr(self.client, name)
            def delete_message_batch(self, **kwargs):
                Dying.deletes += 1
                if Dying.deletes == 3:
                    os._exit(137)
                return self.client.delete_message_batch(**kwargs)
        c._sqs_client = lambda args: Dying(real(args))
        """
    )

    killed = cli(
        sqs_endpoint,
        *("--dlq", dlq, "--method", "manual", "--wait-time", "0", "--visibility-timeout", "1"),
        code=kill,
    )
    assert killed.returncode == 137
    assert counts(sqs, dlq) == (5, 10)
    time.sleep(1.5)  # the killed run's receive visibility (1 s) runs out

    rerun = cli(sqs_endpoint, "--dlq", dlq, "--method", "manual", "--wait-time", "0")

    assert rerun.returncode == 0, rerun.stderr
    arrived = Counter(m["Body"] for m in drain(sqs, source))
    assert set(arrived) == set(bodies)
    assert sum(arrived.values()) == 45  # the third batch arrived twice, nothing is missing
    assert counts(sqs, dlq) == (0, 0)


def test_the_cli_and_runtime_code_do_not_import_aws_cdk() -> None:
    probe = (
        "import sys, constructs_lib.cli, constructs_lib.runtime\n"
        "constructs_lib.cli.build_parser()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('aws_cdk', 'jsii')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_python_dash_m_lists_the_commands() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "constructs_lib", "--help"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "redrive" in result.stdout and "move messages from a dead-letter queue" in result.stdout


def test_a_rate_above_500_exits_2_and_moves_nothing(sqs: Any, sqs_endpoint: str) -> None:
    """AWS's StartMessageMoveTask refuses more than 500 messages per second; the
    local account lacks the move task, so without the check the command would
    silently fall back to the manual path here and fail only against AWS."""
    _, dlq = queue_with_dlq(sqs)
    send(sqs, dlq, ["stays"])

    result = cli(sqs_endpoint, "--dlq", dlq, "--rate", "600", "--wait-time", "0")

    assert result.returncode == 2, result.stderr
    assert "redrive refused: rate must be at most 500 messages per second" in result.stderr
    assert "--method manual" in result.stderr
    assert counts(sqs, dlq) == (1, 0)


def console_script() -> str:
    """The `constructs-lib` script pip installed beside this interpreter."""
    script = Path(sys.executable).parent / "constructs-lib"
    assert script.exists(), "constructs-lib is not installed: make setup (pip install -e .)"
    return str(script)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_the_console_script_has_help_on_every_command(command: Command) -> None:
    result = subprocess.run(
        [console_script(), command.name, "--help"], capture_output=True, text=True, check=False
    )
    if command.missing():  # e.g. the floor environment has no matplotlib
        assert result.returncode == 2, result.stderr
        assert f"pip install 'constructs-lib[{command.extra}]'" in result.stderr
        return
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: constructs-lib {command.name} [-h]")
    # only the commands that talk to AWS take the connection options
    connection = "--endpoint-url" in result.stdout and "--region" in result.stdout
    assert connection == command.connects


def test_the_console_script_reports_the_installed_version() -> None:
    result = subprocess.run(
        [console_script(), "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == f"constructs-lib {metadata.version('constructs-lib')}"
    assert metadata.version("constructs-lib") == constructs_lib.__version__
