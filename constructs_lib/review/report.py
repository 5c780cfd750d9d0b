"""The review's findings as items of five sections, and how they gate a merge.

Every section module (`loss`, `paths`, `permissions`, `operations`,
`findings`) turns a `Comparison` into `Item`s: one plain sentence each, what
it is about, and the ``--fail-on`` classes it counts for. `Review` holds them
in the report's order, most serious first; `markdown` and `as_json` render it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

MESSAGE_LOSS = "message-loss"
DELIVERY_PATHS = "delivery-paths"
PERMISSIONS = "permissions"
OPERATIONS = "operations"
FINDINGS = "findings"

#: The sections, most serious first, with their headings.
SECTIONS: tuple[tuple[str, str], ...] = (
    (MESSAGE_LOSS, "Message loss"),
    (DELIVERY_PATHS, "Delivery paths"),
    (PERMISSIONS, "Permissions"),
    (OPERATIONS, "Operations"),
    (FINDINGS, "SqsPatternChecks findings"),
)

#: ``--fail-on`` classes: what each gates on.
GATE_MESSAGE_LOSS = "message-loss"
GATE_PERMISSIONS_WIDENED = "permissions-widened"
GATE_FINDINGS = "findings"
GATES: dict[str, str] = {
    GATE_MESSAGE_LOSS: "a stateful resource (queue, DLQ, topic, bucket, key, table, stream) "
    "is deleted or replaced, or may be (a retained one too: what it holds stays behind)",
    GATE_PERMISSIONS_WIDENED: "a resource, key, trust or identity policy admits a request it "
    "did not admit before (or changed in a way the review cannot resolve at synth)",
    GATE_FINDINGS: "SqsPatternChecks finds an error in HEAD that BASE did not have",
}

#: The marker a pull-request comment carries, so that a workflow finds and updates it.
MARKER = "<!-- constructs-lib review -->"


@dataclass(frozen=True)
class Item:
    """One thing the change does, in one plain sentence."""

    section: str
    #: a word or two a reader scans for (``lost``, ``widened``, ``new finding``)
    kind: str
    #: what it is about: a resource's title, a path, a principal
    subject: str
    text: str
    details: tuple[str, ...] = ()
    #: the ``--fail-on`` classes it counts for
    gates: frozenset[str] = frozenset()
    #: its order in the section: lower first (more serious)
    rank: int = 50
    #: where in the templates (``Stack/LogicalId``), for tools
    where: str = ""
    #: other resources (``Stack/LogicalId``) whose change this item already says
    covers: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "kind": self.kind,
            "subject": self.subject,
            "text": self.text,
            "details": list(self.details),
            "gates": sorted(self.gates),
            "where": self.where,
            "covers": list(self.covers),
        }


@dataclass
class Review:
    base: str
    head: str
    items: list[Item]
    #: resources that changed in no way the five sections judge, one line each
    other: list[str] = field(default_factory=list)
    #: True when the templates define the same resources with the same settings
    identical: bool = False
    #: stacks and resources read on each side
    scope: dict[str, int] = field(default_factory=dict)

    def section(self, name: str) -> list[Item]:
        return sorted(
            (i for i in self.items if i.section == name), key=lambda i: (i.rank, i.subject, i.text)
        )

    def failing(self, fail_on: Iterable[str]) -> list[str]:
        """The ``--fail-on`` classes some item counts for, in the order given."""
        wanted = list(dict.fromkeys(fail_on))
        hit = {gate for item in self.items for gate in item.gates}
        return [gate for gate in wanted if gate in hit]


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _bullet(item: Item) -> list[str]:
    lines = [f"- **{item.kind}** — {item.text}"]
    lines += [f"  - {detail}" for detail in item.details]
    return lines


def headline(review: Review) -> str:
    counts = []
    for name, heading in SECTIONS:
        found = review.section(name)
        if found:
            counts.append(f"{heading}: {len(found)}")
    return " · ".join(counts)


def markdown(review: Review, *, marker: bool = False) -> str:
    """The report for a pull-request comment: one line when nothing changed."""
    prefix = f"{MARKER}\n" if marker else ""
    stacks = review.scope.get("stacks", 0)
    resources = review.scope.get("resources", 0)
    if review.identical:
        return (
            f"{prefix}**No effect**: `{review.base}` and `{review.head}` synthesize the same "
            f"{_count(resources, 'resource')} in {_count(stacks, 'stack')} (nothing to review "
            "beyond metadata)."
        )
    lines = [prefix + f"## Review of `{review.base}` → `{review.head}`", ""]
    summary = headline(review)
    if summary:
        lines += [f"**{summary}**", ""]
    else:
        lines += [
            "**No effect on messages, delivery paths, permissions, operations or "
            "SqsPatternChecks findings**; other changes are listed below.",
            "",
        ]
    quiet = []
    for number, (name, heading) in enumerate(SECTIONS, start=1):
        found = review.section(name)
        if not found:
            quiet.append(heading.lower() if name != FINDINGS else "findings")
            continue
        lines += [f"### {number}. {heading}", ""]
        for item in found:
            lines += _bullet(item)
        lines.append("")
    if quiet and summary:
        lines += [f"No change to: {', '.join(quiet)}.", ""]
    if review.other:
        lines += [
            f"<details><summary>Other changes ({len(review.other)})</summary>",
            "",
            *[f"- {line}" for line in review.other],
            "",
            "</details>",
            "",
        ]
    lines.append(
        f"<sub>{_count(stacks, 'stack')}, {_count(resources, 'resource')} in HEAD · "
        "constructs-lib review</sub>"
    )
    return "\n".join(lines).rstrip() + "\n"


def as_json(review: Review, *, fail_on: Sequence[str] = (), exit_code: int = 0) -> dict[str, Any]:
    return {
        "base": review.base,
        "head": review.head,
        "identical": review.identical,
        "sections": {name: [i.as_dict() for i in review.section(name)] for name, _ in SECTIONS},
        "other": list(review.other),
        "scope": dict(review.scope),
        "failOn": list(fail_on),
        "failing": review.failing(fail_on),
        "exitCode": exit_code,
    }
