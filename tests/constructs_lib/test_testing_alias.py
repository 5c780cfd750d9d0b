"""`constructs_lib.testing`, the test kit's old name, keeps working and says so (issue 22).

The kit is `constructs_lib_testing`, the distribution constructs-lib-testing;
the library keeps its old name as a deprecated alias (`constructs_lib/testing/`,
`_deprecation.moved_package`). Each check runs in a fresh interpreter or
pytest: the alias warns once per process, on import, and registers itself
in ``sys.meta_path``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import constructs_lib_testing
from tests.conftest import REPO_ROOT

OLD, NEW = "constructs_lib.testing", "constructs_lib_testing"

_PROBE = """
import json, sys, warnings
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    import constructs_lib.testing as old
    from constructs_lib.testing import deploy_template, strict_account
    from constructs_lib.testing.strict import deliveries as old_deliveries
    import constructs_lib.testing.adapters.registry
    import constructs_lib.testing.strict
import constructs_lib_testing as new
import constructs_lib_testing.adapters.registry
import constructs_lib_testing.strict.deliveries
namespace = {}
exec("from constructs_lib.testing import *", namespace)
try:
    import constructs_lib.testing.no_such_module
    missing = None
except ModuleNotFoundError as error:
    missing = str(error)
print(json.dumps({
    "warnings": [(str(w.category.__name__), str(w.message), w.filename) for w in caught],
    "same_names": deploy_template is new.deploy_template and strict_account is new.strict_account,
    "same_modules": [
        old_deliveries is sys.modules["constructs_lib_testing.strict.deliveries"],
        sys.modules["constructs_lib.testing.adapters.registry"]
        is sys.modules["constructs_lib_testing.adapters.registry"],
        old.strict is new.strict,
    ],
    "spec": old_deliveries.__spec__.name,
    "star": sorted(k for k in namespace if not k.startswith("__")) == sorted(new.__all__),
    "dir": "deploy_template" in dir(old),
    "missing": missing,
}))
"""


def _python(code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_old_name_is_the_kit_and_warns_once_at_the_importer(tmp_path: Path) -> None:
    result = _python(_PROBE, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout)
    assert found["warnings"] == [
        [
            "DeprecationWarning",
            f"{OLD} is deprecated and will be removed: use {NEW}",
            "<string>",  # the importing code, not the alias or importlib
        ]
    ]
    assert found["same_names"]
    assert found["same_modules"] == [True, True, True]  # one copy of each module's state
    assert found["spec"] == "constructs_lib_testing.strict.deliveries"
    assert found["star"] and found["dir"]
    assert found["missing"] == "No module named 'constructs_lib.testing.no_such_module'"


_USER_TEST = """
import boto3
from moto import mock_aws


def test_uses_the_kits_fixture(strict_account):
    with mock_aws():
        boto3.client("sqs", region_name="us-east-1").create_queue(QueueName="q")
    assert strict_account.drops == []
"""


def _pytest(tmp_path: Path, *args: str, autoload: bool = True) -> subprocess.CompletedProcess[str]:
    """A user's pytest run in a folder of its own (none of this repository's settings)."""
    (tmp_path / "test_user.py").write_text(_USER_TEST)
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    env.pop("PYTEST_ADDOPTS", None)
    env.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
    if not autoload:
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args, "test_user.py"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.packaging  # a user's pytest run in a subprocess, as installed
@pytest.mark.parametrize("autoload", [True, False], ids=["entry point too", "no autoload"])
def test_the_old_plugin_option_loads_the_kits_plugin_once_and_warns(
    tmp_path: Path, autoload: bool
) -> None:
    result = _pytest(tmp_path, "-p", f"{OLD}.pytest_plugin", autoload=autoload)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "1 passed" in result.stdout
    assert (
        f"{OLD}.pytest_plugin is deprecated and will be removed: use {NEW}.pytest_plugin"
        in result.stdout
    )


@pytest.mark.packaging
def test_the_old_plugin_option_fails_where_deprecations_are_errors(tmp_path: Path) -> None:
    """As in this repository (pyproject.toml's filterwarnings): no code of it may use it."""
    result = _pytest(tmp_path, "-p", f"{OLD}.pytest_plugin", "-W", "error::DeprecationWarning")
    assert result.returncode != 0
    # pytest applies -W while it loads the plugin: the package's own warning stops it
    assert f"{OLD} is deprecated and will be removed: use {NEW}" in result.stdout + result.stderr


def test_the_repository_imports_no_old_name() -> None:
    """No code, tool or configuration of this repository loads the old name; only
    the alias itself and this file do (pyproject.toml's filterwarnings would
    fail a test that did, not a tool)."""
    listed = subprocess.run(
        [
            "git",
            "grep",
            "--untracked",
            "-l",
            "-E",
            r"^\s*(from|import) constructs_lib\.testing\b|-p constructs_lib\.testing\b"
            r"|pytest_plugins.*constructs_lib\.testing\b",
            "--",
            "*.py",
            "*.toml",
            "*.cfg",
            "*.ini",
            "Makefile",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    assert sorted(listed) == [
        "constructs_lib/testing/__init__.py",
        "tests/constructs_lib/test_testing_alias.py",
    ]
    assert constructs_lib_testing.__name__ == NEW
