"""BASE and HEAD in every form: a cdk.out, folders of templates or snapshots, a file, git refs.

One app is synthesized once; each form of it must read as the same app (the
review of one against another has no effect). Git refs are made in a
repository of the test's own; the one synth test runs the real CDK CLI in a
temporary worktree of a ref, as ``constructs-lib review`` does when a ref has
no snapshot files.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from constructs_lib.review import Options, compare, load_side, markdown
from constructs_lib.review.inputs import stack_name
from constructs_lib.templates.errors import AssemblyError
from tests.conftest import INSTALLED_CDK_VERSION, REPO_ROOT, SNAPSHOT_CDK_VERSION
from tests.constructs_lib.review.apps import plain_app

#: CloudFormation's resource schemas come with the extra "review" (cfn-lint); the floor
#: environment of `make test-floor` has no cfn-lint.
pytest.importorskip("cfnlint", reason="constructs-lib review needs the extra review (cfn-lint)")

SNAPSHOT = "test_every_stack_matches_its_snapshot[Plain].json"


@pytest.fixture(scope="module")
def cdk_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return plain_app(tmp_path_factory.mktemp("inputs") / "cdk.out")


def template_of(cdk_out: Path) -> dict[str, object]:
    template: dict[str, object] = json.loads((cdk_out / "Plain.template.json").read_text())
    return template


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def repository(path: Path) -> Path:
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.email", "review@example.com")
    git(path, "config", "user.name", "review")
    return path


def commit(repo: Path, files: dict[str, str], message: str) -> str:
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def test_stack_names_come_from_file_names() -> None:
    assert stack_name(SNAPSHOT) == "Plain"
    assert stack_name("Orders.template.json") == "Orders"
    assert stack_name("orders.yaml") == "orders"


def test_a_cloud_assembly_a_template_folder_and_a_snapshot_folder_read_alike(
    cdk_out: Path, tmp_path: Path
) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    shutil.copy(cdk_out / "Plain.template.json", templates)
    (templates / "notes.json").write_text('{"not": "a template"}')  # skipped
    snapshots = tmp_path / "__snapshots__" / "test_snapshots"
    snapshots.mkdir(parents=True)
    (snapshots / SNAPSHOT).write_text(json.dumps(template_of(cdk_out), sort_keys=True, indent=2))
    (snapshots.parent / "diagram.mmd").write_text("flowchart LR\n")  # not a template
    assembly = load_side(str(cdk_out))
    assert assembly.assembly.stacks[0].paths  # the manifest's construct paths
    for other in (templates, tmp_path / "__snapshots__", templates / "Plain.template.json"):
        review = compare(assembly, load_side(str(other)))
        assert review.identical, (other, review.items, review.other)


def test_the_example_apps_snapshot_files_and_its_synthesized_assembly_read_alike(
    example_assembly: Any,
) -> None:
    """The snapshot files hide asset hashes and the stacks' environment; the review reads
    the cdk.out's environment for both and compares no asset hash on either side."""
    if INSTALLED_CDK_VERSION != SNAPSHOT_CDK_VERSION:
        pytest.skip(f"the snapshot files record aws-cdk-lib {SNAPSHOT_CDK_VERSION}")
    snapshots = load_side(str(REPO_ROOT / "tests" / "stacks" / "__snapshots__"))
    synthesized = load_side(example_assembly.directory)
    review = compare(snapshots, synthesized)
    assert review.identical, markdown(review)
    assert {s.name for s in snapshots.assembly.stacks} == {
        "Buffering",
        "Decoupling",
        "OrderedProcessing",
        "ServerlessWorkflow",
    }


def test_a_yaml_template_reads_like_its_json(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n"
        "      RedrivePolicy:\n        deadLetterTargetArn: !GetAtt D.Arn\n"
        "        maxReceiveCount: 5\n  D:\n    Type: AWS::SQS::Queue\n"
    )
    (tmp_path / "a.json").write_text(
        json.dumps(
            {
                "Resources": {
                    "Q": {
                        "Type": "AWS::SQS::Queue",
                        "Properties": {
                            "RedrivePolicy": {
                                "deadLetterTargetArn": {"Fn::GetAtt": ["D", "Arn"]},
                                "maxReceiveCount": 5,
                            }
                        },
                    },
                    "D": {"Type": "AWS::SQS::Queue"},
                }
            }
        )
    )
    review = compare(load_side(str(tmp_path / "a.yaml")), load_side(str(tmp_path / "a.json")))
    assert review.identical


def test_what_is_neither_an_app_nor_a_ref_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(AssemblyError, match="no CloudFormation template in it"):
        load_side(str(tmp_path / "empty"))
    with pytest.raises(AssemblyError, match="neither a path nor a git ref"):
        load_side("no-such-ref-or-path", Options(repo=tmp_path / "empty"))
    (tmp_path / "not.json").write_text("[]")
    with pytest.raises(AssemblyError, match="not a CloudFormation template"):
        load_side(str(tmp_path / "not.json"))


def test_git_refs_read_their_snapshot_files(cdk_out: Path, tmp_path: Path) -> None:
    repo = repository(tmp_path / "repo")
    template = template_of(cdk_out)
    path = f"tests/__snapshots__/test_stacks/{SNAPSHOT}"
    first = commit(repo, {path: json.dumps(template)}, "first")
    changed = json.loads(json.dumps(template))
    resources = changed["Resources"]
    ledger = next(k for k in resources if k.startswith("Ledger"))
    resources[ledger]["Properties"] = {"FifoQueue": True}
    commit(repo, {path: json.dumps(changed), "README.md": "x"}, "second")
    options = Options(repo=repo)
    base, head = load_side(first[:10], options), load_side("main", options)
    assert base.label == f"{first[:10]} ({first[:7]}, snapshots)"
    review = compare(base, head)
    assert [(i.kind, i.subject) for i in review.items] == [("lost", "Ledger")]
    # --snapshots names the folder; one without templates at that ref falls back to synth
    assert compare(load_side("main~1", Options(repo=repo, snapshots="tests")), base).identical
    with pytest.raises(AssemblyError, match="failed at"):
        load_side("main", Options(repo=repo, snapshots="docs", synth_command="exit 3"))


@pytest.mark.program
def test_a_ref_without_snapshots_is_synthesized_with_the_cdk_cli(
    cdk_out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cdk = REPO_ROOT / "node_modules" / ".bin" / "cdk"
    # `make setup` installs it (npm ci): its absence is a failure, as in tests/e2e
    assert cdk.exists(), f"{cdk} is missing: run `make setup`"
    monkeypatch.setenv("CDK_HOME", str(tmp_path / "cdk-home"))
    monkeypatch.setenv("CDK_VALIDATION", "false")
    repo = repository(tmp_path / "app")
    app = (REPO_ROOT / "tests" / "constructs_lib" / "review" / "apps.py").read_text()
    # the CLI tells the app where to write: CDK_OUTDIR
    entry = (
        "import os, sys\nsys.path.insert(0, '.')\nfrom pathlib import Path\n"
        "from apps_copy import plain_app\n"
        "plain_app(Path(os.environ['CDK_OUTDIR']))\n"
    )
    # the app: the module above, with what it imports from the tests replaced
    app = app.replace(
        "from tests.conftest import ACCOUNT, REGION, bare_app",
        "from aws_cdk import App\nACCOUNT, REGION = '123456789012', 'us-east-1'\n\n"
        "def bare_app(outdir):\n"
        # CDK_VALIDATION=false turns the built-in validation off; aws-cdk-lib 2.252
        # (make test-floor) has neither it nor App's option for it
        "    return App(outdir=outdir)\n",
    )
    commit(
        repo,
        {
            "apps_copy.py": app,
            "app.py": entry,
            "cdk.json": json.dumps({"app": f"{sys.executable} app.py", "notices": False}),
        },
        "the app",
    )
    options = Options(repo=repo, synth_command=f"{cdk} synth --quiet --output {{out}}")
    base = load_side("main", options)
    assert base.label.endswith(", synthesized)")
    assert compare(base, load_side(str(cdk_out))).identical
    assert git(repo, "worktree", "list").count("\n") == 0  # the temporary worktree is gone
