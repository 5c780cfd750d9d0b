"""SqsPatternChecks over the corpus: public apps' SQS wiring, each finding judged.

Each corpus app (tests/constructs_lib/checks/corpus/) is synthesized once.
Every finding must carry a verdict, no real problem may go unfound, no false
positive may be an error, and the re-creation must get the findings `check`
gave on the public app itself. docs/evidence.md's tables are what
``python -m tools.check_corpus`` prints.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from constructs_lib.checks import Report
from constructs_lib.checks.catalog import ADVISORY, ERROR, RULES_BY_ID
from tests.conftest import REPO_ROOT
from tests.constructs_lib.checks.corpus import (
    BEGIN,
    END,
    CorpusApp,
    Outcome,
    apps,
    check_all,
    measure,
    render,
    severity_of,
)

CORPUS = apps()
BY_NAME = {app.name: app for app in CORPUS}


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    return check_all(CORPUS)


@pytest.fixture(scope="module")
def outcomes(reports: dict[str, Report]) -> dict[str, Outcome]:
    return {o.app.name: o for o in measure(reports, CORPUS)}


def test_at_least_sixteen_apps_each_citing_its_public_source() -> None:
    assert len(CORPUS) >= 16
    assert len({app.name for app in CORPUS}) == len(CORPUS)
    for app in CORPUS:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+", app.source.repo), app.name
        assert re.fullmatch(r"[0-9a-f]{40}", app.source.commit), app.name
        for judged in app.judged:
            assert judged.rule_id in RULES_BY_ID and judged.why, (app.name, judged)


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_every_finding_is_judged_and_nothing_is_missed(
    name: str, outcomes: dict[str, Outcome]
) -> None:
    result = outcomes[name]

    assert result.unjudged == []
    assert [(j.rule, j.path) for j in result.misses] == []


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_the_recreation_gets_what_the_original_got(name: str, outcomes: dict[str, Outcome]) -> None:
    app: CorpusApp = BY_NAME[name]

    assert Counter(outcomes[name].found_rules) == Counter(app.on_original)


def test_no_false_positive_is_an_error(outcomes: dict[str, Outcome]) -> None:
    false = [
        (o.app.name, j.rule, severity_of(j)) for o in outcomes.values() for j in o.false_positives
    ]

    assert false, "the corpus holds issue 21's false positive (partial batch off, prints only)"
    assert {severity for _, _, severity in false} == {ADVISORY}


def test_issue_21s_silent_losses_are_found_at_their_severity(
    reports: dict[str, Report],
) -> None:
    """maxReceiveCount 1 and 3 on Lambda-consumed queues: the misses of issue 21."""
    found = {
        (name, f.rule_id, f.severity)
        for name, report in reports.items()
        for f in report.findings
        if f.rule_id in ("SqsPatterns-SP12", "SqsPatterns-SP13")
    }

    assert found == {
        ("s3_sns_sqs_lambda_chain", "SqsPatterns-SP12", ERROR),
        ("apigw_sqs_lambda_ddb", "SqsPatterns-SP12", ERROR),
        ("apigw_rest_api_sqs_lambda_bedrock", "SqsPatterns-SP13", ADVISORY),
        ("s3_sqs_lambda_bedrock_s3", "SqsPatterns-SP13", ADVISORY),
    }


def test_the_evidence_tables_are_what_the_command_prints(outcomes: dict[str, Outcome]) -> None:
    evidence = (REPO_ROOT / "docs" / "evidence.md").read_text()
    committed = evidence[evidence.index(BEGIN) : evidence.index(END) + len(END)]

    assert committed == render([outcomes[app.name] for app in CORPUS]), (
        "docs/evidence.md is out of date: run python -m tools.check_corpus --write"
    )
