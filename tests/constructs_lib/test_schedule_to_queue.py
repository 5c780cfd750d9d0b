"""Assertion tests of ScheduleToQueue: schedule, least-privilege role, FIFO, rules."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from aws_cdk import Duration, Stack, TimeZone
from aws_cdk import aws_iam as iam
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Annotations, Match, Template

from constructs_lib import (
    ConstructOptionError,
    OptionCode,
    ScheduleToQueue,
    SecureQueue,
    SecureQueueOptions,
)
from tests.option_problems import Reported, by_option
from tests.sources_synth import ACCOUNT, new_stack, only, resources

RATE = scheduler.ScheduleExpression.rate(Duration.hours(1))


def schedule_of(template: Template) -> dict[str, Any]:
    return dict(only(template, "AWS::Scheduler::Schedule")["Properties"])


def gett(stack: Stack, construct: Any) -> dict[str, Any]:
    return {"Fn::GetAtt": [stack.get_logical_id(construct.node.default_child), "Arn"]}


@pytest.fixture(scope="module")
def default() -> tuple[Stack, ScheduleToQueue, Template]:
    stack = new_stack()
    construct = ScheduleToQueue(
        stack, "Hourly", queue=SecureQueue(stack, "Q"), schedule=RATE, payload={"job": "sync"}
    )
    return stack, construct, Template.from_stack(stack)


def test_schedule_sends_the_fixed_payload_to_the_queue(default: Any) -> None:
    stack, construct, template = default
    props = schedule_of(template)
    assert props["ScheduleExpression"] == "rate(1 hour)"
    assert props["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert props["State"] == "ENABLED"
    target = props["Target"]
    assert target["Arn"] == gett(stack, construct.queue)
    assert json.loads(target["Input"]) == {"job": "sync"}
    assert target["RoleArn"] == gett(stack, construct.role)
    assert target["RetryPolicy"] == {"MaximumEventAgeInSeconds": 86400, "MaximumRetryAttempts": 185}
    assert target["DeadLetterConfig"] == {"Arn": gett(stack, construct.target_dead_letter_queue)}
    assert "SqsParameters" not in target or target["SqsParameters"] == {}


def test_role_is_trusted_only_by_scheduler_of_this_account_and_group(default: Any) -> None:
    _, construct, template = default
    role = resources(template, "AWS::IAM::Role")
    assert len(role) == 1, "one role, owned by the construct, not a stack-wide shared one"
    (trust,) = next(iter(role.values()))["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert trust["Condition"] == {
        "StringEquals": {
            "aws:SourceAccount": ACCOUNT,
            "aws:SourceArn": f"arn:aws:scheduler:us-east-1:{ACCOUNT}:schedule-group/default",
        }
    }
    assert construct.role.node.id == "Role"


def test_role_may_only_send_to_the_queue_and_its_dlq(default: Any) -> None:
    stack, construct, template = default
    (policy,) = resources(template, "AWS::IAM::Policy").values()
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Action"] == "sqs:SendMessage"
    assert sorted(map(str, statement["Resource"])) == sorted(
        map(
            str,
            [
                gett(stack, construct.queue),
                gett(stack, construct.target_dead_letter_queue),
            ],
        )
    )


def test_cron_in_a_time_zone_with_flexible_window_and_bounds() -> None:
    stack = new_stack()
    ScheduleToQueue(
        stack,
        "Nightly",
        queue=SecureQueue(stack, "Q"),
        schedule=scheduler.ScheduleExpression.cron(
            hour="2", minute="0", time_zone=TimeZone.EUROPE_BERLIN
        ),
        payload="nightly",
        flexible_time_window=Duration.minutes(15),
        schedule_name="nightly",
        description="nightly job",
        enabled=False,
        start=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
        end=datetime.datetime(2031, 1, 1, tzinfo=datetime.UTC),
        max_event_age=Duration.minutes(5),
        retry_attempts=2,
        target_dead_letter_queue_enabled=False,
    )
    props = schedule_of(Template.from_stack(stack))
    assert props["ScheduleExpression"] == "cron(0 2 * * ? *)"
    assert props["ScheduleExpressionTimezone"] == "Europe/Berlin"
    assert props["FlexibleTimeWindow"] == {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15}
    assert (props["Name"], props["Description"], props["State"]) == (
        "nightly",
        "nightly job",
        "DISABLED",
    )
    assert props["StartDate"].startswith("2030-01-01") and props["EndDate"].startswith("2031")
    assert props["Target"]["Input"] == "nightly"
    assert props["Target"]["RetryPolicy"] == {
        "MaximumEventAgeInSeconds": 300,
        "MaximumRetryAttempts": 2,
    }
    assert "DeadLetterConfig" not in props["Target"]


def test_one_off_at_schedule() -> None:
    stack = new_stack()
    ScheduleToQueue(
        stack,
        "Once",
        queue=SecureQueue(stack, "Q"),
        schedule=scheduler.ScheduleExpression.at(
            datetime.datetime(2030, 6, 1, 12, 0, tzinfo=datetime.UTC), TimeZone.EUROPE_BERLIN
        ),
        payload="once",
    )
    props = schedule_of(Template.from_stack(stack))
    assert props["ScheduleExpression"] == "at(2030-06-01T12:00:00)"
    assert props["ScheduleExpressionTimezone"] == "Europe/Berlin"


def test_customer_keys_of_queue_and_dlq_are_granted_to_the_role() -> None:
    stack = new_stack()
    queue = SecureQueue(stack, "Q", encryption=sqs.QueueEncryption.KMS)
    dlq = SecureQueue(stack, "D", encryption=sqs.QueueEncryption.KMS)
    construct = ScheduleToQueue(
        stack, "S", queue=queue, schedule=RATE, payload="x", target_dead_letter_queue=dlq
    )
    template = Template.from_stack(stack)
    (policy,) = resources(template, "AWS::IAM::Policy").values()
    kms_resources = [
        str(resource)
        for st in policy["Properties"]["PolicyDocument"]["Statement"]
        if "kms:Decrypt" in st["Action"]
        for resource in (st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]])
    ]
    assert sorted(kms_resources) == sorted(
        str(gett(stack, k)) for k in (queue.encryption_key, dlq.encryption_key)
    )
    assert construct.target_dead_letter_queue is dlq.queue
    assert construct.target_dead_letter_secure_queue is dlq


def test_aws_managed_key_is_accepted_because_scheduler_sends_as_a_role() -> None:
    stack = new_stack()
    ScheduleToQueue(
        stack,
        "S",
        queue=SecureQueue(stack, "Q", encryption=sqs.QueueEncryption.KMS_MANAGED),
        schedule=RATE,
        payload="x",
    )
    assert len(resources(Template.from_stack(stack), "AWS::Scheduler::Schedule")) == 1


def fifo_queue(s: Stack, dedup: bool = True) -> SecureQueue:
    return SecureQueue(s, "Q", fifo=True, content_based_deduplication=dedup)


def test_fifo_target_with_group_id_and_scheduled_time_has_no_warning() -> None:
    stack = new_stack()
    ScheduleToQueue(
        stack,
        "S",
        queue=fifo_queue(stack),
        message_group_id="jobs",
        schedule=RATE,
        payload={"at": scheduler.ContextAttribute.scheduled_time},
    )
    props = schedule_of(Template.from_stack(stack))
    assert props["Target"]["SqsParameters"] == {"MessageGroupId": "jobs"}
    assert json.loads(props["Target"]["Input"]) == {"at": "<aws.scheduler.scheduled-time>"}
    Annotations.from_stack(stack).has_no_warning("*", Match.any_value())


def test_fifo_target_with_a_constant_payload_warns_about_deduplication() -> None:
    stack = new_stack()
    ScheduleToQueue(
        stack, "S", queue=fifo_queue(stack), message_group_id="jobs", schedule=RATE, payload="x"
    )
    Annotations.from_stack(stack).has_warning(
        "/Test/S", Match.string_like_regexp("invocations less than 5 minutes apart are dropped")
    )


# --- validation --------------------------------------------------------------


def problems_of(**options: Any) -> dict[str, Reported]:
    stack = new_stack()
    resolved = {k: (v(stack) if callable(v) else v) for k, v in options.items()}
    resolved.setdefault("schedule", RATE)
    resolved.setdefault("payload", "x")
    resolved.setdefault("queue", SecureQueue(stack, "Default"))
    with pytest.raises(ConstructOptionError) as err:
        ScheduleToQueue(stack, "S", **resolved)
    return by_option(err.value)


def test_fifo_queue_needs_a_message_group_id() -> None:
    problem = problems_of(queue=fifo_queue)["message_group_id"]
    assert "is required" in problem
    assert problem.code == OptionCode.TARGET_MESSAGE_GROUP_ID_REQUIRED


def test_group_id_on_a_standard_queue_is_rejected() -> None:
    """Unlike EventBridge rules, Scheduler documents its SqsParameters'
    MessageGroupId for FIFO queues only (API reference, 2025), and aws-cdk-lib's
    SqsSendMessage refuses it on a standard queue: no fair-queue support to
    follow here."""
    allowed = problems_of(message_group_id="g")["message_group_id"]
    assert "FIFO-only" in allowed and "Scheduler" in allowed
    assert allowed.code == OptionCode.TARGET_MESSAGE_GROUP_ID_FIFO_ONLY


def test_fifo_queue_without_content_based_deduplication_is_rejected() -> None:
    problems = problems_of(queue=lambda s: fifo_queue(s, dedup=False), message_group_id="g")
    assert "without content-based deduplication" in problems["queue"]
    assert problems["queue"].code == OptionCode.SCHEDULER_FIFO_WITHOUT_CONTENT_DEDUPLICATION


def test_imported_fifo_queue_is_rejected_because_it_cannot_be_checked() -> None:
    problems = problems_of(
        queue=lambda s: sqs.Queue.from_queue_arn(
            s, "Imp", "arn:aws:sqs:us-east-1:123456789012:jobs.fifo"
        ),
        message_group_id="g",
    )
    assert "imported FIFO queue" in problems["queue"]
    assert problems["queue"].code == OptionCode.SCHEDULER_IMPORTED_FIFO_QUEUE


@pytest.mark.parametrize(
    ("option", "value", "allowed", "code"),
    [
        (
            "flexible_time_window",
            Duration.seconds(30),
            "from 60 to 86400 seconds",
            OptionCode.SCHEDULER_FLEXIBLE_WINDOW_OUT_OF_RANGE,
        ),
        (
            "flexible_time_window",
            Duration.hours(25),
            "from 60 to 86400 seconds",
            OptionCode.SCHEDULER_FLEXIBLE_WINDOW_OUT_OF_RANGE,
        ),
        # found by the property tests: aws-cdk-lib threw a raw error for it
        (
            "flexible_time_window",
            Duration.seconds(61),
            "must be a whole number of minutes",
            OptionCode.SCHEDULER_FLEXIBLE_WINDOW_NOT_WHOLE_MINUTES,
        ),
        (
            "max_event_age",
            Duration.seconds(30),
            "from 60 to 86400 seconds",
            OptionCode.TARGET_MAX_EVENT_AGE_OUT_OF_RANGE,
        ),
        ("retry_attempts", 186, "from 0 to 185", OptionCode.TARGET_RETRY_ATTEMPTS_OUT_OF_RANGE),
    ],
)
def test_bounds(option: str, value: Any, allowed: str, code: OptionCode) -> None:
    problem = problems_of(**{option: value})[option]
    assert allowed in problem
    assert problem.code == code


def test_target_dlq_must_be_standard() -> None:
    problems = problems_of(target_dead_letter_queue=lambda s: SecureQueue(s, "D", fifo=True))
    assert (
        "EventBridge Scheduler cannot dead-letter into a FIFO queue"
        in problems["target_dead_letter_queue"]
    )
    assert problems["target_dead_letter_queue"].code == OptionCode.TARGET_DLQ_NOT_STANDARD


def test_end_must_follow_start() -> None:
    problems = problems_of(
        start=datetime.datetime(2031, 1, 1, tzinfo=datetime.UTC),
        end=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
    )
    assert problems["end"] == "must be after start"
    assert problems["end"].code == OptionCode.SCHEDULER_END_NOT_AFTER_START


# --- issue 13: one queue type, the construct's alarms, the created DLQ's options ---


def test_queue_is_the_iqueue_with_the_secure_queue_beside_it(default: Any) -> None:
    """`.queue` was the SecureQueue itself when one was passed (AttributeError on
    ``.queue.grant_send_messages``); it is the ``sqs.IQueue`` now."""
    _, construct, _ = default
    construct.queue.grant_send_messages(iam.AccountRootPrincipal())
    assert construct.secure_queue is not None and construct.queue is construct.secure_queue.queue
    created = construct.target_dead_letter_secure_queue
    assert created is not None and construct.target_dead_letter_queue is created.queue
    assert construct.alarms == created.alarms and len(construct.alarms) == 2


def test_the_created_target_dlq_takes_the_options_of_a_secure_queue() -> None:
    stack = new_stack()
    construct = ScheduleToQueue(
        stack,
        "S",
        queue=SecureQueue(stack, "Q"),
        schedule=RATE,
        payload="x",
        target_dead_letter_queue_options=SecureQueueOptions(
            encryption=sqs.QueueEncryption.KMS, max_receive_count=2
        ),
    )
    created = construct.target_dead_letter_secure_queue
    assert created is not None and created.encryption_key is not None
    template = Template.from_stack(stack)
    (policy,) = resources(template, "AWS::IAM::Policy").values()
    assert str(gett(stack, created.encryption_key)) in str(policy)  # the role may use its key


def test_a_target_dlq_on_the_aws_managed_key_is_accepted_because_scheduler_sends_as_a_role() -> (
    None
):
    """Scheduler delivers dead-letter events with the schedule's execution role
    (Scheduler user guide, "Configuring a schedule's dead-letter queue": the
    role needs sqs:SendMessage), an IAM principal of the account, which
    alias/aws/sqs admits as it admits the role for the target queue. The shared
    EventBridge rule refused it here."""
    stack = new_stack()
    ScheduleToQueue(
        stack,
        "S",
        queue=SecureQueue(stack, "Q"),
        schedule=RATE,
        payload="x",
        target_dead_letter_queue=SecureQueue(
            stack, "D", encryption=sqs.QueueEncryption.KMS_MANAGED
        ),
    )
    assert len(resources(Template.from_stack(stack), "AWS::Scheduler::Schedule")) == 1


def test_target_dlq_options_are_refused_where_they_cannot_apply() -> None:
    problems = problems_of(
        target_dead_letter_queue=lambda s: SecureQueue(s, "D"),
        target_dead_letter_queue_options=SecureQueueOptions(fifo=True),
    )
    assert (
        "leave it unset when target_dead_letter_queue is given"
        in (problems["target_dead_letter_queue_options"])
    )
    assert problems["target_dead_letter_queue_options"].code == (
        OptionCode.TARGET_DLQ_OPTIONS_WITH_GIVEN_DLQ
    )
    fifo = problems_of(target_dead_letter_queue_options=SecureQueueOptions(fifo=True))
    assert "cannot dead-letter into a FIFO queue" in fifo["target_dead_letter_queue_options.fifo"]
    assert fifo["target_dead_letter_queue_options.fifo"].code == OptionCode.TARGET_DLQ_NOT_STANDARD
