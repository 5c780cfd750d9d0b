"""Findings, and the acknowledgments that silence them.

A finding belongs to the resource where the fix (and an acknowledgment)
goes: the queue for its key, the queue policy for its statements, the event
source mapping for its settings. Several causes on one resource (three
alarms publishing to one topic) make one finding that names them all.

An acknowledgment of a rule at a construct path covers every resource at or
below that path, as cdk-nag and aws-cdk-lib match them. Accepted ids:
``SqsPatterns-SP2`` (cdk-nag's form; aws-cdk-lib records it as
``Annotation::SqsPatterns-SP2``) and ``SqsPatterns::SqsPatterns-SP2`` (the
form aws-cdk-lib's validation report suggests).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from constructs_lib.checks.catalog import PACK_NAME, RULES_BY_ID, Rule, Severity
from constructs_lib.templates.assembly import Acknowledgment, Resource, ResourceId

#: Causes named in one finding before "and N more".
MAX_CAUSES = 5


@dataclass(frozen=True, order=True)
class Finding:
    #: construct path of the resource to fix (``Stack/Queue/Resource``)
    path: str
    rule_id: str
    resource: ResourceId
    #: what is wrong here, one sentence per cause
    details: tuple[str, ...]
    #: property path in the resource (``Properties/KmsMasterKeyId``); list
    #: indexes count from 0, as CloudFormation's (``Statement/0``)
    location: str = "Properties"
    #: keys of the rule's remedies that fit this finding (none: the rule's fix)
    remedies: tuple[str, ...] = ()

    @property
    def rule(self) -> Rule:
        return RULES_BY_ID[self.rule_id]

    @property
    def severity(self) -> Severity:
        """``error`` or ``advisory``: the rule's, as cdk-nag's packs hold one level per rule."""
        return self.rule.severity

    @property
    def fix(self) -> str:
        """The remedies that fit this finding, or the rule's fix."""
        return self.rule.fix_for(self.remedies)

    @property
    def detail(self) -> str:
        shown = list(self.details[:MAX_CAUSES])
        if len(self.details) > MAX_CAUSES:
            shown.append(f"and {len(self.details) - MAX_CAUSES} more")
        return "; ".join(shown)


def finding(
    rule: Rule,
    resource: Resource,
    detail: str,
    location: str = "Properties",
    remedies: tuple[str, ...] = (),
) -> Finding:
    unknown = [key for key in remedies if key not in rule.remedies]
    if unknown:
        raise KeyError(f"{rule.id} has no remedy {unknown[0]!r}")
    return Finding(resource.path, rule.id, resource.id, (detail,), location, remedies)


def merged(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per rule and resource, its causes and remedies in order, without repeats."""
    groups: dict[tuple[str, ResourceId], Finding] = {}
    for item in findings:
        key = (item.rule_id, item.resource)
        seen = groups.get(key)
        if seen is None:
            groups[key] = item
        else:
            details = tuple(dict.fromkeys(seen.details + item.details))
            remedies = tuple(dict.fromkeys(seen.remedies + item.remedies))
            groups[key] = Finding(
                seen.path, seen.rule_id, seen.resource, details, seen.location, remedies
            )
    return sorted(groups.values())


def rule_of_acknowledgment(acknowledged_id: str) -> str | None:
    """The rule id an acknowledgment names, or None when it names another pack's rule."""
    namespace, separator, name = acknowledged_id.rpartition("::")
    if not separator:
        return name
    if namespace.lower() == "annotation" or namespace == PACK_NAME:
        return name
    return None


def acknowledgment_for(
    item: Finding, acknowledgments: Iterable[Acknowledgment]
) -> Acknowledgment | None:
    """The closest acknowledgment of the finding's rule at or above its path."""
    best: Acknowledgment | None = None
    for ack in acknowledgments:
        if rule_of_acknowledgment(ack.rule) != item.rule_id:
            continue
        if _covers(ack.path, item.path) and (best is None or len(ack.path) > len(best.path)):
            best = ack
    return best


def _covers(ancestor: str, path: str) -> bool:
    return ancestor == "" or path == ancestor or path.startswith(ancestor.rstrip("/") + "/")
