"""Rules SP3, SP8 and SP18: what a resource policy's statements say, whoever delivers.

SP3: an Allow to a service principal without ``aws:SourceArn`` or
``aws:SourceAccount`` (or the organization keys AWS documents for the same
purpose), except where AWS documents that the service sends no such key
(EventBridge's requests to KMS). Its remedy depends on where the statement
came from: aws-cdk-lib's SqsSubscription key grant (a feature flag scopes
it), targets.SqsQueue on a queue with a customer key (the flag would break
the key, SP18), SqsDestination's key grant (no flag: a statement of your
own), or any other grant to a bare ServicePrincipal (conditions in the
principal). SP8: a statement naming a service-linked role the app does not
create first. SP18: a key policy that lets EventBridge use the key only
under ``aws:SourceArn``/``aws:SourceAccount``, which AWS documents in none of
EventBridge's KMS requests.

Statements are named ``Statement/<i>``, counted from 0 as the finding's
location (``Properties/KeyPolicy/Statement/<i>``) counts them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from constructs_lib.checks import catalog
from constructs_lib.checks.access import (
    KMS_PRODUCER_ACTIONS,
    KMS_SERVICES_WITHOUT_SOURCE_CONTEXT,
)
from constructs_lib.checks.catalog import rule
from constructs_lib.checks.findings import Finding, finding
from constructs_lib.checks.wiring import KEY, QUEUE, Wiring
from constructs_lib.policy import Caller, PolicySyntaxError, Request, authorize
from constructs_lib.services import Service
from constructs_lib.services.eventbridge import EVENTBRIDGE
from constructs_lib.services.s3 import S3
from constructs_lib.services.sns import SNS
from constructs_lib.templates.assembly import Resource
from constructs_lib.templates.values import Unresolved

EVENTS = EVENTBRIDGE.principal

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

#: The key statements aws-cdk-lib writes itself (aws-sns-subscriptions' SqsSubscription,
#: aws-s3-notifications' SqsDestination), by their actions: how SP3 tells them apart
#: from a grant the app wrote.
SQS_SUBSCRIPTION_KEY_ACTIONS = frozenset({"kms:Decrypt", "kms:GenerateDataKey"})
SQS_DESTINATION_KEY_ACTIONS = frozenset({"kms:GenerateDataKey*", "kms:Decrypt"})

_SERVICE_LINKED_ROLE = ":role/aws-service-role/"


def statements(wiring: Wiring, resource: Resource) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """(index, statement) of the resource policy ``resource`` holds, resolved where possible."""
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


def _condition_keys(statement: Mapping[str, Any]) -> set[str]:
    return {key.lower() for key in _source_keys_as_written(statement, every=True)}


def _source_keys_as_written(statement: Mapping[str, Any], *, every: bool = False) -> list[str]:
    """The statement's condition keys as written: all of them, or the source keys."""
    return [
        str(key)
        for block in (statement.get("Condition") or {}).values()
        if isinstance(block, Mapping)
        for key in block
        if every or str(key).lower() in SOURCE_SCOPE_KEYS
    ]


def describe(index: int, statement: Mapping[str, Any]) -> str:
    """``Statement/2 ('AllowEvents')``: the index as the location has it, and the Sid."""
    sid = statement.get("Sid")
    return f"Statement/{index}" + (f" ({sid!r})" if sid else "")


def location(policy: Resource, index: int) -> str:
    return f"Properties/{RESOURCE_POLICY_PROPERTY[policy.type]}/Statement/{index}"


# --- SP3 -------------------------------------------------------------------------------


def unscoped_service_grants(wiring: Wiring) -> Iterator[Finding]:
    """SP3."""
    for policy in _policies(wiring):
        for index, statement in statements(wiring, policy):
            if statement.get("Effect") != "Allow" or _condition_keys(statement) & SOURCE_SCOPE_KEYS:
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
                    f"{describe(index, statement)} allows {', '.join(unscoped)} "
                    "without aws:SourceArn or aws:SourceAccount",
                    location(policy, index),
                    _sp3_remedies(wiring, policy, statement, unscoped),
                )


def _sp3_remedies(
    wiring: Wiring, policy: Resource, statement: Mapping[str, Any], services: list[str]
) -> tuple[str, ...]:
    actions = frozenset(str(a) for a in _listed(statement.get("Action")))
    remedies: list[str] = []
    if policy.type == KEY:
        targets = [r for r in wiring.encrypted_with(policy) if r.type == QUEUE]
        producers = {d.service for t in targets for d in wiring.deliveries_into(t)}
        if (
            services == [SNS.principal]
            and actions == SQS_SUBSCRIPTION_KEY_ACTIONS
            and SNS in producers
        ):
            remedies.append(catalog.SP3_SUBSCRIPTION_KEY)
        elif (
            services == [S3.principal]
            and actions == SQS_DESTINATION_KEY_ACTIONS
            and S3 in producers
        ):
            remedies.append(catalog.SP3_S3_DESTINATION_KEY)
        else:
            remedies.append(catalog.SP3_SERVICE_PRINCIPAL)
        if _eventbridge_uses(wiring, policy):
            remedies.append(catalog.SP3_KEY_POLICY_EVENTBRIDGE)
    elif (
        services == [EVENTS]
        and policy.type == "AWS::SQS::QueuePolicy"
        and any(
            _customer_key_target_of_a_rule(wiring, queue) for queue in _queues_of(wiring, policy)
        )
    ):
        remedies.append(catalog.SP3_EVENTS_TARGET_QUEUE)
    else:
        remedies.append(catalog.SP3_SERVICE_PRINCIPAL)
    return tuple(remedies)


def _granted_by(
    service: Service,
    principals: list[str],
    actions: frozenset[str],
    written: frozenset[str],
    producers: set[Service],
) -> bool:
    """The key statement is the one aws-cdk-lib writes for ``service`` delivering here."""
    return principals == [service.principal] and actions == written and service in producers


def _queues_of(wiring: Wiring, policy: Resource) -> list[Resource]:
    return wiring.values.find_all(policy.id.stack, policy.prop("Queues"), QUEUE)


def _customer_key_target_of_a_rule(wiring: Wiring, queue: Resource) -> bool:
    key = wiring.encryption_key(queue)
    return (
        key is not None
        and not key.aws_managed
        and any(
            d.service is EVENTBRIDGE and not d.dead_letter for d in wiring.deliveries_into(queue)
        )
    )


def _eventbridge_uses(wiring: Wiring, key: Resource) -> bool:
    """EventBridge delivers into something the key encrypts, or the key policy names it."""
    if any(
        d.service is EVENTBRIDGE
        for r in wiring.encrypted_with(key)
        for d in wiring.deliveries_into(r)
    ):
        return True
    return any(
        EVENTS in _principals(statement, "Service") for _, statement in statements(wiring, key)
    )


# --- SP8 -------------------------------------------------------------------------------


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
                    f"{describe(index, statement)} names the service-linked role {principal}, "
                    + (
                        "which the app creates, but not before this policy"
                        if role is not None
                        else "which exists only once the service has created it in the account"
                    ),
                    location(policy, index),
                )


def _service_linked_roles_of_the_app(wiring: Wiring) -> dict[str, Resource]:
    roles = {}
    for role in wiring.assembly.of_type("AWS::IAM::ServiceLinkedRole"):
        try:
            roles[wiring.values.arn(role.id)] = role
        except Unresolved:
            continue
    return roles


# --- SP18 ------------------------------------------------------------------------------


def eventbridge_key_conditions(wiring: Wiring) -> Iterator[Finding]:
    """SP18: EventBridge may use the key only with source keys it does not send."""
    for key in wiring.assembly.of_type(KEY):
        conditioned = [
            (index, statement)
            for index, statement in statements(wiring, key)
            if statement.get("Effect") == "Allow"
            and EVENTS in _principals(statement, "Service")
            and _condition_keys(statement) & SOURCE_SCOPE_KEYS
        ]
        if not conditioned or _eventbridge_allowed_without_source_keys(wiring, key) is not False:
            continue
        index, statement = conditioned[0]
        keys = sorted(dict.fromkeys(_source_keys_as_written(statement)))
        delivered = sorted(
            {
                f"{d.producer.path} -> {d.target.path}"
                for r in wiring.encrypted_with(key)
                for d in wiring.deliveries_into(r)
                if d.service is EVENTBRIDGE
            }
        )
        into = f"; EventBridge delivers {', '.join(delivered)} with this key" if delivered else ""
        yield finding(
            rule(18),
            key,
            f"{describe(index, statement)} lets events.amazonaws.com use the key only under "
            f"{' and '.join(keys)}, and no statement lets it without them{into}",
            location(key, index),
        )


def _eventbridge_allowed_without_source_keys(wiring: Wiring, key: Resource) -> bool | None:
    """May EventBridge call kms:GenerateDataKey and kms:Decrypt with no source keys?"""
    try:
        document = wiring.policy_document(key)
        arn = wiring.values.arn(key.id)
        for action in KMS_PRODUCER_ACTIONS:
            decision = authorize(
                Request(Caller.service(EVENTS), action, arn, {}),
                resource_policy=document,
                resource_label=f"the key policy of {key.path}",
                resource_account=wiring.values.account(key.id.stack),
                identity_needs_delegation=True,
            )
            if not decision.allowed:
                return False
    except (Unresolved, PolicySyntaxError):
        return None
    return True
