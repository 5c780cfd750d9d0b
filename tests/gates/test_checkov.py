"""checkov over every synthesized template of the example app.

checkov pins an old boto3, so it lives in its own virtual env
(``.venv-checkov``, made by ``make setup``); the gate runs it as a command.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.gates

CHECKOV = REPO_ROOT / ".venv-checkov" / "bin" / "checkov"


def _acknowledged(check_id: str, resource: dict[str, Any]) -> str | None:
    """The reason a finding is acknowledged, or None when it is a real finding."""
    properties = resource.get("Properties", {})
    if check_id == "CKV_AWS_27" and properties.get("SqsManagedSseEnabled") is True:
        # checkov's SQS encryption check only looks for KmsMasterKeyId; SSE-SQS
        # (SqsManagedSseEnabled) encrypts at rest with SQS-owned keys.
        return "SSE-SQS encrypts the queue; checkov only recognizes SSE-KMS"
    return None


def checkov_findings(templates: dict[str, dict[str, Any]], workdir: Path) -> list[str]:
    assert CHECKOV.exists(), f"{CHECKOV} is missing: run `make setup`"
    for name, template in templates.items():
        (workdir / f"{name}.template.json").write_text(json.dumps(template))
    result = subprocess.run(
        [str(CHECKOV), "-d", str(workdir), "--framework", "cloudformation", "-o", "json",
         "--quiet", "--compact", "--skip-download"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.stdout.strip(), result.stderr
    reports = json.loads(result.stdout)
    findings = []
    for report in reports if isinstance(reports, list) else [reports]:
        for failed in report.get("results", {}).get("failed_checks", []):
            stack = Path(failed["file_path"]).name.removesuffix(".template.json")
            logical_id = failed["resource"].split(".", 1)[1]
            resource = templates[stack]["Resources"][logical_id]
            if _acknowledged(failed["check_id"], resource) is None:
                findings.append(
                    f"{failed['check_id']} {stack}/{logical_id}: {failed['check_name']}"
                )
    return sorted(findings)


def test_checkov_finds_nothing_in_the_example_app_but_flags_a_naive_queue(
    example_templates: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    naive = {"Resources": {"Plain": {"Type": "AWS::SQS::Queue", "Properties": {}}}}
    findings = checkov_findings({**example_templates, "Naive": naive}, tmp_path)
    # One checkov run for both: the example app is clean, and the gate is alive.
    assert findings == [
        "CKV_AWS_27 Naive/Plain: Ensure all data stored in the SQS queue is encrypted"
    ]
