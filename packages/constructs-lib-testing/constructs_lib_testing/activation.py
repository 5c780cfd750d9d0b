"""How the local account changes moto: named parts, installed on activation only.

A `MotoPatch` replaces (or adds) one attribute of moto, a method or a module
function, and puts the original back on uninstall. It declares the moto
internals it relies on, so that one test (the upgrade checklist,
``tests/constructs_lib_testing/test_activation.py``) can assert that they all
still exist in the installed moto. A `Part` is a named group of patches,
switched on and off as one; activations are counted, so nested activations
(a fixture inside a context manager) are safe.

The parts, by group:

- ``adapters`` (one part): the CloudFormation adapters and fixes of
  `constructs_lib_testing.adapters`; `deploy_template`, `LocalAccount` and
  the pytest plugin activate it;
- ``strict``: ``deliveries``, ``principals``, ``alarms`` (`strict_account`);
- ``lifecycle-hooks`` (one part): `scale_in_with_lifecycle_hooks`.

Nothing is patched at import time. Importing a module that defines a part only
registers it here (a Python object of this package; moto is not touched).

Declared internals are written ``"module:Qualified.name"``, with two suffixes:
``"module:Class#attribute"`` for an instance attribute set in ``__init__``,
and ``"module:Qualified.name(a, b)"`` for a callable that must accept the
keyword arguments ``a`` and ``b`` (the ones the patch passes).
"""

from __future__ import annotations

import importlib
import inspect
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

_ABSENT = object()

Replacement = Callable[[Any], Any]


def resolve(path: str) -> Any:
    """The object at ``"module:Qualified.name"`` (raises if moto moved it)."""
    module_name, _, qualname = path.partition(":")
    target: Any = importlib.import_module(module_name)
    for name in filter(None, qualname.split(".")):
        target = getattr(target, name)
    return target


@dataclass
class MotoPatch:
    """Replace ``target`` (``"moto.sns.models:Subscription.publish"``) while installed.

    :param wrap: given moto's original (the plain function of a classmethod),
        returns the replacement; with ``adds``, given None, returns the new
        attribute itself (a function, ``classmethod`` or ``property``).
    :param relies_on: other moto internals the replacement uses.
    :param adds: the target's class does not define it in this moto (an
        abstract or missing method, a missing property): the patch adds it,
        and the checklist asserts moto still lacks it (else drop the patch).
    """

    target: str
    wrap: Replacement
    relies_on: tuple[str, ...] = ()
    adds: bool = False
    _original: Any = field(default=None, init=False, repr=False)

    def owner_and_name(self) -> tuple[Any, str]:
        module_name, _, qualname = self.target.partition(":")
        owner_path, _, name = qualname.rpartition(".")
        return resolve(f"{module_name}:{owner_path}"), name

    def install(self) -> None:
        owner, name = self.owner_and_name()
        # what the owner itself holds (a method may be inherited: nothing to restore then)
        self._original = vars(owner).get(name, _ABSENT)
        setattr(owner, name, self._replacement(owner, name))

    def _replacement(self, owner: Any, name: str) -> Any:
        if self.adds:
            return self.wrap(None)
        raw = inspect.getattr_static(owner, name)
        if isinstance(raw, classmethod):
            # the wrapper gets the plain function and is called with the class first
            return classmethod(self.wrap(raw.__func__))
        if isinstance(raw, staticmethod):
            return staticmethod(self.wrap(raw.__func__))
        return self.wrap(raw)

    def uninstall(self) -> None:
        owner, name = self.owner_and_name()
        if self._original is _ABSENT:
            delattr(owner, name)
        else:
            setattr(owner, name, self._original)
        self._original = None

    def internals(self) -> tuple[str, ...]:
        """The target (unless added) and what it relies on: the checklist's entries."""
        return self.relies_on if self.adds else (self.target, *self.relies_on)


@dataclass
class Part:
    """One capability of the local account, switched on and off as a whole."""

    name: str
    description: str
    group: str
    patches: list[MotoPatch] = field(default_factory=list)
    active_count: int = 0

    @property
    def active(self) -> bool:
        return self.active_count > 0


_LOCK = threading.RLock()

#: Every registered part, by name.
PARTS: dict[str, Part] = {}


def register_part(name: str, description: str, patches: list[MotoPatch], *, group: str) -> Part:
    """Make a part known (idempotent by name: a re-imported module replaces it)."""
    part = Part(name, description, group, patches)
    PARTS[name] = part
    return part


def activate(name: str) -> None:
    """Install the part's patches, unless it is active already (then count once more)."""
    with _LOCK:
        part = _part(name)
        if part.active_count == 0:
            for patch in part.patches:
                patch.install()
        part.active_count += 1


def deactivate(name: str) -> None:
    """Undo one `activate`; the last one puts moto's originals back."""
    with _LOCK:
        part = _part(name)
        if part.active_count == 0:
            raise RuntimeError(f"local account part {name!r} is not active")
        part.active_count -= 1
        if part.active_count == 0:
            for patch in reversed(part.patches):
                patch.uninstall()


def is_active(name: str) -> bool:
    return _part(name).active


@contextmanager
def activated(*names: str) -> Iterator[None]:
    """The parts ``names`` active for the block (in order; undone in reverse)."""
    done: list[str] = []
    try:
        for name in names:
            activate(name)
            done.append(name)
        yield
    finally:
        for name in reversed(done):
            deactivate(name)


def _part(name: str) -> Part:
    try:
        return PARTS[name]
    except KeyError:
        raise ValueError(
            f"unknown local account part {name!r}; parts: {', '.join(sorted(PARTS))}"
        ) from None
