"""The architecture is a contract CI checks (issue 22).

- `lint-imports` (import-linter) finds no broken contract: pyproject.toml's
  (no cycle at any depth of ``constructs_lib``, ``constructs_lib_testing``
  and ``tools``, imports inside functions or under TYPE_CHECKING included; the
  library without the test kit; runtime without aws-cdk-lib; the test kit's
  inner rules) and those docs/architecture.md's layer table implies (the
  plain-Python layers without aws-cdk-lib or moto, shared modules without
  constructs, constructs without each other, the test kit with the public
  plain-Python models only), run together by `tools.architecture`;
- the layer table names every module of the package once;
- the contracts can fail: a cycle, or a shared module importing a construct.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tools import architecture

PACKAGE = REPO_ROOT / "constructs_lib"


def test_lint_imports_finds_no_broken_contract() -> None:
    result = architecture.lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    found = re.search(r"Contracts: (\d+) kept, 0 broken", result.stdout)
    assert found, result.stdout
    # pyproject.toml's six and the table's five all ran
    assert int(found.group(1)) == 11, result.stdout


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
    executable = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert executable is not None
    result = subprocess.run(
        [executable, "--no-cache"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 1, result.stdout
    assert "No cycles BROKEN" in result.stdout


def test_a_shared_module_importing_a_construct_breaks_the_contract(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without secure_queue's exception, _queues (which wraps SecureQueue) breaks the rule."""
    monkeypatch.setattr(architecture, "SHARED_CONSTRUCT", "constructs_lib.no_such_module")
    result = architecture.lint_imports()
    assert result.returncode == 1, result.stdout
    assert "Shared synth modules import no construct but secure_queue BROKEN" in result.stdout
    assert "constructs_lib._queues -> constructs_lib.secure_queue" in result.stdout


def test_the_table_makes_the_contracts() -> None:
    """A shared module listed as a construct would be allowed to import constructs: the
    contracts are the table's rows, secure_queue aside."""
    rows = architecture.layer_rows()
    contracts = {c["id"]: c for c in architecture.table_contracts(rows)}
    constructs = set(architecture.dotted(rows["constructs"]))
    assert "constructs_lib.pipe_to_queue" in constructs
    assert set(contracts["shared"]["forbidden_modules"]) == constructs - {
        "constructs_lib.secure_queue"
    }
    kit_forbidden = set(contracts["test-kit"]["forbidden_modules"])
    assert constructs | set(architecture.dotted(rows["shared synth modules"])) <= kit_forbidden
    assert "constructs_lib.testing" in kit_forbidden  # its own deprecated old name
    kit_private = set(contracts["test-kit-public"]["forbidden_modules"])
    assert {"constructs_lib._extras", "constructs_lib._aws"} <= kit_private
    # the models it plays AWS with
    assert not (kit_forbidden | kit_private) & {
        "constructs_lib.policy",
        "constructs_lib.services",
        "constructs_lib.templates",
        "constructs_lib.metric_math",
        "constructs_lib.aws_scaling_model",
    }
    assert "constructs_lib.services" in contracts["plain-python"]["source_modules"]
    assert "constructs_lib.templates" in contracts["plain-python"]["source_modules"]


def _package_entries() -> set[str]:
    """Every module (``name.py``) and subpackage (``name/``) directly in constructs_lib."""
    found = {p.name for p in PACKAGE.glob("*.py")}
    found |= {f"{p.name}/" for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    return found


def test_the_layer_table_names_every_module_once() -> None:
    rows = architecture.layer_rows()
    listed = [m for layer, modules in rows.items() if layer != "example app" for m in modules]
    duplicates = sorted({m for m in listed if listed.count(m) > 1})
    assert not duplicates, f"in more than one row of docs/architecture.md: {duplicates}"
    missing = sorted(_package_entries() - set(listed))
    extra = sorted(set(listed) - _package_entries())
    assert not missing, f"docs/architecture.md's layer table lacks {missing}"
    assert not extra, f"docs/architecture.md's layer table names what is gone: {extra}"
