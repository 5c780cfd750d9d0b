"""The architecture is a contract CI checks (issue 22).

- `lint-imports` (import-linter) finds no broken contract of
  ``[tool.importlinter]`` in pyproject.toml: no cycle at any depth of
  ``constructs_lib`` and ``tools`` (also imports inside functions or under
  TYPE_CHECKING), runtime without aws-cdk-lib, the plain-Python layers without
  aws-cdk-lib or moto, shared modules without constructs, constructs without
  each other, the test kit without constructs;
- docs/architecture.md's layer table names every module of the package once,
  and the contracts' module lists are its rows;
- the contracts can fail: a package with a cycle breaks them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

ARCHITECTURE = REPO_ROOT / "docs" / "architecture.md"
PACKAGE = REPO_ROOT / "constructs_lib"


def _lint_imports(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    executable = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert executable, "lint-imports is missing: `make setup` installs the dev extra"
    return subprocess.run(
        [executable, "--no-cache", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def test_lint_imports_finds_no_broken_contract() -> None:
    result = _lint_imports(REPO_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"Contracts: \d+ kept, 0 broken", result.stdout), result.stdout


def test_a_cycle_breaks_the_contract(tmp_path: Path) -> None:
    package = tmp_path / "cyclic"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from cyclic import b\n")
    (package / "b.py").write_text("def later() -> None:\n    from cyclic import a\n")
    (tmp_path / ".importlinter").write_text(
        "[importlinter]\nroot_package = cyclic\n\n[importlinter:contract:cycles]\n"
        "name = No cycles\ntype = acyclic_siblings\nancestors = cyclic\n"
    )
    result = _lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout
    assert "No cycles BROKEN" in result.stdout


# --- the layer table and the package ---------------------------------------------


def _layer_rows() -> dict[str, list[str]]:
    """Layer name -> the modules of its row (``name.py`` or ``name/``)."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
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


def _package_entries() -> set[str]:
    """Every module (``name.py``) and subpackage (``name/``) directly in constructs_lib."""
    found = {p.name for p in PACKAGE.glob("*.py")}
    found |= {f"{p.name}/" for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    return found


def test_the_layer_table_names_every_module_once() -> None:
    rows = _layer_rows()
    listed = [m for layer, modules in rows.items() if layer != "example app" for m in modules]
    duplicates = sorted({m for m in listed if listed.count(m) > 1})
    assert not duplicates, f"in more than one row of docs/architecture.md: {duplicates}"
    missing = sorted(_package_entries() - set(listed))
    extra = sorted(set(listed) - _package_entries())
    assert not missing, f"docs/architecture.md's layer table lacks {missing}"
    assert not extra, f"docs/architecture.md's layer table names what is gone: {extra}"


def _contract(contract_id: str) -> dict[str, object]:
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    found: dict[str, object] = next(c for c in config["contracts"] if c["id"] == contract_id)
    return found


def _dotted(modules: list[str]) -> set[str]:
    return {"constructs_lib." + m.removesuffix(".py").removesuffix("/") for m in modules}


@pytest.mark.parametrize(
    ("contract_id", "key", "layers", "leave_out"),
    [
        ("shared", "source_modules", ["shared synth modules"], set()),
        ("shared", "forbidden_modules", ["constructs"], {"constructs_lib.secure_queue"}),
        ("constructs", "modules", ["constructs"], {"constructs_lib.secure_queue"}),
        ("test-kit", "forbidden_modules", ["constructs"], set()),
        (
            "plain-python",
            "source_modules",
            ["plain helpers", "AWS facts", "arithmetic", "template model", "policy evaluator",
             "analysis"],
            set(),
        ),
    ],
)  # fmt: skip
def test_the_contracts_hold_the_tables_rows(
    contract_id: str, key: str, layers: list[str], leave_out: set[str]
) -> None:
    rows = _layer_rows()
    expected = _dotted([m for layer in layers for m in rows[layer]]) - leave_out
    listed = _contract(contract_id)[key]
    assert isinstance(listed, list)
    assert set(listed) == expected, (
        f"pyproject.toml's contract {contract_id!r} ({key}) and docs/architecture.md's "
        f"rows {layers} differ: {sorted(set(listed) ^ expected)}"
    )
