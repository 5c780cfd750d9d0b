"""The user's path: build the wheel, install it into someone else's CDK app, synthesize.

What a new user does, in a fresh virtual environment that already has its own
aws-cdk-lib (the floor, different from the project's pin): ``cdk init app``
with the pinned CDK CLI, ``pip install`` the wheel, then the extra ``cli``;
the documentation's construct examples (README.md and the pages under docs/)
pasted into the app's stack; ``cdk synth``.
The app's aws-cdk-lib must not change, and the synthesized app proves the
wheel carries what the constructs read from the package at synth (the
worker asset, ``constructs_lib/runtime/worker.py``) and ``py.typed``.

Installs come from the wheelhouse `make test-floor` downloads (no network
here); without it the test is skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, pinned_version
from tests.doc_examples import doc_examples, user_app_module

WHEELHOUSE = os.environ.get("CONSTRUCTS_LIB_WHEELHOUSE")
pytestmark = [
    pytest.mark.packaging,
    pytest.mark.skipif(
        not WHEELHOUSE, reason="needs the floor wheelhouse: run it with make test-floor"
    ),
]

APP = "userapp"
#: Resource types the documentation's construct examples must have put into the user's stack.
EXPECTED_TYPES = {
    "AWS::SQS::Queue",
    "AWS::SNS::Subscription",
    "AWS::Events::Rule",
    "AWS::Scheduler::Schedule",
    "AWS::S3::Bucket",
    "AWS::Lambda::EventSourceMapping",
    "AWS::AutoScaling::AutoScalingGroup",
    "AWS::Pipes::Pipe",
    "AWS::CloudWatch::Dashboard",
}


def floor_version(package: str) -> str:
    for line in (REPO_ROOT / "constraints-floor.txt").read_text().splitlines():
        if line.startswith(f"{package}=="):
            return line.split("==", 1)[1]
    raise LookupError(package)


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, f"{args}: {result.stdout[-2000:]}{result.stderr[-3000:]}"
    return result.stdout


@dataclass
class UserApp:
    root: Path  # the cdk init app
    venv: Path  # its virtual environment
    wheel: Path
    sdist: Path
    env: dict[str, str]  # an activated venv: its bin first on PATH

    def pip(self, *args: str) -> str:
        wheelhouse = ["--no-index", "--find-links", str(WHEELHOUSE)]
        return run(
            self.venv / "bin/pip",
            *args,
            *wheelhouse,
            "--find-links",
            self.wheel.parent,
            "--no-compile",
            "--disable-pip-version-check",
            cwd=self.root,
            env=self.env,
        )

    def installed(self) -> dict[str, str]:
        listing = run(self.venv / "bin/pip", "list", "--format=json", cwd=self.root, env=self.env)
        return {p["name"].lower(): p["version"] for p in json.loads(listing)}

    def console(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.venv / "bin/constructs-lib"), *args],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )


@pytest.fixture(scope="module")
def user_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[UserApp]:
    work = tmp_path_factory.mktemp("user-path")
    run(
        sys.executable,
        "-m",
        "build",
        "--no-isolation",
        "--outdir",
        work / "dist",
        REPO_ROOT,
        cwd=work,
    )
    (wheel,) = (work / "dist").glob("*.whl")
    (sdist,) = (work / "dist").glob("*.tar.gz")

    venv = work / "venv"
    run(sys.executable, "-m", "venv", venv, cwd=work)
    env = {
        **os.environ,
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "VIRTUAL_ENV": str(venv),
        "CDK_HOME": str(work / ".cdk"),
        "CDK_DISABLE_CLI_TELEMETRY": "true",
    }
    env.pop("PYTHONPATH", None)  # nothing of the checkout is importable in the user's app
    root = work / APP
    root.mkdir()
    run(
        REPO_ROOT / "node_modules/.bin/cdk",
        "init",
        "app",
        "--language",
        "python",
        "--generate-only",
        cwd=root,
        env=env,
    )
    app = UserApp(root=root, venv=venv, wheel=wheel, sdist=sdist, env=env)
    # The user's app pins its own aws-cdk-lib, in range and older than the project's pin.
    (root / "requirements.txt").write_text(
        f"aws-cdk-lib=={floor_version('aws-cdk-lib')}\nconstructs>=10.0.0,<11.0.0\n"
    )
    app.pip("install", "-r", "requirements.txt")
    yield app


def test_the_floor_differs_from_the_pin() -> None:
    assert floor_version("aws-cdk-lib") != pinned_version("aws-cdk-lib")


def test_the_wheel_carries_the_package_and_nothing_else(user_app: UserApp) -> None:
    names = zipfile.ZipFile(user_app.wheel).namelist()
    for needed in (
        "constructs_lib/py.typed",
        "constructs_lib/runtime/worker.py",
        "constructs_lib/runtime/dlq_redrive.py",
        "constructs_lib/testing/adapters/_model.py",
        "constructs_lib/testing/activation.py",
    ):
        assert needed in names
    assert not [n for n in names if n.split("/")[0] in {"tests", "stacks", "handlers", "tools"}]
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert (
        "constructs-lib = constructs_lib.cli:main"
        in zipfile.ZipFile(user_app.wheel).read(entry_points).decode()
    )


def test_installing_the_wheel_leaves_the_apps_aws_cdk_lib_alone(user_app: UserApp) -> None:
    before = user_app.installed()
    before.pop("constructs-lib", None)  # when another test of this module installed it first
    user_app.pip("install", "constructs-lib")
    after = user_app.installed()

    assert after.pop("constructs-lib") == user_app.wheel.name.split("-")[1]
    assert after == before  # aws-cdk-lib and constructs untouched, nothing else added
    assert before["aws-cdk-lib"] == floor_version("aws-cdk-lib")


def test_the_command_says_what_to_install_then_works_with_the_extra(user_app: UserApp) -> None:
    user_app.pip("install", "constructs-lib")
    without = user_app.console("redrive", "--help")
    assert (without.returncode, without.stdout) == (2, "")
    assert without.stderr == (
        "constructs-lib redrive needs boto3 and botocore: pip install 'constructs-lib[cli]'\n"
    )

    cdk_lib = user_app.installed()["aws-cdk-lib"]
    user_app.pip("install", "constructs-lib[cli]")
    with_extra = user_app.console("redrive", "--help")
    assert with_extra.returncode == 0, with_extra.stderr
    assert "--dlq DLQ" in with_extra.stdout
    assert user_app.installed()["aws-cdk-lib"] == cdk_lib


def test_the_doc_examples_synthesize_in_the_users_app(user_app: UserApp) -> None:
    user_app.pip("install", "constructs-lib")
    root = user_app.root
    examples = [e for e in doc_examples() if e.uses_self]
    (root / "doc_examples.py").write_text(user_app_module(examples))
    shutil.copy(REPO_ROOT / "tests/doc_fixture.py", root / "doc_fixture.py")
    shutil.copytree(REPO_ROOT / "handlers", root / "handlers")  # the user's own handler code
    stack_module = root / APP / f"{APP}_stack.py"
    code = stack_module.read_text()
    marker = "        # The code that defines your stack goes here\n"
    assert marker in code
    stack_module.write_text(
        "from doc_examples import add_doc_examples\n"
        + code.replace(marker, marker + "        add_doc_examples(self)\n")
    )

    cdk = REPO_ROOT / "node_modules/.bin/cdk"
    run(cdk, "synth", "--quiet", "--no-notices", cwd=root, env=user_app.env)  # offline

    template = json.loads((root / "cdk.out/UserappStack.template.json").read_text())
    types = {r["Type"] for r in template["Resources"].values()}
    assert types >= EXPECTED_TYPES, EXPECTED_TYPES - types
    site = next((user_app.venv / "lib").glob("python3*/site-packages"))
    installed = site / "constructs_lib"
    assert (installed / "py.typed").exists()
    # The fleet's worker asset was read from the installed wheel, not from a checkout.
    shipped = list((root / "cdk.out").glob("asset.*/worker.py"))
    assert shipped and all(
        p.read_bytes() == (installed / "runtime/worker.py").read_bytes() for p in shipped
    )
