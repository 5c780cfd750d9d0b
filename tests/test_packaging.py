"""What each pyproject.toml promises an app that installs the distribution.

Two distributions come out of this repository: constructs-lib (the root) and
its test kit constructs-lib-testing (packages/constructs-lib-testing). Ranges,
not pins; the floor of each range is the version `make test-floor` tests
(constraints-floor.txt, the kit's constraints-floor.txt; one environment for
both, so they agree where they overlap); the project's own pins
(constraints.txt) lie inside the ranges; each range on the other distribution
admits the other's version in this repository; one version number each; the
wheels carry their package and nothing else, and say so in their metadata.
"""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

import constructs_lib
import constructs_lib_testing
from constructs_lib_testing import SUPPORTED_MOTO_VERSIONS
from tests.conftest import IN_FLOOR_ENVIRONMENT, KIT_ROOT, REPO_ROOT
from tests.distributions import Built, build, pyproject

PROJECT = pyproject("constructs-lib")
EXTRAS = PROJECT["optional-dependencies"]
KIT = pyproject("constructs-lib-testing")
#: The version of each distribution in this repository.
VERSIONS = {
    "constructs-lib": constructs_lib.__version__,
    "constructs-lib-testing": constructs_lib_testing.__version__,
}


def pins(file: Path) -> dict[str, str]:
    lines = file.read_text().splitlines()
    found = (re.fullmatch(r"([\w.-]+)==(\S+)", line) for line in lines)
    return {m.group(1).lower().replace("_", "-"): m.group(2) for m in found if m}


LIBRARY_FLOOR = pins(REPO_ROOT / "constraints-floor.txt")
KIT_FLOOR = pins(KIT_ROOT / "constraints-floor.txt")


def requirements(group: list[str]) -> dict[str, Requirement]:
    return {(r := Requirement(text)).name: r for text in group}


def lower_bound(requirement: Requirement) -> str | None:
    lower = [s.version for s in requirement.specifier if s.operator == ">="]
    return lower[0] if lower else None


def next_breaking(version: str) -> str:
    """0.x: the next minor; from 1.0: the next major (README, "Versioning")."""
    v = Version(version)
    return f"0.{v.minor + 1}" if v.major == 0 else f"{v.major + 1}"


def test_the_library_asks_for_ranges_below_the_next_major() -> None:
    base = requirements(PROJECT["dependencies"])
    assert set(base) == {"aws-cdk-lib", "constructs"}
    assert str(base["aws-cdk-lib"].specifier) == "<3,>=2.252.0"
    assert str(base["constructs"].specifier) == "<11,>=10"


def test_each_floor_is_the_version_make_test_floor_tests() -> None:
    for group, floor in (
        (PROJECT["dependencies"], LIBRARY_FLOOR),
        (EXTRAS["cli"], LIBRARY_FLOOR),
        (KIT["dependencies"], KIT_FLOOR),
    ):
        for name, requirement in requirements(group).items():
            lower = lower_bound(requirement)
            if lower and name in floor and name != "constructs":  # constructs: aws-cdk-lib's floor
                assert lower == floor[name], name
    constructs = requirements(PROJECT["dependencies"])["constructs"]
    assert LIBRARY_FLOOR["constructs"] in constructs.specifier
    # every package of the kit's floor file is a floor of its pyproject.toml
    kit = requirements(KIT["dependencies"])
    assert set(KIT_FLOOR) <= set(kit) | {"botocore"}
    assert KIT_FLOOR["botocore"] == KIT_FLOOR["boto3"]  # boto3 X needs botocore X


def test_one_floor_environment_tests_both_floors() -> None:
    """`make test-floor` installs both floor files into one environment: where
    both name a package, they must name the same version (else the higher one
    would be installed and the lower one never tested)."""
    shared = set(LIBRARY_FLOOR) & set(KIT_FLOOR)
    assert shared == {"boto3", "botocore"}
    assert {name: LIBRARY_FLOOR[name] for name in shared} == {
        name: KIT_FLOOR[name] for name in shared
    }


@pytest.mark.skipif(not IN_FLOOR_ENVIRONMENT, reason="the floor environment: make test-floor")
def test_the_floor_environment_has_every_floor_installed() -> None:
    for name, version in {**LIBRARY_FLOOR, **KIT_FLOOR}.items():
        assert metadata.version(name) == version, name
    for name, version in VERSIONS.items():
        assert metadata.version(name) == version, name


def test_the_projects_pins_lie_inside_the_ranges() -> None:
    pinned = pins(REPO_ROOT / "constraints.txt")
    for group in (PROJECT["dependencies"], EXTRAS["cli"], KIT["dependencies"]):
        for name, requirement in requirements(group).items():
            if name in VERSIONS:
                continue  # the other distribution of this repository: below
            assert pinned[name] in requirement.specifier, (name, pinned[name])


@pytest.mark.parametrize(
    ("group", "other"),
    [
        pytest.param(EXTRAS["testing"], "constructs-lib-testing", id="testing extra -> kit"),
        pytest.param(KIT["dependencies"], "constructs-lib", id="kit -> library"),
    ],
)
def test_each_distribution_admits_the_other_from_its_version_here_to_its_next_breaking_one(
    group: list[str], other: str
) -> None:
    """The floor is the other distribution's version in this repository: the only
    one it is tested with (an older one may lack what it uses: the kit reads
    the library's services and templates models, new in this version)."""
    requirement = requirements(group)[other]
    here = VERSIONS[other]
    assert str(requirement.specifier) == f"<{next_breaking(here)},>={here}", (
        f"{other} is {here} in this repository: ask for >={here},<{next_breaking(here)}"
    )


def test_the_testing_extra_is_the_kit_and_nothing_else() -> None:
    """moto and boto3 come with the kit, in the kit's range: the library names no moto."""
    assert set(requirements(EXTRAS["testing"])) == {"constructs-lib-testing"}
    assert not [r for g in (PROJECT["dependencies"], *EXTRAS.values()) for r in g if "moto" in r]
    (dev,) = [r for r in map(Requirement, EXTRAS["dev"]) if r.name == "constructs-lib"]
    assert "testing" in dev.extras  # the project's own install brings the kit


def test_the_kit_asks_for_the_moto_its_activation_accepts() -> None:
    oldest, newest = SUPPORTED_MOTO_VERSIONS
    moto = requirements(KIT["dependencies"])["moto"]
    assert moto.extras == {"server"}  # LocalAccount runs a moto server
    assert {str(s) for s in moto.specifier} == {f">={oldest}", f"<={newest}"}
    assert KIT_FLOOR["moto"] == oldest
    assert set(requirements(KIT["dependencies"])) == {"moto", "boto3", "constructs-lib"}


@pytest.mark.parametrize(
    ("name", "root", "changelog"),
    [
        ("constructs-lib", REPO_ROOT, REPO_ROOT / "CHANGELOG.md"),
        ("constructs-lib-testing", KIT_ROOT, KIT_ROOT / "CHANGELOG.md"),
    ],
)
def test_one_version_number_each(name: str, root: Path, changelog: Path) -> None:
    assert "version" in pyproject(name)["dynamic"]
    assert metadata.version(name) == VERSIONS[name]
    assert re.search(rf"^## \[?{re.escape(VERSIONS[name])}\]?", changelog.read_text(), re.M)


def test_the_console_script_is_the_cli() -> None:
    assert PROJECT["scripts"] == {"constructs-lib": "constructs_lib.cli:main"}


def test_the_kit_registers_its_pytest_plugin_under_its_module_name() -> None:
    """`-p constructs_lib_testing.pytest_plugin` then loads the entry point, not a copy."""
    assert KIT["entry-points"] == {
        "pytest11": {"constructs_lib_testing.pytest_plugin": "constructs_lib_testing.pytest_plugin"}
    }
    assert "-p constructs_lib_testing.pytest_plugin" in ((REPO_ROOT / "pyproject.toml").read_text())


@pytest.fixture(scope="module")
def wheels(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    out = tmp_path_factory.mktemp("dist")
    return {name: build(name, out) for name in ("constructs-lib", "constructs-lib-testing")}


NOT_PACKAGES = {"tests", "stacks", "handlers", "tools", "packages", "benchmarks", "docs"}


@pytest.mark.packaging
def test_the_librarys_wheel_carries_the_library_and_the_kits_old_name_only(
    wheels: dict[str, Built],
) -> None:
    library = wheels["constructs-lib"]
    names = library.names()
    assert {"constructs_lib/py.typed", "constructs_lib/runtime/worker.py"} <= set(names)
    # the kit is not in it: only its deprecated old name, which imports the kit
    assert sorted(n for n in names if n.startswith("constructs_lib/testing/")) == [
        "constructs_lib/testing/__init__.py",
        "constructs_lib/testing/pytest_plugin.py",
    ]
    assert not [n for n in names if n.split("/")[0] in NOT_PACKAGES | {"constructs_lib_testing"}]
    kit = VERSIONS["constructs-lib-testing"]
    requires = library.requires()
    assert [r for r in requires if r.endswith('extra == "testing"')] == [
        f'constructs-lib-testing<{next_breaking(kit)},>={kit}; extra == "testing"'
    ]
    assert not [r for r in requires if r.startswith("moto")]


@pytest.mark.packaging
def test_the_kits_wheel_carries_the_kit_and_nothing_else(wheels: dict[str, Built]) -> None:
    kit = wheels["constructs-lib-testing"]
    names = kit.names()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"constructs_lib_testing"}
    source = KIT_ROOT / "constructs_lib_testing"
    modules = {
        p.relative_to(KIT_ROOT).as_posix()
        for p in source.rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert {n for n in names if n.endswith(".py")} == modules  # every module, no test
    assert "constructs_lib_testing/py.typed" in names
    assert not [n for n in names if n.rpartition("/")[2].startswith(("test_", "conftest"))]

    meta = kit.metadata()
    assert (meta["Name"], meta["Version"]) == ("constructs-lib-testing", VERSIONS[meta["Name"]])
    oldest, newest = SUPPORTED_MOTO_VERSIONS
    assert sorted(kit.requires()) == sorted(
        [
            f"moto[server]<={newest},>={oldest}",
            f"boto3<2,>={KIT_FLOOR['boto3']}",
            f"constructs-lib<{next_breaking(VERSIONS['constructs-lib'])},"
            f">={VERSIONS['constructs-lib']}",
        ]
    )
    assert (
        "constructs_lib_testing.pytest_plugin = constructs_lib_testing.pytest_plugin"
        in kit.dist_info("entry_points.txt")
    )
