"""A topology diagram of a synthesized CloudFormation template.

Reviewers read wiring faster than JSON: which producer feeds which queue,
where failed messages go, which alarm scales what. `build_graph` reads a
template (a plain dict, no aws_cdk needed) and finds:

- nodes: SQS queues (dead-letter queues recognised as the target of another
  queue's ``RedrivePolicy``; FIFO marked), EventBridge buses, Lambda
  functions that consume a queue, scaling policies, optionally KMS keys, and
  the producers of every delivering service of the registry
  (`constructs_lib.services`): SNS topics, EventBridge rules, Scheduler
  schedules, EventBridge pipes (and the tables and streams they read), S3
  buckets, CloudWatch alarms, Auto Scaling groups;
- edges: every link the registry reads out of a resource (topic -> queue,
  filter policy summarized; rule -> target; schedule -> target; pipe ->
  target; bucket -> queue, also CDK's ``Custom::S3BucketNotifications``;
  queue -> function or pipe (consumers); alarm -> its actions; group -> its
  notification topic; a delivery's dead-letter queue dotted), and what is
  the diagram's own: event pattern summarized on the rule, bucket ->
  EventBridge, queue -> DLQ, queue -> alarm, queue metric ->
  target-tracking policy -> group, key -> encrypted resource (dotted).

References are resolved from ``Ref``, ``Fn::GetAtt``, ``Fn::Sub`` and
``Fn::Join``; an ARN or name spelled out as text is matched against the
queue and topic names of the template. `to_mermaid` and `to_dot` render the
graph; both are deterministic (sorted), so a diff shows a wiring change.

Example::

    template = json.loads(Path("cdk.out/Buffering.template.json").read_text())
    print(to_mermaid(build_graph(template)))
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from constructs_lib import services
from constructs_lib.services import CONSUMER, DEAD_LETTER, LABEL_CHARS, SELF, cut, leaf
from constructs_lib.templates.references import referenced_names, texts

Style = Literal["solid", "dotted"]

#: CDK appends an 8-hex-digit hash of the construct path to logical ids.
_CDK_HASH = re.compile(r"^(?P<name>.+?)(?P<hash>[0-9A-F]{8})$")
_MERMAID_RESERVED = {"end", "graph", "subgraph", "flowchart", "style", "class", "click"}

#: Default bus node id (not a template resource: every account has one).
DEFAULT_BUS = "EventBridgeDefaultBus"

#: Longest summary text on an edge or node before it is cut.
SUMMARY_CHARS = LABEL_CHARS

KINDS = (
    "bucket",
    "schedule",
    "bus",
    "rule",
    "topic",
    "queue",
    "dlq",
    "function",
    "alarm",
    "policy",
    "asg",
    "key",
)

#: The node kinds of resources that are no delivering service's producer; those
#: come from the registry of services (`constructs_lib.services`: topics, buckets,
#: rules, schedules, pipes, alarms, Auto Scaling groups).
_TYPES = {
    "AWS::SQS::Queue": "queue",
    "AWS::Events::EventBus": "bus",
    "AWS::Lambda::Function": "function",
    "AWS::AutoScaling::ScalingPolicy": "policy",
    "AWS::ApplicationAutoScaling::ScalingPolicy": "policy",
    "AWS::KMS::Key": "key",
    **services.node_kinds(),
    **services.source_node_kinds(),
}

#: Kinds shown only when an edge touches them (CDK adds helper functions; the
#: tables and streams a service may read from).
_ONLY_WHEN_CONNECTED = {"function", "key", "bus", *services.source_node_kinds().values()}


@dataclass(frozen=True, order=True)
class Node:
    id: str
    kind: str
    label: str
    detail: str = ""


@dataclass(frozen=True, order=True)
class Edge:
    source: str
    target: str
    label: str = ""
    style: Style = "solid"


@dataclass
class Graph:
    nodes: dict[str, Node] = field(default_factory=dict)
    edges: set[Edge] = field(default_factory=set)

    def edge_pairs(self) -> set[tuple[str, str]]:
        """(source label, target label) of every edge: what tests assert on."""
        return {(self.nodes[e.source].label, self.nodes[e.target].label) for e in self.edges}

    def labelled_edges(self) -> set[tuple[str, str, str]]:
        return {
            (self.nodes[e.source].label, self.nodes[e.target].label, e.label) for e in self.edges
        }


def short_name(logical_id: str) -> str:
    """``JobsQueue24944186`` -> ``JobsQueue``: the logical id without CDK's hash."""
    match = _CDK_HASH.match(logical_id)
    return match.group("name") if match else logical_id


_cut = cut
_leaf = leaf


class _Resolver:
    """Finds the logical ids an ARN/name expression of the template points to.

    What a value references comes from the template model's walker
    (`constructs_lib.templates.references`); a name spelled out as text (an
    ARN's or URL's last piece) is matched against the names the template fixes.
    """

    def __init__(self, resources: Mapping[str, Any]) -> None:
        self.resources = resources
        self.by_name: dict[str, str] = {}
        for logical_id, resource in resources.items():
            props = resource.get("Properties", {}) or {}
            for key in ("QueueName", "TopicName", "BucketName", "FunctionName", "Name"):
                if isinstance(props.get(key), str):
                    self.by_name[props[key]] = logical_id

    def refs(self, value: Any) -> set[str]:
        found = referenced_names(value)
        for text in texts(value):
            tail = re.split(r"[:/]", text)[-1]
            if tail in self.by_name:
                found.add(self.by_name[tail])
        return {r for r in found if r in self.resources}


def _pattern_summary(pattern: Any) -> str:
    if not isinstance(pattern, dict):
        return ""
    parts = []
    for key in sorted(pattern):
        value = pattern[key]
        if isinstance(value, list):
            parts.append(f"{key}: {', '.join(_leaf(v) for v in value)}")
        elif isinstance(value, dict):
            parts.append(f"{key}: {{{', '.join(sorted(value))}}}")
    return _cut("; ".join(parts))


def _metric_dimension_refs(resolver: _Resolver, spec: Any) -> tuple[set[str], list[str]]:
    """Queues named by metric dimensions anywhere in ``spec``, and the metric names."""
    refs: set[str] = set()
    names: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if "MetricName" in value and isinstance(value["MetricName"], str):
                names.append(value["MetricName"])
            for dimension in value.get("Dimensions", []) or []:
                if isinstance(dimension, dict):
                    refs.update(resolver.refs(dimension.get("Value")))
            for key, item in value.items():
                if key != "Dimensions":
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(spec)
    return refs, sorted(set(names))


def build_graph(template: Mapping[str, Any], *, include_keys: bool = True) -> Graph:
    """The topology of ``template`` (a synthesized CloudFormation template)."""
    resources: Mapping[str, Any] = template.get("Resources", {}) or {}
    builder = _GraphBuilder(resources, include_keys=include_keys)
    for logical_id in sorted(builder.kinds):
        builder.add_node_edges(logical_id)
    for logical_id, resource in sorted(resources.items()):
        builder.add_wiring_edges(logical_id, resource)
    return builder.graph()


class _GraphBuilder:
    """Collects the nodes and edges of one template, one resource type at a time.

    Nodes are the resources of `_TYPES`; edges come from each node's own
    properties (`add_node_edges`) and from the resources that wire two others
    (`add_wiring_edges`: subscriptions, event-source mappings, CDK's S3
    notification custom resource).
    """

    def __init__(self, resources: Mapping[str, Any], *, include_keys: bool) -> None:
        self.resources = resources
        self.include_keys = include_keys
        self.resolver = _Resolver(resources)
        self.edges: set[Edge] = set()
        self.kinds: dict[str, str] = {
            logical_id: kind
            for logical_id, resource in resources.items()
            if (kind := _TYPES.get(resource.get("Type", "")))
        }
        self.details: dict[str, list[str]] = {}
        self.dlqs: set[str] = set()
        self.bus_used = False

    def edge(self, source: str, target: str, label: str = "", style: Style = "solid") -> None:
        if source != target:
            self.edges.add(Edge(source, target, label, style))

    def refs(self, value: Any) -> set[str]:
        return self.resolver.refs(value)

    # --- edges from a node's own properties -------------------------------------

    def add_node_edges(self, logical_id: str) -> None:
        kind = self.kinds[logical_id]
        props = self.resources[logical_id].get("Properties", {}) or {}
        detail = self.details.setdefault(logical_id, [])
        add = _NODE_EDGES.get(kind)
        if add is not None:
            add(self, logical_id, props, detail)
        if self.include_keys and kind in ("queue", "topic"):
            for ref in self.refs(props.get("KmsMasterKeyId")):
                self.edge(ref, logical_id, "encrypts", "dotted")

    def _queue(self, logical_id: str, p: dict[str, Any], detail: list[str]) -> None:
        if str(p.get("FifoQueue", "")).lower() == "true":
            detail.append("FIFO")
        redrive = p.get("RedrivePolicy")
        if isinstance(redrive, dict):
            for dlq in self.refs(redrive.get("deadLetterTargetArn")):
                self.dlqs.add(dlq)
                receives = redrive.get("maxReceiveCount")
                self.edge(logical_id, dlq, f"after {receives} receives", "dotted")

    def _topic(self, logical_id: str, p: dict[str, Any], detail: list[str]) -> None:
        if str(p.get("FifoTopic", "")).lower() == "true":
            detail.append("FIFO")

    def _rule(self, logical_id: str, p: dict[str, Any], detail: list[str]) -> None:
        summary = _pattern_summary(p.get("EventPattern"))
        if summary:
            detail.append(summary)
        if p.get("ScheduleExpression"):
            detail.append(str(p["ScheduleExpression"]))
        elif p.get("EventPattern") is not None:
            buses = self.refs(p.get("EventBusName"))
            for bus in buses:
                self.edge(bus, logical_id)
            if not buses:
                self.bus_used = True
                self.edge(DEFAULT_BUS, logical_id)

    def _schedule(self, logical_id: str, p: dict[str, Any], detail: list[str]) -> None:
        if p.get("ScheduleExpression"):
            detail.append(str(p["ScheduleExpression"]))

    def _bucket(self, logical_id: str, p: dict[str, Any], detail: list[str]) -> None:
        configuration = p.get("NotificationConfiguration") or {}
        self.bus_used |= _to_eventbridge(logical_id, configuration, self.edge)

    def _alarm(self, logical_id: str, p: dict[str, Any], detail: list[str]) -> None:
        metric_refs, names = _metric_dimension_refs(self.resolver, p)
        operator = _OPERATORS.get(str(p.get("ComparisonOperator")), "?")
        metric = " ".join(names) if len(names) == 1 else "math"
        detail.append(_cut(f"{metric} {operator} {_leaf(p.get('Threshold'))}"))
        for ref in metric_refs:
            self.edge(ref, logical_id)

    def _policy(self, logical_id: str, p: dict[str, Any], detail: list[str]) -> None:
        for key in ("AutoScalingGroupName", "ScalingTargetId"):
            for ref in self.refs(p.get(key)):
                self.edge(logical_id, ref, "scales")
        for spec_key in _TARGET_TRACKING_KEYS:
            spec = p.get(spec_key)
            if spec:
                metric_refs, names = _metric_dimension_refs(self.resolver, spec)
                detail.append(_cut(f"target {_leaf(spec.get('TargetValue'))}"))
                for ref in metric_refs:
                    self.edge(ref, logical_id, _cut(", ".join(names)))
        if p.get("PolicyType"):
            detail.append(str(p["PolicyType"]))

    # --- edges of the delivering services (the registry's links) ------------------

    def add_wiring_edges(self, logical_id: str, resource: Mapping[str, Any]) -> None:
        resource_type = resource.get("Type", "")
        properties = resource.get("Properties", {}) or {}
        for _, link in services.links(resource_type, properties):
            sources = {logical_id} if link.source is SELF else self.refs(link.source)
            targets = {logical_id} if link.target is SELF else self.refs(link.target)
            style: Style = "dotted" if link.kind == DEAD_LETTER else "solid"
            for source in sources:
                for target in targets:
                    if link.kind == CONSUMER:
                        # a consumer drawn as a function (an event-source mapping may name
                        # an alias or a version of one)
                        self.kinds.setdefault(target, "function")
                    self.edge(source, target, link.label, style)
        if resource_type == _CUSTOM_BUCKET_NOTIFICATIONS:
            for bucket in self.refs(properties.get("BucketName")):
                configuration = properties.get("NotificationConfiguration") or {}
                self.bus_used |= _to_eventbridge(bucket, configuration, self.edge)

    # --- the result ------------------------------------------------------------------

    def graph(self) -> Graph:
        graph = Graph()
        if self.bus_used:
            self.kinds[DEFAULT_BUS] = "bus"
        for logical_id, kind in self.kinds.items():
            if kind == "queue" and logical_id in self.dlqs:
                kind = "dlq"
            if kind == "key" and not self.include_keys:
                continue
            label = "default event bus" if logical_id == DEFAULT_BUS else short_name(logical_id)
            detail = self.details.get(logical_id, [])
            graph.nodes[logical_id] = Node(logical_id, kind, label, "; ".join(detail))
        graph.edges = {e for e in self.edges if e.source in graph.nodes and e.target in graph.nodes}
        connected = {e.source for e in graph.edges} | {e.target for e in graph.edges}
        for logical_id, node in list(graph.nodes.items()):
            if node.kind in _ONLY_WHEN_CONNECTED and logical_id not in connected:
                del graph.nodes[logical_id]
        return graph


_OPERATORS = {
    "GreaterThanThreshold": ">",
    "GreaterThanOrEqualToThreshold": ">=",
    "LessThanThreshold": "<",
    "LessThanOrEqualToThreshold": "<=",
}
_TARGET_TRACKING_KEYS = (
    "TargetTrackingConfiguration",
    "TargetTrackingScalingPolicyConfiguration",
)
_NODE_EDGES = {
    "queue": _GraphBuilder._queue,
    "topic": _GraphBuilder._topic,
    "rule": _GraphBuilder._rule,
    "schedule": _GraphBuilder._schedule,
    "bucket": _GraphBuilder._bucket,
    "alarm": _GraphBuilder._alarm,
    "policy": _GraphBuilder._policy,
}
_CUSTOM_BUCKET_NOTIFICATIONS = "Custom::S3BucketNotifications"


def _to_eventbridge(bucket: str, configuration: Mapping[str, Any], edge: Any) -> bool:
    """Adds bucket -> the default bus when the bucket sends all its events to EventBridge."""
    eventbridge = configuration.get("EventBridgeConfiguration")
    enabled = eventbridge is not None and (
        eventbridge == {} or str(eventbridge.get("EventBridgeEnabled", "true")).lower() == "true"
    )
    if enabled:
        edge(bucket, DEFAULT_BUS, "all events")
    return enabled


# --- rendering -------------------------------------------------------------------

_MERMAID_SHAPES = {
    "queue": ('[("', '")]'),
    "dlq": ('[("', '")]'),
    "topic": ('{{"', '"}}'),
    "bus": ('[["', '"]]'),
    "rule": ('>"', '"]'),
    "schedule": ('(["', '"])'),
    "bucket": ('[/"', '"/]'),
    "function": ('("', '")'),
    "alarm": ('[/"', '"\\]'),
    "policy": ('[\\"', '"/]'),
    "asg": ('["', '"]'),
    "key": ('(["', '"])'),
}

#: A kind the registry of services adds (a pipe, a stream): a box with its word.
_MERMAID_OTHER = ('["', '"]')

_MERMAID_CLASSES = {
    "dlq": "fill:#fde2e1,stroke:#c0392b,color:#000",
    "alarm": "fill:#fff4d6,stroke:#b7791f,color:#000",
    "key": "fill:#eeeeee,stroke:#888888,color:#000",
}

_KIND_WORD = {
    "queue": "queue",
    "dlq": "DLQ",
    "topic": "topic",
    "bus": "event bus",
    "rule": "rule",
    "schedule": "schedule",
    "bucket": "bucket",
    "function": "function",
    "alarm": "alarm",
    "policy": "scaling policy",
    "asg": "Auto Scaling group",
    "key": "KMS key",
}


def mermaid_id(logical_id: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9_]", "_", logical_id)
    return safe + "_" if safe.lower() in _MERMAID_RESERVED else safe


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def _kind_word(kind: str) -> str:
    return _KIND_WORD.get(kind, kind)


def node_caption(node: Node) -> str:
    """Name, kind, and details: ``Payments · queue · FIFO``."""
    return " · ".join(x for x in (node.label, _kind_word(node.kind), node.detail) if x)


def to_mermaid(graph: Graph, *, title: str | None = None) -> str:
    """A Mermaid flowchart, left to right; sources left, consumers right."""
    lines = []
    if title:
        lines += ["---", f"title: {title}", "---"]
    lines.append("flowchart LR")
    for node in sorted(graph.nodes.values()):
        head, tail = _MERMAID_SHAPES.get(node.kind, _MERMAID_OTHER)
        caption = _mermaid_text(node.label)
        extra = " · ".join(x for x in (_kind_word(node.kind), node.detail) if x)
        if extra:
            caption += "<br/>" + _mermaid_text(extra)
        lines.append(f"  {mermaid_id(node.id)}{head}{caption}{tail}")
    for e in sorted(graph.edges):
        arrow = "-.->" if e.style == "dotted" else "-->"
        label = f'|"{_mermaid_text(e.label)}"|' if e.label else ""
        lines.append(f"  {mermaid_id(e.source)} {arrow}{label} {mermaid_id(e.target)}")
    for kind, style in _MERMAID_CLASSES.items():
        members = sorted(mermaid_id(n.id) for n in graph.nodes.values() if n.kind == kind)
        if members:
            lines.append(f"  classDef {kind} {style}")
            lines.append(f"  class {','.join(members)} {kind}")
    return "\n".join(lines) + "\n"


_DOT_SHAPES = {
    "queue": "cylinder",
    "dlq": "cylinder",
    "topic": "hexagon",
    "bus": "box3d",
    "rule": "cds",
    "schedule": "cds",
    "bucket": "folder",
    "function": "ellipse",
    "alarm": "octagon",
    "policy": "invtrapezium",
    "asg": "box",
    "key": "note",
}


def _dot_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def to_dot(graph: Graph, *, title: str | None = None) -> str:
    """The same graph in Graphviz DOT, for ``dot -Tsvg``."""
    lines = ["digraph topology {", "  rankdir=LR;", '  node [fontname="Helvetica"];']
    lines.append('  edge [fontname="Helvetica", fontsize=10];')
    if title:
        lines.append(f'  label="{_dot_text(title)}"; labelloc=t;')
    for node in sorted(graph.nodes.values()):
        caption = "\\n".join(
            _dot_text(x) for x in (node.label, _kind_word(node.kind), node.detail) if x
        )
        fill = {"dlq": "#fde2e1", "alarm": "#fff4d6", "key": "#eeeeee"}.get(node.kind)
        style = f', style=filled, fillcolor="{fill}"' if fill else ""
        lines.append(
            f'  "{node.id}" [label="{caption}", shape={_DOT_SHAPES.get(node.kind, "box")}{style}];'
        )
    for e in sorted(graph.edges):
        attrs = [f'label="{_dot_text(e.label)}"'] if e.label else []
        if e.style == "dotted":
            attrs.append("style=dashed")
        suffix = f" [{', '.join(attrs)}]" if attrs else ""
        lines.append(f'  "{e.source}" -> "{e.target}"{suffix};')
    lines.append("}")
    return "\n".join(lines) + "\n"


def template_to_mermaid(
    template: Mapping[str, Any], *, title: str | None = None, include_keys: bool = True
) -> str:
    """`build_graph` then `to_mermaid`, in one call."""
    return to_mermaid(build_graph(template, include_keys=include_keys), title=title)


def describe(graph: Graph) -> Iterable[str]:
    """One plain line per edge (``Jobs queue --after 5 receives--> JobsDeadLetterQueue DLQ``)."""
    for e in sorted(graph.edges):
        label = f"--{e.label}-->" if e.label else "-->"
        yield f"{node_caption(graph.nodes[e.source])} {label} {node_caption(graph.nodes[e.target])}"
