"""``constructs-lib review``: exit codes, ``--fail-on``, ``--format json``, the marker.

Run over two real commits of this repository (read from their snapshot files)
so that the command's numbers are the history tests' numbers.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from constructs_lib.cli import main
from constructs_lib.review.command import EXIT_GATED, EXIT_OK, EXIT_UNREADABLE
from constructs_lib.review.report import MARKER
from tests.conftest import REPO_ROOT
from tests.constructs_lib.review.test_history import AGE_ALARM, ALARM_TOPIC, review_of

#: CloudFormation's resource schemas come with the extra "review" (cfn-lint); the floor
#: environment of `make test-floor` has no cfn-lint.
pytest.importorskip("cfnlint", reason="constructs-lib review needs the extra review (cfn-lint)")


@pytest.fixture(autouse=True)
def _history() -> None:
    review_of(ALARM_TOPIC)  # skips where the history is not in the clone


def review(*args: str) -> list[str]:
    return ["review", f"{ALARM_TOPIC}^", ALARM_TOPIC, "--repo", str(REPO_ROOT), *args]


def test_without_fail_on_the_review_exits_0_whatever_it_finds(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(review()) == EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith(f"## Review of `{ALARM_TOPIC}^ (")
    assert "### 1. Message loss" in out and "**Gate**" not in out


def test_fail_on_names_the_classes_that_fail_and_says_which_were_hit(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(review("--fail-on", "findings")) == EXIT_OK  # only a finding fixed
    capsys.readouterr()
    code = main(review("--fail-on", "findings,permissions-widened", "--fail-on", "message-loss"))
    assert code == EXIT_GATED
    captured = capsys.readouterr()
    assert captured.out.rstrip().endswith(
        "**Gate**: this change hits `--fail-on permissions-widened,message-loss`."
    )
    assert "review: --fail-on permissions-widened,message-loss hit" in captured.err


def test_json_for_other_tools(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(review("--format", "json", "--fail-on", "message-loss"))
    report = json.loads(capsys.readouterr().out)
    assert code == EXIT_GATED == report["exitCode"]
    assert report["failing"] == ["message-loss"]
    assert list(report["sections"]) == [
        "message-loss",
        "delivery-paths",
        "permissions",
        "operations",
        "findings",
    ]
    lost = report["sections"]["message-loss"][0]
    assert (lost["kind"], lost["subject"], lost["where"]) == (
        "lost",
        "Operations",
        "Buffering/Operations993AC38D",
    )
    assert lost["gates"] == ["message-loss"]


def test_the_marker_and_an_output_file(tmp_path: Path) -> None:
    out = tmp_path / "review.md"
    args = ["review", f"{AGE_ALARM}^", AGE_ALARM, "--repo", str(REPO_ROOT)]
    assert main([*args, "--marker", "--output", str(out)]) == EXIT_OK
    text = out.read_text()
    assert text.splitlines()[0] == MARKER
    assert "EvaluationPeriods 1 → 7" in text


def test_unreadable_input_and_unknown_classes_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["review", str(tmp_path), ALARM_TOPIC, "--repo", str(REPO_ROOT)]) == (
        EXIT_UNREADABLE
    )
    assert "review refused: " in capsys.readouterr().err
    assert main(review("--fail-on", "everything")) == EXIT_UNREADABLE
    assert "--fail-on everything: unknown class" in capsys.readouterr().err


def test_the_console_script_runs_it(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "constructs-lib"
    result = subprocess.run(
        [str(script), *review("--fail-on", "message-loss")],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == EXIT_GATED, result.stderr
    assert "Topic **Operations**" in result.stdout
