"""Who delivers into what, who consumes what: the graph the rules judge.

Built from the resources of every stack of an `Assembly` at once (a topic in
one stack may deliver into a queue of another), by reading every resource
with the registry of delivering services (`constructs_lib.services`): what
each service's resources declare, as `Link`s, becomes

- deliveries: SNS subscriptions (``AWS::SNS::Subscription`` and a topic's
  inline ``Subscription``) and their dead-letter queues, S3 notifications
  (the bucket's ``NotificationConfiguration`` and CDK's
  ``Custom::S3BucketNotifications``), EventBridge rule targets and their
  dead-letter queues, Scheduler targets and dead-letter queues, EventBridge
  Pipes targets and dead-letter queues, CloudWatch alarm actions, Auto
  Scaling notifications; a service added to the registry is here too;
- consumers: Lambda event-source mappings, pipes reading a queue, and
  worker roles (an EC2 or ECS role whose own policies let it receive from
  that queue by name);
- redrives: a queue's ``RedrivePolicy``;
- around them: the queue, topic and bucket policies, the KMS key of each
  queue and topic, the identity policies of each role, and the order
  CloudFormation creates resources in.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from constructs_lib import _aws, services
from constructs_lib.policy import Caller, PolicySyntaxError, Request, evaluate_policy
from constructs_lib.services import CONSUMER, DEAD_LETTER, SELF, Link, Service, as_json
from constructs_lib.services import QUEUE as QUEUE
from constructs_lib.services import ROLE as ROLE
from constructs_lib.services import TOPIC as TOPIC
from constructs_lib.services.workers import EC2, ECS_TASKS
from constructs_lib.templates.assembly import Assembly, Resource, ResourceId
from constructs_lib.templates.references import referenced_names
from constructs_lib.templates.values import Unresolved, Values

BUCKET = "AWS::S3::Bucket"
KEY = "AWS::KMS::Key"
FUNCTION = "AWS::Lambda::Function"
ALARMS = ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm")

#: AWS-managed keys a service producer cannot use (their key policies cannot be changed).
AWS_MANAGED_KEYS = (_aws.AWS_MANAGED_SQS_KEY_ALIAS, _aws.AWS_MANAGED_SNS_KEY_ALIAS)

#: Services whose roles consume queues as a fleet of workers.
WORKER_SERVICES = frozenset({EC2.principal, ECS_TASKS.principal})


@dataclass(frozen=True)
class Delivery:
    """``producer`` (through ``service``, or its ``role``) sends into ``target``."""

    producer: Resource
    target: Resource
    #: the resource that declares the wiring (subscription, bucket, rule...)
    via: Resource
    #: the delivering service, as the registry describes it
    service: Service
    #: where in ``via`` (a property path), for the report
    location: str
    #: the role the service sends with (Scheduler's, a pipe's execution role), else None
    role: Resource | None = None
    #: True when ``target`` is the dead-letter queue of a subscription or target
    dead_letter: bool = False
    #: the target's own settings as written (an EventBridge rule's or a
    #: schedule's target: ``DeadLetterConfig``, ``RetryPolicy``...), else empty
    settings: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def describe(self) -> str:
        into = "the dead-letter queue" if self.dead_letter else "its target"
        return f"{self.service.producer} {self.producer.path} ({into} {self.target.path})"


@dataclass(frozen=True)
class Consumer:
    queue: Resource
    #: an event-source mapping, or an IAM role of a worker fleet
    consumer: Resource


@dataclass(frozen=True)
class Redrive:
    source: Resource
    dead_letter_queue: Resource
    max_receive_count: Any


@dataclass(frozen=True)
class KeyUse:
    """The KMS key a queue or topic is encrypted with."""

    #: the property's value as written (resolved when possible)
    text: str
    #: the customer-managed key, when the app defines it
    key: Resource | None

    @property
    def aws_managed(self) -> bool:
        return self.text.endswith(AWS_MANAGED_KEYS)


def is_true(value: Any) -> bool:
    return str(value).lower() == "true"


class Wiring:
    def __init__(self, assembly: Assembly, values: Values | None = None) -> None:
        self.assembly = assembly
        self.values = values or Values(assembly)
        self.deliveries = sorted(self._deliveries(), key=_delivery_order)
        self.redrives = list(self._redrives())
        self.consumers = list(self._consumers())

    # --- deliveries ------------------------------------------------------------------

    def _links(self) -> Iterator[tuple[Resource, Service, Link]]:
        """Every link every resource declares, read with the registry of services."""
        for resource in self.assembly.resources.values():
            for service, link in services.links(resource.type, resource.properties):
                yield resource, service, link

    def _deliveries(self) -> Iterator[Delivery]:
        for resource, service, link in self._links():
            if link.kind == CONSUMER or not link.target_types:
                continue
            producer = (
                resource
                if link.source is SELF
                else self._find(resource, link.source, *service.nodes)
            )
            target = self._find(resource, link.target, *link.target_types)
            if producer is None or target is None:
                continue
            role = self._find(resource, link.role, ROLE) if service.sends_as_role else None
            yield Delivery(
                producer,
                target,
                resource,
                service,
                link.location,
                role,
                dead_letter=link.kind == DEAD_LETTER,
                settings=link.settings,
            )

    def _find(self, resource: Resource, value: Any, *types: str) -> Resource | None:
        return self.values.find(resource.id.stack, value, *types)

    # --- redrives and consumers ----------------------------------------------------

    def _redrives(self) -> Iterator[Redrive]:
        for queue in self.assembly.of_type(QUEUE):
            redrive = as_json(queue.prop("RedrivePolicy")) or {}
            if not isinstance(redrive, Mapping):
                continue
            dlq = self._find(queue, redrive.get("deadLetterTargetArn"), QUEUE)
            if dlq is not None:
                yield Redrive(queue, dlq, redrive.get("maxReceiveCount"))

    def _consumers(self) -> Iterator[Consumer]:
        for resource, _, link in self._links():
            if link.kind == CONSUMER:
                queue = self._find(resource, link.source, QUEUE)
                if queue is not None:
                    yield Consumer(queue, resource)
        workers = [
            r for r in self.assembly.of_type(ROLE) if self.trusted_services(r) & WORKER_SERVICES
        ]
        for role in workers:
            for queue in self.assembly.of_type(QUEUE):
                if self._receives_from(role, queue):
                    yield Consumer(queue, role)

    def _receives_from(self, role: Resource, queue: Resource) -> bool:
        """True when the role's own policies let it receive from ``queue`` by name (not ``*``)."""
        try:
            caller = Caller.role(self.values.arn(role.id))
            arn = self.values.arn(queue.id)
            policies, _ = self.identity_policies(role)
            elsewhere = arn.rsplit(":", 1)[0] + ":a-queue-this-app-does-not-have"
            return _receives(policies, caller, arn) and not _receives(policies, caller, elsewhere)
        except (Unresolved, PolicySyntaxError):
            return False

    # --- what surrounds a resource ----------------------------------------------------

    def dead_letter_queue_of(self, queue: Resource) -> Resource | None:
        return next((r.dead_letter_queue for r in self.redrives if r.source == queue), None)

    def is_dead_letter_queue(self, queue: Resource) -> bool:
        return any(r.dead_letter_queue == queue for r in self.redrives)

    @functools.cache  # noqa: B019
    def encrypted_with(self, key: Resource) -> tuple[Resource, ...]:
        """The queues and topics of the app whose customer-managed key is ``key``."""
        return tuple(
            resource
            for resource in self.assembly.of_type(QUEUE, TOPIC)
            if (used := self.encryption_key(resource)) is not None and used.key == key
        )

    def deliveries_into(self, resource: Resource) -> list[Delivery]:
        return [d for d in self.deliveries if d.target == resource]

    @functools.cache  # noqa: B019 (one Wiring per check run)
    def policies_of(self, resource: Resource) -> tuple[Resource, ...]:
        """The queue, topic or bucket policies attached to ``resource``."""
        kinds = {
            QUEUE: ("AWS::SQS::QueuePolicy", "Queues"),
            TOPIC: ("AWS::SNS::TopicPolicy", "Topics"),
            BUCKET: ("AWS::S3::BucketPolicy", "Bucket"),
        }
        if resource.type not in kinds:
            return ()
        policy_type, prop = kinds[resource.type]
        return tuple(
            policy
            for policy in self.assembly.of_type(policy_type)
            if resource in self.values.find_all(policy.id.stack, policy.prop(prop), resource.type)
        )

    def policy_document(self, resource: Resource) -> dict[str, Any] | None:
        """The merged resource policy of ``resource``; None when it has none (AWS's default).

        Several ``QueuePolicy`` resources on one queue each replace the queue's
        whole policy when deployed: merging them is the most generous reading.
        """
        policies = self.policies_of(resource)
        if resource.type == KEY:
            key_policy: dict[str, Any] | None = self.resolved(resource, resource.prop("KeyPolicy"))
            return key_policy
        if not policies:
            return None
        statements: list[Any] = []
        for policy in policies:
            document = self.resolved(policy, policy.prop("PolicyDocument")) or {}
            found = document.get("Statement") or []
            statements += found if isinstance(found, list) else [found]
        return {"Version": "2012-10-17", "Statement": statements}

    def resolved(self, resource: Resource, value: Any) -> Any:
        """``value`` (of ``resource``) resolved; raises `Unresolved`."""
        return as_json(self.values.resolve(resource.id.stack, as_json(value)))

    def encryption_key(self, resource: Resource) -> KeyUse | None:
        """The KMS key of a queue or topic; None when it is not KMS-encrypted."""
        raw = resource.prop("KmsMasterKeyId")
        if raw is None:
            return None
        try:
            text = self.values.text(resource.id.stack, raw)
        except Unresolved:
            text = json.dumps(raw)
        key = self._find(resource, raw, KEY)
        if key is None:
            alias = self._find(resource, raw, "AWS::KMS::Alias")
            if alias is not None:
                key = self._find(alias, alias.prop("TargetKeyId"), KEY)
        return KeyUse(text, key)

    @functools.cache  # noqa: B019
    def identity_policies(self, role: Resource) -> tuple[list[tuple[str, Any]], bool]:
        """The role's policy documents in the app, and whether those are all it has.

        Not all: a document that resolves only at deploy, an AWS-managed policy,
        or a managed policy outside the app.
        """
        found: list[tuple[str, Any]] = []
        complete = True
        sources = self._policy_sources().get(role, [])
        for arn in role.prop("ManagedPolicyArns") or ():
            managed = self.values.find(role.id.stack, arn, "AWS::IAM::ManagedPolicy")
            if managed is None:
                complete = False
            elif all(owner != managed for _, owner, _ in sources):
                sources = [*sources, (f"managed policy {managed.path}", managed, None)]
        for label, owner, document in sources:
            try:
                raw = owner.prop("PolicyDocument") if document is None else document
                found.append((label, self.resolved(owner, raw)))
            except Unresolved:
                complete = False
        return found, complete

    @functools.cache  # noqa: B019
    def _policy_sources(self) -> dict[Resource, list[tuple[str, Resource, Any]]]:
        """Role -> (label, owning resource, document) of each policy attached to it."""
        sources: dict[Resource, list[tuple[str, Resource, Any]]] = {}
        for role in self.assembly.of_type(ROLE):
            for index, inline in enumerate(role.prop("Policies") or ()):
                if isinstance(inline, Mapping):
                    entry = (
                        f"inline policy {index} of {role.path}",
                        role,
                        inline.get("PolicyDocument"),
                    )
                    sources.setdefault(role, []).append(entry)
        for policy in self.assembly.of_type("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            for role in self.values.find_all(policy.id.stack, policy.prop("Roles"), ROLE):
                entry = (f"policy {policy.path}", policy, policy.prop("PolicyDocument"))
                sources.setdefault(role, []).append(entry)
        return sources

    def trusted_services(self, role: Resource) -> set[str]:
        """The service principals a role's trust policy lets assume it."""
        try:
            document = self.resolved(role, role.prop("AssumeRolePolicyDocument")) or {}
        except Unresolved:
            return set()
        services: set[str] = set()
        for statement in _statements(document):
            principal = statement.get("Principal")
            if statement.get("Effect") == "Allow" and isinstance(principal, Mapping):
                found = principal.get("Service", [])
                services.update(found if isinstance(found, list) else [found])
        return services

    # --- creation order ------------------------------------------------------------------

    def created_after(self, resource: Resource, other: Resource) -> bool:
        """True when CloudFormation creates ``resource`` only once ``other`` exists."""
        if resource.id.stack != other.id.stack:
            return other.id.stack in self._stack_dependencies(resource.id.stack)
        return other.id.logical_id in self._dependencies(resource)

    @functools.cache  # noqa: B019
    def _dependencies(self, resource: Resource) -> frozenset[str]:
        stack = resource.id.stack
        seen: set[str] = set()
        pending = [resource.id.logical_id]
        while pending:
            current = self.assembly.resources.get(ResourceId(stack, pending.pop()))
            if current is None:
                continue
            for logical_id in direct_dependencies(current):
                if logical_id not in seen:
                    seen.add(logical_id)
                    pending.append(logical_id)
        return frozenset(seen)

    def _stack_dependencies(self, stack: str) -> set[str]:
        """Names of the stacks deployed before ``stack``."""
        seen: set[str] = set()
        pending = [self.assembly.by_stack[stack]]
        while pending:
            for artifact_id in pending.pop().dependencies:
                other = self.assembly.by_artifact.get(artifact_id)
                if other is not None and other.name not in seen:
                    seen.add(other.name)
                    pending.append(other)
        return seen


def _receives(policies: list[tuple[str, Any]], caller: Caller, arn: str) -> bool:
    request = Request(caller, "sqs:ReceiveMessage", arn)
    results = [evaluate_policy(d, request, label=label, kind="identity") for label, d in policies]
    return any(r.allowed_by for r in results) and not any(r.denied_by for r in results)


def direct_dependencies(resource: Resource) -> set[str]:
    """Logical ids ``resource`` waits for: ``DependsOn`` and every reference it makes."""
    return set(resource.depends_on) | referenced_names(resource.properties)


def _statements(document: Any) -> list[Mapping[str, Any]]:
    if not isinstance(document, Mapping):
        return []
    found = document.get("Statement") or []
    return [s for s in (found if isinstance(found, list) else [found]) if isinstance(s, Mapping)]


def _delivery_order(delivery: Delivery) -> tuple[str, str, str]:
    return (delivery.producer.path, delivery.target.path, delivery.location)
