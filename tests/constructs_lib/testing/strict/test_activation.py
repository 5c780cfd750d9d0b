"""Activation: nothing patched at import, everything put back after, and the
moto internals each patch relies on still there (the upgrade checklist)."""

from __future__ import annotations

import inspect
import re
import subprocess
import sys

import pytest

from constructs_lib.testing.strict import PARTS, resolve, strict_account
from constructs_lib.testing.strict.account import _import_parts

_import_parts()


def test_importing_the_testing_package_patches_nothing() -> None:
    code = (
        "import constructs_lib.testing, constructs_lib.testing.strict\n"
        "import constructs_lib.testing.pytest_plugin\n"
        "from moto.sns.models import Subscription\n"
        "from moto.kms.models import KmsBackend\n"
        "print(Subscription.publish.__module__, KmsBackend.create_key.__module__)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["moto.sns.models", "moto.kms.models"]


@pytest.mark.lenient_account(*PARTS)
def test_leaving_the_block_puts_every_original_back() -> None:
    def current(target: str) -> object:
        found = resolve(target)
        return getattr(found, "__func__", found)  # a classmethod: its function

    originals = {p.target: current(p.target) for part in PARTS.values() for p in part.patches}
    with strict_account():
        assert all(current(t) is not o for t, o in originals.items())
    assert all(current(t) is o for t, o in originals.items())


def test_unknown_parts_are_refused_by_name() -> None:
    with (
        pytest.raises(ValueError, match="unknown strict account parts \\['alarm'\\]"),
        strict_account(off={"alarm"}),
    ):
        pass


@pytest.mark.parametrize(
    "internal",
    sorted({i for part in PARTS.values() for p in part.patches for i in p.internals()}),
)
def test_the_moto_internals_a_patch_relies_on_still_exist(internal: str) -> None:
    # The checklist for a moto upgrade: every name here must still exist.
    if "#" in internal:  # an instance attribute set in __init__
        owner, attribute = internal.split("#")
        source = inspect.getsource(resolve(owner).__init__)
        assert re.search(rf"self\.{attribute}\b\s*(:[^=\n]*)?=", source), internal
    else:
        assert callable(resolve(internal)) or resolve(internal) is not None
