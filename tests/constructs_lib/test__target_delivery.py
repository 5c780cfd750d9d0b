"""The delivery rules EventRuleToQueue and ScheduleToQueue share, without a Stack.

Each service's facts are its own `TargetService`: the tables below show the
same options judged for EventBridge and for Scheduler, where AWS differs.
"""

from __future__ import annotations

import pytest
from aws_cdk import Duration
from aws_cdk import aws_sqs as sqs

from constructs_lib import OptionCode, OptionProblem
from constructs_lib._queue_facts import QueueFacts
from constructs_lib._target_delivery import (
    EVENTBRIDGE,
    SCHEDULER,
    TargetDelivery,
    TargetService,
    message_group_problems,
)
from constructs_lib.secure_queue import SecureQueueOptions

STANDARD = QueueFacts(path="Q", fifo=False)
FIFO = QueueFacts(path="Q", fifo=True)
ON_ALIAS = QueueFacts(path="D", aws_managed_key=True)


def options(problems: list[OptionProblem]) -> list[tuple[str, str]]:
    return [(p.option, p.code) for p in problems]


GROUP_ID = "message_group_id"


@pytest.mark.parametrize(
    ("service", "queue", "group_id", "expected"),
    [
        (EVENTBRIDGE, FIFO, None, [(GROUP_ID, OptionCode.TARGET_MESSAGE_GROUP_ID_REQUIRED)]),
        (SCHEDULER, FIFO, None, [(GROUP_ID, OptionCode.TARGET_MESSAGE_GROUP_ID_REQUIRED)]),
        # fair queues: EventBridge passes the group id to a standard queue, Scheduler does not
        (EVENTBRIDGE, STANDARD, "tenant", []),
        (SCHEDULER, STANDARD, "tenant", [(GROUP_ID, OptionCode.TARGET_MESSAGE_GROUP_ID_FIFO_ONLY)]),
        # SqsParameters' limits: EventBridge 100 characters, Scheduler SQS's 128
        (EVENTBRIDGE, FIFO, "g" * 101, [(GROUP_ID, OptionCode.TARGET_MESSAGE_GROUP_ID_LENGTH)]),
        (SCHEDULER, FIFO, "g" * 101, []),
        (SCHEDULER, FIFO, "g" * 129, [(GROUP_ID, OptionCode.TARGET_MESSAGE_GROUP_ID_LENGTH)]),
    ],
)
def test_message_group_id_per_service(
    service: TargetService,
    queue: QueueFacts,
    group_id: str | None,
    expected: list[tuple[str, str]],
) -> None:
    assert options(message_group_problems(service, queue, group_id)) == expected


def test_a_dead_letter_queue_on_the_aws_managed_key_only_for_a_service_that_sends_as_a_role() -> (
    None
):
    """EventBridge writes as events.amazonaws.com, which alias/aws/sqs does not
    admit; Scheduler writes with the schedule's execution role, which it does."""
    delivery = TargetDelivery()
    assert options(delivery.dead_letter_problems(EVENTBRIDGE, ON_ALIAS)) == [
        ("target_dead_letter_queue", OptionCode.SQS_AWS_MANAGED_KEY_UNUSABLE)
    ]
    assert delivery.dead_letter_problems(SCHEDULER, ON_ALIAS) == []
    created = TargetDelivery(
        target_dead_letter_queue_options=SecureQueueOptions(
            encryption=sqs.QueueEncryption.KMS_MANAGED
        )
    )
    assert options(created.dead_letter_problems(EVENTBRIDGE, None)) == [
        ("target_dead_letter_queue_options.encryption", OptionCode.SQS_AWS_MANAGED_KEY_UNUSABLE)
    ]
    assert created.dead_letter_problems(SCHEDULER, None) == []


def test_retry_bounds_are_the_services_own() -> None:
    bad = TargetDelivery(max_event_age=Duration.seconds(59), retry_attempts=186)
    assert [(str(p), p.code) for p in bad.retry_problems()] == [
        (
            "max_event_age='59 seconds': must be from 60 to 86400 seconds",
            OptionCode.TARGET_MAX_EVENT_AGE_OUT_OF_RANGE,
        ),
        (
            "retry_attempts=186: must be from 0 to 185",
            OptionCode.TARGET_RETRY_ATTEMPTS_OUT_OF_RANGE,
        ),
    ]


def test_options_of_a_created_dlq_go_with_a_created_one_only() -> None:
    disabled = TargetDelivery(
        target_dead_letter_queue_enabled=False,
        target_dead_letter_queue_options=SecureQueueOptions(),
    )
    assert [(str(p), p.code) for p in disabled.dead_letter_problems(SCHEDULER, None)] == [
        (
            "target_dead_letter_queue_enabled=False: must be True when "
            "target_dead_letter_queue_options is given",
            OptionCode.TARGET_DLQ_DISABLED_BUT_CONFIGURED,
        )
    ]
