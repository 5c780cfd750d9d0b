"""What EventRuleToQueue and ScheduleToQueue share: delivering to an SQS target.

EventBridge rules and EventBridge Scheduler both deliver to a queue with a
retry policy (``max_event_age``, ``retry_attempts``), a dead-letter queue for
what they cannot deliver, and ``SqsParameters`` (the message group id). The
two services differ in a few facts, each a field of their description in the
registry of services (`constructs_lib.services.Service`), so a rule changed for
one service cannot silently change the other.

`TargetDelivery` is the delivery options of both constructs as one value:
its ``problems`` is their shared rule table (no Stack needed), its
``dead_letter_queue`` the DLQ it passes in, creates (a standard `SecureQueue`
configured by ``target_dead_letter_queue_options``) or leaves out.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration
from constructs import Construct

from constructs_lib import _aws, defaults
from constructs_lib._queue_facts import QueueFacts
from constructs_lib._queues import AnyQueue, DeadLetterQueueRef, QueueRef
from constructs_lib._sources import (
    refuse_queue_location,
    reject_aws_managed_key,
    reject_aws_managed_key_option,
)
from constructs_lib._validation import Bound, OptionRules
from constructs_lib.errors import OptionProblem
from constructs_lib.option_codes import OptionCode
from constructs_lib.secure_queue import SecureQueueOptions
from constructs_lib.services import Service
from constructs_lib.services.eventbridge import EVENTBRIDGE as EVENTBRIDGE
from constructs_lib.services.scheduler import SCHEDULER as SCHEDULER

#: The child id of a created target DLQ (a contract: renaming it replaces the queue).
TARGET_DEAD_LETTER_QUEUE_ID = "TargetDeadLetterQueue"


#: A delivering service as the rules below read it: its description in the registry.
TargetService = Service

#: EventBridge's and Scheduler's RetryPolicy.
_RETRY_BOUNDS: tuple[Bound, ...] = (
    ("max_event_age", _aws.TARGET_MAX_EVENT_AGE_RANGE_SECONDS,
     OptionCode.TARGET_MAX_EVENT_AGE_OUT_OF_RANGE),
    ("retry_attempts", _aws.TARGET_RETRY_ATTEMPTS_RANGE,
     OptionCode.TARGET_RETRY_ATTEMPTS_OUT_OF_RANGE),
)  # fmt: skip


def message_group_problems(
    service: TargetService, queue: QueueFacts, message_group_id: str | None
) -> list[OptionProblem]:
    """FIFO targets need a message group id; a standard one takes it only where
    the service supports fair queues."""
    v = OptionRules()
    if queue.fifo:
        v.check(
            message_group_id is not None,
            "message_group_id",
            message_group_id,
            f"is required: {queue.path} is a FIFO queue, which accepts only "
            "messages with a message group id",
            code=OptionCode.TARGET_MESSAGE_GROUP_ID_REQUIRED,
        )
    elif service.no_fair_queues is not None:
        v.fifo_only(
            "message_group_id",
            message_group_id,
            fifo=False,
            remedy=f" here: {queue.path} is a standard queue and {service.no_fair_queues}",
            code=OptionCode.TARGET_MESSAGE_GROUP_ID_FIFO_ONLY,
        )
    length = service.message_group_id_max_length
    if length:
        v.length(
            "message_group_id",
            message_group_id,
            length,
            code=OptionCode.TARGET_MESSAGE_GROUP_ID_LENGTH,
        )
    return v.problems


@dataclass(frozen=True)
class TargetDelivery:
    """The delivery options EventRuleToQueue and ScheduleToQueue share."""

    max_event_age: Duration = defaults.TARGET_MAX_EVENT_AGE
    retry_attempts: int = defaults.TARGET_RETRY_ATTEMPTS
    target_dead_letter_queue_enabled: bool = defaults.TARGET_DEAD_LETTER_QUEUE_ENABLED
    target_dead_letter_queue: AnyQueue | None = None
    target_dead_letter_queue_options: SecureQueueOptions | None = None

    def retry_problems(self) -> list[OptionProblem]:
        """EventBridge's and Scheduler's own bounds."""
        v = OptionRules()
        v.within(self, _RETRY_BOUNDS)
        return v.problems

    def dead_letter_problems(
        self, service: TargetService, given: QueueFacts | None
    ) -> list[OptionProblem]:
        """A target DLQ is standard and of a key the service can use, and its
        options go with a created one only (``given``: the passed-in DLQ's facts)."""
        v = OptionRules()
        options = self.target_dead_letter_queue_options
        created = v.dead_letter_queue_options(
            "target_dead_letter_queue",
            self.target_dead_letter_queue_enabled,
            given,
            options,
            disabled=OptionCode.TARGET_DLQ_DISABLED_BUT_CONFIGURED,
            options_with_given=OptionCode.TARGET_DLQ_OPTIONS_WITH_GIVEN_DLQ,
        )
        if given is not None:
            _check_target_dlq(v, service, given)
        if created and options is not None:
            v.extend(options.problems(), prefix="target_dead_letter_queue_options")
            v.check(
                not options.fifo,
                "target_dead_letter_queue_options.fifo",
                True,
                _standard_only(service),
                code=OptionCode.TARGET_DLQ_NOT_STANDARD,
            )
            if not service.can_use_aws_managed_sqs_key:
                reject_aws_managed_key_option(
                    v, "target_dead_letter_queue_options", options, service.name
                )
        return v.problems

    def dead_letter_queue(self, scope: Construct) -> DeadLetterQueueRef:
        """The DLQ for undeliverable events: the given one, a created SecureQueue, or none."""
        if self.target_dead_letter_queue is not None:
            return DeadLetterQueueRef(QueueRef(self.target_dead_letter_queue))
        if not self.target_dead_letter_queue_enabled:
            return DeadLetterQueueRef()
        options = self.target_dead_letter_queue_options or SecureQueueOptions()
        created = options.create(scope, TARGET_DEAD_LETTER_QUEUE_ID)
        return DeadLetterQueueRef(QueueRef(created), created=True)


def refuse_dead_letter_queue_location(
    v: OptionRules, scope: Construct, service: TargetService, dead_letter_queue: QueueRef | None
) -> None:
    """The services keep a target's DLQ in their own region."""
    if dead_letter_queue is None:
        return
    refuse_queue_location(
        v,
        "target_dead_letter_queue",
        dead_letter_queue,
        dead_letter_queue.location(scope),
        other_region=f"{service.name} keeps a target's dead-letter queue in its own region",
    )


def _check_target_dlq(v: OptionRules, service: TargetService, dlq: QueueFacts) -> None:
    v.check(
        not dlq.fifo,
        "target_dead_letter_queue",
        dlq.path,
        _standard_only(service),
        code=OptionCode.TARGET_DLQ_NOT_STANDARD,
    )
    if not service.can_use_aws_managed_sqs_key:
        reject_aws_managed_key(v, "target_dead_letter_queue", dlq, service.name)


def _standard_only(service: TargetService) -> str:
    return f"must be a standard queue: {service.name} cannot dead-letter into a FIFO queue"
