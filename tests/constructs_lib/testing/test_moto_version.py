from __future__ import annotations

import pytest

from constructs_lib.testing import TESTED_MOTO_VERSION, MotoVersionError, check_moto_version
from constructs_lib.testing._moto_version import installed_moto_version


def test_installed_moto_is_the_tested_one() -> None:
    assert installed_moto_version() == TESTED_MOTO_VERSION == "5.2.5"
    check_moto_version()


@pytest.mark.parametrize("version", ["5.2.4", "5.3.0", None])
def test_other_versions_are_refused_clearly(
    version: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if version is None:
        monkeypatch.setattr(
            "constructs_lib.testing._moto_version.installed_moto_version", lambda: None
        )
    with pytest.raises(MotoVersionError) as caught:
        check_moto_version(version)
    message = str(caught.value)
    assert "moto==5.2.5" in message
    assert (version or "no moto") in message
