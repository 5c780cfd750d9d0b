"""tools.diagrams: files per stack, the optional image, and docs/diagrams.md kept current."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO_ROOT
from tools import diagrams

TEMPLATE = {
    "Resources": {
        "Jobs12345678": {"Type": "AWS::SQS::Queue", "Properties": {}},
        "Dlq87654321": {"Type": "AWS::SQS::Queue", "Properties": {}},
    }
}
TEMPLATE["Resources"]["Jobs12345678"]["Properties"]["RedrivePolicy"] = {
    "deadLetterTargetArn": {"Fn::GetAtt": ["Dlq87654321", "Arn"]},
    "maxReceiveCount": 2,
}


def fake_assembly(root: Path) -> Path:
    (root / "Orders.template.json").write_text(json.dumps(TEMPLATE))
    manifest = {
        "artifacts": {
            "Orders": {
                "type": "aws:cloudformation:stack",
                "properties": {"templateFile": "Orders.template.json", "stackName": "Orders"},
            },
            "Tree": {"type": "cdk:tree", "properties": {"file": "tree.json"}},
        }
    }
    (root / "manifest.json").write_text(json.dumps(manifest))
    return root


def test_one_mermaid_file_per_stack_and_the_image_skipped_without_dot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(diagrams.shutil, "which", lambda _name: None)
    out = tmp_path / "out"

    assert diagrams.main([str(fake_assembly(tmp_path)), str(out)]) == 0

    assert sorted(p.name for p in out.iterdir()) == ["Orders.mmd"]
    assert 'Jobs12345678 -.->|"after 2 receives"| Dlq87654321' in (out / "Orders.mmd").read_text()
    assert "skipped Orders.svg: Graphviz 'dot' is not installed" in capsys.readouterr().out


def test_no_image_writes_text_only(tmp_path: Path) -> None:
    report = diagrams.write_diagrams({"Orders": TEMPLATE}, tmp_path / "out", image=False)
    assert report == [f"wrote {tmp_path / 'out' / 'Orders.mmd'}"]


def test_markdown_section_is_replaced_between_the_markers(tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(f"intro\n{diagrams.BEGIN}\nold\n{diagrams.END}\noutro\n")

    assert diagrams.update_markdown(doc, {"Orders": TEMPLATE}) is True
    text = doc.read_text()
    assert text.startswith("intro\n") and text.endswith("outro\n") and "old" not in text
    assert "### Orders\n\n```mermaid\nflowchart LR\n" in text
    assert diagrams.update_markdown(doc, {"Orders": TEMPLATE}) is False


def test_docs_show_the_current_example_app(example_templates: dict[str, dict[str, Any]]) -> None:
    text = (REPO_ROOT / "docs" / "diagrams.md").read_text()
    expected = f"{diagrams.BEGIN}\n\n{diagrams.markdown_section(example_templates)}\n{diagrams.END}"
    assert expected in text, (
        "docs/diagrams.md is out of date: run `make synth` and "
        "`python -m tools.diagrams cdk.out docs/diagrams --markdown docs/diagrams.md`"
    )
