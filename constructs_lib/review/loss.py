"""Section 1, message loss: stateful resources deleted or replaced, and their policies.

What happens to the old resource is CloudFormation's documented behaviour:

- a resource removed from the template (a logical id gone, renamed or not)
  follows its ``DeletionPolicy``: "If a resource has no DeletionPolicy
  attribute, AWS CloudFormation deletes the resource by default. This
  capability also applies to stack update operations that lead to resources
  being deleted from stacks" (CloudFormation user guide, "DeletionPolicy
  attribute");
- a resource replaced in place follows its ``UpdateReplacePolicy``:
  "CloudFormation creates the replacement resource first, and then changes
  references from other dependent resources to point to the replacement
  resource. By default, CloudFormation then deletes the old resource"
  ("UpdateReplacePolicy attribute"). Both templates' policies must retain it
  for the review to say "kept": which one CloudFormation applies during the
  update that changes it is not what a reviewer should have to know;
- a custom-named resource cannot be replaced: "You can't perform an update
  that causes a custom-named resource to be replaced. If you must replace the
  resource, specify a new name" ("CloudFormation resource custom naming").

The consequence is said per kind of resource: messages of a queue, the
failed messages of a dead-letter queue, a topic's subscriptions made outside
the app, a bucket's objects, what is encrypted under a key.
"""

from __future__ import annotations

from collections.abc import Iterator

from constructs_lib.checks.consumer_rules import seconds
from constructs_lib.review.changes import MAY_REPLACE, Comparison, Pair, Side, title, where
from constructs_lib.review.report import GATE_MESSAGE_LOSS, MESSAGE_LOSS, Item
from constructs_lib.templates.assembly import Resource
from constructs_lib.templates.references import referenced_names

QUEUE = "AWS::SQS::Queue"
TOPIC = "AWS::SNS::Topic"
BUCKET = "AWS::S3::Bucket"
KEY = "AWS::KMS::Key"
TABLE = "AWS::DynamoDB::Table"
STREAM = "AWS::Kinesis::Stream"

#: Resources that hold messages, or what reading them needs.
STATEFUL = (QUEUE, TOPIC, BUCKET, KEY, TABLE, STREAM)

#: Policies that keep the old resource (the others delete it; Snapshot applies to
#: none of these types).
KEEPS = ("Retain", "RetainExceptOnCreate")

#: AWS::KMS::Key ``PendingWindowInDays``: "If you remove a KMS key from a
#: CloudFormation stack, AWS KMS schedules the KMS key for deletion ... The
#: default value is 30 days."
KEY_DEFAULT_PENDING_DAYS = 30

_LOST, _STRANDED, _MAYBE, _STACK, _POLICY = 0, 10, 20, 30, 40


def items(comparison: Comparison) -> Iterator[Item]:
    for pair in comparison.pairs:
        resource = pair.base
        if resource is None or resource.type not in STATEFUL:
            continue
        if resource.id.stack in comparison.stacks_removed:
            continue
        if pair.head is None:
            yield _removed(comparison, pair, resource)
        elif pair.replacement is not None:
            yield _replaced(comparison, pair, resource)
        else:
            yield from _policies(comparison, pair, resource)
    yield from _stacks_removed(comparison)


def _policy(side: Side, resource: Resource, attribute: str) -> str:
    return str(side.raw(resource.id).get(attribute) or "Delete")


def _removed(comparison: Comparison, pair: Pair, resource: Resource) -> Item:
    policy = _policy(comparison.base, resource, "DeletionPolicy")
    cause = "it is no longer in the template"
    return _item(comparison, resource, policy in KEEPS, cause, replaced=False)


def _replaced(comparison: Comparison, pair: Pair, resource: Resource) -> Item:
    assert pair.head is not None and pair.replacement is not None
    if pair.renamed:
        # the old logical id leaves the template: its DeletionPolicy decides
        kept = _policy(comparison.base, resource, "DeletionPolicy") in KEEPS
    else:
        kept = all(
            _policy(side, r, "UpdateReplacePolicy") in KEEPS
            for side, r in ((comparison.base, resource), (comparison.head, pair.head))
        )
    cause = "; ".join(pair.replacement.causes)
    maybe = pair.replacement.status == MAY_REPLACE
    return _item(comparison, resource, kept, cause, replaced=True, maybe=maybe, pair=pair)


def _item(
    comparison: Comparison,
    resource: Resource,
    kept: bool,
    cause: str,
    *,
    replaced: bool,
    maybe: bool = False,
    pair: Pair | None = None,
) -> Item:
    name = title(resource)
    what = _kind(comparison.base, resource)
    if maybe:
        kind, rank = "may be lost", _MAYBE
    elif kept:
        kind, rank = "kept aside", _STRANDED
    else:
        kind, rank = "lost", _LOST
    verb = "may be replaced" if maybe else "is replaced" if replaced else "is deleted"
    text = f"{what} **{name}** (`{where(resource)}`) {verb}: {cause}. "
    text += _consequence(comparison, resource, kept=kept, maybe=maybe)
    details = list(_details(comparison, resource, pair, replaced=replaced))
    gates = frozenset({GATE_MESSAGE_LOSS}) if not kept or maybe else frozenset()
    if kept and not maybe:
        # retained, but nothing reads it: the reviewer still decides what becomes of it
        gates = frozenset({GATE_MESSAGE_LOSS})
    return Item(
        MESSAGE_LOSS, kind, name, text.strip(), tuple(details), gates, rank, where(resource)
    )


def _is_dead_letter_queue(side: Side, queue: Resource) -> bool:
    """A queue's redrive target, or a subscription's or target's dead-letter queue."""
    return side.wiring.is_dead_letter_queue(queue) or any(
        d.dead_letter and d.target == queue for d in side.wiring.deliveries
    )


def _kind(side: Side, resource: Resource) -> str:
    if resource.type == QUEUE:
        return "Dead-letter queue" if _is_dead_letter_queue(side, resource) else "Queue"
    return {
        TOPIC: "Topic",
        BUCKET: "Bucket",
        KEY: "KMS key",
        TABLE: "Table",
        STREAM: "Stream",
    }[resource.type]


def _consequence(comparison: Comparison, resource: Resource, *, kept: bool, maybe: bool) -> str:
    base = comparison.base
    name = title(resource)
    may = "may be" if maybe else "are"
    if kept:
        return _kept(base, resource)
    if resource.type == QUEUE:
        if _is_dead_letter_queue(base, resource):
            return (
                f"The failed messages waiting in {name} {may} lost: they can no longer be "
                "inspected or redriven."
            )
        return f"In-flight and stored messages of {name} {may} lost."
    if resource.type == TOPIC:
        text = (
            f"Subscriptions of {name} made outside this app {may} lost, publishers outside "
            "this app that hold its ARN fail, and what is published during the switch may "
            "not reach the new subscriptions."
        )
        if resource.prop("ArchivePolicy"):
            text += f" The messages its ArchivePolicy keeps {may} lost."
        return text
    if resource.type == BUCKET:
        if _auto_deleted(base, resource):
            return (
                f"The objects of {name} {may} lost: CDK's autoDeleteObjects custom resource "
                "empties it before CloudFormation deletes it."
            )
        return (
            f"The objects stored in {name} do not move to the new bucket, which starts empty; "
            'S3 deletes a bucket only once it is empty (DeleteBucket: "All objects ... must '
            'be deleted before the bucket itself can be deleted"), so the old one and its '
            "objects stay behind, outside the stack, or the delete fails."
        )
    if resource.type == KEY:
        days = resource.prop("PendingWindowInDays") or KEY_DEFAULT_PENDING_DAYS
        users = (
            ", ".join(title(r) for r in base.wiring.encrypted_with(resource))
            or "nothing in this app"
        )
        return (
            f"AWS KMS schedules {name} for deletion ({days} days); what is still encrypted "
            f"under it ({users}) {may} unreadable once it is deleted."
        )
    noun = "items" if resource.type == TABLE else "records"
    return f"The {noun} of {name} {may} lost."


def _kept(side: Side, resource: Resource) -> str:
    name = title(resource)
    if resource.type == QUEUE:
        return (
            f"The old queue {name} is retained with its messages, outside the stack: nothing in "
            "the app sends to or reads from it any more; drain it or move its messages to the "
            "new queue by hand."
        )
    if resource.type == KEY:
        return (
            f"The old key {name} is retained (and billed): what is encrypted under it stays "
            "readable while it exists, but the new resource uses a new key."
        )
    return (
        f"The old {name} is retained outside the stack with what it holds; the new one starts "
        "empty and nothing in the app uses the old one any more."
    )


def _auto_deleted(side: Side, bucket: Resource) -> bool:
    return any(
        bucket.id.logical_id in referenced_names(r.prop("BucketName"))
        for r in side.assembly.of_type("Custom::S3AutoDeleteObjects")
        if r.id.stack == bucket.id.stack
    )


def _details(
    comparison: Comparison, resource: Resource, pair: Pair | None, *, replaced: bool
) -> Iterator[str]:
    base = comparison.base
    if resource.type == QUEUE:
        retention = resource.prop("MessageRetentionPeriod")
        if isinstance(retention, int | float) or str(retention).isdigit():
            yield f"It keeps messages {seconds(float(retention))}."
        senders = sorted({title(d.producer) for d in base.wiring.deliveries_into(resource)})
        readers = sorted({title(c.consumer) for c in base.wiring.consumers if c.queue == resource})
        if senders:
            yield f"Sent to by: {', '.join(senders)}."
        if readers:
            yield f"Read by: {', '.join(readers)}."
    if replaced and pair is not None and pair.head is not None:
        name_property = {QUEUE: "QueueName", TOPIC: "TopicName", BUCKET: "BucketName"}.get(
            resource.type
        )
        if name_property and pair.head.prop(name_property) is not None:
            fixed = pair.head.prop(name_property)
            if pair.renamed:
                yield (
                    f"Its {name_property} is fixed ({fixed!s}): the new resource claims the "
                    "name while the old one still exists (CloudFormation creates before it "
                    "deletes)."
                )
            elif fixed == resource.prop(name_property):
                yield (
                    f"Its {name_property} stays {fixed!s}: CloudFormation refuses to replace a "
                    'custom-named resource ("If you must replace the resource, specify a new '
                    'name"), so this deploy fails unless the name changes too.'
                )


def _policies(comparison: Comparison, pair: Pair, resource: Resource) -> Iterator[Item]:
    assert pair.head is not None
    for attribute, when in (
        ("DeletionPolicy", "when it leaves the template or its stack is deleted"),
        ("UpdateReplacePolicy", "when an update replaces it"),
    ):
        old = _policy(comparison.base, resource, attribute)
        new = _policy(comparison.head, pair.head, attribute)
        if old == new:
            continue
        name = title(resource)
        weaker = old in KEEPS and new not in KEEPS
        fate = "deleted, with what it holds," if weaker else "kept"
        text = (
            f"{_kind(comparison.base, resource)} **{name}** (`{where(resource)}`): {attribute} "
            f"{old} → {new}: it is now {fate} {when}."
        )
        yield Item(
            MESSAGE_LOSS,
            "protection removed" if weaker else "protection added",
            name,
            text,
            rank=_POLICY if weaker else _POLICY + 5,
            where=where(resource),
        )


def _stacks_removed(comparison: Comparison) -> Iterator[Item]:
    for stack in comparison.stacks_removed:
        held = [
            r
            for r in comparison.base.assembly.resources.values()
            if r.id.stack == stack and r.type in STATEFUL
        ]
        if not held:
            continue
        kept = [r for r in held if _policy(comparison.base, r, "DeletionPolicy") in KEEPS]
        names = ", ".join(sorted(title(r) for r in held))
        text = (
            f"Stack **{stack}** is no longer in the app. `cdk deploy` leaves a deployed stack "
            f"that left the app as it is; deleting it (`cdk destroy`, a pipeline) deletes "
            f"{len(held) - len(kept)} of its {len(held)} stateful resources ({names})."
        )
        yield Item(MESSAGE_LOSS, "stack removed", stack, text, rank=_STACK, where=stack)
