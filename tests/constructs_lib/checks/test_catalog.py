"""The rule table: one place (catalog.py), one check per rule, the check page says the same."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from constructs_lib.checks import engine
from constructs_lib.checks.catalog import ADVISORY, ERROR, RULES
from constructs_lib.checks.findings import finding
from constructs_lib.checks.wiring import Wiring
from constructs_lib.templates.assembly import Assembly, StackTemplate
from tests.conftest import REPO_ROOT
from tests.constructs_lib.checks.reproductions import MODULES

CHECK_PAGE = (REPO_ROOT / "docs/cli/check.md").read_text()


def test_every_rule_has_a_severity_a_check_a_reproduction_and_sources() -> None:
    assert [r.number for r in RULES] == list(range(1, len(RULES) + 1))
    assert sorted(engine.CHECKS) == [r.number for r in RULES]
    assert sorted(MODULES) == [r.number for r in RULES]
    for rule in RULES:
        assert rule.severity in (ERROR, ADVISORY), rule.id
        assert rule.explanation and rule.fix and rule.name
        assert all(source.startswith("https://") for source in rule.sources), rule.id


def test_each_check_finds_only_its_own_rules() -> None:
    """A check shared by two ids (SP12/SP13) is listed under both; no other sharing."""
    shared = {n for n, c in engine.CHECKS.items() if list(engine.CHECKS.values()).count(c) > 1}
    assert shared == {12, 13}


def test_a_finding_may_name_only_its_rules_remedies() -> None:
    stack = StackTemplate("App", {"Resources": {"Q": {"Type": "AWS::SQS::Queue"}}})
    (queue,) = Wiring(Assembly([stack])).assembly.resources.values()

    with pytest.raises(KeyError, match="SqsPatterns-SP4 has no remedy 'rename'"):
        finding(RULES[3], queue, "detail", remedies=("rename",))


def test_the_check_page_rule_table_is_the_catalog() -> None:
    rows = re.findall(
        r"^\| `(SqsPatterns-SP\d+)` \| (error|advisory) \| ([^|]+) \| ([^|]+) \| "
        r"\[[^\]]+\]\(([^)]+)\) \|$",
        CHECK_PAGE,
        re.M,
    )

    assert [(i, s, n.strip(), e.strip(), link) for i, s, n, e, link in rows] == [
        (r.id, r.severity, r.name, r.explanation, r.sources[0]) for r in RULES
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
