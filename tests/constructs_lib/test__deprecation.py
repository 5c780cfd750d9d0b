"""Renamed public names keep working for a while, and say so each time they are used."""

from __future__ import annotations

import importlib

import pytest

from constructs_lib._deprecation import aliases

#: (module, old name, module of the new name, new name): every alias CHANGELOG.md lists.
ALIASES = [
    (
        "constructs_lib.queue_worker_fleet",
        "ASSET_EXCLUDES",
        "constructs_lib.defaults",
        "ASSET_EXCLUDES",
    ),
]


@pytest.mark.parametrize(("module", "old", "new_module", "new"), ALIASES)
def test_an_old_name_warns_and_gives_the_new_one(
    module: str, old: str, new_module: str, new: str
) -> None:
    with pytest.warns(DeprecationWarning, match=rf"{module}\.{old} is deprecated.*{new}"):
        value = getattr(importlib.import_module(module), old)
    assert value is getattr(importlib.import_module(new_module), new)


def test_a_name_that_never_existed_is_still_an_attribute_error() -> None:
    module_getattr = aliases("pkg.mod", {"Old": "constructs_lib.defaults:ASSET_EXCLUDES"})
    with pytest.raises(AttributeError, match=r"'pkg\.mod' has no attribute 'Nothing'"):
        module_getattr("Nothing")


def test_a_renamed_module_resolves_to_the_module() -> None:
    module_getattr = aliases("pkg", {"old_defaults": "constructs_lib.defaults"})
    with pytest.warns(DeprecationWarning, match=r"pkg\.old_defaults is deprecated"):
        assert module_getattr("old_defaults") is importlib.import_module("constructs_lib.defaults")
