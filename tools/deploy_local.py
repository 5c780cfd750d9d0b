"""The main job: `cdk deploy` the example app into a local account and drive it.

    python -m tools.deploy_local            # bootstrap, deploy, smoke checks, destroy,
                                            # deploy again, S3 check, destroy, stop
    python -m tools.deploy_local --keep     # bootstrap, deploy, smoke checks, then keep
                                            # the account up to explore

The local account is a moto server on 127.0.0.1 (`constructs_lib.testing.
LocalAccount`, with the adapters for what moto lacks), made strict
(`constructs_lib.testing.strict`: deliveries judged by policies, absent
principals refused, alarms evaluated when the smoke run advances the clock);
the CDK CLI is the real one, pinned in package-lock.json, exactly as it would
deploy into AWS. Every stage prints a line as it ends (time since start,
stage, PASS/FAIL, its own duration); the exit code is non-zero when any stage
or check fails.

A stage or check that fails for a known, open defect of the example app
prints XFAIL with the defect's issue, and does not fail the run; if it
passes, it prints XPASS and fails the run, so the mark is removed with the fix.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from constructs_lib.testing.local_account import (
    CdkCli,
    CliResult,
    LocalAccount,
    stack_resources_by_path,
)
from constructs_lib.testing.strict import StrictAccount, reset, strict_account
from stacks.public_parameters import EXAMPLE_PUBLIC_PARAMETERS

REPO_ROOT = Path(__file__).resolve().parent.parent


class StageFailed(RuntimeError):
    """A stage that later stages cannot do without failed."""


@dataclass
class Report:
    """Prints progress as it goes and keeps the tally."""

    out: TextIO = sys.stdout
    started: float = field(default_factory=time.monotonic)
    passed: int = 0
    failed: list[str] = field(default_factory=list)
    expected_failures: list[str] = field(default_factory=list)

    def line(self, text: str) -> None:
        elapsed = time.monotonic() - self.started
        print(f"[{elapsed:6.1f}s] {text}", file=self.out, flush=True)

    def result(
        self, name: str, ok: bool, seconds: float, detail: str = "", known_defect: str = ""
    ) -> None:
        """Tally and print one stage or check; ``known_defect`` turns FAIL into XFAIL."""
        if known_defect:
            verdict = "XFAIL" if not ok else "XPASS"
            detail = f"[{known_defect}] {detail}".rstrip()
            if ok:
                self.failed.append(f"{name} (XPASS: {known_defect} seems fixed, drop the mark)")
            else:
                self.expected_failures.append(name)
        else:
            verdict = "PASS" if ok else "FAIL"
            if ok:
                self.passed += 1
            else:
                self.failed.append(name)
        suffix = f"  {detail}" if detail else ""
        self.line(f"{verdict}  {name} ({seconds:.1f} s){suffix}")

    @contextmanager
    def check(self, name: str, known_defect: str = "") -> Iterator[None]:
        """Runs a block as one check: an exception fails it, with its message."""
        started = time.monotonic()
        try:
            yield
        except Exception as err:  # a smoke check's failure is data for the report
            self.result(
                name,
                False,
                time.monotonic() - started,
                f"{type(err).__name__}: {err}",
                known_defect,
            )
        else:
            self.result(name, True, time.monotonic() - started, known_defect=known_defect)

    def summary(self) -> str:
        total = self.passed + len(self.failed)
        elapsed = time.monotonic() - self.started
        text = f"{total} checks: {self.passed} passed, {len(self.failed)} failed in {elapsed:.1f} s"
        if self.expected_failures:
            text += f" ({len(self.expected_failures)} known defects: XFAIL)"
        if self.failed:
            text += "\nfailed: " + ", ".join(self.failed)
        return text


@dataclass
class LocalDeployment:
    """The example app deployed (or being deployed) into a local account."""

    account: LocalAccount
    cli: CdkCli
    report: Report
    assembly_dir: Path
    #: the strict account the deployment runs in (None: moto's old leniency)
    strict: StrictAccount | None = None

    def cli_stage(self, name: str, result_of: Callable[[], CliResult]) -> CliResult:
        result = result_of()
        detail = "" if result.ok else "\n" + _tail(result.output)
        self.report.result(name, result.ok, result.seconds, detail)
        if not result.ok:
            raise StageFailed(f"{name} failed:{detail}")
        return result

    def synth(self, *context: str) -> None:
        self.cli_stage(
            "cdk synth",
            lambda: self.cli.run("synth", "--quiet", "--output", str(self.assembly_dir), *context),
        )

    def bootstrap(self) -> None:
        self.cli_stage("cdk bootstrap", lambda: self.cli.bootstrap("--app", str(self.assembly_dir)))

    def deploy(self, stage: str = "cdk deploy --all") -> None:
        self.cli_stage(stage, lambda: self.cli.deploy("--all", "--app", str(self.assembly_dir)))

    def destroy(self) -> None:
        self.cli_stage(
            "cdk destroy --all",
            lambda: self.cli.destroy("--all", "--app", str(self.assembly_dir)),
        )

    def redeploy_after_destroy(self) -> None:
        """What a user does after `cdk destroy`: deploy the same app again.

        Retained resources (the uploads bucket, with its objects) outlive the
        destroy, as in AWS; the second deployment must not collide with them.
        """
        from tools.smoke import uploads_to_ingest

        self.destroy()
        self.deploy("cdk deploy --all (again, after destroy)")
        with self.report.check("ServerlessWorkflow (redeployed): matching uploads arrive"):
            uploads_to_ingest(self)
        self.destroy()

    def stack_names(self) -> list[str]:
        manifest = json.loads((self.assembly_dir / "manifest.json").read_text())
        return sorted(
            name
            for name, artifact in manifest["artifacts"].items()
            if artifact.get("type") == "aws:cloudformation:stack"
        )

    def template(self, stack_name: str) -> dict[str, Any]:
        path = self.assembly_dir / f"{stack_name}.template.json"
        template: dict[str, Any] = json.loads(path.read_text())
        return template

    def resources(self, stack_name: str) -> dict[str, str]:
        """Physical ids of a deployed stack's resources, by construct path."""
        return stack_resources_by_path(self.account, stack_name, self.template(stack_name))

    def physical_id(self, construct_path: str) -> str:
        """Physical id of ``<Stack>/<construct path>`` (``/Resource`` may be left out)."""
        stack_name = construct_path.split("/", 1)[0]
        resources = self.resources(stack_name)
        for candidate in (construct_path, f"{construct_path}/Resource"):
            if candidate in resources:
                return resources[candidate]
        raise KeyError(f"no deployed resource at {construct_path}; known: {sorted(resources)}")


def _tail(text: str, lines: int = 25) -> str:
    return "\n".join("      " + line for line in text.splitlines()[-lines:])


def run_smoke_checks(deployment: LocalDeployment) -> None:
    """Every smoke check, each a PASS/FAIL line (XFAIL for a known defect)."""
    from tools.smoke import KNOWN_DEFECTS, SMOKE_CHECKS

    for name, smoke_check in SMOKE_CHECKS:
        with deployment.report.check(name, KNOWN_DEFECTS.get(name, "")):
            smoke_check(deployment)


def run(*, keep: bool, out: TextIO = sys.stdout) -> int:
    report = Report(out=out)
    workdir = REPO_ROOT
    assembly_dir = REPO_ROOT / "cdk.out"
    with (
        LocalAccount(public_parameters=EXAMPLE_PUBLIC_PARAMETERS) as account,
        strict_account() as strict,
    ):
        reset()
        report.line(
            f"local account up at {account.endpoint_url} (moto, account 123456789012; "
            f"strict: {', '.join(strict.parts)})"
        )
        cli = CdkCli(account, workdir=workdir)
        deployment = LocalDeployment(account, cli, report, assembly_dir, strict)
        try:
            deployment.synth()
            deployment.bootstrap()
            deployment.deploy()
            for stack_name in deployment.stack_names():
                described = account.client("cloudformation").describe_stacks(StackName=stack_name)
                status = described["Stacks"][0]["StackStatus"]
                report.result(f"{stack_name}: {status}", status.endswith("_COMPLETE"), 0.0)
            report.line("smoke run: driving every pattern through the deployed resources")
            run_smoke_checks(deployment)
            if not keep:
                deployment.redeploy_after_destroy()
        except StageFailed:
            report.line("stopping: a stage the next ones need failed")
        print(report.summary(), file=out, flush=True)
        if keep:
            _keep_alive(account, out)
    print("local account stopped", file=out, flush=True)
    return 1 if report.failed else 0


def _keep_alive(account: LocalAccount, out: TextIO) -> None:
    print("\nThe local account stays up; use it from another shell with:", file=out)
    for name, value in account.environment().items():
        print(f"  export {name}={value}", file=out)
    print("  aws sqs list-queues   # or boto3, or cdk diff/deploy --method=direct", file=out)
    print("Press Ctrl-C to stop it.", file=out, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--keep", action="store_true", help="keep the local account running after the checks"
    )
    args = parser.parse_args(argv)
    return run(keep=args.keep)


if __name__ == "__main__":
    sys.exit(main())
