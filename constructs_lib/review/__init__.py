"""``constructs-lib review BASE HEAD``: what a change does to the messages of any CDK app.

Compares two synthesized apps (`inputs`: a ``cdk.out``, a folder of templates
or snapshot files, a git ref) and reports, most serious first:

1. message loss (`loss`): stateful resources deleted or replaced, why, and
   what happens to what they hold; their deletion policies;
2. delivery paths (`paths`): sources, queues and consumers joined or parted,
   redrive, visibility timeouts against consumers' timeouts, filters,
   encryption;
3. permissions (`permissions`): policies widened or narrowed, decided by the
   policy evaluator;
4. operations (`operations`): alarms, scaling, dashboards;
5. SqsPatternChecks findings (`findings`) new in HEAD and fixed since BASE.

It reads templates with the library's one template model
(`constructs_lib.templates`) and wiring model (`constructs_lib.checks.wiring`,
built from the registry of delivering services, `constructs_lib.services`),
the same ones SqsPatternChecks and the diagrams read, and needs no
aws-cdk-lib. Replacement semantics come from CloudFormation's resource
schemas as cfn-lint bundles them (`schemas`; the extra ``review``).

Example::

    from constructs_lib.review import compare, load_side, markdown

    review = compare(load_side("origin/main"), load_side("cdk.out"))
    print(markdown(review))
"""

from __future__ import annotations

from collections.abc import Iterator

from constructs_lib.review import findings, loss, operations, paths, permissions
from constructs_lib.review.changes import Comparison, Pair, Side, compact_change, title
from constructs_lib.review.inputs import Options, load_side
from constructs_lib.review.report import (
    GATES,
    MARKER,
    SECTIONS,
    Item,
    Review,
    as_json,
    markdown,
)

__all__ = [
    "GATES",
    "MARKER",
    "SECTIONS",
    "Comparison",
    "Item",
    "Options",
    "Review",
    "Side",
    "as_json",
    "compare",
    "load_side",
    "markdown",
]

#: The sections' makers, in the report's order.
_SECTIONS = (loss.items, paths.items, permissions.items, operations.items, findings.items)


def compare(base: Side, head: Side) -> Review:
    """The review of the change from ``base`` to ``head``."""
    comparison = Comparison(base, head)
    scope = {"stacks": len(head.assembly.stacks), "resources": len(head.assembly.resources)}
    if comparison.identical:
        return Review(base.label, head.label, [], identical=True, scope=scope)
    found: list[Item] = []
    for section in _SECTIONS:
        found += section(comparison)
    other = list(_other(comparison, found))
    return Review(base.label, head.label, found, other, identical=False, scope=scope)


def _other(comparison: Comparison, found: list[Item]) -> Iterator[str]:
    """One line per changed resource no section speaks of, and per new stack."""
    said = {item.where for item in found} | {c for item in found for c in item.covers}
    for stack in comparison.stacks_added:
        yield f"New stack **{stack}**."
    for pair in comparison.changed_pairs():
        ids = {str(r.id) for r in (pair.base, pair.head) if r is not None}
        if ids & said:
            continue
        if pair.resource.id.stack in comparison.stacks_removed:
            continue
        yield _line(pair)


def _line(pair: Pair) -> str:
    resource = pair.resource
    name = f"{resource.type} **{title(resource)}** (`{resource.id}`)"
    if pair.base is None:
        return f"Added: {name}."
    if pair.head is None:
        return f"Removed: {name}."
    text = name
    if pair.renamed:
        text += f", renamed from `{pair.base.id.logical_id}`"
    if pair.replacement is not None:
        verb = "is replaced" if pair.replacement.status == "replaced" else "may be replaced"
        text += f" {verb} ({'; '.join(pair.replacement.causes)})"
    changed = [
        f"{d.path.removeprefix('Properties/')} {compact_change(d.old, d.new, 40)}"
        for d in pair.differences
    ]
    if changed:
        shown = "; ".join(changed[:4]) + (
            f"; and {len(changed) - 4} more" if len(changed) > 4 else ""
        )
        text += f": {shown}"
    return text + "."
