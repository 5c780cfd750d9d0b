"""Section 4, operations: alarms, scaling, dashboards and the consumers' batch settings.

What an operator relies on without reading the code: which alarms exist and
when they fire (metric, threshold, periods, actions), how a fleet or a
function scales (scaling policies, scalable targets, Auto Scaling group
capacity, an event-source mapping's batch and concurrency settings), and the
dashboards. Each change is said with its old and new value; references are
named by the resource they point at.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from constructs_lib.review.changes import (
    Comparison,
    Difference,
    Pair,
    Side,
    compact,
    compact_change,
    title,
)
from constructs_lib.review.report import OPERATIONS, Item
from constructs_lib.review.schemas import ABSENT
from constructs_lib.templates.assembly import Resource, ResourceId
from constructs_lib.templates.references import direct_reference
from constructs_lib.templates.values import Unresolved

ALARM = "AWS::CloudWatch::Alarm"
COMPOSITE_ALARM = "AWS::CloudWatch::CompositeAlarm"
SCALING_POLICY = "AWS::AutoScaling::ScalingPolicy"
APP_SCALING_POLICY = "AWS::ApplicationAutoScaling::ScalingPolicy"
SCALABLE_TARGET = "AWS::ApplicationAutoScaling::ScalableTarget"
GROUP = "AWS::AutoScaling::AutoScalingGroup"
DASHBOARD = "AWS::CloudWatch::Dashboard"
MAPPING = "AWS::Lambda::EventSourceMapping"

#: Type -> (the noun a sentence uses, the properties that matter to an operator; None: all).
WATCHED: dict[str, tuple[str, tuple[str, ...] | None]] = {
    ALARM: ("alarm", None),
    COMPOSITE_ALARM: ("composite alarm", None),
    SCALING_POLICY: ("scaling policy", None),
    APP_SCALING_POLICY: ("scaling policy", None),
    SCALABLE_TARGET: ("scalable target", None),
    GROUP: (
        "Auto Scaling group",
        ("MinSize", "MaxSize", "DesiredCapacity", "DefaultInstanceWarmup", "MetricsCollection"),
    ),
    DASHBOARD: ("dashboard", None),
    MAPPING: (
        "event-source mapping",
        (
            "BatchSize",
            "MaximumBatchingWindowInSeconds",
            "ScalingConfig",
            "ProvisionedPollerConfig",
            "FunctionResponseTypes",
            "Enabled",
            "MetricsConfig",
        ),
    ),
}

#: Alarm properties, most telling first.
_ALARM_ORDER = (
    "Threshold",
    "ComparisonOperator",
    "EvaluationPeriods",
    "DatapointsToAlarm",
    "Period",
    "Statistic",
    "ExtendedStatistic",
    "MetricName",
    "Metrics",
    "TreatMissingData",
    "AlarmActions",
    "OKActions",
    "InsufficientDataActions",
    "ActionsEnabled",
)

_OPERATORS = {
    "GreaterThanThreshold": ">",
    "GreaterThanOrEqualToThreshold": ">=",
    "LessThanThreshold": "<",
    "LessThanOrEqualToThreshold": "<=",
}


def items(comparison: Comparison) -> Iterator[Item]:
    for pair in comparison.pairs:
        resource = pair.resource
        if resource.type not in WATCHED:
            continue
        if pair.base is None:
            yield _added(comparison.head, resource)
        elif pair.head is None:
            if resource.id.stack not in comparison.stacks_removed:
                yield _removed(comparison.base, resource)
        else:
            found = _changed(comparison, pair)
            if found is not None:
                yield found


def _noun(resource: Resource) -> str:
    return WATCHED[resource.type][0]


def _added(side: Side, resource: Resource) -> Item:
    text = f"New {_noun(resource)} **{title(resource)}**"
    summary = _summary(side, resource)
    text += f": {summary}." if summary else "."
    return _item("added", resource, text, rank=30)


def _removed(side: Side, resource: Resource) -> Item:
    text = f"The {_noun(resource)} **{title(resource)}** is removed"
    summary = _summary(side, resource)
    text += f" (it was: {summary})." if summary else "."
    if resource.type in (ALARM, COMPOSITE_ALARM):
        text += " Nothing tells anyone when it would have fired."
    return _item("removed", resource, text, rank=10)


def _changed(comparison: Comparison, pair: Pair) -> Item | None:
    assert pair.base is not None and pair.head is not None
    watched = WATCHED[pair.head.type][1]
    differences = [
        d
        for d in pair.differences
        if d.path.startswith("Properties/") and (watched is None or d.path.split("/")[1] in watched)
    ]
    if not differences and not pair.renamed:
        return None
    head = pair.head
    if head.type == DASHBOARD:
        said = _dashboard_changes(comparison, pair)
    else:
        said = [_difference(comparison, pair, d) for d in _ordered(differences)]
    text = f"The {_noun(head)} **{title(head)}** changes"
    if pair.renamed:
        text += f" (renamed from {pair.base.id.logical_id}: CloudFormation replaces it)"
    if said:
        text += ": " + "; ".join(said[:6])
        if len(said) > 6:
            text += f"; and {len(said) - 6} more"
    rank = 20 if head.type in (ALARM, COMPOSITE_ALARM, SCALING_POLICY, APP_SCALING_POLICY) else 25
    return _item("changed", head, text.rstrip(".") + ".", rank=rank)


def _ordered(differences: list[Difference]) -> list[Difference]:
    def key(d: Difference) -> tuple[int, str]:
        top = d.path.split("/")[1] if "/" in d.path else d.path
        order = _ALARM_ORDER.index(top) if top in _ALARM_ORDER else len(_ALARM_ORDER)
        return order, d.path

    return sorted(differences, key=key)


def _difference(comparison: Comparison, pair: Pair, difference: Difference) -> str:
    assert pair.base is not None and pair.head is not None
    path = difference.path.removeprefix("Properties/")
    if _named(difference.old) or _named(difference.new):
        old = _show(comparison.base, pair.base, difference.old)
        new = _show(comparison.head, pair.head, difference.new)
        return f"{path} {old} → {new}"
    return f"{path} {compact_change(difference.old, difference.new)}"


def _named(value: Any) -> bool:
    """A reference, or a list of references: said by the names of what they point at."""
    if isinstance(value, list):
        return bool(value) and all(direct_reference(v) for v in value)
    return direct_reference(value) is not None


def _show(side: Side, resource: Resource, value: Any) -> str:
    """A value as a reader wants it: a reference by the name of what it points at."""
    if value is ABSENT:
        return "(not set)"
    if isinstance(value, list) and value and all(direct_reference(v) for v in value):
        return "[" + ", ".join(_show(side, resource, v) for v in value) + "]"
    name = direct_reference(value)
    if name is not None:
        target = side.assembly.resources.get(ResourceId(resource.id.stack, name))
        if target is not None:
            return title(target)
    return compact(value, 60)


def _summary(side: Side, resource: Resource) -> str:
    if resource.type == ALARM:
        return _alarm(side, resource)
    if resource.type in (SCALING_POLICY, APP_SCALING_POLICY):
        kind = resource.prop("PolicyType") or "SimpleScaling"
        target = (resource.prop("TargetTrackingConfiguration") or {}).get("TargetValue") or (
            resource.prop("TargetTrackingScalingPolicyConfiguration") or {}
        ).get("TargetValue")
        return f"{kind}" + (f", target {target}" if target is not None else "")
    if resource.type == GROUP:
        return f"{resource.prop('MinSize')} to {resource.prop('MaxSize')} instances"
    if resource.type == DASHBOARD:
        titles = _widgets(side, resource)
        return f"{len(titles)} widgets" if titles is not None else ""
    return ""


def _alarm(side: Side, alarm: Resource) -> str:
    metric = alarm.prop("MetricName")
    if metric is None and alarm.prop("Metrics"):
        metric = "a metric-math expression"
    about = ""
    for dimension in alarm.prop("Dimensions") or []:
        if isinstance(dimension, Mapping):
            about = f" of {_show(side, alarm, dimension.get('Value'))}"
            break
    operator = _OPERATORS.get(
        str(alarm.prop("ComparisonOperator")), alarm.prop("ComparisonOperator")
    )
    periods = alarm.prop("EvaluationPeriods")
    breaching = alarm.prop("DatapointsToAlarm") or periods
    period = alarm.prop("Period")
    text = f"{metric}{about} {operator} {alarm.prop('Threshold')}"
    if periods is not None:
        text += f" in {breaching} of {periods} periods"
        if period is not None:
            text += f" of {period} s"
    actions = alarm.prop("AlarmActions") or []
    if actions:
        text += f", notifies {_show(side, alarm, actions)}"
    return text


def _widgets(side: Side, dashboard: Resource) -> list[str] | None:
    """The titles of the dashboard's widgets (a text widget: its first line)."""
    try:
        body = side.values.text(dashboard.id.stack, dashboard.prop("DashboardBody"))
        widgets = json.loads(body).get("widgets") or []
    except (Unresolved, ValueError, AttributeError):
        return None
    titles = []
    for widget in widgets:
        properties = widget.get("properties") or {}
        text = properties.get("title") or (properties.get("markdown") or "").strip().split("\n")[0]
        titles.append(f"{widget.get('type', 'widget')} '{text.strip('# ')}'")
    return titles


def _dashboard_changes(comparison: Comparison, pair: Pair) -> list[str]:
    assert pair.base is not None and pair.head is not None
    old = _widgets(comparison.base, pair.base)
    new = _widgets(comparison.head, pair.head)
    if old is None or new is None:
        return ["its body changes (known only at deploy)"]
    said = []
    added = [t for t in new if t not in old]
    removed = [t for t in old if t not in new]
    if added:
        said.append("widgets added: " + ", ".join(added))
    if removed:
        said.append("widgets removed: " + ", ".join(removed))
    if not said:
        said.append(f"the contents of its {len(new)} widgets change (same titles)")
    return said


def _item(kind: str, resource: Resource, text: str, *, rank: int) -> Item:
    return Item(OPERATIONS, kind, title(resource), text, rank=rank, where=str(resource.id))
