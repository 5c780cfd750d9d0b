"""Old public names that keep working, with a `DeprecationWarning` on each use.

A module lists its renamed names and hands `aliases` its ``__getattr__``
(PEP 562): ``module.OldName`` warns, names the new one, and returns it.
Nothing is imported until an old name is used. CHANGELOG.md records each
alias and the release that drops it.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Mapping
from typing import Any


def aliases(module: str, renamed: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``renamed``: old name -> ``"package.module:NewName"``
    (or ``"package.module"`` for a renamed module)."""

    def __getattr__(name: str) -> Any:
        target = renamed.get(name)
        if target is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        new_module, _, new_name = target.partition(":")
        shown = f"{new_module}.{new_name}" if new_name else new_module
        warnings.warn(
            f"{module}.{name} is deprecated and will be removed: use {shown}",
            DeprecationWarning,
            stacklevel=2,
        )
        value = importlib.import_module(new_module)
        return getattr(value, new_name) if new_name else value

    return __getattr__
