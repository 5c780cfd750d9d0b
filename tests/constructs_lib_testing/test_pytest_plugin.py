"""The kit's pytest plugin: found by its entry point, loaded once, cheap to load.

Installing constructs-lib-testing registers it (``pytest11``) in every pytest
run of the environment, so loading it must cost nothing until a test asks for
one of its fixtures; naming it with ``-p`` (this repository does) must not load
a second copy.
"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

PLUGIN = "constructs_lib_testing.pytest_plugin"


def test_the_distribution_registers_the_plugin_under_its_module_name() -> None:
    (entry,) = [
        e
        for e in metadata.distribution("constructs-lib-testing").entry_points
        if e.group == "pytest11"
    ]
    assert (entry.name, entry.value) == (PLUGIN, PLUGIN)


def test_loading_the_plugin_imports_neither_moto_nor_boto3() -> None:
    code = (
        "import sys\n"
        f"import {PLUGIN}\n"
        "import constructs_lib_testing\n"
        "heavy = sorted(m for m in ('moto', 'boto3', 'botocore', 'aws_cdk') if m in sys.modules)\n"
        "print(heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_names_of_the_package_are_imported_on_first_use() -> None:
    import constructs_lib_testing
    from constructs_lib_testing.deploy import deploy_template

    assert constructs_lib_testing.deploy_template is deploy_template
    assert set(constructs_lib_testing.__all__) <= set(dir(constructs_lib_testing))
    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        _ = constructs_lib_testing.nothing  # type: ignore[attr-defined]


def test_this_session_has_the_plugin_once(pytestconfig: pytest.Config) -> None:
    """`-p` (pyproject.toml's addopts) and the entry point: one registration."""
    manager = pytestconfig.pluginmanager
    plugin = manager.get_plugin(PLUGIN)
    assert plugin is sys.modules[PLUGIN]
    assert [name for name, p in manager.list_name_plugin() if p is plugin] == [PLUGIN]


@pytest.mark.packaging  # a user's pytest run in a subprocess, as installed
@pytest.mark.parametrize("explicit", [False, True], ids=["entry point", "entry point and -p"])
def test_a_users_run_gets_the_fixtures(tmp_path: Path, explicit: bool) -> None:
    (tmp_path / "test_user.py").write_text(
        "def test_fixture(strict_account, moto_adapters):\n"
        "    assert strict_account.drops == []\n"
        "\n"
        "import pytest\n"
        "@pytest.mark.lenient_account('principals')\n"
        "def test_marker(strict_account):\n"
        "    pass\n"
    )
    env = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1"}
    env.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
    env.pop("PYTEST_ADDOPTS", None)  # the user's run, not this one's options (make bench's)
    option = ["-p", PLUGIN] if explicit else []
    result = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--strict-markers"),
            *option,
            *("-W", "error::DeprecationWarning", "test_user.py"),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "2 passed" in result.stdout
