"""Old public names that keep working, with a `DeprecationWarning` on each use.

A module lists its renamed names and hands `aliases` its ``__getattr__``
(PEP 562): ``module.OldName`` warns, names the new one, and returns it.
Nothing is imported until an old name is used. A package that moved whole
(``constructs_lib.testing``, now the distribution constructs-lib-testing's
``constructs_lib_testing``) calls `moved_package`: its import warns, and each
of its old module names is the new module itself. CHANGELOG.md records each
alias and the release that drops it.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import warnings
from collections.abc import Callable, Collection, Mapping, Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType
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


def moved_package(
    old: str, new: str, *, local: Collection[str] = ()
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A package that moved: ``old`` and each ``old.<module>`` stay importable.

    Called from ``old``'s ``__init__``: warns once (the import of ``old``),
    then every ``old.<module>`` is ``new.<module>`` itself, the same module
    object (one copy of each module's state: a test that patches
    ``old.x.NAME`` patches what ``new`` reads), except the modules of
    ``local``, which ``old`` keeps as files of its own. Returns the package's
    ``__getattr__`` and ``__dir__``, which read ``new``.
    """
    warnings.warn(
        f"{old} is deprecated and will be removed: use {new}",
        DeprecationWarning,
        stacklevel=3,  # the module that imports ``old``
    )
    if not any(isinstance(f, _MovedPackageFinder) and f.old == old for f in sys.meta_path):
        sys.meta_path.insert(0, _MovedPackageFinder(old, new, frozenset(local)))

    def __getattr__(name: str) -> Any:
        return getattr(importlib.import_module(new), name)

    def __dir__() -> list[str]:
        return dir(importlib.import_module(new))

    return __getattr__, __dir__


class _MovedPackageFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``old.<module>`` as the already-imported (or now imported) ``new.<module>``."""

    def __init__(self, old: str, new: str, local: frozenset[str]) -> None:
        self.old, self.new, self.local = old, new, local

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        prefix = self.old + "."
        if not fullname.startswith(prefix) or fullname[len(prefix) :].split(".")[0] in self.local:
            return None
        real = self.new + fullname[len(self.old) :]
        if importlib.util.find_spec(real) is None:
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec: ModuleSpec) -> ModuleType:
        """The real module (imported once, under its own name), keeping its own spec."""
        module = importlib.import_module(self.new + spec.name[len(self.old) :])
        spec.loader_state = module.__spec__
        return module

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: only the spec the import system replaced is put back."""
        alias_spec = module.__spec__
        if alias_spec is not None and alias_spec.loader is self:
            module.__spec__ = alias_spec.loader_state
