"""Two apps side by side: which resource became which, what changed, what is replaced.

CloudFormation matches the resources of an update by logical id: "if you
change the logical ID of a resource, AWS CloudFormation creates a new
resource with the new logical ID, then deletes the existing one" (AWS CDK
Developer Guide, "Identifiers": logical ID stability). A resource whose
logical id is gone from HEAD is deleted, whatever the code meant; the review
still pairs it with the HEAD resource it most likely became (same construct
path, or the same type with the same properties or the same name before
CDK's hash), so that the report can say "renamed" and name the cause, and so
that delivery paths, policies and findings of the moved resource are compared
with their former selves instead of listed as removed and added.

A resource kept under its logical id is replaced when a property of its
schema's ``createOnlyProperties`` changes (`schemas`), or when its type
changes. A changed value that cannot be resolved at synth (a parameter, an
import, ``Fn::If``) makes it "may be replaced", said so. A create-only value
that names a resource which is itself replaced changes at deploy too: the
replacement spreads (a subscription of a replaced topic is replaced).
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from constructs_lib.checks.wiring import Wiring
from constructs_lib.diagram import short_name
from constructs_lib.review import schemas
from constructs_lib.templates.assembly import Assembly, Resource, ResourceId
from constructs_lib.templates.references import is_intrinsic, referenced_names
from constructs_lib.templates.values import Unresolved, Values

#: Resource attributes besides ``Properties`` whose change is an update of the resource.
ATTRIBUTES = ("DeletionPolicy", "UpdateReplacePolicy", "DependsOn", "Condition", "UpdatePolicy")

#: Resources CDK adds that say nothing about the app's behaviour.
IGNORED_TYPES = frozenset({"AWS::CDK::Metadata"})

#: How alike a removed and an added resource must be to be called one renamed resource:
#: any two, or the only two of their type and stack in the change (`_likeness`).
SURE = 0.75
LONE = 0.3

REPLACED = "replaced"
MAY_REPLACE = "may-replace"


@dataclass
class Side:
    """One of the two apps: BASE or HEAD, as read (`constructs_lib.review.inputs`)."""

    #: how the report names it (``main (3f2a1c0, snapshots)``)
    label: str
    assembly: Assembly

    @functools.cached_property
    def values(self) -> Values:
        return Values(self.assembly)

    @functools.cached_property
    def wiring(self) -> Wiring:
        """The wiring SqsPatternChecks and the diagram read, built once per side."""
        return Wiring(self.assembly, self.values)

    def raw(self, rid: ResourceId) -> Mapping[str, Any]:
        """The resource's entry of its template (``Type``, ``Properties``, attributes)."""
        raw: Mapping[str, Any] = self.assembly.by_stack[rid.stack].template["Resources"][
            rid.logical_id
        ]
        return raw

    def region(self, stack: str) -> str | None:
        found = self.assembly.by_stack.get(stack)
        return found.region if found else None


@dataclass(frozen=True)
class Difference:
    """One value that differs: its path in the resource, and both values (`schemas.ABSENT`)."""

    path: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Replacement:
    """Why a kept (or renamed) resource gets a new physical resource at deploy."""

    #: `REPLACED` or `MAY_REPLACE`
    status: str
    #: one sentence per cause
    causes: tuple[str, ...]


@dataclass
class Pair:
    """A resource of BASE and what it became in HEAD; either may be None (added, removed)."""

    base: Resource | None
    head: Resource | None
    differences: list[Difference] = field(default_factory=list)
    replacement: Replacement | None = None

    @property
    def renamed(self) -> bool:
        return (
            self.base is not None
            and self.head is not None
            and self.base.id.logical_id != self.head.id.logical_id
        )

    @property
    def resource(self) -> Resource:
        """HEAD's resource if there is one, else BASE's."""
        found = self.head or self.base
        assert found is not None
        return found

    @property
    def changed(self) -> bool:
        return self.base is None or self.head is None or self.renamed or bool(self.differences)


def title(resource: Resource) -> str:
    """How a sentence names a resource: its construct path below the stack without
    ``/Resource`` when the assembly records it, else its logical id without CDK's hash."""
    path = resource.path
    if path != f"{resource.id.stack}/{resource.id.logical_id}":
        below = path.split("/", 1)[1] if "/" in path else path
        return below.removesuffix("/Resource").removesuffix("/Default") or path
    return short_name(resource.id.logical_id)


def where(resource: Resource) -> str:
    """``Stack/LogicalId``: where a reviewer finds it in the template."""
    return f"{resource.id.stack}/{resource.id.logical_id}"


def compact(value: Any, limit: int = 80) -> str:
    """A value in a few characters: text as is, anything else as compact JSON."""
    if value is schemas.ABSENT:
        return "(not set)"
    text = _text(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)


def compact_change(old: Any, new: Any, limit: int = 60) -> str:
    """``old → new`` in a few characters each: where two long values share their start,
    each is shown from a little before where they part."""
    if old is schemas.ABSENT or new is schemas.ABSENT:
        return f"{compact(old, limit)} → {compact(new, limit)}"
    a, b = _text(old), _text(new)
    if len(a) <= limit and len(b) <= limit:
        return f"{a} → {b}"
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    start = max(0, common - 12)
    lead = "…" if start else ""
    return f"{compact(lead + a[start:], limit)} → {compact(lead + b[start:], limit)}"


class Comparison:
    """BASE and HEAD, resource by resource."""

    def __init__(self, base: Side, head: Side) -> None:
        base, head = masked_alike(base, head)
        self.base = base
        self.head = head
        _share_environments(base, head)
        base_stacks = {s.name for s in base.assembly.stacks}
        head_stacks = {s.name for s in head.assembly.stacks}
        #: stacks only one side has
        self.stacks_removed = sorted(base_stacks - head_stacks)
        self.stacks_added = sorted(head_stacks - base_stacks)
        #: HEAD's logical id -> BASE's, per stack, for resources that look renamed
        self.renames: dict[ResourceId, ResourceId] = {}
        self.pairs = self._pairs()
        self._by_base = {p.base.id: p for p in self.pairs if p.base is not None}
        self._by_head = {p.head.id: p for p in self.pairs if p.head is not None}
        self._replacements()

    # --- looking up ------------------------------------------------------------------

    def pair_of_base(self, rid: ResourceId) -> Pair | None:
        return self._by_base.get(rid)

    def pair_of_head(self, rid: ResourceId) -> Pair | None:
        return self._by_head.get(rid)

    def canonical(self, rid: ResourceId, side: Side) -> ResourceId:
        """A resource's id as BASE knows it (HEAD's renamed resources mapped back)."""
        if side is self.head:
            return self.renames.get(rid, rid)
        return rid

    def changed_pairs(self) -> list[Pair]:
        return [p for p in self.pairs if p.changed]

    @property
    def identical(self) -> bool:
        """No resource added, removed, renamed or changed, and no stack either."""
        return not (self.stacks_removed or self.stacks_added or self.changed_pairs())

    # --- pairing -------------------------------------------------------------------

    def _resources(self, side: Side) -> dict[ResourceId, Resource]:
        return {rid: r for rid, r in side.assembly.resources.items() if r.type not in IGNORED_TYPES}

    def _pairs(self) -> list[Pair]:
        base, head = self._resources(self.base), self._resources(self.head)
        pairs = [Pair(r, head[rid]) for rid, r in base.items() if rid in head]
        removed = {rid: r for rid, r in base.items() if rid not in head}
        added = {rid: r for rid, r in head.items() if rid not in base}
        for old, new in self._renamed(removed, added):
            self.renames[new.id] = old.id
            pairs.append(Pair(old, new))
            del removed[old.id], added[new.id]
        pairs += [Pair(r, None) for r in removed.values()]
        pairs += [Pair(None, r) for r in added.values()]
        for pair in pairs:
            if pair.base is not None and pair.head is not None:
                pair.differences = self._differences(pair.base, pair.head)
        return sorted(pairs, key=lambda p: (p.resource.id.stack, p.resource.id.logical_id))

    def _renamed(
        self, removed: Mapping[ResourceId, Resource], added: Mapping[ResourceId, Resource]
    ) -> Iterator[tuple[Resource, Resource]]:
        """(removed, added) pairs of one stack and type, best first, in passes: the pairs of
        a pass make their references equal for the next pass (a topic that names a renamed
        key matches once the key is paired). Each pass scores every candidate once."""
        left, right = dict(removed), dict(added)
        mapping: dict[str, dict[str, str]] = {}
        while True:
            groups: dict[tuple[str, str], tuple[list[Resource], list[Resource]]] = {}
            for resource in left.values():
                groups.setdefault((resource.id.stack, resource.type), ([], []))[0].append(resource)
            for resource in right.values():
                key = (resource.id.stack, resource.type)
                if key in groups:
                    groups[key][1].append(resource)
            scored: list[tuple[float, str, str, Resource, Resource]] = []
            for olds, news in groups.values():
                lone = len(olds) == 1 and len(news) == 1
                for old in olds:
                    renamed = mapping.get(old.id.stack, {})
                    for new in news:
                        score = _likeness(old, new, renamed)
                        if score >= SURE or (lone and score >= LONE):
                            scored.append((score, old.id.logical_id, new.id.logical_id, old, new))
            found = []
            for _, _, _, old, new in sorted(scored, key=lambda s: (-s[0], s[1], s[2])):
                if old.id in left and new.id in right:
                    del left[old.id], right[new.id]
                    found.append((old, new))
            if not found:
                return
            for old, new in found:
                mapping.setdefault(old.id.stack, {})[new.id.logical_id] = old.id.logical_id
                yield old, new

    # --- differences ---------------------------------------------------------------

    def _differences(self, base: Resource, head: Resource) -> list[Difference]:
        old_raw, new_raw = self.base.raw(base.id), self.head.raw(head.id)
        found: list[Difference] = []
        if base.type != head.type:
            found.append(Difference("Type", base.type, head.type))
        found += diff(
            old_raw.get("Properties") or {}, new_raw.get("Properties") or {}, "Properties"
        )
        for attribute in ATTRIBUTES:
            old, new = (
                old_raw.get(attribute, schemas.ABSENT),
                new_raw.get(attribute, schemas.ABSENT),
            )
            if old != new:
                found.append(Difference(attribute, old, new))
        return found

    # --- replacement -----------------------------------------------------------------

    def _replacements(self) -> None:
        """Each kept resource's replacement, spread through create-only references."""
        for pair in self.pairs:
            if pair.base is not None and pair.head is not None:
                pair.replacement = self._replacement(pair)
        changed = True
        while changed:  # a reference to a replaced resource changes at deploy
            changed = False
            for pair in self.pairs:
                if pair.base is None or pair.head is None or pair.replacement is not None:
                    continue
                spread = self._spread(pair)
                if spread is not None:
                    pair.replacement, changed = spread, True

    def _replacement(self, pair: Pair) -> Replacement | None:
        base, head = pair.base, pair.head
        assert base is not None and head is not None
        if pair.renamed:
            return Replacement(
                REPLACED,
                (
                    f"its logical id changes from {base.id.logical_id} to {head.id.logical_id}: "
                    "CloudFormation creates a new resource and removes the old one from the stack",
                ),
            )
        if base.type != head.type:
            return Replacement(REPLACED, (f"its type changes from {base.type} to {head.type}",))
        rules = schemas.replacing(head.type, self.head.region(head.id.stack))
        causes: list[str] = []
        maybe: list[str] = []
        for pointer in rules.always + rules.conditionally:
            for path, old, new in self._create_only_changes(base, head, pointer):
                said = f"{path} changes from {compact(old)} to {compact(new)}"
                if pointer in rules.conditionally:
                    maybe.append(f"{said} (CloudFormation replaces it under some conditions)")
                elif self._same_at_deploy(base, head, old, new) is None:
                    maybe.append(f"{said}; its value is only known at deploy")
                else:
                    causes.append(said)
        if causes:
            return Replacement(REPLACED, tuple(causes + maybe))
        if maybe:
            return Replacement(MAY_REPLACE, tuple(maybe))
        return None

    def _create_only_changes(
        self, base: Resource, head: Resource, pointer: str
    ) -> Iterator[tuple[str, Any, Any]]:
        old = dict(schemas.values_at(base.properties, pointer))
        new = dict(schemas.values_at(head.properties, pointer))
        for path in dict.fromkeys([*old, *new]):
            before, after = old.get(path, schemas.ABSENT), new.get(path, schemas.ABSENT)
            if before != after and self._same_at_deploy(base, head, before, after) is not True:
                yield path, before, after

    def _same_at_deploy(self, base: Resource, head: Resource, old: Any, new: Any) -> bool | None:
        """Whether two written values are the same once deployed; None: not known at synth."""
        if old is schemas.ABSENT or new is schemas.ABSENT:
            return False  # added or removed: a change, whatever the default
        try:
            before = self.base.values.resolve(base.id.stack, old)
            after = self.head.values.resolve(head.id.stack, new)
        except Unresolved:
            return None
        if canonical(before) != canonical(after):
            return False
        # two resources that happen to share a stand-in name are still two resources
        return referenced_names(old) == referenced_names(new)

    def _spread(self, pair: Pair) -> Replacement | None:
        base, head = pair.base, pair.head
        assert base is not None and head is not None
        rules = schemas.replacing(head.type, self.head.region(head.id.stack))
        for pointer in rules.always:
            for path, value in schemas.values_at(head.properties, pointer):
                if value is schemas.ABSENT:
                    continue
                for name in sorted(referenced_names(value)):
                    other = self.pair_of_head(ResourceId(head.id.stack, name))
                    if other is None or other.replacement is None or other is pair:
                        continue
                    status = other.replacement.status
                    verb = "is replaced" if status == REPLACED else "may be replaced"
                    return Replacement(
                        status, (f"its {path} names {title(other.resource)}, which {verb}",)
                    )
        return None


#: What snapshot files write for an asset's hash (this project's, tests/snapshot_support.py:
#: a hash changes with every aws-cdk-lib upgrade), and the hashes themselves.
ASSET_HASH_MASK = "<asset-hash>"
_ASSET_HASH = re.compile(r"\b[0-9a-f]{64}\b")


def masked_alike(base: Side, head: Side) -> tuple[Side, Side]:
    """Both sides with asset hashes masked when one side has them masked (snapshot files
    do): what code an asset holds is then compared on neither side."""
    masked = [_masks(side) for side in (base, head)]
    if not any(masked) or all(masked):
        return base, head
    return (base if masked[0] else _mask(base)), (head if masked[1] else _mask(head))


def _masks(side: Side) -> bool:
    return any(ASSET_HASH_MASK in json.dumps(s.template) for s in side.assembly.stacks)


def _mask(side: Side) -> Side:
    stacks = [
        dataclasses.replace(
            stack, template=json.loads(_ASSET_HASH.sub(ASSET_HASH_MASK, json.dumps(stack.template)))
        )
        for stack in side.assembly.stacks
    ]
    return Side(side.label, Assembly(stacks))


def _share_environments(base: Side, head: Side) -> None:
    """A stack read from a template file has no account or region (a snapshot, a
    hand-written template); where the other side's stack of that name has them (a
    cdk.out), both are read in that environment, so that the same app written two ways
    resolves to the same ARNs."""
    for name, one in base.assembly.by_stack.items():
        other = head.assembly.by_stack.get(name)
        if other is None:
            continue
        for attribute in ("account", "region"):
            mine, theirs = getattr(one, attribute), getattr(other, attribute)
            if mine is None and theirs is not None:
                setattr(one, attribute, theirs)
            elif theirs is None and mine is not None:
                setattr(other, attribute, mine)


def canonical(value: Any) -> Any:
    """A resolved value as CloudFormation compares it: ``true`` and ``"true"``, ``5`` and
    ``"5"`` are one value (its schemas coerce strings to booleans and numbers)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, str):
        lowered = value.lower()
        return lowered if lowered in ("true", "false") else value
    if isinstance(value, Mapping):
        return {k: canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    return value


def _likeness(old: Resource, new: Resource, renamed: Mapping[str, str]) -> float:
    """0..1: how surely ``new`` is ``old`` under another logical id."""
    if old.path != f"{old.id.stack}/{old.id.logical_id}" and old.path == new.path:
        return 1.0  # the same construct path: the logical id was overridden
    old_props = dict(old.properties)
    new_props = dict(rename_references(new.properties, renamed))
    if old_props == new_props and old_props:
        return 0.9
    keys = set(old_props) | set(new_props)
    equal = sum(1 for k in keys if old_props.get(k) == new_props.get(k))
    properties = equal / len(keys) if keys else 0.0
    name = _name_likeness(old.id.logical_id, new.id.logical_id)
    score = 0.5 * properties + 0.5 * name
    # the same construct id before CDK's hash: the construct moved in the tree
    return max(score, 0.8) if name == 1.0 else score


def _name_likeness(old: str, new: str) -> float:
    """1 for the same name before CDK's hash, else how much of the two names is shared
    (difflib's ratio: ``BillingQueue`` and ``InvoicesQueue`` share their end)."""
    a, b = short_name(old), short_name(new)
    if a == b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b).ratio()


def rename_references(value: Any, renamed: Mapping[str, str]) -> Any:
    """``value`` with ``Ref``/``Fn::GetAtt``/``${X}`` names mapped (HEAD's ids to BASE's)."""
    if not renamed:
        return value
    if is_intrinsic(value):
        ((function, argument),) = value.items()
        if function == "Ref" and isinstance(argument, str):
            return {function: renamed.get(argument, argument)}
        if function == "Fn::GetAtt":
            if isinstance(argument, list) and argument:
                return {function: [renamed.get(str(argument[0]), argument[0]), *argument[1:]]}
            if isinstance(argument, str):
                head, dot, rest = argument.partition(".")
                return {function: renamed.get(head, head) + dot + rest}
        if function == "Fn::Sub":
            text = argument[0] if isinstance(argument, list) else argument
            for new, old in renamed.items():
                text = text.replace("${" + new + "}", "${" + old + "}").replace(
                    "${" + new + ".", "${" + old + "."
                )
            if isinstance(argument, list):
                return {function: [text, *rename_references(argument[1:], renamed)]}
            return {function: text}
        return {function: rename_references(argument, renamed)}
    if isinstance(value, Mapping):
        return {k: rename_references(v, renamed) for k, v in value.items()}
    if isinstance(value, list):
        return [rename_references(v, renamed) for v in value]
    return value


def diff(old: Any, new: Any, path: str) -> list[Difference]:
    """Every leaf that differs between two property values, by path (lists of equal
    length item by item, anything else whole)."""
    if old == new:
        return []
    if (
        isinstance(old, Mapping)
        and isinstance(new, Mapping)
        and not is_intrinsic(old)
        and not is_intrinsic(new)
    ):
        found: list[Difference] = []
        for key in dict.fromkeys([*old, *new]):
            found += diff(
                old.get(key, schemas.ABSENT), new.get(key, schemas.ABSENT), f"{path}/{key}"
            )
        return found
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        found = []
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            found += diff(a, b, f"{path}/{index}")
        return found
    return [Difference(path, old, new)]
