"""How the strict account changes moto: named patches, installed on activation only.

A `MotoPatch` replaces one attribute of moto (a method or a module function)
with a wrapper and puts the original back on uninstall; it declares the moto
internals it relies on, so that one test (the upgrade checklist) can assert
that they all still exist. A `Part` is a named group of patches that is
switched on and off as one; activations are counted, so nested activations
(a fixture inside a context manager) are safe.

Nothing is patched at import time: `activate_part` does it. The CloudFormation
adapters (`constructs_lib.testing.adapters`) still register at import; they
can join this mechanism as parts of their own (issue 13).
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_INHERITED = object()

Replacement = Callable[[Callable[..., Any]], Callable[..., Any]]


def resolve(path: str) -> Any:
    """The object at ``"module:Qualified.name"`` (raises if moto moved it)."""
    module_name, _, qualname = path.partition(":")
    target: Any = importlib.import_module(module_name)
    for part in filter(None, qualname.split(".")):
        target = getattr(target, part)
    return target


@dataclass
class MotoPatch:
    """Replace ``target`` (``"moto.sns.models:Subscription.publish"``) while installed.

    :param wrap: given the original, returns the replacement.
    :param relies_on: other moto internals the replacement uses (``"module:name"``).
    """

    target: str
    wrap: Replacement
    relies_on: tuple[str, ...] = ()
    _original: Any = field(default=None, init=False, repr=False)

    def _owner_and_name(self) -> tuple[Any, str]:
        module_name, _, qualname = self.target.partition(":")
        owner_path, _, name = qualname.rpartition(".")
        return resolve(f"{module_name}:{owner_path}"), name

    def install(self) -> None:
        owner, name = self._owner_and_name()
        # what the owner itself holds (a method may be inherited: nothing to restore then)
        self._original = vars(owner).get(name, _INHERITED)
        if isinstance(self._original, classmethod):
            # the wrapper gets the plain function and is called with the class first
            setattr(owner, name, classmethod(self.wrap(self._original.__func__)))
        else:
            setattr(owner, name, self.wrap(getattr(owner, name)))

    def uninstall(self) -> None:
        owner, name = self._owner_and_name()
        if self._original is _INHERITED:
            delattr(owner, name)
        else:
            setattr(owner, name, self._original)
        self._original = None

    def internals(self) -> tuple[str, ...]:
        return (self.target, *self.relies_on)


@dataclass
class Part:
    """One capability of the strict account, switched on and off as a whole."""

    name: str
    description: str
    patches: list[MotoPatch] = field(default_factory=list)
    active_count: int = 0

    @property
    def active(self) -> bool:
        return self.active_count > 0


_LOCK = threading.RLock()
PARTS: dict[str, Part] = {}


def register_part(name: str, description: str, patches: list[MotoPatch]) -> Part:
    part = Part(name, description, patches)
    PARTS[name] = part
    return part


def activate_part(name: str) -> None:
    with _LOCK:
        part = _part(name)
        if part.active_count == 0:
            for patch in part.patches:
                patch.install()
        part.active_count += 1


def deactivate_part(name: str) -> None:
    with _LOCK:
        part = _part(name)
        if part.active_count == 0:
            raise RuntimeError(f"strict account part {name!r} is not active")
        part.active_count -= 1
        if part.active_count == 0:
            for patch in reversed(part.patches):
                patch.uninstall()


def is_active(name: str) -> bool:
    return _part(name).active


def _part(name: str) -> Part:
    try:
        return PARTS[name]
    except KeyError:
        raise ValueError(
            f"unknown strict account part {name!r}; parts: {', '.join(sorted(PARTS))}"
        ) from None
