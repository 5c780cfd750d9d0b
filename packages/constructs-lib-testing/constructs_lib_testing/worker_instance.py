"""Starts a fleet's shipped worker exactly as its launch template's user data does.

`QueueWorkerFleet`'s user data (a bash script) downloads the code assets
from S3, unpacks them with ``python3 -m zipfile -e``, writes the systemd
environment file ``/etc/queue-worker.env`` and the unit
``/etc/systemd/system/queue-worker.service``, and starts the unit. There is no
EC2 here, so `WorkerInstance` reads those pieces out of the user data as
deployed (the launch template moto holds, tokens resolved by CloudFormation),
and does the same steps under a folder that stands for the instance's ``/``:

- downloads every ``aws s3 cp 's3://…' '<file>'`` object from the local
  account and unpacks it with ``<python> -m zipfile -e``, as the script does;
- parses the environment file as systemd does (``KEY=VALUE`` lines, ``#``
  comments, optional quotes);
- starts the unit's ``ExecStart`` command with that environment, the
  interpreter swapped for the one given (the instance's ``/usr/bin/python3``)
  and every path into an unpacked folder moved under the root.

Only what the test adds is added: the local account's endpoint and test
credentials (an instance gets credentials from its instance profile through
IMDS), and ``AWS_EC2_METADATA_SERVICE_ENDPOINT`` for a fake metadata service
(`constructs_lib_testing.instance_metadata`).
"""

from __future__ import annotations

import base64
import re
import shlex
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["WorkerInstance", "launch_template_user_data", "parse_environment_file"]

ENVIRONMENT_FILE = "/etc/queue-worker.env"
UNIT_FILE = "/etc/systemd/system/queue-worker.service"
INSTANCE_PYTHON = "/usr/bin/python3"

_HEREDOC = re.compile(
    r"^cat > (?P<path>\S+) <<'(?P<tag>\w+)'\n(?P<body>.*?)\n(?P=tag)$", re.S | re.M
)
_S3_COPY = re.compile(r"^aws s3 cp (?P<source>'s3://[^']+') (?P<target>'[^']+')$", re.M)
_UNZIP = re.compile(r"^python3 -m zipfile -e (?P<archive>\S+) (?P<folder>\S+)$", re.M)
_ENV_LINE = re.compile(r"^(?P<key>[A-Za-z_][A-Za-z0-9_]*)=(?P<value>.*)$")


def launch_template_user_data(ec2: Any, launch_template_id: str) -> str:
    """The user data of a launch template's default version, decoded."""
    versions = ec2.describe_launch_template_versions(
        LaunchTemplateId=launch_template_id, Versions=["$Default"]
    )["LaunchTemplateVersions"]
    return base64.b64decode(versions[0]["LaunchTemplateData"]["UserData"]).decode()


def parse_environment_file(text: str) -> dict[str, str]:
    """A systemd ``EnvironmentFile``: ``KEY=VALUE`` lines, comments, quotes.

    :raises ValueError: for a line systemd would not read as an assignment.
    """
    environment = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        match = _ENV_LINE.match(line)
        if match is None:
            raise ValueError(f"environment file line {number}: not KEY=VALUE: {raw!r}")
        value = match["value"]
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        environment[match["key"]] = value
    return environment


@dataclass(frozen=True)
class WorkerInstance:
    """The pieces of one fleet's user data that make up its running worker."""

    environment: dict[str, str]
    exec_start: list[str]
    downloads: list[tuple[str, str]]  # (s3 URL, local file)
    unpacks: list[tuple[str, str]]  # (local file, folder)

    @classmethod
    def from_user_data(cls, script: str) -> WorkerInstance:
        files = {m["path"]: m["body"] for m in _HEREDOC.finditer(script)}
        missing = [f for f in (ENVIRONMENT_FILE, UNIT_FILE) if f not in files]
        if missing:
            raise ValueError(f"the user data writes no {', '.join(missing)}")
        (exec_start,) = [
            line.removeprefix("ExecStart=")
            for line in files[UNIT_FILE].splitlines()
            if line.startswith("ExecStart=")
        ]
        return cls(
            environment=parse_environment_file(files[ENVIRONMENT_FILE]),
            exec_start=shlex.split(exec_start),
            downloads=[
                (shlex.split(m["source"])[0], shlex.split(m["target"])[0])
                for m in _S3_COPY.finditer(script)
            ],
            unpacks=[(m["archive"], m["folder"]) for m in _UNZIP.finditer(script)],
        )

    def install(self, root: Path, s3: Any, python: str) -> None:
        """Downloads and unpacks the code under ``root`` as the user data does."""
        for url, local in self.downloads:
            bucket, _, key = url.removeprefix("s3://").partition("/")
            target = self._rooted(root, local)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        for archive, folder in self.unpacks:
            self._rooted(root, folder).mkdir(parents=True, exist_ok=True)
            subprocess.run(
                [
                    python,
                    "-m",
                    "zipfile",
                    "-e",
                    str(self._rooted(root, archive)),
                    str(self._rooted(root, folder)),
                ],
                check=True,
            )

    def command(self, root: Path, python: str) -> list[str]:
        """``ExecStart`` with the given interpreter and the code under ``root``."""
        program, *args = self.exec_start
        if program != INSTANCE_PYTHON:
            raise ValueError(f"ExecStart runs {program!r}, not the instance's {INSTANCE_PYTHON}")
        return [python, *(self._moved(root, a) for a in args)]

    def process_environment(self, root: Path, extra: Mapping[str, str]) -> dict[str, str]:
        """The unit's environment (paths moved under ``root``) plus ``extra``."""
        moved = {
            key: ":".join(self._moved(root, part) for part in value.split(":"))
            for key, value in self.environment.items()
        }
        return {**moved, **extra}

    def start(
        self, root: Path, python: str, extra_environment: Mapping[str, str], **popen: Any
    ) -> subprocess.Popen[str]:
        """Starts the worker as systemd would (its own process, the unit's environment)."""
        return subprocess.Popen(
            self.command(root, python),
            env=self.process_environment(root, extra_environment),
            cwd=root,
            text=True,
            **popen,
        )

    def _unpacked_folders(self) -> Sequence[str]:
        return sorted((folder for _, folder in self.unpacks), key=len, reverse=True)

    def _moved(self, root: Path, value: str) -> str:
        for folder in self._unpacked_folders():
            if value == folder or value.startswith(folder.rstrip("/") + "/"):
                return str(self._rooted(root, value))
        return value

    @staticmethod
    def _rooted(root: Path, path: str) -> Path:
        return root / path.lstrip("/")
