"""The moto version this package was written and tested against.

The adapters subclass moto's ``CloudFormationModel`` and reach into moto's
backends and CloudFormation parser, which are internals: a different moto may
change them without notice. Importing ``constructs_lib.testing`` therefore
refuses any other version instead of failing later in an obscure way.
"""

from __future__ import annotations

from importlib import metadata

#: The only moto version the adapters are tested with (the ``testing`` extra pins it).
TESTED_MOTO_VERSION = "5.2.5"


class MotoVersionError(RuntimeError):
    """The installed moto is not the version the adapters were tested with."""


def installed_moto_version() -> str | None:
    """The installed moto's version, or None when moto is not installed."""
    try:
        return metadata.version("moto")
    except metadata.PackageNotFoundError:
        return None


def check_moto_version(installed: str | None = None) -> None:
    """Raise `MotoVersionError` unless ``installed`` is `TESTED_MOTO_VERSION`.

    :param installed: the version to check; default: the installed moto's.
    """
    version = installed if installed is not None else installed_moto_version()
    if version != TESTED_MOTO_VERSION:
        raise MotoVersionError(
            f"constructs_lib.testing needs moto=={TESTED_MOTO_VERSION}, found "
            f"{version or 'no moto'}: its CloudFormation adapters subclass moto "
            "internals that change between releases. Install "
            f"'moto[server]=={TESTED_MOTO_VERSION}', or re-test the adapters "
            "(tests/constructs_lib/testing/) against the new version and move the pin."
        )
