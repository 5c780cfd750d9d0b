"""The main job: `cdk deploy` the example app into a local account and drive it.

    python -m tools.deploy_local            # bootstrap, deploy, smoke checks, destroy,
                                            # deploy again, S3 check, destroy, stop
    python -m tools.deploy_local --keep     # bootstrap, deploy, smoke checks, then keep
                                            # the account up to explore

The local account is a moto server on 127.0.0.1 (`constructs_lib_testing.
LocalAccount`, with the adapters for what moto lacks), made strict
(`constructs_lib_testing.strict`: deliveries judged by policies, absent
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
import sys
import time
from pathlib import Path
from typing import TextIO

from constructs_lib_testing.local_account import CdkCli, LocalAccount
from constructs_lib_testing.strict import reset, strict_account
from stacks.public_parameters import EXAMPLE_PUBLIC_PARAMETERS
from tools.local_deployment import LocalDeployment, Report, StageFailed
from tools.smoke import KNOWN_DEFECTS, SMOKE_CHECKS, uploads_to_ingest

REPO_ROOT = Path(__file__).resolve().parent.parent


def redeploy_after_destroy(deployment: LocalDeployment) -> None:
    """What a user does after `cdk destroy`: deploy the same app again.

    Retained resources (the uploads bucket, with its objects) outlive the
    destroy, as in AWS; the second deployment must not collide with them.
    """
    deployment.destroy()
    deployment.deploy("cdk deploy --all (again, after destroy)")
    with deployment.report.check("ServerlessWorkflow (redeployed): matching uploads arrive"):
        uploads_to_ingest(deployment)
    deployment.destroy()


def run_smoke_checks(deployment: LocalDeployment) -> None:
    """Every smoke check, each a PASS/FAIL line (XFAIL for a known defect)."""
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
                redeploy_after_destroy(deployment)
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
