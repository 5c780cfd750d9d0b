"""A deployment of the example app into a local account, and the report of its stages.

Shared by `tools.deploy_local` (which runs the stages) and `tools.smoke` (whose
checks drive the deployed resources): neither imports the other's module.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from constructs_lib.templates.assembly import assembly_stacks
from constructs_lib_testing.local_account import (
    CdkCli,
    CliResult,
    LocalAccount,
    stack_resources_by_path,
)
from constructs_lib_testing.strict import StrictAccount


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
    #: physical ids by construct path, per stack, as last deployed (each lookup
    #: is a DescribeStackResources call; the checks make dozens)
    _resources: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)

    def cli_stage(self, name: str, result_of: Callable[[], CliResult]) -> CliResult:
        self._resources.clear()  # a deploy or destroy changes what is deployed
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

    def stack_names(self) -> list[str]:
        """The artifact ids of the assembly's stacks (what ``cdk deploy`` names them)."""
        return sorted(s.artifact_id for s in assembly_stacks(self.assembly_dir) if s.artifact_id)

    def template(self, stack_name: str) -> Mapping[str, Any]:
        """The template of stack artifact ``stack_name``, read through the manifest."""
        for stack in assembly_stacks(self.assembly_dir):
            if stack.artifact_id == stack_name:
                return stack.template
        raise KeyError(f"no stack {stack_name!r} in {self.assembly_dir}")

    def resources(self, stack_name: str) -> dict[str, str]:
        """Physical ids of a deployed stack's resources, by construct path."""
        if stack_name not in self._resources:
            self._resources[stack_name] = stack_resources_by_path(
                self.account, stack_name, self.template(stack_name)
            )
        return self._resources[stack_name]

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
