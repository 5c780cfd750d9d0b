"""Activation: nothing in moto changes at import, everything is put back after,
and every moto internal the package relies on still exists (the upgrade checklist).

After a moto upgrade, run this file first: each failing internal names the
adapter, part or module that relies on it.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

from constructs_lib_testing.activation import (
    PARTS,
    MotoPatch,
    activate,
    activated,
    deactivate,
    resolve,
)
from constructs_lib_testing.adapters import ADAPTERS, MODELS
from constructs_lib_testing.checklist import declared_internals, package_modules
from tests.constructs_lib_testing.support import all_parts_inactive

MODULES = package_modules()
DECLARED = declared_internals()
PATCHES = [patch for part in PARTS.values() for patch in part.patches]
PACKAGE_DIR = Path(MODULES[0].__file__ or "").parent

# Run in a fresh interpreter: a snapshot of every moto module and class that is
# loaded, then every module of constructs_lib_testing imported, then compared.
_PRISTINE_CHECK = """
import sys
import moto.cloudformation.parsing as parsing
from moto.core.base_backend import model_data
from moto.core.common_models import CloudFormationModel
import moto.autoscaling.responses, moto.s3.notifications, moto.cloudformation.models

def snapshot():
    seen = {}
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] != "moto" or module is None:
            continue
        seen[name] = dict(vars(module))
        for value in list(vars(module).values()):
            if isinstance(value, type) and value.__module__ == name:
                seen[f"{name}:{value.__qualname__}"] = dict(vars(value))
    return seen

before = snapshot()
subclasses = list(CloudFormationModel.__subclasses__())
parsing.get_model_map.cache_clear()
model_map = dict(parsing.get_model_map())

from constructs_lib_testing.checklist import package_modules
package_modules()

after = snapshot()
changed = []
for owner, names in before.items():
    now = after.get(owner, {})
    # a module gains names as its submodules load; a class must not change at all
    keys = set(names) | (set(now) if ":" in owner else set())
    changed += [f"{owner}.{k}" for k in keys if names.get(k, "absent") is not now.get(k, "absent")]
parsing.get_model_map.cache_clear()
if CloudFormationModel.__subclasses__() != subclasses:
    changed.append("CloudFormationModel.__subclasses__()")
if any(c.__module__.startswith("constructs_lib") for m in model_data.values() for c in m.values()):
    changed.append("moto.core.base_backend.model_data")
if parsing.get_model_map() != model_map:
    changed.append("parsing.get_model_map()")
print("\\n".join(changed) or "pristine")
"""


def test_importing_the_testing_package_leaves_moto_untouched() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _PRISTINE_CHECK], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "pristine", result.stdout


def _current(patch: MotoPatch) -> object:
    owner, name = patch.owner_and_name()
    return vars(owner).get(name, "absent")


def test_leaving_the_block_puts_every_original_back() -> None:
    with all_parts_inactive():
        originals = {id(p): _current(p) for p in PATCHES}
        with activated(*PARTS):
            assert all(_current(p) is not originals[id(p)] for p in PATCHES)
        assert all(_current(p) is originals[id(p)] for p in PATCHES)


def test_activations_are_counted() -> None:
    with activated("lifecycle-hooks"), activated("lifecycle-hooks"):
        assert PARTS["lifecycle-hooks"].active_count == 2
    assert not PARTS["lifecycle-hooks"].active
    with pytest.raises(RuntimeError, match="part 'lifecycle-hooks' is not active"):
        deactivate("lifecycle-hooks")


def test_unknown_parts_are_refused_by_name() -> None:
    with pytest.raises(ValueError, match="unknown local account part 'adapter'; parts: adapters"):
        activate("adapter")


# --- the upgrade checklist ----------------------------------------------------


def _exists(internal: str) -> None:
    if "#" in internal:  # an instance attribute set in __init__
        owner, attribute = internal.split("#")
        source = inspect.getsource(resolve(owner).__init__)
        assert re.search(rf"self\.{attribute}\b\s*(:[^=\n]*)?=", source), internal
        return
    path, _, arguments = internal.partition("(")
    found = resolve(path)
    if arguments:  # the keyword arguments the caller passes must be accepted
        accepted = inspect.signature(found).parameters
        missing = [a for a in re.findall(r"\w+", arguments) if a not in accepted]
        assert not missing, f"{path} no longer accepts {missing}"


@pytest.mark.parametrize("internal", sorted(DECLARED))
def test_the_moto_internals_relied_on_still_exist(internal: str) -> None:
    _exists(internal)


@pytest.mark.parametrize(
    "patch", [p for p in PATCHES if p.adds], ids=lambda p: p.target.split(":")[1]
)
def test_what_a_patch_adds_is_still_missing_in_moto(patch: MotoPatch) -> None:
    # If moto defines it now, the fix went upstream: compare, then drop the patch.
    owner, name = patch.owner_and_name()
    with all_parts_inactive():
        assert name not in vars(owner), f"moto's {patch.target} exists now"


@pytest.mark.parametrize("resource_type", sorted(MODELS))
def test_a_type_an_adapter_realizes_is_still_skipped_by_moto(resource_type: str) -> None:
    # If moto models the type now, compare its model with the adapter, then drop one.
    parsing = importlib.import_module("moto.cloudformation.parsing")
    with all_parts_inactive():
        assert resource_type not in parsing.get_model_map()


def _moto_imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "moto":
            names.extend(f"{node.module}:{alias.name}" for alias in node.names)
    return names


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # its parent is a module, not a package
        return False


PUBLIC_MOTO = {"moto:mock_aws", "moto.server:ThreadedMotoServer"}


@pytest.mark.parametrize(
    "path", sorted(PACKAGE_DIR.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE_DIR))
)
def test_every_moto_internal_a_module_imports_is_declared(path: Path) -> None:
    undeclared = []
    for imported in _moto_imports(path):
        module, _, name = imported.partition(":")
        as_module = f"{module}.{name}"
        prefixes = (f"{as_module}:",) if _is_module(as_module) else (imported,)
        if imported not in PUBLIC_MOTO and not any(d.startswith(prefixes) for d in DECLARED):
            undeclared.append(imported)
    assert not undeclared, f"declare them (relies_on or MOTO_INTERNALS): {undeclared}"


def test_every_adapter_is_in_the_registry_once() -> None:
    modules = {m.__name__.rsplit(".", 1)[1] for m in MODULES if hasattr(m, "ADAPTER")}
    assert sorted(a.name for a in ADAPTERS) == sorted(modules)
