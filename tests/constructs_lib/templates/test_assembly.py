"""The template model's reader: a cloud assembly through its manifest (issue 22).

Five readers of ``cdk.out`` (the checks, the diagram tool, the synth
summary, the local deployment, the fleet simulator) became one; the
simulator globbed ``*.template.json`` and so read stale templates and missed
nothing the manifest names only. Read from a real synthesized app: a stack
with a nested stack and a Lambda asset, and a stage.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from aws_cdk import Environment, NestedStack, Stack, Stage
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs

from constructs_lib.templates import AssemblyError, file_assets, load
from tests.conftest import REPO_ROOT, bare_app

ENV = Environment(account="111111111111", region="us-east-1")


@pytest.fixture(scope="module")
def cdk_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cdk.out")
    app = bare_app(outdir=str(out))
    parent = Stack(app, "Parent", env=ENV)
    sqs.Queue(parent, "Jobs")
    child = NestedStack(parent, "Child")
    sqs.Queue(child, "Inner")
    lambda_.Function(
        parent,
        "Handler",
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="index.handler",
        code=lambda_.Code.from_asset(str(REPO_ROOT / "handlers")),
    )
    stage = Stage(app, "Stage")
    sqs.Queue(Stack(stage, "Staged"), "Queue")
    app.synth()
    return out


def test_stacks_nested_stacks_and_stages_come_from_the_manifest(cdk_out: Path) -> None:
    (cdk_out / "Stale.template.json").write_text('{"Resources": {}}')  # named by nothing
    assembly = load([cdk_out])
    assert sorted((s.name, s.parent) for s in assembly.stacks) == [
        ("Parent", None),
        ("Parent/Child", "Parent"),
        ("Stage/Staged", None),
    ]
    nested = assembly.by_stack["Parent/Child"]
    assert nested.source is not None and nested.source.name.endswith(".nested.template.json")
    assert (nested.account, nested.region) == ("111111111111", "us-east-1")
    (inner,) = [r for r in nested.resources() if r.type == "AWS::SQS::Queue"]
    assert inner.path == "Parent/Child/Inner/Resource"
    # the parent keeps its own paths, not the nested stack's
    assert all(path.startswith("Parent/") for path in assembly.by_stack["Parent"].paths.values())
    assert not any("/Child/" in p for p in assembly.by_stack["Parent"].paths.values())


def test_file_assets_come_from_the_stacks_asset_manifest(cdk_out: Path) -> None:
    assets = file_assets(cdk_out, "Parent")
    code = [a for a in assets if not a.is_template]
    assert len(code) == 1 and code[0].packaging == "zip" and code[0].path.is_dir()
    (bucket, key), *_ = code[0].destinations
    assert bucket == "cdk-hnb659fds-assets-111111111111-us-east-1" and key.endswith(".zip")
    templates = sorted(a.path.name for a in assets if a.is_template)
    assert templates[0] == "Parent.template.json"
    assert templates[1].endswith(".nested.template.json")
    with pytest.raises(AssemblyError, match=r"no stack 'Nope' \(stacks: Parent\)"):
        file_assets(cdk_out, "Nope")


def _without_template_file_entries(directory: Path) -> None:
    """What an aws-cdk-lib older than the project's pin writes (2.252.0, the floor):
    no ``aws:cdk:templateFile`` metadata, in the manifest or its metadata files."""
    manifest = json.loads((directory / "manifest.json").read_text())
    for artifact in manifest["artifacts"].values():
        files = [artifact.get("metadata") or {}]
        extra = artifact.get("additionalMetadataFile")
        if extra:
            files.append(json.loads((directory / extra).read_text()))
        for metadata in files:
            for path, entries in metadata.items():
                metadata[path] = [e for e in entries if e.get("type") != "aws:cdk:templateFile"]
        if extra:
            (directory / extra).write_text(json.dumps(files[1]))
    (directory / "manifest.json").write_text(json.dumps(manifest))


def test_nested_stacks_are_found_without_template_file_metadata(tmp_path: Path) -> None:
    """Through the file asset each parent's ``TemplateURL`` names, at any depth."""
    app = bare_app(outdir=str(tmp_path / "new"))
    parent = Stack(app, "Parent", env=ENV)
    child = NestedStack(parent, "Child")
    sqs.Queue(child, "Inner")
    grandchild = NestedStack(child, "Grandchild")
    sqs.Queue(grandchild, "Deep")
    app.synth()
    old = tmp_path / "old"
    shutil.copytree(tmp_path / "new", old)
    _without_template_file_entries(old)

    def stacks(directory: Path) -> list[tuple[str, str | None, str, list[str]]]:
        return sorted(
            (s.name, s.parent, s.source.name if s.source else "", sorted(s.paths.values()))
            for s in load([directory]).stacks
        )

    found = stacks(old)
    assert [(name, parent) for name, parent, _, _ in found] == [
        ("Parent", None),
        ("Parent/Child", "Parent"),
        ("Parent/Child/Grandchild", "Parent"),  # the stack it is deployed with
    ]
    assert found == stacks(tmp_path / "new")
    assert "Parent/Child/Grandchild/Deep/Resource" in found[2][3]
