"""Amazon EventBridge Scheduler: a schedule's target gets its payload, as the schedule's role."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from constructs_lib._aws import SQS_MESSAGE_GROUP_ID_MAX_LENGTH
from constructs_lib.services._evidence import role_key_stage, secure, source_keys
from constructs_lib.services._model import (
    AS_ROLE,
    DEAD_LETTER,
    DELIVERY,
    KEY,
    RESOURCE,
    TRUST,
    Delivery,
    Evidence,
    Link,
    Service,
    Stage,
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
    target = mapping(props.get("Target"))
    role = target.get("RoleArn")
    yield Link(
        DELIVERY,
        target.get("Arn"),
        "Properties/Target",
        role=role,
        group_id=mapping(target.get("SqsParameters")).get("MessageGroupId"),
        settings=target,
    )
    dead_letter = mapping(target.get("DeadLetterConfig")).get("Arn")
    if dead_letter is not None:
        yield Link(
            DEAD_LETTER,
            dead_letter,
            "Properties/Target/DeadLetterConfig",
            role=role,
            label="failed deliveries",
        )


SCHEDULER = Service(
    id="scheduler",
    name="EventBridge Scheduler",
    principal="scheduler.amazonaws.com",
    # Scheduler sends, to the target and to its DLQ, as the execution role
    sends_as=AS_ROLE,
    producer="Scheduler schedule",
    readers={SCHEDULE_TYPE: schedule},
    nodes={SCHEDULE_TYPE: "schedule"},
    deliveries=(
        Delivery(
            "scheduler-sqs",
            "EventBridge Scheduler schedule -> SQS queue (and the target's DLQ), as its role",
            "role",
            {
                TRUST: Stage(
                    "sts:AssumeRole (scheduler.amazonaws.com)",
                    "the execution role's trust policy",
                    (
                        *source_keys(
                            "the schedule group's ARN", "the schedule's account", _SCHEDULER_TRUST
                        ),
                        secure(),
                    ),
                ),
                RESOURCE: Stage(
                    "sqs:SendMessage",
                    "the queue policy and the role's identity policies",
                    (secure(),),
                ),
                KEY: role_key_stage(),
            },
        ),
    ),
    can_use_aws_managed_sqs_key=True,
    # SQS's own limit: Scheduler passes the id on as it is
    message_group_id_max_length=SQS_MESSAGE_GROUP_ID_MAX_LENGTH,
    no_fair_queues="EventBridge Scheduler documents its SqsParameters' MessageGroupId for FIFO "
    "queues only (unlike EventBridge rules, no fair-queue support), as aws-cdk-lib's "
    "SqsSendMessage does",
    other_region="EventBridge Scheduler's SQS target sends in the schedule's own region; "
    "create the schedule in the queue's region",
)
