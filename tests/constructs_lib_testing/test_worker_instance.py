"""WorkerInstance reads a fleet's user data as the instance would run it."""

from __future__ import annotations

from pathlib import Path

import pytest

from constructs_lib_testing.worker_instance import WorkerInstance, parse_environment_file

SCRIPT = """#!/bin/bash
set -euo pipefail
mkdir -p $(dirname '/tmp/queue-worker.zip')
aws s3 cp 's3://assets/abc.zip' '/tmp/queue-worker.zip'
python3 -m zipfile -e /tmp/queue-worker.zip /opt/queue-worker
cat > /etc/queue-worker.env <<'ENV'
QUEUE_URL=https://sqs.us-east-1.amazonaws.com/123456789012/jobs
WORKER_HANDLER_PATH=/opt/queue-worker/handler:/usr/lib/extra
ENV
cat > /etc/systemd/system/queue-worker.service <<'UNIT'
[Service]
EnvironmentFile=/etc/queue-worker.env
ExecStart=/usr/bin/python3 /opt/queue-worker/worker.py
UNIT
"""


def test_the_pieces_of_the_user_data() -> None:
    instance = WorkerInstance.from_user_data(SCRIPT)
    assert instance.downloads == [("s3://assets/abc.zip", "/tmp/queue-worker.zip")]
    assert instance.unpacks == [("/tmp/queue-worker.zip", "/opt/queue-worker")]
    assert instance.exec_start == ["/usr/bin/python3", "/opt/queue-worker/worker.py"]
    root = Path("/r")
    assert instance.command(root, "py") == ["py", "/r/opt/queue-worker/worker.py"]
    environment = instance.process_environment(root, {"EXTRA": "1"})
    # only paths into the unpacked code move under the root
    assert environment["WORKER_HANDLER_PATH"] == "/r/opt/queue-worker/handler:/usr/lib/extra"
    assert environment["EXTRA"] == "1"


def test_a_script_without_the_unit_is_refused() -> None:
    with pytest.raises(ValueError, match=r"writes no /etc/systemd/system/queue-worker\.service"):
        WorkerInstance.from_user_data(SCRIPT.split("cat > /etc/systemd")[0])


def test_environment_files_as_systemd_reads_them() -> None:
    assert parse_environment_file("# c\n\nA=1\nB='two words'\n; c\nC=\"x\"\n") == {
        "A": "1",
        "B": "two words",
        "C": "x",
    }
    with pytest.raises(ValueError, match="line 1: not KEY=VALUE"):
        parse_environment_file("export A=1")
