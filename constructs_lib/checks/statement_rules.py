"""Rules SP3 and SP8: what a resource policy's statements say, whoever delivers.

SP3: an Allow to a service principal without ``aws:SourceArn`` or
``aws:SourceAccount`` (or the organization keys AWS documents for the same
purpose), except where AWS documents that the service sends no such key
(EventBridge's requests to KMS). SP8: a statement naming a service-linked
role the app does not create first.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from constructs_lib.checks.access import KMS_SERVICES_WITHOUT_SOURCE_CONTEXT
from constructs_lib.checks.assembly import Resource
from constructs_lib.checks.catalog import rule
from constructs_lib.checks.findings import Finding, finding
from constructs_lib.checks.values import Unresolved
from constructs_lib.checks.wiring import KEY, Wiring

#: Resource type -> the property holding its resource policy.
RESOURCE_POLICY_PROPERTY: dict[str, str] = {
    "AWS::SQS::QueuePolicy": "PolicyDocument",
    "AWS::SNS::TopicPolicy": "PolicyDocument",
    "AWS::S3::BucketPolicy": "PolicyDocument",
    KEY: "KeyPolicy",
}

#: Condition keys that tie a service principal's request to its source (IAM User
#: Guide, "The confused deputy problem"; the organization keys for whole organizations).
SOURCE_SCOPE_KEYS = frozenset(
    {"aws:sourcearn", "aws:sourceaccount", "aws:sourceorgid", "aws:sourceorgpaths"}
)

_SERVICE_LINKED_ROLE = ":role/aws-service-role/"


def statements(wiring: Wiring, resource: Resource) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """(position, statement) of the resource policy ``resource`` holds, resolved where possible."""
    document = resource.prop(RESOURCE_POLICY_PROPERTY[resource.type])
    raw = (document or {}).get("Statement") if isinstance(document, Mapping) else None
    items = raw if isinstance(raw, list) else [raw] if raw else []
    for index, statement in enumerate(items):
        if not isinstance(statement, Mapping):
            continue
        try:
            yield index, wiring.resolved(resource, statement)
        except Unresolved:
            yield index, statement


def _policies(wiring: Wiring) -> list[Resource]:
    return wiring.assembly.of_type(*RESOURCE_POLICY_PROPERTY)


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value is not None else []


def _principals(statement: Mapping[str, Any], kind: str) -> list[Any]:
    principal = statement.get("Principal")
    return _listed(principal.get(kind)) if isinstance(principal, Mapping) else []


def _describe(index: int, statement: Mapping[str, Any]) -> str:
    sid = statement.get("Sid")
    return f"statement {sid!r}" if sid else f"statement {index + 1}"


def unscoped_service_grants(wiring: Wiring) -> Iterator[Finding]:
    """SP3."""
    for policy in _policies(wiring):
        for index, statement in statements(wiring, policy):
            if statement.get("Effect") != "Allow":
                continue
            keys = {
                key.lower()
                for block in (statement.get("Condition") or {}).values()
                if isinstance(block, Mapping)
                for key in block
            }
            if keys & SOURCE_SCOPE_KEYS:
                continue
            unscoped = [
                str(service)
                for service in _principals(statement, "Service")
                if not (policy.type == KEY and service in KMS_SERVICES_WITHOUT_SOURCE_CONTEXT)
            ]
            if unscoped:
                yield finding(
                    rule(3),
                    policy,
                    f"{_describe(index, statement)} allows {', '.join(unscoped)} "
                    "without aws:SourceArn or aws:SourceAccount",
                    f"Properties/{RESOURCE_POLICY_PROPERTY[policy.type]}",
                )


def principals_missing_at_deploy(wiring: Wiring) -> Iterator[Finding]:
    """SP8."""
    created = _service_linked_roles_of_the_app(wiring)
    for policy in _policies(wiring):
        for index, statement in statements(wiring, policy):
            for principal in _principals(statement, "AWS"):
                if not isinstance(principal, str) or _SERVICE_LINKED_ROLE not in principal:
                    continue
                role = created.get(principal)
                if role is not None and wiring.created_after(policy, role):
                    continue
                yield finding(
                    rule(8),
                    policy,
                    f"{_describe(index, statement)} names the service-linked role {principal}, "
                    + (
                        "which the app creates, but not before this policy"
                        if role is not None
                        else "which exists only once the service has created it in the account"
                    ),
                    f"Properties/{RESOURCE_POLICY_PROPERTY[policy.type]}",
                )


def _service_linked_roles_of_the_app(wiring: Wiring) -> dict[str, Resource]:
    roles = {}
    for role in wiring.assembly.of_type("AWS::IAM::ServiceLinkedRole"):
        try:
            roles[wiring.values.arn(role.id)] = role
        except Unresolved:
            continue
    return roles
