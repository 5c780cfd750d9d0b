"""SqsPatternChecks over the example app: it must get no finding.

Before issue 9's fixes the rules found three real defects here (SP7 and SP8
on the Buffering stack's hand-written operations topic and key, SP9 on
BucketToQueue's fixed bucket name with Retain); now every stack is clean, and
nothing is acknowledged away.
"""

from __future__ import annotations

from typing import Any

import pytest

from constructs_lib.checks import Report, check, load

STACKS = ["Buffering", "OrderedProcessing", "Decoupling", "ServerlessWorkflow"]


@pytest.fixture(scope="module")
def example_report(example_assembly: Any) -> Report:
    return check(load([example_assembly.directory]))


def _found(report: Report, stack: str) -> list[tuple[str, str]]:
    return [(f.rule_id, f.path) for f in report.findings if f.resource.stack == stack]


@pytest.mark.parametrize("stack", STACKS)
def test_the_example_stack_has_no_finding(stack: str, example_report: Report) -> None:
    assert _found(example_report, stack) == []


def test_nothing_is_acknowledged_away(example_report: Report) -> None:
    assert example_report.findings == []
    assert example_report.acknowledged == []


def test_the_rules_had_wiring_to_judge(example_report: Any, example_assembly: Any) -> None:
    """Guard against a vacuous pass: the example's wiring is all in the graph."""
    from constructs_lib.checks.wiring import Wiring

    wiring = Wiring(load([example_assembly.directory]))
    kinds = {(d.service.principal, d.dead_letter) for d in wiring.deliveries}
    assert {
        ("sns.amazonaws.com", False),
        ("s3.amazonaws.com", False),
        ("events.amazonaws.com", False),
        ("events.amazonaws.com", True),
        ("scheduler.amazonaws.com", False),
        ("scheduler.amazonaws.com", True),
        ("cloudwatch.amazonaws.com", False),
        ("autoscaling.amazonaws.com", False),  # the fleet's notifications (the registry's)
    } <= kinds
    assert {c.consumer.type for c in wiring.consumers} == {
        "AWS::Lambda::EventSourceMapping",
        "AWS::IAM::Role",
    }
    assert len(wiring.redrives) >= 7
