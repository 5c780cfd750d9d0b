"""Deprecated old name of the test kit's pytest plugin, ``constructs_lib_testing.pytest_plugin``.

The kit's plugin registers itself when constructs-lib-testing is installed
(entry point ``pytest11``); this old name keeps working until the next
breaking release and warns (through pytest, so ``filterwarnings`` applies).
A module of its own, not an alias of the new one: pytest would refuse one
module registered under two names (``-p`` here and the entry point).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest

NEW_NAME = "constructs_lib_testing.pytest_plugin"

#: pytest loads the kit's plugin through this; when the entry point loaded it
#: already, under the same name, it is not loaded twice.
pytest_plugins = [NEW_NAME]


def pytest_configure(config: pytest.Config) -> None:
    config.issue_config_time_warning(
        DeprecationWarning(
            f"{__name__} is deprecated and will be removed: use {NEW_NAME} "
            "(installing constructs-lib-testing loads it; remove the -p option)"
        ),
        stacklevel=2,
    )
