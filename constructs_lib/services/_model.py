"""The shape of one delivering service's description: `Service`, `Link` and the request table.

A `Service` is everything the library knows of one AWS service that puts
messages somewhere (or takes them from a queue): its principal, how it sends
(as itself, or as a role), the CloudFormation types that declare its wiring
and how to read a `Link` out of each, the condition keys of every request it
makes (`Delivery`, with the AWS page for each key) and what it refuses.

Standard library only: the constructs, SqsPatternChecks, the diagram and the
strict local account all read it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

# --- CloudFormation types the links name ------------------------------------------

QUEUE = "AWS::SQS::Queue"
TOPIC = "AWS::SNS::Topic"
ROLE = "AWS::IAM::Role"

# --- how a service sends -----------------------------------------------------------

#: as its own service principal (``sns.amazonaws.com``): resource policies must name it
ITSELF = "itself"
#: as an IAM role of the account it assumes (an execution role, a service-linked role)
AS_ROLE = "role"

# --- the kinds of link -------------------------------------------------------------

#: the service puts what its producer sends into the target
DELIVERY = "delivery"
#: the service puts what it could not deliver into a dead-letter queue
DEAD_LETTER = "dead-letter"
#: the service reads the ``source`` queue for the consumer (``target``)
CONSUMER = "consumer"


class _Self:
    def __repr__(self) -> str:
        return "SELF"


#: A link's end that is the declaring resource itself (a rule, a pipe, an alarm).
SELF: Final = _Self()


@dataclass(frozen=True)
class Link:
    """One wire a resource declares, with its ends as the template writes them.

    The ends are raw template values (a ``Ref``, an ARN as text, ``SELF``);
    each reader resolves them its own way (the checks with the template
    model's resolver, the diagram with the template's names).
    """

    kind: str
    #: what receives: the target (a delivery), the dead-letter queue, the consumer
    target: Any
    #: where in the declaring resource (``Properties/Targets/0``)
    location: str
    #: what sends: the producer (a delivery) or the consumed queue (a consumer)
    source: Any = SELF
    #: the resource types SqsPatternChecks judges the target as; empty: not judged
    #: (an SNS subscription to a Lambda function is drawn, not a queue delivery)
    target_types: tuple[str, ...] = (QUEUE,)
    #: the role the service sends with, as written (a Scheduler target's ``RoleArn``)
    role: Any = None
    #: the message group id it passes, as written
    group_id: Any = None
    #: its filter as written (a filter policy, an event pattern, filter criteria)
    filter: Any = None
    #: the target's own settings as written (``DeadLetterConfig``, ``RetryPolicy``...)
    settings: Mapping[str, Any] = field(default_factory=dict)
    #: a few words a diagram writes on the edge
    label: str = ""


#: How a service's links are read from one resource's properties.
Reader = Callable[[Mapping[str, Any]], Iterator[Link]]


def dead_letter(
    config: Any, location: str, *, role: Any = None, target_types: tuple[str, ...] = (QUEUE,)
) -> Iterator[Link]:
    """The link to a ``DeadLetterConfig``'s ``Arn`` (a rule's, a schedule's, a pipe's target)."""
    arn = mapping(config).get("Arn")
    if arn is not None:
        yield Link(DEAD_LETTER, arn, location, target_types=target_types, role=role,
                   label="failed deliveries")  # fmt: skip


# --- what a request carries: the table of issue 20 ---------------------------------

#: The stages of a delivery: the request each one makes and what judges it.
RESOURCE = "resource"  # sqs:SendMessage / sns:Publish, judged by the queue or topic policy
KEY = "key"  # kms:GenerateDataKey and kms:Decrypt, judged by the target key's policy
TRUST = "trust"  # sts:AssumeRole, judged by the execution role's trust policy
STAGES = (TRUST, RESOURCE, KEY)


@dataclass(frozen=True)
class Evidence:
    """An AWS page and the words on it that document a behaviour."""

    url: str
    quote: str


@dataclass(frozen=True)
class SentKey:
    """A condition key a request carries, and the value it holds."""

    key: str
    value: str
    evidence: Evidence


@dataclass(frozen=True)
class LeftOut:
    """A key the local account does not send, because AWS documents no such key here."""

    key: str
    why: str
    evidence: Evidence


@dataclass(frozen=True)
class Stage:
    """One request of a delivery."""

    action: str
    judged_by: str
    keys: tuple[SentKey, ...]
    left_out: tuple[LeftOut, ...] = ()

    @property
    def documented(self) -> frozenset[str]:
        return frozenset(k.key.lower() for k in self.keys)


@dataclass(frozen=True)
class Delivery:
    """A service putting a message into a queue or topic, as the strict account plays it."""

    id: str
    title: str
    #: who calls: a service principal, or ``role`` (the execution role of the source)
    caller: str
    stages: Mapping[str, Stage] = field(default_factory=dict)


@dataclass(frozen=True)
class Behaviour:
    """A refusal or a principal's existence the strict account plays."""

    id: str
    kind: str  # "refuses" or "principal"
    what: str
    evidence: Evidence


class UndocumentedKey(ValueError):
    """A delivery was about to send a condition key the table does not document for it."""


# --- the service -------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class Service:
    """One delivering (or consuming) AWS service, described once (equal only to itself)."""

    #: the registry's key (``sns``)
    id: str
    #: how messages name the service (``SNS``)
    name: str
    #: its service principal: the one place this string is written
    principal: str
    #: `ITSELF` (resource policies must name the principal) or `AS_ROLE`
    sends_as: str
    #: how a finding names the resource that sends (``SNS topic``)
    producer: str
    #: CloudFormation type -> how to read the links a resource of that type declares
    readers: Mapping[str, Reader] = field(default_factory=dict)
    #: CloudFormation type of a producer -> the diagram's word for it (``topic``)
    nodes: Mapping[str, str] = field(default_factory=dict)
    #: CloudFormation type of what it reads from -> the diagram's word (drawn when linked)
    source_nodes: Mapping[str, str] = field(default_factory=dict)
    #: the requests it makes, with the condition keys each carries (the strict account)
    deliveries: tuple[Delivery, ...] = ()
    #: what it refuses, or when its principal exists
    behaviours: tuple[Behaviour, ...] = ()
    #: can it write into a queue encrypted with ``alias/aws/sqs``? None: it writes
    #: into no queue. Only principals of the account calling through SQS may use
    #: that key (its policy cannot be changed): a role can, a service principal not
    can_use_aws_managed_sqs_key: bool | None = None
    #: the longest message group id it passes to a queue (its SqsParameters)
    message_group_id_max_length: int | None = None
    #: why it passes no group id to a standard (fair) queue; None when it does
    no_fair_queues: str | None = None
    #: why a target queue of another region cannot work
    other_region: str | None = None

    def __repr__(self) -> str:
        return f"<Service {self.id}: {self.principal}>"

    @property
    def sends_as_role(self) -> bool:
        return self.sends_as == AS_ROLE

    def regional_principal(self, region: str) -> str:
        """The principal's regional form (``sns.<region>.amazonaws.com``: an opt-in region's)."""
        name, _, domain = self.principal.partition(".")
        return f"{name}.{region}.{domain}"

    def links(self, resource_type: str, properties: Mapping[str, Any]) -> Iterator[Link]:
        """The links a resource of ``resource_type`` declares (none if it is not this service's)."""
        reader = self.readers.get(resource_type)
        if reader is not None:
            yield from reader(properties or {})


# --- small readers' helpers --------------------------------------------------------


def as_json(value: Any) -> Any:
    """A property that CloudFormation accepts as an object or as JSON text."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def mapping(value: Any) -> Mapping[str, Any]:
    """``value`` when it is an object, else an empty one (a token, a list)."""
    return value if isinstance(value, Mapping) else {}


def items(value: Any) -> list[Any]:
    """``value`` as a list (a lone value, or nothing)."""
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


#: Longest text on a diagram's edge before it is cut.
LABEL_CHARS = 60


def cut(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def leaf(value: Any) -> str:
    """A filter value in a few characters (``a|b``, or compact JSON)."""
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        return "|".join(str(v) for v in value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, separators=(",", ":"))
    return str(value)
