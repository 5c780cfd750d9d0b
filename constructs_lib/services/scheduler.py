"""Amazon EventBridge Scheduler: a schedule's target gets its payload, as the schedule's role."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from constructs_lib._aws import SQS_MESSAGE_GROUP_ID_MAX_LENGTH
from constructs_lib.services._evidence import as_role, source_keys
from constructs_lib.services._model import (
    AS_ROLE,
    DELIVERY,
    Evidence,
    Link,
    Service,
    dead_letter,
    mapping,
)

SCHEDULE_TYPE = "AWS::Scheduler::Schedule"

_SCHEDULER_TRUST = Evidence(
    "https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html",
    "We recommend using the aws:SourceArn and aws:SourceAccount global condition context keys "
    "in your schedule execution role ... The value of aws:SourceArn must be your EventBridge "
    "Scheduler schedule group ARN",
)


def schedule(props: Mapping[str, Any]) -> Iterator[Link]:
    target, where = mapping(props.get("Target")), "Properties/Target"
    role, group = target.get("RoleArn"), mapping(target.get("SqsParameters")).get("MessageGroupId")
    yield Link(DELIVERY, target.get("Arn"), where, role=role, group_id=group, settings=target)
    yield from dead_letter(target.get("DeadLetterConfig"), where + "/DeadLetterConfig", role=role)


PRINCIPAL = "scheduler.amazonaws.com"

SCHEDULER = Service(
    # Scheduler sends, to the target and to its DLQ, as the execution role
    "scheduler", "EventBridge Scheduler", PRINCIPAL, AS_ROLE, "Scheduler schedule",
    readers={SCHEDULE_TYPE: schedule},
    nodes={SCHEDULE_TYPE: "schedule"},
    deliveries=(
        as_role("scheduler-sqs",
                "EventBridge Scheduler schedule -> SQS queue (and the target's DLQ), as its role",
                PRINCIPAL,
                source_keys("the schedule group's ARN", "the schedule's account",
                            _SCHEDULER_TRUST)),
    ),
    can_use_aws_managed_sqs_key=True,
    # SQS's own limit: Scheduler passes the id on as it is
    message_group_id_max_length=SQS_MESSAGE_GROUP_ID_MAX_LENGTH,
    no_fair_queues="EventBridge Scheduler documents its SqsParameters' MessageGroupId for FIFO "
    "queues only (unlike EventBridge rules, no fair-queue support), as aws-cdk-lib's "
    "SqsSendMessage does",
    other_region="EventBridge Scheduler's SQS target sends in the schedule's own region; "
    "create the schedule in the queue's region",
)  # fmt: skip
