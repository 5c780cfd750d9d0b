"""The moto versions this package was tested with.

The adapters and the strict account patch moto's models and CloudFormation
parser, which are internals: a different moto may change them without
notice. Each patch declares the internals it relies on, and the upgrade
checklist (tests/constructs_lib_testing/test_activation.py) asserts they all
exist; the range below is the one that test (and the adapters' tests) passed
on. Activation refuses a moto outside it instead of failing later in an
obscure way. Importing the package does not check: it changes nothing.
"""

from __future__ import annotations

import re
from importlib import metadata

#: The moto version the project's own tests run on (constraints.txt pins it).
TESTED_MOTO_VERSION = "5.2.5"

#: The oldest and newest moto the checklist and the adapters' tests passed on
#: (both included); the distribution's pyproject.toml asks for the same range
#: (``moto[server]``; a test keeps them equal). Measured
#: with tests/constructs_lib_testing against every release from 5.1.0 up:
#: 5.2.2 to 5.2.5 pass (5.2.5 is the newest on PyPI); 5.2.0 and 5.2.1 fail to
#: tag a key on update (``KmsBackend.tag_resource`` took another tag shape);
#: 5.1.22 lacks ``RouteTable._associations`` (the checklist says so) and fails
#: six adapter and strict-account tests.
SUPPORTED_MOTO_VERSIONS = ("5.2.2", "5.2.5")


class MotoVersionError(RuntimeError):
    """The installed moto is outside the range the patches were tested with."""


def installed_moto_version() -> str | None:
    """The installed moto's version, or None when moto is not installed."""
    try:
        return metadata.version("moto")
    except metadata.PackageNotFoundError:
        return None


def _release(version: str) -> tuple[tuple[int, ...], str]:
    """``"5.2.5rc1"`` -> ``((5, 2, 5), "rc1")``."""
    match = re.fullmatch(r"(\d+(?:\.\d+)*)(.*)", version.strip())
    if match is None:
        return (), version
    return tuple(int(n) for n in match.group(1).split(".")), match.group(2)


def is_supported(version: str) -> bool:
    """Within `SUPPORTED_MOTO_VERSIONS`; a pre-, post- or dev release only strictly inside."""
    oldest, newest = (_release(v)[0] for v in SUPPORTED_MOTO_VERSIONS)
    release, suffix = _release(version)
    if not release:
        return False
    return oldest < release < newest if suffix else oldest <= release <= newest


def check_moto_version(installed: str | None = None) -> None:
    """Raise `MotoVersionError` unless ``installed`` is within `SUPPORTED_MOTO_VERSIONS`.

    :param installed: the version to check; default: the installed moto's.
    """
    version = installed if installed is not None else installed_moto_version()
    if version is None or not is_supported(version):
        oldest, newest = SUPPORTED_MOTO_VERSIONS
        raise MotoVersionError(
            f"constructs-lib-testing needs moto>={oldest},<={newest}, found "
            f"{version or 'no moto'}: its patches build on moto internals that change "
            f"between releases. Install 'moto[server]>={oldest},<={newest}', or run the "
            "upgrade checklist (tests/constructs_lib_testing/test_activation.py) and the "
            "adapters' tests against the new version and move the range."
        )
