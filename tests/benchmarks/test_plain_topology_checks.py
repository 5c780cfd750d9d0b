"""SqsPatternChecks over the plain aws-cdk-lib twins of the example app.

The twins are what a careful user writes by hand for the same topology
(benchmarks/plain_topology.py). The rules find what that hand-written wiring
gets wrong and the library's constructs do not; docs/evidence.md lists it
("What plain L2 code gets wrong, found by SqsPatternChecks"). The same
findings come with today's recommended feature flags (cdk.json) and without
any (an app created before them).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from aws_cdk import Stack

from benchmarks.plain_topology import PLAIN_STACKS
from constructs_lib.checks import check, load
from stacks import example_environment
from tests.conftest import bare_app, cdk_context

#: (rule, construct path) the rules find in the twins, each with its cause.
EXPECTED = {
    # The L1 NotificationConfiguration names the queue; nothing orders it after
    # the queue policy that lets S3 in (CDK's add_event_notification would).
    ("SqsPatterns-SP10", "ServerlessWorkflow/Uploads/Resource"),
    # bucket_name fixed, and s3.Bucket's default removal policy is RETAIN.
    ("SqsPatterns-SP9", "ServerlessWorkflow/Uploads/Resource"),
}


@pytest.mark.parametrize("feature_flags", [True, False], ids=["cdk.json flags", "no flags"])
def test_the_plain_twins_get_the_findings_of_hand_written_wiring(
    feature_flags: bool, tmp_path: Path
) -> None:
    app = bare_app(outdir=str(tmp_path), context=cdk_context() if feature_flags else {})
    env = example_environment(app)
    for name, build in PLAIN_STACKS.items():
        build(Stack(app, name, env=env))
    app.synth()

    report = check(load([tmp_path]))

    assert {(f.rule_id, f.path) for f in report.findings} == EXPECTED
