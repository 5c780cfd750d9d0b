"""Rules SP1, SP2, SP7 and SP16: can each service producer really deliver?

SP1: a service producer into a queue on ``alias/aws/sqs``. SP2: a producer
the target's queue policy or key policy does not allow (a Scheduler target:
its execution role). SP7: the same two questions for CloudWatch alarm
actions and their topics, plus ``alias/aws/sns``. SP16: an EventBridge rule's
or a Scheduler schedule's SQS target without a dead-letter queue, where an
event that cannot be delivered is dropped (EventBridge user guide, "How
EventBridge retries delivering events").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from constructs_lib.checks import catalog
from constructs_lib.checks.access import may_send, may_use_key
from constructs_lib.checks.catalog import Rule, rule
from constructs_lib.checks.findings import Finding, finding
from constructs_lib.checks.wiring import QUEUE, TOPIC, Delivery, Wiring
from constructs_lib.services.cloudwatch import CLOUDWATCH
from constructs_lib.services.eventbridge import EVENTBRIDGE
from constructs_lib.services.scheduler import SCHEDULER
from constructs_lib.templates.assembly import Resource


def aws_managed_key_targets(wiring: Wiring) -> Iterator[Finding]:
    """SP1."""
    for delivery in wiring.deliveries:
        # producers that write with a service principal, not a role of the account:
        # the services the constructs refuse alias/aws/sqs for (`constructs_lib.services`)
        if delivery.service.can_use_aws_managed_sqs_key is not False:
            continue
        if delivery.target.type != QUEUE:
            continue
        key = wiring.encryption_key(delivery.target)
        if key is not None and key.aws_managed:
            yield finding(
                rule(1),
                delivery.target,
                f"{delivery.describe()} delivers into a queue encrypted with {key.text}",
                "Properties/KmsMasterKeyId",
            )


def producers_not_allowed(wiring: Wiring) -> Iterator[Finding]:
    """SP2."""
    problems = []
    for delivery in wiring.deliveries:
        if delivery.target.type != QUEUE or delivery.service is CLOUDWATCH:
            continue
        key = wiring.encryption_key(delivery.target)
        if key is not None and key.aws_managed and not delivery.service.can_use_aws_managed_sqs_key:
            continue  # SP1 says it: no policy can fix that key
        problems += _denials(wiring, delivery)
    yield from _grouped(rule(2), problems)


def alarm_topics(wiring: Wiring) -> Iterator[Finding]:
    """SP7."""
    problems = []
    for delivery in wiring.deliveries:
        if delivery.service is not CLOUDWATCH or delivery.target.type != TOPIC:
            continue
        key = wiring.encryption_key(delivery.target)
        if key is not None and key.aws_managed:
            problem = f"the topic is encrypted with {key.text}, which CloudWatch cannot use"
            problems.append(
                _Problem(delivery.target, problem, "Properties/KmsMasterKeyId", delivery)
            )
        else:
            problems += _denials(wiring, delivery)
    yield from _grouped(rule(7), problems)


@dataclass(frozen=True)
class _Problem:
    #: where the fix goes
    resource: Resource
    problem: str
    location: str
    delivery: Delivery


def _denials(wiring: Wiring, delivery: Delivery) -> list[_Problem]:
    found = []
    sent = may_send(wiring, delivery)
    if sent.allowed is False:
        where = _policy_to_fix(wiring, delivery)
        found.append(
            _Problem(where, f"may not send: {sent.reason}", "Properties/PolicyDocument", delivery)
        )
    key = wiring.encryption_key(delivery.target)
    if key is not None and key.key is not None:
        used = may_use_key(wiring, delivery, key.key)
        if used.allowed is False:
            problem = f"cannot use the key: {used.reason}"
            found.append(_Problem(key.key, problem, "Properties/KeyPolicy", delivery))
    return found


def _grouped(checked: Rule, problems: list[_Problem]) -> Iterator[Finding]:
    """One cause per problem and target, naming every producer that has it."""
    groups: dict[tuple[Resource, str, str, Resource], list[Delivery]] = {}
    for item in problems:
        key = (item.resource, item.problem, item.location, item.delivery.target)
        groups.setdefault(key, []).append(item.delivery)
    for (resource, problem, location, target), deliveries in groups.items():
        kind = deliveries[0].service.producer
        producers = ", ".join(dict.fromkeys(d.producer.path for d in deliveries))
        into = "the dead-letter queue" if deliveries[0].dead_letter else "its target"
        detail = f"{kind} {producers} ({into} {target.path}) {problem}"
        yield finding(checked, resource, detail, location)


def _policy_to_fix(wiring: Wiring, delivery: Delivery) -> Resource:
    """Where the missing allow goes: the role, the one resource policy, or the target."""
    if delivery.role is not None:
        return delivery.role
    policies = wiring.policies_of(delivery.target)
    return policies[0] if len(policies) == 1 else delivery.target


def targets_without_dead_letter_queue(wiring: Wiring) -> Iterator[Finding]:
    """SP16."""
    for delivery in wiring.deliveries:
        if (
            delivery.service not in (EVENTBRIDGE, SCHEDULER)
            or delivery.dead_letter
            or delivery.target.type != QUEUE
        ):
            continue
        if (delivery.settings.get("DeadLetterConfig") or {}).get("Arn") is not None:
            continue
        kind = delivery.service.producer
        yield finding(
            rule(16),
            delivery.via,
            f"the {kind}'s target {delivery.target.path} has no dead-letter queue: an event "
            "that cannot be delivered after the retries is dropped",
            delivery.location,
            (catalog.SP16_RULE if delivery.service is EVENTBRIDGE else catalog.SP16_SCHEDULE,),
        )
