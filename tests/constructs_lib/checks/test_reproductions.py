"""Each rule against its plain aws-cdk-lib reproduction app, through the cdk-nag pack.

The app with the real-world mistake must get exactly that rule's finding, on
the resource where the fix goes, at the rule's severity: an error fails the
synth, an advisory is a warning in the report and the synth goes on. The
corrected app must synthesize with no finding at all. The pack runs as users
run it: registered with ``Validations.of(app).add_plugins`` and judged by
aws-cdk-lib at synth.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import Validations

from tests.conftest import NO_CDK_NAG

pytest.importorskip("cdk_nag", reason=NO_CDK_NAG)

from constructs_lib.checks import SqsPatternChecks
from constructs_lib.checks.catalog import ERROR, RULES_BY_ID, rule
from tests.constructs_lib.checks.reproductions import MODULES, reproduction

#: Rule number -> the construct path of the resource its finding names.
FINDING_AT = {
    1: "Sp1/Orders/Resource",
    2: "Sp2/FailedOrdersKey/Resource",
    3: "Sp3/BillingKey/Resource",
    4: "Sp4/Handler/SqsEventSource:Sp4Payments15130223/Resource",
    5: "Sp5/Jobs/Resource",
    6: "Sp6/Ledger/Sp6PaymentsCEED8884/Resource",
    7: "Sp7/Operations/Policy/Resource",
    8: "Sp8/VolumesKey/Resource",
    9: "Sp9/Uploads/Resource",
    10: "Sp10/Reports/Resource",
    11: "Sp11/Handler/SqsEventSource:Sp11Orders26E1DBD9/Resource",
    12: "Sp12/Messages/Resource",
    13: "Sp13/Messages/Resource",
    14: "Sp14/Jobs/Resource",
    15: "Sp15/Payments/Resource",
    16: "Sp16/OrderPlaced/Resource",
    17: "Sp17/Workers/Resource",
    18: "Sp18/OrdersKey/Resource",
    19: "Sp19/JobsTooOld/Resource",
    20: "Sp20/Fleet/ASG",
}

#: The pack's level for each severity (aws-cdk-lib's validation report).
REPORTED_AS = {"error": "error", "advisory": "warning"}


def synth_with_pack(number: int, *, fixed: bool, outdir: Path) -> None:
    app = reproduction(number).build(fixed=fixed, outdir=str(outdir))
    Validations.of(app).add_plugins(SqsPatternChecks(app))
    app.synth()


def violations(outdir: Path) -> list[dict[str, Any]]:
    report_path = outdir / "validation-report.json"
    if not report_path.is_file():
        return []
    report = json.loads(report_path.read_text())
    return [v for plugin in report["pluginReports"] for v in plugin["violations"]]


def test_every_rule_has_a_reproduction() -> None:
    assert sorted(MODULES) == sorted(FINDING_AT) == [int(i.rsplit("SP", 1)[1]) for i in RULES_BY_ID]


@pytest.mark.parametrize("number", sorted(MODULES))
def test_the_mistake_gets_exactly_its_rule_at_its_severity(number: int, tmp_path: Path) -> None:
    checked = rule(number)
    if checked.severity == ERROR:
        with pytest.raises(Exception, match="ValidationFailed") as failure:
            synth_with_pack(number, fixed=False, outdir=tmp_path)
        assert checked.id in str(failure.value)
    else:
        synth_with_pack(number, fixed=False, outdir=tmp_path)  # a warning: the synth goes on

    found = violations(tmp_path)
    assert [(v["ruleName"], v["severity"]) for v in found] == [
        (checked.id, REPORTED_AS[checked.severity])
    ]
    (construct,) = found[0]["violatingConstructs"]
    assert construct["constructPath"] == FINDING_AT[number]
    assert found[0]["suggestedFix"].endswith(f" See {checked.sources[0]}")


@pytest.mark.parametrize("number", sorted(MODULES))
def test_the_corrected_app_synthesizes_clean(number: int, tmp_path: Path) -> None:
    synth_with_pack(number, fixed=True, outdir=tmp_path)

    assert violations(tmp_path) == []
