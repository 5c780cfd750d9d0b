"""The user's path: build the wheels, install them into someone else's CDK app, synthesize, test.

What a new user does, in a fresh virtual environment that already has its own
aws-cdk-lib (the floor, different from the project's pin): ``cdk init app``
with the pinned CDK CLI, ``pip install`` the wheel, then the extra ``cli``;
the documentation's construct examples (README.md and the pages under docs/)
pasted into the app's stack; ``cdk synth``.
The app's aws-cdk-lib must not change, and the synthesized app proves the
wheel carries what the constructs read from the package at synth (the
worker asset, ``constructs_lib/runtime/worker.py``) and ``py.typed``. Last,
the extra ``testing``: it installs the test kit (the distribution
constructs-lib-testing, built here too) at its floor moto, and the user's
own pytest file runs against a synthesized stack, with the kit's name and
with its deprecated old one.

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

from tests.conftest import KIT_ROOT, REPO_ROOT, pinned_version
from tests.distributions import build
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
    """The floor of the library (constraints-floor.txt) or of the kit (its own)."""
    for floor in (REPO_ROOT / "constraints-floor.txt", KIT_ROOT / "constraints-floor.txt"):
        for line in floor.read_text().splitlines():
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
    wheel: Path  # the library's; the kit's wheel is beside it
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
    library = build("constructs-lib", work / "dist")
    build("constructs-lib-testing", work / "dist")  # found by the testing extra
    wheel, sdist = library.wheel, library.sdist

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
    env.pop("PYTEST_ADDOPTS", None)  # the user's pytest, not this run's options
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
        "constructs_lib/testing/__init__.py",  # the test kit's deprecated old name
    ):
        assert needed in names
    assert not [
        n
        for n in names
        if n.split("/")[0] in {"tests", "stacks", "handlers", "tools", "constructs_lib_testing"}
    ]
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


#: The user's own tests of their stack: the kit's name, the fixture its plugin
#: registers by itself, and a message sent and received in moto.
USER_TEST = """
from aws_cdk import App, Duration, Environment, Stack
from aws_cdk.assertions import Template
from moto import mock_aws

from constructs_lib import SecureQueue
from {kit} import deploy_template, logical_id_of


def test_my_queue(strict_account):
    stack = Stack(App(), "Orders", env=Environment(account="123456789012", region="us-east-1"))
    orders = SecureQueue(stack, "Orders", visibility_timeout=Duration.seconds(1))
    with mock_aws():
        deployed = deploy_template(Template.from_stack(stack).to_json())
        sqs = deployed.client("sqs")
        url = deployed.physical_id(logical_id_of(orders.queue))
        sqs.send_message(QueueUrl=url, MessageBody="hi")
        (message,) = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0)["Messages"]
    assert message["Body"] == "hi"
    strict_account.assert_no_drops()
"""


def test_the_testing_extra_installs_the_kit_and_the_users_tests_run(user_app: UserApp) -> None:
    """Last in this module: it adds the kit, moto and pytest to the user's environment."""
    cdk_lib = user_app.installed()["aws-cdk-lib"]
    user_app.pip("install", "constructs-lib[testing]", "pytest")
    installed = user_app.installed()
    kit_wheel = next(user_app.wheel.parent.glob("constructs_lib_testing-*.whl"))
    assert installed["constructs-lib-testing"] == kit_wheel.name.split("-")[1]
    assert installed["moto"] == floor_version("moto")  # the kit's floor, from the wheelhouse
    assert installed["aws-cdk-lib"] == cdk_lib

    env = {
        **user_app.env,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION": "1",
    }
    tests = user_app.root / "kit_tests"  # beside the sample tests of cdk init
    tests.mkdir()
    (tests / "test_new_name.py").write_text(USER_TEST.format(kit="constructs_lib_testing"))
    (tests / "test_old_name.py").write_text(USER_TEST.format(kit="constructs_lib.testing"))
    for options, deprecated in (
        ([], "constructs_lib.testing is deprecated and will be removed"),  # entry point
        (["-p", "constructs_lib.testing.pytest_plugin"], "pytest_plugin is deprecated"),
    ):
        result = subprocess.run(
            [str(user_app.venv / "bin/pytest"), "-p", "no:cacheprovider", *options, "kit_tests"],
            cwd=user_app.root,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
        assert "2 passed" in result.stdout
        assert deprecated in result.stdout
