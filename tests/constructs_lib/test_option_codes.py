"""The stable codes of the option rules: one per rule, each raised, each tested, each documented.

docs/option-codes.md is written from `constructs_lib.option_codes.RULES`
(``python -m constructs_lib.option_codes docs/option-codes.md``); these tests
keep the file, the catalog, the library's rules and their tests in step.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import constructs_lib
from constructs_lib import ConstructOptionError, OptionCode, OptionProblem
from constructs_lib.option_codes import RULES, reference
from tests.conftest import REPO_ROOT

PACKAGE = REPO_ROOT / "constructs_lib"
TESTS = REPO_ROOT / "tests"
REFERENCE = REPO_ROOT / "docs" / "option-codes.md"
#: The module that defines and documents the codes, and raises none.
NOT_RULES = {"option_codes.py"}


def test_a_codes_value_is_its_name() -> None:
    """The string users match is the member's name: renaming one is a breaking change."""
    assert [code.value for code in OptionCode] == [code.name for code in OptionCode]
    assert all(re.fullmatch(r"[A-Z][A-Z0-9_]+", code) for code in OptionCode)


def test_every_code_has_its_rule_written_down_and_nothing_else_is() -> None:
    assert list(RULES) == list(OptionCode)
    for code, rule in RULES.items():
        assert rule.constructs and rule.rule.endswith("."), code


def test_the_reference_is_the_catalog() -> None:
    """Regenerate with `python -m constructs_lib.option_codes docs/option-codes.md`."""
    assert REFERENCE.read_text() == reference()


def test_the_reference_is_written_by_its_command(tmp_path: Path) -> None:
    written = tmp_path / "codes.md"
    subprocess.run(
        [sys.executable, "-m", "constructs_lib.option_codes", str(written)],
        check=True,
        cwd=REPO_ROOT,
    )
    assert written.read_text() == reference()
    for code in OptionCode:
        assert f"| `{code}` |" in reference()


def test_the_readme_links_the_reference() -> None:
    assert "docs/option-codes.md" in (REPO_ROOT / "README.md").read_text()


def _codes_named_in(path: Path) -> set[str]:
    """The members named as ``OptionCode.X`` or ``C.X`` (an alias of it) in one file."""
    tree = ast.parse(path.read_text())
    aliases = {"OptionCode"} | {
        target.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name)
        if node.value.id == "OptionCode"
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    return {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in aliases
        and node.attr in OptionCode.__members__
    }


def test_every_code_is_raised_by_a_rule_of_the_library() -> None:
    """No code in the catalog without a rule that reports it."""
    used = set().union(
        *(_codes_named_in(path) for path in PACKAGE.rglob("*.py") if path.name not in NOT_RULES)
    )
    assert sorted(set(OptionCode.__members__) - used) == []


def test_every_code_is_asserted_by_a_test() -> None:
    """Every rule's test compares the code, not only the message."""
    tests = [p for p in TESTS.rglob("test_*.py") if p.name != Path(__file__).name]
    asserted = set().union(*(_codes_named_in(path) for path in tests))
    assert sorted(set(OptionCode.__members__) - asserted) == []


def test_every_problem_the_library_builds_names_its_code() -> None:
    """An `OptionProblem(...)` written in the library passes its code (the
    rules helpers of `_validation` require one)."""
    missing = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "OptionProblem"
                and len(node.args) < 4
                and not any(k.arg == "code" for k in node.keywords)
            ):
                missing.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}")
    assert missing == []


def test_the_error_lists_its_codes_and_a_code_compares_as_its_string() -> None:
    err = ConstructOptionError(
        "Stack/Q",
        [
            OptionProblem("max_receive_count", 0, "must be from 1 to 1000", "X_CODE"),
            OptionProblem(
                "queue_name", "a b", "letters only", OptionCode.SQS_QUEUE_NAME_CHARACTERS
            ),
        ],
    )
    assert err.codes == ["X_CODE", "SQS_QUEUE_NAME_CHARACTERS"]
    assert "SQS_QUEUE_NAME_CHARACTERS" in err.codes
    assert str(err) == (
        "Stack/Q: invalid options:\n"
        "  - max_receive_count=0: must be from 1 to 1000\n"
        "  - queue_name='a b': letters only"
    )


def test_a_problem_built_outside_the_library_may_leave_its_code_empty() -> None:
    """OptionProblem(option, value, allowed) keeps working for users' own constructs."""
    assert OptionProblem("x", 1, "must be 2").code == ""


def test_option_code_is_public_and_cheap_to_import() -> None:
    assert "OptionCode" in constructs_lib.__all__
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, constructs_lib.option_codes; print('aws_cdk' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO_ROOT,
    )
    assert result.stdout.strip() == "False"
