"""Each rule against its plain aws-cdk-lib reproduction app, through the cdk-nag pack.

The app with the real-world mistake must fail synth with exactly that
rule's finding, on the resource where the fix goes; the corrected app must
synthesize clean. The pack runs as users run it: registered with
``Validations.of(app).add_plugins`` and judged by aws-cdk-lib at synth.
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
from constructs_lib.checks.catalog import RULES_BY_ID
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
}


def synth_with_pack(number: int, *, fixed: bool, outdir: Path) -> None:
    app = reproduction(number).build(fixed=fixed, outdir=str(outdir))
    Validations.of(app).add_plugins(SqsPatternChecks(app))
    app.synth()


def violations(outdir: Path) -> list[dict[str, Any]]:
    report = json.loads((outdir / "validation-report.json").read_text())
    return [v for plugin in report["pluginReports"] for v in plugin["violations"]]


@pytest.mark.parametrize("number", sorted(MODULES))
def test_the_mistake_fails_synth_with_exactly_its_rule(number: int, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="ValidationFailed") as failure:
        synth_with_pack(number, fixed=False, outdir=tmp_path)

    found = violations(tmp_path)
    assert [v["ruleName"] for v in found] == [f"SqsPatterns-SP{number}"]
    (construct,) = found[0]["violatingConstructs"]
    assert construct["constructPath"] == FINDING_AT[number]
    checked = RULES_BY_ID[f"SqsPatterns-SP{number}"]
    assert found[0]["suggestedFix"] == f"{checked.fix} See {checked.sources[0]}"
    assert f"SqsPatterns-SP{number}" in str(failure.value)


@pytest.mark.parametrize("number", sorted(MODULES))
def test_the_corrected_app_synthesizes_clean(number: int, tmp_path: Path) -> None:
    synth_with_pack(number, fixed=True, outdir=tmp_path)
