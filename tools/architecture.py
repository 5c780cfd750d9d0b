"""The architecture's contracts, checked by import-linter: pyproject.toml's and the layer table's.

Usage: python -m tools.architecture   (exit status: lint-imports's)

docs/architecture.md's layer table says which module of ``constructs_lib`` is
in which layer. The contracts that depend on it are made from it here, so
that adding a construct or a shared module means adding it to the table, not
to three module lists:

- the plain-Python layers import neither aws-cdk-lib nor moto, boto3 or
  cdk-nag (``checks/pack.py``, the cdk-nag pack imported when asked for, aside);
- shared synth modules import no construct but ``secure_queue``;
- constructs never import each other (``secure_queue`` aside);
- the test kit (``constructs_lib_testing``, the distribution
  constructs-lib-testing) imports only the library's plain-Python models: no
  construct, no shared synth module, not the deprecated alias
  ``constructs_lib.testing`` (even through another module); and of those
  models only the public modules (directly: they may use private ones).

They run beside ``[tool.importlinter]``'s own contracts of pyproject.toml
(cycles, the library without the kit, runtime, the test kit's inner rules),
in one lint-imports run.
tests/test_architecture.py runs it inside ``make test``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
ARCHITECTURE = REPO_ROOT / "docs" / "architecture.md"

#: The rows of the table whose modules are plain Python.
PLAIN_LAYERS = (
    "plain helpers",
    "AWS facts",
    "arithmetic",
    "template model",
    "policy evaluator",
    "analysis",
)
SHARED_LAYER = "shared synth modules"
#: The test kit, a distribution of its own, and the rows whose public modules it
#: may import: the library's plain-Python models it plays AWS with.
KIT = "constructs_lib_testing"
KIT_MAY_IMPORT = ("plain helpers", "AWS facts", "arithmetic", "template model", "policy evaluator")
#: Rows of the table that are not modules of the package.
NOT_MODULES = ("example app",)
CONSTRUCTS_LAYER = "constructs"
#: The construct every other layer may import (producers create SecureQueues).
SHARED_CONSTRUCT = "constructs_lib.secure_queue"
NOT_PLAIN = ["aws_cdk", "constructs", "jsii", "cdk_nag", "moto", "boto3", "botocore"]
#: The cdk-nag pack: aws-cdk-lib and cdk-nag, imported only when asked for.
PACK_IMPORTS = [f"constructs_lib.checks.pack -> {m}" for m in ("aws_cdk", "cdk_nag", "constructs")]


def layer_rows(text: str | None = None) -> dict[str, list[str]]:
    """Layer name -> the modules of its row (``name.py`` or ``name/``), from the table."""
    text = ARCHITECTURE.read_text(encoding="utf-8") if text is None else text
    section = text.split("## Layers", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, list[str]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or cells[0] in ("layer", "---"):
            continue
        # module names are the backticked words of the modules cell outside parentheses
        outside = re.sub(r"\([^()]*(\([^()]*\)[^()]*)*\)", "", cells[1])
        rows[cells[0]] = re.findall(r"`([\w./]+(?:\.py|/))`", outside)
    return rows


def dotted(modules: Sequence[str]) -> list[str]:
    """``_aws.py`` -> ``constructs_lib._aws``; ``checks/`` -> ``constructs_lib.checks``."""
    return ["constructs_lib." + m.removesuffix(".py").removesuffix("/") for m in modules]


def kit_forbidden(rows: Mapping[str, Sequence[str]], *, private: bool) -> list[str]:
    """What the test kit must not import: the modules of the library outside
    `KIT_MAY_IMPORT`'s rows (``private=False``), or the private ones inside
    them (``private=True``: the public ones may use them, the kit may not)."""
    forbidden = []
    for layer, modules in rows.items():
        if layer in NOT_MODULES:
            continue
        for module in dotted(modules):
            if module == "constructs_lib.__init__":  # the package: its modules are listed
                continue
            is_private = module.rpartition(".")[2].startswith("_")
            if (layer in KIT_MAY_IMPORT and is_private) if private else layer not in KIT_MAY_IMPORT:
                forbidden.append(module)
    return sorted(forbidden)


def table_contracts(rows: Mapping[str, Sequence[str]]) -> list[dict[str, Any]]:
    """The contracts the layer table implies."""
    plain = sorted(m for layer in PLAIN_LAYERS for m in dotted(rows[layer]))
    constructs = sorted(dotted(rows[CONSTRUCTS_LAYER]))
    others = [m for m in constructs if m != SHARED_CONSTRUCT]
    return [
        {
            "id": "plain-python",
            "name": "The plain-Python layers import neither aws-cdk-lib nor moto",
            "type": "forbidden",
            "source_modules": plain,
            "forbidden_modules": NOT_PLAIN,
            "ignore_imports": PACK_IMPORTS,
        },
        {
            "id": "shared",
            "name": "Shared synth modules import no construct but secure_queue",
            "type": "forbidden",
            "source_modules": sorted(dotted(rows[SHARED_LAYER])),
            "forbidden_modules": others,
        },
        {
            "id": "constructs",
            "name": "A construct never imports another construct but secure_queue",
            "type": "independence",
            "modules": others,
        },
        {
            "id": "test-kit",
            "name": "The test kit imports no construct, only the library's plain-Python models",
            "type": "forbidden",
            "source_modules": [KIT],
            "forbidden_modules": kit_forbidden(rows, private=False),
        },
        {
            "id": "test-kit-public",
            "name": "The test kit imports no private module of the library",
            "type": "forbidden",
            "source_modules": [KIT],
            "forbidden_modules": kit_forbidden(rows, private=True),
            "allow_indirect_imports": "True",
        },
    ]


def config(rows: Mapping[str, Sequence[str]] | None = None) -> str:
    """pyproject.toml's import-linter settings and contracts plus the table's, as INI."""
    settings = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    contracts = [*settings["contracts"], *table_contracts(rows or layer_rows())]
    lines = ["[importlinter]", *_ini(settings, skip=("contracts",))]
    for contract in contracts:
        lines += ["", f"[importlinter:contract:{contract['id']}]"]
        lines += _ini(contract, skip=("id",))
    return "\n".join(lines) + "\n"


def _ini(values: Mapping[str, Any], *, skip: Sequence[str]) -> list[str]:
    lines = []
    for key, value in values.items():
        if key in skip:
            continue
        if isinstance(value, list):
            lines.append(f"{key} =")
            lines += [f"    {item}" for item in value]
        else:
            lines.append(f"{key} = {value}")
    return lines


def lint_imports(*args: str, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess[str]:
    """lint-imports (beside this Python) with every contract; its output and exit status."""
    executable = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if executable is None:
        raise SystemExit("lint-imports is missing: `make setup` installs the dev extra")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "importlinter.ini"
        path.write_text(config())
        return subprocess.run(
            [executable, "--config", str(path), "--no-cache", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
        )


def main(argv: list[str] | None = None) -> int:
    result = lint_imports(*(argv if argv is not None else sys.argv[1:]))
    print(result.stdout, end="")
    print(result.stderr, end="", file=sys.stderr)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
