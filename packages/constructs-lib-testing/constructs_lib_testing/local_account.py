"""A local AWS account for the real CDK CLI: a moto server on 127.0.0.1.

The server runs in a thread of *this* process, so the adapters of
`constructs_lib_testing.adapters` (for the resource types moto's
CloudFormation skips or gets wrong), active while it runs, apply to stacks
that ``cdk deploy`` creates through it::

    with LocalAccount(public_parameters={...}) as account:
        subprocess.run(["cdk", "deploy", "--all", "--method=direct"],
                       env={**os.environ, **account.environment()}, check=True)
        sqs = account.session().client("sqs", endpoint_url=account.endpoint_url)

How the CDK CLI is pointed at it, and why each setting is there:

- ``AWS_ENDPOINT_URL``: every SDK client of the CLI (and boto3) talks to the
  server instead of AWS.
- ``AWS_ENDPOINT_URL_S3_FOR_CLOUDFORMATION`` with ``localhost``: the CLI
  uploads templates to the bootstrap bucket and hands CloudFormation their
  URL; with ``127.0.0.1`` moto reads the first label (``127``) as the bucket.
- fixed test credentials and region; the account is moto's default
  (``123456789012``), the example app's default account.

What the CLI needs and moto lacks (measured with aws-cdk 2.1148.1):

- deploy with ``--method=direct`` (CreateStack/UpdateStack): moto's change
  sets succeed without outputs and break updates and ``cdk diff``;
- diff with ``--method=template`` for the same reason.
`cdk_environment` and `CDK_DEPLOY_ARGS`/`CDK_DIFF_ARGS` carry those choices so
every caller uses the same ones.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

from constructs_lib_testing.adapters import activate_adapters, deactivate_adapters
from constructs_lib_testing.deploy import DEFAULT_REGION
from constructs_lib_testing.public_parameters import put_public_parameters

#: moto's default account: what the example app targets unless told otherwise.
LOCAL_ACCOUNT_ID = "123456789012"

#: CLI arguments that avoid moto's change-set faults (see the module docstring).
CDK_DEPLOY_ARGS = ("--method=direct", "--require-approval=never", "--progress=events")
CDK_DIFF_ARGS = ("--method=template",)


class _NotImplementedFilter(logging.Filter):
    """Drops the server-side traceback of an API moto does not implement.

    The caller gets the error anyway (HTTP 500, a ``ClientError``), and code
    that probes for an API on purpose (the redrive command's move task) would
    otherwise print a 40-line traceback. Every other server error is logged.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        # werkzeug logs the formatted traceback as the message, without exc_info.
        message = record.getMessage()
        return not ("NotImplementedError: The " in message and "not been implemented" in message)


class LocalAccount:
    """Starts a moto server on 127.0.0.1 (a free port unless given), adapters active.

    Use it as a context manager, or call `start` and `stop`. `stop` is
    idempotent; the server thread dies with the process in any case.

    :param public_parameters: AWS public SSM parameters the app reads (name ->
        the value AWS publishes), written on start: moto lacks them.
    """

    def __init__(
        self,
        *,
        port: int = 0,
        region: str = DEFAULT_REGION,
        public_parameters: Mapping[str, str] | None = None,
    ) -> None:
        self.region = region
        self.public_parameters = dict(public_parameters or {})
        self._requested_port = port
        self._server: ThreadedMotoServer | None = None
        self.endpoint_url = ""
        # A boto3 session loads its endpoint and service models on first use
        # (about 0.1 s a client): one session, one client per service.
        self._session: boto3.Session | None = None
        self._clients: dict[str, Any] = {}

    def start(self) -> LocalAccount:
        if self._server is not None:
            return self
        # The server logs every request through werkzeug; a deploy makes hundreds.
        werkzeug = logging.getLogger("werkzeug")
        werkzeug.setLevel(logging.ERROR)
        if not any(isinstance(f, _NotImplementedFilter) for f in werkzeug.filters):
            werkzeug.addFilter(_NotImplementedFilter())
        server = ThreadedMotoServer(
            ip_address="127.0.0.1", port=self._requested_port, verbose=False
        )
        activate_adapters()
        server.start()
        host, port = server.get_host_and_port()
        self._server = server
        self.endpoint_url = f"http://{host}:{port}"
        # AWS publishes these for every account; moto does not (public_parameters).
        put_public_parameters(self.public_parameters, region=self.region)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
            self._clients.clear()
            deactivate_adapters()

    @property
    def port(self) -> int:
        return int(self.endpoint_url.rsplit(":", 1)[1]) if self.endpoint_url else 0

    def environment(self) -> dict[str, str]:
        """Environment variables that point the AWS CLI, the CDK CLI and boto3 here."""
        if not self.endpoint_url:
            raise RuntimeError("LocalAccount is not started")
        return {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_ENDPOINT_URL_S3_FOR_CLOUDFORMATION": f"http://localhost:{self.port}",
        }

    def cdk_environment(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """``base`` (default: os.environ) without AWS profile settings, plus `environment`."""
        env = dict(os.environ if base is None else base)
        for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE"):
            env.pop(name, None)
        env.update(self.environment())
        # The AWS SDK for JavaScript inside the CLI warns on every command that
        # its releases after January 2027 need Node 22; that is not news here.
        env.setdefault("NODE_NO_WARNINGS", "1")
        return env

    def session(self) -> boto3.Session:
        if self._session is None:
            self._session = boto3.Session(
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
                aws_session_token="testing",
                region_name=self.region,
            )
        return self._session

    def client(self, service: str) -> Any:
        """A boto3 client of ``service`` aimed at the server (one per service, cached)."""
        if not self.endpoint_url:
            raise RuntimeError("LocalAccount is not started")
        if service not in self._clients:
            self._clients[service] = self.session().client(service, endpoint_url=self.endpoint_url)
        return self._clients[service]

    def __enter__(self) -> LocalAccount:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


@dataclass(frozen=True)
class CliResult:
    """One CDK CLI command: its arguments, exit code, output and duration."""

    args: tuple[str, ...]
    returncode: int
    output: str
    seconds: float

    @property
    def ok(self) -> bool:
        return self.returncode == 0


class CdkCli:
    """Runs the CDK CLI (``cdk`` on PATH, or ``executable``) against a `LocalAccount`.

    Every command gets the account's environment, ``CDK_HOME`` inside
    ``workdir`` (no cache in the user's home), telemetry off, and this Python's
    ``bin`` folder first on ``PATH``, so an app command like ``python3 app.py``
    runs in the caller's virtual env. Output is captured and returned, not
    printed: callers report it.
    """

    def __init__(
        self,
        account: LocalAccount,
        *,
        workdir: str | os.PathLike[str],
        executable: str = "cdk",
        timeout_seconds: float = 300.0,
    ) -> None:
        self.account = account
        self.workdir = Path(workdir)
        self.executable = executable
        self.timeout_seconds = timeout_seconds

    def run(self, *args: str) -> CliResult:
        env = self.account.cdk_environment()
        env.setdefault("CDK_HOME", str(self.workdir / ".cdk-home"))
        env["CDK_DISABLE_CLI_TELEMETRY"] = "true"
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
        started = time.monotonic()
        completed = subprocess.run(
            [self.executable, *args],
            cwd=self.workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=self.timeout_seconds,
            check=False,
        )
        return CliResult(
            args=tuple(args),
            returncode=completed.returncode,
            output=(completed.stdout + completed.stderr).strip(),
            seconds=time.monotonic() - started,
        )

    def bootstrap(self, *extra: str) -> CliResult:
        target = f"aws://{LOCAL_ACCOUNT_ID}/{self.account.region}"
        return self.run("bootstrap", target, *extra)

    def deploy(self, *extra: str) -> CliResult:
        return self.run("deploy", *CDK_DEPLOY_ARGS, *extra)

    def diff(self, *extra: str) -> CliResult:
        return self.run("diff", *CDK_DIFF_ARGS, *extra)

    def destroy(self, *extra: str) -> CliResult:
        return self.run("destroy", "--force", *extra)


def stack_resources_by_path(
    account: LocalAccount, stack_name: str, template: Mapping[str, Any]
) -> dict[str, str]:
    """Physical id of every deployed resource, by its construct path.

    The CLI's templates carry each resource's construct path in the
    ``aws:cdk:path`` metadata (e.g. ``Buffering/Jobs/Queue/Resource``), which
    stays stable while logical ids carry a hash.
    """
    paths = {
        logical_id: resource.get("Metadata", {}).get("aws:cdk:path")
        for logical_id, resource in template.get("Resources", {}).items()
    }
    cloudformation = account.client("cloudformation")
    described = cloudformation.describe_stack_resources(StackName=stack_name)["StackResources"]
    return {
        paths[r["LogicalResourceId"]]: r["PhysicalResourceId"]
        for r in described
        if paths.get(r["LogicalResourceId"]) and r.get("PhysicalResourceId")
    }
