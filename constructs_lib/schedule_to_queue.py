"""`ScheduleToQueue`: EventBridge Scheduler sending a fixed message to a queue."""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping

from aws_cdk import Annotations, Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as scheduler_targets
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from constructs_lib import defaults
from constructs_lib._sources import QueueTarget, describe, key_of, queue_of
from constructs_lib._validation import OptionValidator
from constructs_lib.event_rule_to_queue import (
    check_queue_target,
    check_retry_policy,
    check_target_dlq,
)
from constructs_lib.secure_queue import SecureQueue

_SCHEDULER = "EventBridge Scheduler"
_CONTEXT_ATTRIBUTE_PREFIX = "<aws.scheduler."


class ScheduleToQueue(Construct):
    """An EventBridge Scheduler schedule that sends a fixed payload to a queue.

    What it creates (child ids are part of the contract):

    - ``Schedule``: an ``AWS::Scheduler::Schedule`` (rate, cron with a time
      zone, or a one-off ``at``; optional flexible window) whose target is the
      queue, with a retry policy and, for a FIFO queue, the message group id;
    - ``Role``: the execution role Scheduler assumes, trusted only by
      ``scheduler.amazonaws.com`` for schedules of this account and schedule
      group (``aws:SourceAccount``, ``aws:SourceArn``), allowed only
      ``sqs:SendMessage`` on the queue and its DLQ and, for customer-managed
      keys, ``kms:GenerateDataKey*``/``kms:Decrypt`` on those keys;
    - ``TargetDeadLetterQueue``: a standard SecureQueue for the invocations
      Scheduler cannot deliver (Scheduler accepts only a standard queue there),
      unless one is passed in or ``target_dead_letter_queue_enabled=False``.

    Scheduler sends as the role, an IAM principal of the account, so unlike
    SNS, S3 and EventBridge rules it can use a queue on alias/aws/sqs.

    FIFO queues: Scheduler passes a message group id but no deduplication id,
    so the queue must use content-based deduplication (checked when the queue
    was built in this app; an imported FIFO queue is refused because it cannot
    be checked). A fixed payload then counts as a duplicate of the previous
    one for 5 minutes: put a context attribute such as
    ``scheduler.ContextAttribute.scheduled_time`` into it, or a warning says so.

    Example::

        ScheduleToQueue(
            self, "NightlyReport",
            queue=reports,
            schedule=scheduler.ScheduleExpression.cron(
                hour="2", minute="0", time_zone=TimeZone.EUROPE_BERLIN),
            payload={"job": "nightly-report",
                     "at": scheduler.ContextAttribute.scheduled_time},
        )

    :param queue: a SecureQueue or any ``sqs.IQueue``.
    :param schedule: when to send (``ScheduleExpression.rate/cron/at``).
    :param payload: the message body; a mapping is sent as JSON.
    :param message_group_id: required for a FIFO queue, refused otherwise.
    :param flexible_time_window: default
        ``defaults.SCHEDULE_FLEXIBLE_TIME_WINDOW`` (off); 1 min..24 h.
    :param schedule_name: default: generated. :param description: default none.
    :param schedule_group: default: the account's ``default`` group.
    :param enabled: default True. :param start: :param end: default: unbounded.
    :param max_event_age: default ``defaults.TARGET_MAX_EVENT_AGE`` (24 h).
    :param retry_attempts: default ``defaults.TARGET_RETRY_ATTEMPTS`` (185).
    :param target_dead_letter_queue_enabled: default
        ``defaults.TARGET_DEAD_LETTER_QUEUE_ENABLED`` (True).
    :param target_dead_letter_queue: an existing standard queue for that role.
    :raises ConstructOptionError: for any invalid option, all listed together.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        queue: QueueTarget,
        schedule: scheduler.ScheduleExpression,
        payload: str | Mapping[str, object],
        message_group_id: str | None = None,
        flexible_time_window: Duration | None = defaults.SCHEDULE_FLEXIBLE_TIME_WINDOW,
        schedule_name: str | None = None,
        description: str | None = None,
        schedule_group: scheduler.IScheduleGroup | None = None,
        enabled: bool = True,
        start: datetime.datetime | None = None,
        end: datetime.datetime | None = None,
        max_event_age: Duration = defaults.TARGET_MAX_EVENT_AGE,
        retry_attempts: int = defaults.TARGET_RETRY_ATTEMPTS,
        target_dead_letter_queue_enabled: bool = defaults.TARGET_DEAD_LETTER_QUEUE_ENABLED,
        target_dead_letter_queue: QueueTarget | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        v = OptionValidator(self)
        check_queue_target(v, queue=queue, message_group_id=message_group_id)
        _check_fifo_deduplication(v, queue)
        if flexible_time_window is not None:
            v.duration_range(
                "flexible_time_window",
                flexible_time_window,
                *defaults.FLEXIBLE_TIME_WINDOW_RANGE_SECONDS,
            )
        check_retry_policy(v, max_event_age=max_event_age, retry_attempts=retry_attempts)
        check_target_dlq(
            v,
            enabled=target_dead_letter_queue_enabled,
            dlq=target_dead_letter_queue,
            service=_SCHEDULER,
        )
        v.check(
            start is None or end is None or start < end,
            "end",
            end.isoformat() if end else None,
            "must be after start",
        )
        v.raise_if_any()

        body = (
            payload
            if isinstance(payload, str)
            else json.dumps(dict(payload), separators=(",", ":"))
        )
        if queue_of(queue).fifo and _CONTEXT_ATTRIBUTE_PREFIX not in body:
            Annotations.of(self).add_warning_v2(
                "constructs_lib:ScheduleToQueue:FixedFifoPayload",
                "The FIFO queue deduplicates by content for 5 minutes and the payload "
                "never changes: invocations less than 5 minutes apart are dropped. "
                "Put scheduler.ContextAttribute.scheduled_time into the payload.",
            )

        self.queue: QueueTarget = queue
        self.target_dead_letter_queue: QueueTarget | None = target_dead_letter_queue
        if target_dead_letter_queue is None and target_dead_letter_queue_enabled:
            self.target_dead_letter_queue = SecureQueue(self, "TargetDeadLetterQueue")

        stack = Stack.of(self)
        group_arn = (
            schedule_group.schedule_group_arn
            if schedule_group is not None
            else stack.format_arn(
                service="scheduler", resource="schedule-group", resource_name="default"
            )
        )
        # Our own role rather than aws-cdk's stack-wide shared one, so that this
        # schedule's permissions are exactly its queue's.
        self.role: iam.Role = iam.Role(
            self,
            "Role",
            description=f"Lets EventBridge Scheduler send {self.node.path}'s message",
            assumed_by=iam.ServicePrincipal(
                "scheduler.amazonaws.com",
                conditions={
                    "StringEquals": {
                        "aws:SourceAccount": stack.account,
                        "aws:SourceArn": group_arn,
                    }
                },
            ),
        )
        dlq = (
            queue_of(self.target_dead_letter_queue)
            if self.target_dead_letter_queue is not None
            else None
        )
        target = scheduler_targets.SqsSendMessage(
            queue_of(queue),
            input=scheduler.ScheduleTargetInput.from_text(body),
            message_group_id=message_group_id,
            role=self.role,
            dead_letter_queue=dlq,
            max_event_age=max_event_age,
            retry_attempts=retry_attempts,
        )
        if self.target_dead_letter_queue is not None:
            # SqsSendMessage grants sqs:SendMessage on the DLQ but not its key.
            dlq_key = key_of(self.target_dead_letter_queue)
            if dlq_key is not None:
                dlq_key.grant(self.role, "kms:GenerateDataKey*", "kms:Decrypt")

        self.schedule: scheduler.Schedule = scheduler.Schedule(
            self,
            "Schedule",
            schedule=schedule,
            target=target,
            schedule_name=schedule_name,
            description=description,
            schedule_group=schedule_group,
            enabled=enabled,
            start=start,
            end=end,
            time_window=(
                scheduler.TimeWindow.flexible(flexible_time_window)
                if flexible_time_window is not None
                else scheduler.TimeWindow.off()
            ),
        )


def _check_fifo_deduplication(v: OptionValidator, target: QueueTarget) -> None:
    queue = queue_of(target)
    if not queue.fifo:
        return
    if not isinstance(queue, sqs.Queue):
        v.fail(
            "queue",
            describe(target),
            "is an imported FIFO queue: Scheduler sends no deduplication id, so the "
            "queue must use content-based deduplication, which cannot be checked "
            "on an imported queue; pass the queue construct",
        )
        return
    cfn = queue.node.default_child
    v.check(
        isinstance(cfn, sqs.CfnQueue) and bool(cfn.content_based_deduplication),
        "queue",
        describe(target),
        "is a FIFO queue without content-based deduplication: Scheduler sends no "
        "deduplication id, so SQS would reject every message",
    )
