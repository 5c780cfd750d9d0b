"""Shared fixtures: the example app is synthesized once per test session.

Environment first: jsii must not print Node's end-of-life box, and boto3/moto
must never look for real credentials or reach the network.
"""

from __future__ import annotations

import inspect
import json
import os
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

_NODE_MAJOR = os.popen("node -p 'process.versions.node.split(\".\")[0]' 2>/dev/null").read().strip()
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", _NODE_MAJOR or "20")
os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")
for _name, _value in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}.items():
    os.environ[_name] = _value
os.environ.pop("AWS_PROFILE", None)
os.environ.pop("AWS_ENDPOINT_URL", None)

from aws_cdk import App, Environment, Stack, cx_api  # noqa: E402  (after the environment is set)

REPO_ROOT = Path(__file__).resolve().parent.parent
#: The test kit's distribution (its pyproject.toml, CHANGELOG.md, constraints-floor.txt).
KIT_ROOT = REPO_ROOT / "packages" / "constructs-lib-testing"
#: `make test-floor`: the oldest versions the library and the kit admit are installed.
IN_FLOOR_ENVIRONMENT = os.environ.get("CONSTRUCTS_LIB_FLOOR") == "1"

#: Why a test that runs cdk-nag skips in the floor environment.
NO_CDK_NAG = (
    "cdk-nag 3 needs aws-cdk-lib >= 2.257: the floor environment (make test-floor) runs without it"
)

#: moto's default account, and the region of the tests.
ACCOUNT = "123456789012"
REGION = "us-east-1"


def cdk_context() -> dict[str, Any]:
    """The context of cdk.json (feature flags, AZs), as the CDK CLI passes it."""
    context: dict[str, Any] = json.loads((REPO_ROOT / "cdk.json").read_text())["context"]
    return context


#: aws-cdk-lib 2.262 added a built-in CloudFormation validation at synth, and a later
#: release the App option that turns it off; older releases (the library's floor,
#: ``make test-floor``) have neither.
HAS_BUILTIN_VALIDATION = "builtin_cloud_formation_validation" in (
    inspect.signature(App.__init__).parameters
)


def bare_app(
    *, context: dict[str, Any] | None = None, validation: bool = False, outdir: str | None = None
) -> App:
    """An App with CDK's built-in CloudFormation validation off unless asked for.

    That validation costs 3-4 s per synth, so it is off in tests and on in one
    dedicated test.
    """
    options = {"builtin_cloud_formation_validation": validation} if HAS_BUILTIN_VALIDATION else {}
    return App(context=context, outdir=outdir, **options)


def new_app(*, validation: bool = False) -> App:
    """An App that synthesizes like `cdk synth` with this repo's cdk.json."""
    return bare_app(context=cdk_context(), validation=validation)


def new_stack(stack_id: str = "Test", *, env: bool = True, feature_flags: bool = False) -> Stack:
    """A stack in its own App (an App synthesizes once).

    :param env: in `ACCOUNT` and `REGION` (moto's); else environment-agnostic.
    :param feature_flags: with cdk.json's context (`new_app`); else a `bare_app`.
    """
    app = new_app() if feature_flags else bare_app()
    return Stack(app, stack_id, env=Environment(account=ACCOUNT, region=REGION) if env else None)


def pinned_version(package: str) -> str:
    """The exact version of ``package`` in constraints.txt (what the project tests with)."""
    prefix = package.replace("-", "_").lower() + "=="
    for line in (REPO_ROOT / "constraints.txt").read_text().splitlines():
        if line.replace("-", "_").lower().startswith(prefix):
            return line.split("==", 1)[1].strip()
    raise LookupError(f"constraints.txt pins no {package}")


#: Snapshots record the templates of one aws-cdk-lib: the pinned one. Elsewhere
#: (the floor environment of `make test-floor`) snapshot tests are skipped.
SNAPSHOT_CDK_VERSION = pinned_version("aws-cdk-lib")
INSTALLED_CDK_VERSION = metadata.version("aws-cdk-lib")


def pytest_report_header() -> str:
    line = f"aws-cdk-lib {INSTALLED_CDK_VERSION} (snapshots record {SNAPSHOT_CDK_VERSION})"
    if INSTALLED_CDK_VERSION != SNAPSHOT_CDK_VERSION:
        line += ": snapshot tests are skipped"
    return line


#: Started first under pytest-xdist (`make test`: ``-n 2 --dist loadscope
#: --no-loadscope-reorder``, each module in one worker so that its module
#: fixtures are built once): the longest modules, so that no worker ends with
#: one of them alone (docs/evidence.md, "Speed").
LONGEST_FIRST = (
    "tests/e2e/",
    "tests/evidence/test_reliability.py",
    "tests/evidence/test_option_properties.py",
    "tests/constructs_lib/runtime/test_worker_on_instance.py",
)
#: Long modules without module fixtures: their tests are spread over the workers.
SPREAD_BY_TEST = ("tests/evidence/test_option_properties.py",)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadscope``, but the tests of `SPREAD_BY_TEST` go one by one."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModulesTogether(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.startswith(SPREAD_BY_TEST):
                return nodeid
            return str(super()._split_scope(nodeid))

    return ModulesTogether(config, log)


#: Directories whose tests carry a marker of their own (`make test-quick` leaves
#: them out: it is the unit and gate tests, for the edit-test loop).
MARKED_BY_DIRECTORY = {
    "tests/evidence/": pytest.mark.evidence,
    "tests/constructs_lib_testing/": pytest.mark.kit,
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    _skip_snapshots_of_another_cdk(items)
    for item in items:
        for directory, marker in MARKED_BY_DIRECTORY.items():
            if item.nodeid.startswith(directory):
                item.add_marker(marker)
    items.sort(key=_start_order)  # stable: the same order on every xdist worker


def _skip_snapshots_of_another_cdk(items: list[pytest.Item]) -> None:
    if INSTALLED_CDK_VERSION == SNAPSHOT_CDK_VERSION:
        return
    skip = pytest.mark.skip(
        reason=f"snapshots record aws-cdk-lib {SNAPSHOT_CDK_VERSION}, "
        f"this environment has {INSTALLED_CDK_VERSION}"
    )
    for item in items:
        if "snapshot" in getattr(item, "fixturenames", ()):
            item.add_marker(skip)


def _start_order(item: pytest.Item) -> int:
    path = item.nodeid
    return next((i for i, p in enumerate(LONGEST_FIRST) if path.startswith(p)), len(LONGEST_FIRST))


@pytest.fixture(autouse=True)
def _strict_local_account(strict_account: Any) -> Any:
    """Every test runs in the strict local account (constructs_lib_testing.strict):
    deliveries judged by policies, absent principals refused, alarms evaluated on
    demand. A test that needs moto's old leniency says so with
    ``@pytest.mark.lenient_account("<part>")``."""
    return strict_account


@pytest.fixture(scope="session")
def example_assembly() -> cx_api.CloudAssembly:
    """The whole example app, synthesized once for the session."""
    from stacks import build_example_app

    app = new_app()
    build_example_app(app)
    return app.synth()


@pytest.fixture(scope="session")
def example_templates(example_assembly: cx_api.CloudAssembly) -> dict[str, dict[str, Any]]:
    """Template of every stack of the example app, by stack name."""
    return {stack.stack_name: stack.template for stack in example_assembly.stacks}


@pytest.fixture()
def tmp_cwd(tmp_path: Path) -> Iterator[Path]:
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        yield tmp_path
    finally:
        os.chdir(old)
