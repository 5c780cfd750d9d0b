"""Rules SP6, SP9 and SP10: the shape of the wiring and of the stack's life.

SP6: FIFO/standard along SNS -> SQS (SNS developer guide: a standard topic
cannot subscribe a FIFO queue; "FIFO topic subscriptions use FIFO queues,
and standard topic subscriptions use standard queues" as dead-letter queues).
A FIFO topic may deliver to a standard queue: AWS supports it, so it is no
finding. SP9: a name fixed at synth on a resource CloudFormation keeps when
the stack goes. SP10: an S3 notification to a queue, written before the
queue policy that lets S3 in.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from constructs_lib.checks.access import may_send
from constructs_lib.checks.catalog import rule
from constructs_lib.checks.findings import Finding, finding
from constructs_lib.checks.wiring import QUEUE, Wiring, is_true
from constructs_lib.services.s3 import S3
from constructs_lib.services.sns import SNS
from constructs_lib.templates.assembly import ResourceId
from constructs_lib.templates.references import references
from constructs_lib.templates.values import NAME_PROPERTY, Unresolved

#: DeletionPolicy values that keep the resource when its stack is deleted.
KEEPING_POLICIES = ("Retain", "RetainExceptOnCreate")


def fifo_mismatches(wiring: Wiring) -> Iterator[Finding]:
    """SP6."""
    for delivery in wiring.deliveries:
        if delivery.service is not SNS:
            continue
        topic_fifo = is_true(delivery.producer.prop("FifoTopic"))
        queue_fifo = is_true(delivery.target.prop("FifoQueue"))
        if delivery.dead_letter and topic_fifo != queue_fifo:
            problem = (
                f"the dead-letter queue {delivery.target.path} is "
                f"{_kind(queue_fifo)}, the topic {delivery.producer.path} is {_kind(topic_fifo)}"
            )
        elif not delivery.dead_letter and queue_fifo and not topic_fifo:
            problem = (
                f"the standard topic {delivery.producer.path} cannot deliver to the FIFO queue "
                f"{delivery.target.path}: SNS refuses the subscription"
            )
        else:
            continue
        yield finding(rule(6), delivery.via, problem, delivery.location)


def _kind(fifo: bool) -> str:
    return "FIFO" if fifo else "standard"


def retained_fixed_names(wiring: Wiring) -> Iterator[Finding]:
    """SP9."""
    for resource in wiring.assembly.resources.values():
        if resource.deletion_policy not in KEEPING_POLICIES or resource.type not in NAME_PROPERTY:
            continue
        raw_name = resource.prop(NAME_PROPERTY[resource.type])
        if raw_name is None or not fixed_at_synth(wiring, resource.id.stack, raw_name):
            continue
        try:
            name = wiring.values.text(resource.id.stack, raw_name)
        except Unresolved:
            name = "a name fixed at deploy"
        yield finding(
            rule(9),
            resource,
            f"{NAME_PROPERTY[resource.type]} is {name!r} and DeletionPolicy is "
            f"{resource.deletion_policy}: after a destroy, the next deploy finds the name taken",
            f"Properties/{NAME_PROPERTY[resource.type]}",
        )


#: Pseudo parameters that are the same for the next deployment of the stack.
_STABLE_PSEUDO = frozenset(
    {"AWS::AccountId", "AWS::Region", "AWS::Partition", "AWS::URLSuffix", "AWS::StackName"}
)


def fixed_at_synth(wiring: Wiring, stack: str, value: Any) -> bool:
    """True when ``value`` comes out the same for a new stack of the same name.

    Not fixed: a name built from the stack's id, from a parameter, or from
    another resource's generated name (``/aws/lambda/`` + a function's Ref),
    which CloudFormation makes new for every new stack.
    """
    return all(
        _reference_fixed(wiring, stack, reference.name)
        for reference in references(value, pseudo=True)
    )


def _reference_fixed(wiring: Wiring, stack: str, name: str) -> bool:
    if name.startswith("AWS::"):
        return name in _STABLE_PSEUDO
    resource = wiring.assembly.resources.get(ResourceId(stack, name))
    if resource is None or resource.type not in NAME_PROPERTY:
        return False  # a parameter, or a resource whose name CloudFormation generates
    own_name = resource.prop(NAME_PROPERTY[resource.type])
    return own_name is not None and fixed_at_synth(wiring, stack, own_name)


def notifications_before_policy(wiring: Wiring) -> Iterator[Finding]:
    """SP10."""
    for delivery in wiring.deliveries:
        if delivery.service is not S3 or delivery.target.type != QUEUE:
            continue
        policies = wiring.policies_of(delivery.target)
        if not policies or may_send(wiring, delivery).allowed is False:
            continue  # nothing lets S3 in at all: SP2 says so
        if any(wiring.created_after(delivery.via, policy) for policy in policies):
            continue
        names = ", ".join(p.path for p in policies)
        yield finding(
            rule(10),
            delivery.via,
            f"the notification to {delivery.target.path} does not wait for its queue policy "
            f"({names}); S3 validates the destination when the notification is written",
            "DependsOn",
        )
