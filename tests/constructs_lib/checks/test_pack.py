"""SqsPatternChecks as a cdk-nag 3 pack: registration, acknowledgments, report.

Acknowledgments are recorded with aws-cdk-lib's ``Validations.acknowledge``,
in both forms users meet: cdk-nag's (``SqsPatterns-SP1``) and the one
aws-cdk-lib's report suggests (``SqsPatterns::SqsPatterns-SP1``), which
aws-cdk-lib itself applies and records with its reason.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import Acknowledgment, App, Validations

from tests.conftest import NO_CDK_NAG

cdk_nag = pytest.importorskip("cdk_nag", reason=NO_CDK_NAG)
AwsSolutionsChecks, NagPack = cdk_nag.AwsSolutionsChecks, cdk_nag.NagPack

from constructs_lib.checks import SqsPatternChecks  # noqa: E402 (after the skip)
from constructs_lib.checks.catalog import RULES, RULES_BY_ID  # noqa: E402
from tests.constructs_lib.checks.reproductions import reproduction  # noqa: E402


def broken_sp1(outdir: Path) -> App:
    return reproduction(1).build(fixed=False, outdir=str(outdir))


def report(outdir: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((outdir / "validation-report.json").read_text())
    return loaded


def queue_of(app: App) -> Any:
    return app.node.find_child("Sp1").node.find_child("Orders")


def test_it_is_a_cdk_nag_pack_named_for_its_rules() -> None:
    pack = SqsPatternChecks()

    assert isinstance(pack, NagPack)
    assert (pack.name, pack.read_pack_name) == ("SqsPatterns", "SqsPatterns")
    assert pack.rule_ids == [f"SqsPatterns-SP{n}" for n in range(1, 21)]
    assert [r.id for r in RULES] == pack.rule_ids


@pytest.mark.parametrize("form", ["SqsPatterns-SP1", "SqsPatterns::SqsPatterns-SP1"])
def test_an_acknowledged_finding_does_not_fail_synth(form: str, tmp_path: Path) -> None:
    app = broken_sp1(tmp_path)
    Validations.of(queue_of(app)).acknowledge(Acknowledgment(id=form, reason="migrating in Q3"))
    Validations.of(app).add_plugins(SqsPatternChecks(app))

    app.synth()


def test_aws_cdk_lib_records_its_form_of_acknowledgment_with_the_reason(tmp_path: Path) -> None:
    app = broken_sp1(tmp_path)
    Validations.of(queue_of(app)).acknowledge(
        Acknowledgment(id="SqsPatterns::SqsPatterns-SP1", reason="migrating in Q3")
    )
    Validations.of(app).add_plugins(SqsPatternChecks(app))
    app.synth()

    (plugin,) = report(tmp_path)["pluginReports"]
    (suppressed,) = plugin["suppressedViolations"]
    assert plugin["violations"] == []
    assert (suppressed["ruleName"], suppressed["reason"]) == ("SqsPatterns-SP1", "migrating in Q3")
    assert suppressed["acknowledgedAt"] == "Sp1/Orders"


def test_an_acknowledgment_on_the_app_covers_every_stack(tmp_path: Path) -> None:
    app = broken_sp1(tmp_path)
    Validations.of(app).acknowledge(Acknowledgment(id="SqsPatterns-SP1", reason="a demo app"))
    Validations.of(app).add_plugins(SqsPatternChecks(app))

    app.synth()


def test_an_acknowledgment_elsewhere_does_not_count(tmp_path: Path) -> None:
    app = broken_sp1(tmp_path)
    rule = app.node.find_child("Sp1").node.find_child("OrderPlaced")
    Validations.of(rule).acknowledge(Acknowledgment(id="SqsPatterns-SP1", reason="wrong place"))
    Validations.of(queue_of(app)).acknowledge(Acknowledgment(id="SqsPatterns-SP2", reason="other"))
    Validations.of(app).add_plugins(SqsPatternChecks(app))

    with pytest.raises(Exception, match="SqsPatterns-SP1"):
        app.synth()


def test_it_runs_beside_aws_solutions_checks(tmp_path: Path) -> None:
    app = broken_sp1(tmp_path)
    Validations.of(app).add_plugins(AwsSolutionsChecks(app), SqsPatternChecks(app))

    with pytest.raises(Exception, match="ValidationFailed"):
        app.synth()

    plugins = {p["pluginName"]: p for p in report(tmp_path)["pluginReports"]}
    assert set(plugins) == {"AwsSolutions", "SqsPatterns"}
    assert [v["ruleName"] for v in plugins["SqsPatterns"]["violations"]] == ["SqsPatterns-SP1"]


def test_verbose_adds_the_explanation_and_sources(tmp_path: Path) -> None:
    app = broken_sp1(tmp_path)
    Validations.of(app).add_plugins(SqsPatternChecks(app, verbose=True))
    with pytest.raises(Exception, match="ValidationFailed"):
        app.synth()

    (violation,) = report(tmp_path)["pluginReports"][0]["violations"]
    rule = RULES_BY_ID["SqsPatterns-SP1"]
    assert rule.explanation in violation["description"]
    assert all(source in violation["description"] for source in rule.sources)
    assert violation["ruleMetadata"]["sources"] == " ".join(rule.sources)


def test_validate_scope_refuses_with_the_way_to_run_it() -> None:
    with pytest.raises(TypeError, match=r"add_plugins\(SqsPatternChecks\(app\)\)"):
        SqsPatternChecks().validate_scope(App())
