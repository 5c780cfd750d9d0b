"""The whole cycle a user runs, with the real CDK CLI against the local account.

bootstrap -> deploy --all (in the strict account, a fresh one: no Auto Scaling
group has ever run there) -> every smoke check -> diff shows no change ->
a changed app deploys as an update -> destroy leaves nothing behind but the
retained buckets (their data kept) -> the same app deploys again, and its S3
path works -> destroy again.
One test, because each stage needs the previous one; each stage asserts.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from constructs_lib_testing.local_account import CdkCli, LocalAccount
from stacks.public_parameters import EXAMPLE_PUBLIC_PARAMETERS
from tests.conftest import REPO_ROOT
from tools.deploy_local import run_smoke_checks
from tools.local_deployment import LocalDeployment, Report
from tools.smoke import uploads_to_ingest

pytestmark = pytest.mark.e2e


def _cdk() -> str:
    """The pinned CLI that `make setup` installs (npm ci); its absence is a failure."""
    local = REPO_ROOT / "node_modules/.bin/cdk"
    assert local.exists(), f"{local} is missing: run `make setup`"
    return str(local)


def test_bootstrap_deploy_smoke_diff_update_destroy_redeploy(tmp_path: Path) -> None:
    out = io.StringIO()
    with LocalAccount(public_parameters=EXAMPLE_PUBLIC_PARAMETERS) as account:
        cli = CdkCli(account, workdir=REPO_ROOT, executable=_cdk())
        first = LocalDeployment(account, cli, Report(out=out), tmp_path / "v1")
        first.synth()
        first.bootstrap()
        first.deploy()
        stacks = first.stack_names()
        assert stacks, "the example app has no stacks"

        # the strict account of the autouse fixture
        run_smoke_checks(first)
        assert first.report.failed == [], out.getvalue()

        unchanged = cli.diff("--app", str(first.assembly_dir))
        assert unchanged.ok, unchanged.output
        assert "Number of stacks with differences: 0" in unchanged.output, unchanged.output

        # A real change: the same app tagged with a stage, synthesized anew.
        second = LocalDeployment(account, cli, first.report, tmp_path / "v2")
        second.synth("-c", "stage=e2e")
        changed = cli.diff("--app", str(second.assembly_dir))
        assert f"Number of stacks with differences: {len(stacks)}" in changed.output, changed.output
        second.deploy()
        sqs = account.client("sqs")
        jobs_url = second.physical_id("Buffering/Jobs/Queue")
        assert sqs.list_queue_tags(QueueUrl=jobs_url).get("Tags", {}).get("stage") == "e2e"
        settled = cli.diff("--app", str(second.assembly_dir))
        assert "Number of stacks with differences: 0" in settled.output, settled.output

        s3 = account.client("s3")
        uploads = second.physical_id("ServerlessWorkflow/Uploads/Bucket")
        s3.put_object(Bucket=uploads, Key="incoming/kept.csv", Body=b"id\n1\n")
        _destroy_all(account, second)

        # The uploads bucket is retained, as in AWS: its data outlives the stack ...
        assert s3.get_object(Bucket=uploads, Key="incoming/kept.csv")["Body"].read()
        # ... and must not stand in the way of deploying the same app again.
        # (The first assembly: moto 5.2.5 cannot create a KMS key with Tags.)
        third = LocalDeployment(account, cli, first.report, first.assembly_dir)
        third.deploy("cdk deploy --all (again, after destroy)")
        redeployed = third.physical_id("ServerlessWorkflow/Uploads/Bucket")
        assert redeployed != uploads, redeployed
        with third.report.check("redeployed S3 path"):
            uploads_to_ingest(third)
        assert first.report.failed == [], out.getvalue()
        _destroy_all(account, third)


def _destroy_all(account: LocalAccount, deployment: LocalDeployment) -> None:
    """`cdk destroy --all` leaves only the bootstrap stack and no queue."""
    deployment.destroy()  # raises StageFailed with the CLI's output
    cloudformation = account.client("cloudformation")
    live = {
        s["StackName"]
        for s in cloudformation.list_stacks()["StackSummaries"]
        if s["StackStatus"] != "DELETE_COMPLETE"
    }
    assert live == {"CDKToolkit"}, live
    assert account.client("sqs").list_queues().get("QueueUrls", []) == []
