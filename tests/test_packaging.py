"""What pyproject.toml promises an app that installs the library.

Ranges, not pins; the floor of each range is the version `make test-floor`
tests (constraints-floor.txt); the project's own pins (constraints.txt) lie
inside the ranges; one version number.
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata

from packaging.requirements import Requirement

import constructs_lib
from constructs_lib.testing._moto_version import SUPPORTED_MOTO_VERSIONS
from tests.conftest import REPO_ROOT

PROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
EXTRAS = PROJECT["optional-dependencies"]


def pins(file: str) -> dict[str, str]:
    lines = (REPO_ROOT / file).read_text().splitlines()
    found = (re.fullmatch(r"([\w.-]+)==(\S+)", line) for line in lines)
    return {m.group(1).lower().replace("_", "-"): m.group(2) for m in found if m}


def requirements(group: list[str]) -> dict[str, Requirement]:
    return {(r := Requirement(text)).name: r for text in group}


def test_the_library_asks_for_ranges_below_the_next_major() -> None:
    base = requirements(PROJECT["dependencies"])
    assert set(base) == {"aws-cdk-lib", "constructs"}
    assert str(base["aws-cdk-lib"].specifier) == "<3,>=2.252.0"
    assert str(base["constructs"].specifier) == "<11,>=10"


def test_each_floor_is_the_version_make_test_floor_tests() -> None:
    floor = pins("constraints-floor.txt")
    for group in (PROJECT["dependencies"], EXTRAS["cli"], EXTRAS["testing"]):
        for name, requirement in requirements(group).items():
            lower = [s.version for s in requirement.specifier if s.operator == ">="]
            if lower and name in floor and name != "constructs":  # constructs: aws-cdk-lib's floor
                assert lower == [floor[name]], name
    assert floor["constructs"] in requirements(PROJECT["dependencies"])["constructs"].specifier


def test_the_projects_pins_lie_inside_the_ranges() -> None:
    pinned = pins("constraints.txt")
    for group in (PROJECT["dependencies"], EXTRAS["cli"], EXTRAS["testing"]):
        for name, requirement in requirements(group).items():
            assert pinned[name] in requirement.specifier, (name, pinned[name])


def test_the_testing_extra_asks_for_the_moto_the_adapters_accept() -> None:
    oldest, newest = SUPPORTED_MOTO_VERSIONS
    specifiers = {str(s) for s in requirements(EXTRAS["testing"])["moto"].specifier}
    assert specifiers == {f">={oldest}", f"<={newest}"}
    assert "boto3" in requirements(EXTRAS["cli"])


def test_one_version_number() -> None:
    assert "version" in PROJECT["dynamic"]
    assert metadata.version("constructs-lib") == constructs_lib.__version__
    changelog = (REPO_ROOT / "CHANGELOG.md").read_text()
    assert re.search(rf"^## \[?{re.escape(constructs_lib.__version__)}\]?", changelog, re.M)


def test_the_console_script_is_the_cli() -> None:
    assert PROJECT["scripts"] == {"constructs-lib": "constructs_lib.cli:main"}
