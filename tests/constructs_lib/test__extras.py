"""Each entry point run without its extra names the extra in one line.

The processes run with ``python -S``: no site-packages, so no boto3, moto or
aws-cdk-lib, only the standard library and this checkout - what a plain
``pip install constructs-lib`` gives the CLI and the runtime modules.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT


def bare_python(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-S", *args],
        cwd=REPO_ROOT,  # the checkout is importable from its root, nothing else is
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["redrive", "--dlq", "x", "--dry-run"],
        ["redrive", "--help"],
        ["redrive", "--region", "us-east-1", "--dlq", "x"],
    ],
)
def test_a_command_without_its_extra_names_it_and_exits_2(argv: list[str]) -> None:
    result = bare_python("-m", "constructs_lib", *argv)

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        "python -m constructs_lib redrive needs boto3 and botocore: "
        "pip install 'constructs-lib[cli]'"
    ]


def test_the_command_list_needs_no_extra() -> None:
    result = bare_python("-m", "constructs_lib", "--help")

    assert result.returncode == 0, result.stderr
    assert "redrive" in result.stdout and "needs constructs-lib[cli]" in result.stdout


@pytest.mark.parametrize(
    ("statement", "module", "extra", "needs"),
    [
        (
            "import constructs_lib.testing",
            "constructs_lib.testing",
            "testing",
            "constructs_lib_testing",
        ),
        (
            "from constructs_lib.runtime import redrive",
            "constructs_lib.runtime",
            "cli",
            "boto3 and botocore",
        ),
        (
            "import constructs_lib.runtime.dlq_redrive",
            "constructs_lib.runtime",
            "cli",
            "boto3 and botocore",
        ),
    ],
)
def test_importing_a_module_without_its_extra_names_it(
    statement: str, module: str, extra: str, needs: str
) -> None:
    result = bare_python("-c", statement)

    assert result.returncode == 1
    # An import raises (exiting would end the importer's process, e.g. pytest);
    # the error is a ModuleNotFoundError, so pytest.importorskip skips on it.
    assert result.stderr.splitlines()[-1] == (
        f"constructs_lib._extras.MissingExtraError: {module} needs {needs}: "
        f"pip install 'constructs-lib[{extra}]'"
    )


#: Python with aws-cdk-lib but without boto3 and botocore: what a CDK app has
#: after a plain ``pip install constructs-lib`` (sys.modules[name] = None makes
#: both ``import`` and ``importlib.util.find_spec`` see the module as absent).
WITHOUT_CLI_EXTRA = """
import sys
sys.modules["boto3"] = sys.modules["botocore"] = None
import constructs_lib
for name in constructs_lib.__all__:
    getattr(constructs_lib, name)
from constructs_lib.runtime import worker_settings
"""


@pytest.mark.program
def test_every_construct_imports_without_the_cli_extra() -> None:
    """A plain install synthesizes every construct (docs/installing.md): the
    fleet imported the worker's settings through constructs_lib.runtime, whose
    package asked for boto3 (the cli extra) on import."""
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_CLI_EXTRA],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_missing_extra_error_is_a_module_not_found_error() -> None:
    from constructs_lib import _extras

    error = _extras.MissingExtraError(
        "constructs_lib.testing", "testing", ["constructs_lib_testing"]
    )
    assert isinstance(error, ModuleNotFoundError)
    assert error.name == "constructs_lib_testing"


def test_simulate_fleet_without_matplotlib_names_the_extra_and_exits_2() -> None:
    result = bare_python(
        "-m", "constructs_lib", "simulate-fleet", "--processing-time", "0.1", "--constant", "5"
    )

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines() == [
        "python -m constructs_lib simulate-fleet needs matplotlib: "
        "pip install 'constructs-lib[simulate]'"
    ]


def test_the_simulation_runs_without_matplotlib_until_the_plot() -> None:
    script = (
        "from constructs_lib.simulation import *\n"
        "from constructs_lib.simulation.report import plot, summary_table\n"
        "r = simulate_fleet(fleet_from_options(min_capacity=1), constant_arrivals(60, minutes=5),"
        " SimulationSettings(processing_seconds=0.1))\n"
        "print(summary_table(r).splitlines()[2])\n"
        "plot(r, 'never.png')\n"
    )
    result = bare_python("-c", script)

    assert result.stdout == "| peak latency | 0 s |\n"
    assert result.stderr.splitlines()[-1] == (
        "constructs_lib._extras.MissingExtraError: the simulation's plot needs matplotlib: "
        "pip install 'constructs-lib[simulate]'"
    )
