"""The upgrade checklist's list: every moto internal this package relies on.

Each `MotoPatch` of a part (`constructs_lib_testing.activation`), each adapter
(`constructs_lib_testing.adapters`) and each module that reads moto without
patching it (its ``MOTO_INTERNALS``) declares the moto internals it uses;
`declared_internals` gathers them, and
``tests/constructs_lib_testing/test_activation.py`` asserts they all still
exist in the installed moto. Run that test first after a moto upgrade.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from constructs_lib_testing.activation import PARTS
from constructs_lib_testing.adapters import ADAPTERS


def package_modules() -> list[Any]:
    """Every module of ``constructs_lib_testing``, imported (which patches nothing)."""
    package = importlib.import_module("constructs_lib_testing")
    names = [
        info.name
        for info in pkgutil.walk_packages(package.__path__, prefix="constructs_lib_testing.")
        if not info.name.endswith("__main__")
    ]
    return [package, *(importlib.import_module(name) for name in names)]


def declared_internals() -> dict[str, set[str]]:
    """Every moto internal the package declares it relies on -> who declares it.

    Declared by the parts' patches, by the adapters (`Adapter.internals`) and
    by modules that read moto without patching it (their ``MOTO_INTERNALS``).
    This is the upgrade checklist's list.
    """
    declared: dict[str, set[str]] = {}
    for module in package_modules():
        for internal in getattr(module, "MOTO_INTERNALS", ()):
            declared.setdefault(internal, set()).add(module.__name__)
    for part in PARTS.values():
        for patch in part.patches:
            for internal in patch.internals():
                declared.setdefault(internal, set()).add(f"part {part.name}")
    for adapter in ADAPTERS:
        for internal in adapter.internals():
            declared.setdefault(internal, set()).add(f"adapter {adapter.name}")
    return declared
