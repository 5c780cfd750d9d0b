"""Section 5: SqsPatternChecks findings new in HEAD and fixed since BASE.

The checks engine (`constructs_lib.checks.engine.check`) runs over both apps,
acknowledgments recorded in each applied. A finding is the same in both when
its rule and resource are (the resource by BASE's logical id, so a renamed
queue keeps its findings; the engine merges the causes of one rule on one
resource into one finding); its wording may differ. A new finding of an
``error`` rule counts for ``--fail-on findings``.
"""

from __future__ import annotations

from collections.abc import Iterator

from constructs_lib.checks.catalog import ERROR
from constructs_lib.checks.engine import check
from constructs_lib.checks.findings import Finding
from constructs_lib.review.changes import Comparison, Side
from constructs_lib.review.report import FINDINGS, GATE_FINDINGS, Item
from constructs_lib.templates.assembly import ResourceId

Key = tuple[str, ResourceId]


def _keyed(comparison: Comparison, side: Side) -> dict[Key, Finding]:
    """One finding per rule and resource (the engine merges a resource's causes)."""
    report = check(side.assembly)
    return {(f.rule_id, comparison.canonical(f.resource, side)): f for f in report.findings}


def items(comparison: Comparison) -> Iterator[Item]:
    base = _keyed(comparison, comparison.base)
    head = _keyed(comparison, comparison.head)
    for key in sorted(head.keys() - base.keys()):
        finding = head[key]
        error = finding.severity == ERROR
        yield Item(
            FINDINGS,
            f"new {finding.severity}",
            finding.path,
            f"{finding.rule_id} ({finding.rule.name}) on `{finding.path}`: {finding.detail}.",
            (f"Fix: {finding.fix}", f"See {finding.rule.sources[0]}"),
            frozenset({GATE_FINDINGS}) if error else frozenset(),
            rank=0 if error else 10,
            where=str(finding.resource),
        )
    for key in sorted(base.keys() - head.keys()):
        finding = base[key]
        pair = comparison.pair_of_base(finding.resource)
        gone = pair is None or pair.head is None
        why = " (its resource is gone)" if gone else ""
        yield Item(
            FINDINGS,
            "fixed",
            finding.path,
            f"{finding.rule_id} ({finding.rule.name}) on `{finding.path}` is gone{why}.",
            rank=30,
            where=str(finding.resource),
        )
