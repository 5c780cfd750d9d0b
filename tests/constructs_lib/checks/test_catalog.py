"""The rule table: one place (catalog.py), one check per rule, the README says the same."""

from __future__ import annotations

import re
import subprocess
import sys

from constructs_lib.checks import engine
from constructs_lib.checks.catalog import RULES
from tests.conftest import REPO_ROOT
from tests.constructs_lib.checks.reproductions import MODULES

README = (REPO_ROOT / "README.md").read_text()


def test_ten_rules_each_with_a_check_a_reproduction_and_sources() -> None:
    assert [r.number for r in RULES] == list(range(1, 11))
    assert len(engine.CHECKS) == len(RULES)
    assert sorted(MODULES) == [r.number for r in RULES]
    for rule in RULES:
        assert rule.explanation and rule.fix and rule.name
        assert all(source.startswith("https://") for source in rule.sources), rule.id


def test_the_readme_rule_table_is_the_catalog() -> None:
    rows = re.findall(
        r"^\| `(SqsPatterns-SP\d+)` \| ([^|]+) \| ([^|]+) \| \[[^\]]+\]\(([^)]+)\) \|$",
        README,
        re.M,
    )

    assert [(i, n.strip(), e.strip(), link) for i, n, e, link in rows] == [
        (r.id, r.name, r.explanation, r.sources[0]) for r in RULES
    ]


def test_the_engine_imports_neither_aws_cdk_cdk_nag_boto3_nor_moto() -> None:
    code = (
        "import sys, constructs_lib.checks, constructs_lib.checks.command\n"
        "from constructs_lib.checks import check, load\n"
        "heavy = [m for m in ('aws_cdk', 'cdk_nag', 'jsii', 'boto3', 'botocore', 'moto') "
        "if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
