from __future__ import annotations

import tomllib

import pytest

from constructs_lib_testing import (
    SUPPORTED_MOTO_VERSIONS,
    TESTED_MOTO_VERSION,
    MotoVersionError,
    activate_adapters,
    check_moto_version,
)
from constructs_lib_testing._moto_version import installed_moto_version, is_supported
from tests.conftest import IN_FLOOR_ENVIRONMENT, KIT_ROOT, pinned_version


def test_installed_moto_is_the_tested_one() -> None:
    """constraints.txt's moto; in the floor environment (`make test-floor`), the kit's floor."""
    assert pinned_version("moto") == TESTED_MOTO_VERSION
    expected = SUPPORTED_MOTO_VERSIONS[0] if IN_FLOOR_ENVIRONMENT else TESTED_MOTO_VERSION
    assert installed_moto_version() == expected
    check_moto_version()


def test_the_kit_asks_for_the_supported_range() -> None:
    project = tomllib.loads((KIT_ROOT / "pyproject.toml").read_text())
    oldest, newest = SUPPORTED_MOTO_VERSIONS
    assert f"moto[server]>={oldest},<={newest}" in project["project"]["dependencies"]
    assert is_supported(TESTED_MOTO_VERSION)


@pytest.mark.parametrize(
    ("version", "supported"),
    [
        (SUPPORTED_MOTO_VERSIONS[0], True),
        (SUPPORTED_MOTO_VERSIONS[1], True),
        ("4.2.14", False),
        ("5.3.0", False),
        (f"{SUPPORTED_MOTO_VERSIONS[1]}.post1", False),
        ("5.3.0rc1", False),
    ],
)
def test_the_range_is_inclusive_and_refuses_pre_releases_past_it(
    version: str, supported: bool
) -> None:
    assert is_supported(version) is supported


@pytest.mark.parametrize("version", ["4.2.14", "5.3.0", None])
def test_other_versions_are_refused_clearly(
    version: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if version is None:
        monkeypatch.setattr(
            "constructs_lib_testing._moto_version.installed_moto_version", lambda: None
        )
    with pytest.raises(MotoVersionError) as caught:
        check_moto_version(version)
    message = str(caught.value)
    oldest, newest = SUPPORTED_MOTO_VERSIONS
    assert f"moto>={oldest},<={newest}" in message
    assert (version or "no moto") in message


def test_activation_checks_the_version(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        "constructs_lib_testing._moto_version.installed_moto_version", lambda: "4.2.14"
    )
    with pytest.raises(MotoVersionError, match=r"found 4\.2\.14"):
        activate_adapters()
