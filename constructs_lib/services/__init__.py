"""The registry of delivering services: one description per service, read by every part.

Each module of this package describes one AWS service that puts messages
into queues or topics, or takes them from a queue (`Service`): its
principal (the one place each service-principal string is written), whether
it sends as itself or as a role, the CloudFormation types that declare its
wiring and how to read a `Link` (target, dead-letter queue, role, group id,
filter) out of each, the condition keys each of its requests carries with
the AWS page that documents them (`Delivery`, the table of issue 20), what
it refuses, and whether it can write into a queue on ``alias/aws/sqs``.

Who reads it: the constructs (their principals, `_target_delivery`'s rules),
SqsPatternChecks (`checks.wiring` builds every delivery from `links`), the
diagram (its edges), the strict local account (every request's condition
keys: `request_context`; one delivery flow for every service) and
docs/testing.md (`markdown`; ``python -m constructs_lib.services docs/testing.md``).

Adding a service: a module here that defines its `Service` at module level;
`SERVICES` finds it (no list to edit). Readers import a service from its
module (``from constructs_lib.services.sns import SNS``).
Standard library only.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator, Mapping
from typing import Any

from constructs_lib.services._evidence import GENERAL_BEHAVIOURS, via_service
from constructs_lib.services._model import (
    AS_ROLE,
    CONSUMER,
    DEAD_LETTER,
    DELIVERY,
    ITSELF,
    KEY,
    QUEUE,
    RESOURCE,
    ROLE,
    SELF,
    STAGES,
    TOPIC,
    TRUST,
    Behaviour,
    Delivery,
    Evidence,
    LeftOut,
    Link,
    SentKey,
    Service,
    Stage,
    UndocumentedKey,
    as_json,
    cut,
    leaf,
)
from constructs_lib.services._model import LABEL_CHARS as LABEL_CHARS


def _discover() -> tuple[Service, ...]:
    """The `Service` of every module of this package not named ``_*``: modules in
    alphabetical order, each module's services in the order it defines them."""
    found: dict[int, Service] = {}
    for module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        if module.startswith("_"):
            continue
        namespace = vars(importlib.import_module(f"{__name__}.{module}"))
        found.update((id(v), v) for v in namespace.values() if isinstance(v, Service))
    return tuple(found.values())


#: Every service of the package, in the order docs/testing.md lists their requests.
SERVICES: tuple[Service, ...] = _discover()

__all__ = [
    "AS_ROLE",
    "CONSUMER",
    "DEAD_LETTER",
    "DELIVERIES",
    "DELIVERY",
    "ITSELF",
    "KEY",
    "QUEUE",
    "RESOURCE",
    "ROLE",
    "SELF",
    "SERVICES",
    "STAGES",
    "TOPIC",
    "TRUST",
    "Behaviour",
    "Delivery",
    "Evidence",
    "LeftOut",
    "Link",
    "SentKey",
    "Service",
    "Stage",
    "UndocumentedKey",
    "as_json",
    "by_id",
    "by_principal",
    "cut",
    "leaf",
    "links",
    "via_service",
]


def _unique(services: tuple[Service, ...]) -> tuple[Service, ...]:
    for attribute in ("id", "principal"):
        seen = [getattr(s, attribute) for s in services]
        twice = sorted({x for x in seen if seen.count(x) > 1})
        if twice:
            raise ValueError(f"two services share the {attribute} {', '.join(twice)}")
    return services


_unique(SERVICES)
_BY_ID = {s.id: s for s in SERVICES}
_BY_PRINCIPAL = {s.principal: s for s in SERVICES}


def by_id(service_id: str) -> Service:
    """The service ``service_id`` (``sns``); KeyError naming the known ones."""
    if service_id not in _BY_ID:
        raise KeyError(f"no service {service_id!r} in the registry; it has {', '.join(_BY_ID)}")
    return _BY_ID[service_id]


def by_principal(principal: str) -> Service | None:
    """The service whose principal is ``principal``, if the registry has it."""
    return _BY_PRINCIPAL.get(principal)


def links(resource_type: str, properties: Mapping[str, Any]) -> Iterator[tuple[Service, Link]]:
    """Every link a resource of ``resource_type`` declares, with the service that makes it."""
    for service in SERVICES:
        for link in service.links(resource_type, properties):
            yield service, link


def node_kinds() -> dict[str, str]:
    """CloudFormation type -> the diagram's word, of every producer the registry knows."""
    return {t: kind for s in SERVICES for t, kind in s.nodes.items()}


def source_node_kinds() -> dict[str, str]:
    """CloudFormation type -> the diagram's word, of what the services read from."""
    return {t: kind for s in SERVICES for t, kind in s.source_nodes.items()}


def without_aws_managed_sqs_key() -> tuple[Service, ...]:
    """The services that write into queues as themselves, and so cannot use ``alias/aws/sqs``."""
    return tuple(s for s in SERVICES if s.can_use_aws_managed_sqs_key is False)


def kms_requests_without_source_keys() -> dict[str, str]:
    """Principal -> why: the services whose KMS requests AWS documents without
    ``aws:SourceArn`` (a key statement that needs it is not theirs to pass)."""
    found: dict[str, str] = {}
    for service in SERVICES:
        for delivery in service.deliveries:
            stage_of = delivery.stages.get(KEY)
            if stage_of is None or delivery.caller != service.principal:
                continue
            left = {k.key.lower(): k.why for k in stage_of.left_out}
            if "aws:sourcearn" in left:
                found[service.principal] = left["aws:sourcearn"]
    return found


# --- the table of requests (issue 20) ------------------------------------------------

#: Every delivery the strict account plays, by id, from every service.
DELIVERIES: dict[str, Delivery] = {d.id: d for s in SERVICES for d in s.deliveries}

#: Every behaviour the strict account plays: AWS's general ones, then each service's.
BEHAVIOURS: tuple[Behaviour, ...] = (
    *GENERAL_BEHAVIOURS,
    *(b for s in SERVICES for b in s.behaviours),
)


def stage(delivery: str, stage_name: str) -> Stage:
    """The request ``delivery`` makes at ``stage_name``.

    :raises KeyError: naming the deliveries and stages the table has.
    """
    found = DELIVERIES.get(delivery)
    if found is None or stage_name not in found.stages:
        raise KeyError(
            f"no {stage_name!r} request of delivery {delivery!r} in the table; it has "
            + ", ".join(f"{d.id}: {'/'.join(d.stages)}" for d in DELIVERIES.values())
        )
    return found.stages[stage_name]


def request_context(
    delivery: str, stage_name: str, known: Mapping[str, str | bool]
) -> dict[str, str | bool]:
    """The condition keys of one request, exactly the ones the table documents.

    :param known: the values the local account can supply for this request, by
        key name; it must supply every documented key, and may supply keys the
        table leaves out (they are dropped: the pessimistic side).
    :raises UndocumentedKey: for a key that is neither documented nor left out
        for this request (the table lacks a row: add it, with its page).
    """
    found = stage(delivery, stage_name)
    left_out = {k.key.lower() for k in found.left_out}
    documented = found.documented
    context: dict[str, str | bool] = {}
    for key, value in known.items():
        name = key.lower()
        if name in documented:
            context[key] = value
        elif name not in left_out:
            raise UndocumentedKey(
                f"{delivery} ({stage_name}): {key} is not in the registry of services "
                "(constructs_lib/services/); document it with its AWS page, or list it as "
                "left out"
            )
    missing = documented - {k.lower() for k in context}
    if missing:
        raise UndocumentedKey(
            f"{delivery} ({stage_name}): no value for {', '.join(sorted(missing))}, which the "
            "table says AWS sends"
        )
    return context


def markdown() -> str:
    """The table as docs/testing.md publishes it."""
    lines = [
        "| delivery | request (judged by) | keys sent | left out (pessimistic) | AWS page |",
        "|---|---|---|---|---|",
    ]
    for delivery in DELIVERIES.values():
        for name in STAGES:
            if name not in delivery.stages:
                continue
            found = delivery.stages[name]
            sent = "<br>".join(f"`{k.key}` = {k.value}" for k in found.keys)
            left = "<br>".join(f"`{k.key}`: {k.why}" for k in found.left_out) or "-"
            lines.append(
                f"| {delivery.title} (`{delivery.caller}`) | {found.action} ({found.judged_by}) "
                f"| {sent} | {left} | {_pages(found)} |"
            )
    lines += ["", "| behaviour | what | AWS page | quote |", "|---|---|---|---|"]
    for behaviour in BEHAVIOURS:
        lines.append(
            f"| {behaviour.kind} | {behaviour.what} | <{behaviour.evidence.url}> "
            f"| {behaviour.evidence.quote} |"
        )
    return "\n".join(lines)


def _pages(found: Stage) -> str:
    seen: list[str] = []
    for evidence in [k.evidence for k in found.keys] + [k.evidence for k in found.left_out]:
        if evidence.url not in seen:
            seen.append(evidence.url)
    return "<br>".join(f"<{url}>" for url in seen)


def quotes() -> list[tuple[str, str]]:
    """(url, quote) of every piece of evidence, once each."""
    seen: dict[tuple[str, str], None] = {}
    for delivery in DELIVERIES.values():
        for found in delivery.stages.values():
            evidence = [k.evidence for k in found.keys] + [k.evidence for k in found.left_out]
            for item in evidence:
                seen[(item.url, item.quote)] = None
    for behaviour in BEHAVIOURS:
        seen[(behaviour.evidence.url, behaviour.evidence.quote)] = None
    return list(seen)


BEGIN_MARKER = "<!-- service facts: generated by python -m constructs_lib.services -->"
END_MARKER = "<!-- end of service facts -->"


def rewrite(path: str) -> bool:
    """Puts `markdown` between the markers of the file at ``path``; True if it changed."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if BEGIN_MARKER not in text or END_MARKER not in text:
        raise ValueError(f"{path} has no {BEGIN_MARKER!r} ... {END_MARKER!r} section")
    head, rest = text.split(BEGIN_MARKER, 1)
    _, tail = rest.split(END_MARKER, 1)
    new = f"{head}{BEGIN_MARKER}\n{markdown()}\n{END_MARKER}{tail}"
    if new != text:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(new)
    return new != text
