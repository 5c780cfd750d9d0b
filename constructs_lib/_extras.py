"""What each optional part of the library needs, and the one-line hint when it is missing.

A plain ``pip install constructs-lib`` brings what a CDK app needs to
synthesize (aws-cdk-lib, constructs). The operator commands and
``constructs_lib.runtime`` need boto3 (extra ``cli``), ``constructs_lib.testing``
(the test kit's deprecated old name) needs the kit, the distribution
constructs-lib-testing (extra ``testing``), the fleet simulator's plot
(``constructs-lib simulate-fleet``) needs matplotlib (extra ``simulate``).
Only the standard library is used here: this runs before any of them is
imported.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.util import find_spec

#: Top-level modules each extra installs, by extra.
CLI_MODULES = ("boto3", "botocore")
TESTING_MODULES = ("constructs_lib_testing",)
SIMULATE_MODULES = ("matplotlib",)


def missing_modules(modules: Sequence[str]) -> list[str]:
    """The ones of ``modules`` that cannot be imported here (none is imported)."""
    return [module for module in modules if find_spec(module) is None]


def missing_extra_hint(what: str, extra: str, missing: Sequence[str]) -> str:
    """One line: what needs which modules, and the pip command that installs them."""
    return f"{what} needs {' and '.join(missing)}: pip install 'constructs-lib[{extra}]'"


class MissingExtraError(ModuleNotFoundError):
    """A module of the library was imported without the extra it needs.

    A `ModuleNotFoundError` (so ``pytest.importorskip`` skips on it) whose
    message says in one line what to install.
    """

    def __init__(self, what: str, extra: str, missing: Sequence[str]) -> None:
        super().__init__(missing_extra_hint(what, extra, missing), name=missing[0])


def require_extra(what: str, extra: str, modules: Sequence[str]) -> None:
    """Raise `MissingExtraError` naming ``extra`` unless all ``modules`` are importable."""
    missing = missing_modules(modules)
    if missing:
        raise MissingExtraError(what, extra, missing)
