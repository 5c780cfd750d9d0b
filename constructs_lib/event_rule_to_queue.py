"""`EventRuleToQueue`: an EventBridge rule delivering matching events to a queue."""

from __future__ import annotations

from aws_cdk import Annotations, Duration, Stack, Token
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from constructs_lib import defaults
from constructs_lib._sources import (
    QueueTarget,
    describe,
    grant_service_key_use,
    queue_of,
    reject_aws_managed_key,
    warn_if_policy_unmanaged,
)
from constructs_lib._validation import OptionValidator
from constructs_lib.secure_queue import SecureQueue

_EVENTBRIDGE = "EventBridge"
_PATTERN_FIELDS = (
    "account",
    "detail",
    "detail_type",
    "id",
    "region",
    "resources",
    "source",
    "time",
    "version",
)


class EventRuleToQueue(Construct):
    """An EventBridge rule whose matching events land in a queue.

    What it creates (child ids are part of the contract):

    - ``Rule``: an ``AWS::Events::Rule`` on ``event_bus`` (default: the
      account's default bus) with ``event_pattern`` and one target, the queue,
      with a retry policy (``max_event_age``, ``retry_attempts``), the
      ``message_group_id`` of a FIFO queue and the optional input
      transformation ``message``;
    - ``TargetDeadLetterQueue``: a standard SecureQueue for the events
      EventBridge cannot deliver (EventBridge accepts only a standard queue
      there), unless one is passed in or
      ``target_dead_letter_queue_enabled=False``;
    - statements in both queues' policies allowing ``sqs:SendMessage`` to
      ``events.amazonaws.com`` from this rule (``aws:SourceArn``). For a queue
      with a customer-managed key the condition is ``aws:SourceAccount``
      instead, and the key policy lets EventBridge use the key with the same
      condition: naming the rule in the key policy would make the key depend on
      the rule, which depends on the queue, which depends on the key.

    A FIFO queue without content-based deduplication gets a warning: the rule
    passes no deduplication id.

    Rejected at synth: a FIFO queue without ``message_group_id`` and a
    ``message_group_id`` on a standard queue; a FIFO or alias/aws/sqs target
    DLQ; a queue on alias/aws/sqs (EventBridge would drop every event); an
    empty event pattern; ``max_event_age`` outside 60 s..24 h;
    ``retry_attempts`` outside 0..185.

    Example::

        EventRuleToQueue(
            self, "OrderEvents",
            queue=orders,
            event_pattern=events.EventPattern(
                source=["shop.orders"], detail_type=["OrderPlaced"]),
            message=events.RuleTargetInput.from_object(
                {"order": events.EventField.from_path("$.detail.id")}),
        )

    :param queue: a SecureQueue or any ``sqs.IQueue`` (not on alias/aws/sqs).
    :param event_pattern: which events match; at least one field.
    :param event_bus: default: the account's default event bus.
    :param message: input transformation. Default: the whole event as JSON.
    :param message_group_id: required for a FIFO queue, refused otherwise.
    :param rule_name: default: generated. :param description: default: none.
    :param enabled: default True.
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
        event_pattern: events.EventPattern,
        event_bus: events.IEventBus | None = None,
        message: events.RuleTargetInput | None = None,
        message_group_id: str | None = None,
        rule_name: str | None = None,
        description: str | None = None,
        enabled: bool = True,
        max_event_age: Duration = defaults.TARGET_MAX_EVENT_AGE,
        retry_attempts: int = defaults.TARGET_RETRY_ATTEMPTS,
        target_dead_letter_queue_enabled: bool = defaults.TARGET_DEAD_LETTER_QUEUE_ENABLED,
        target_dead_letter_queue: QueueTarget | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        v = OptionValidator(self)
        check_queue_target(v, queue=queue, message_group_id=message_group_id)
        reject_aws_managed_key(v, "queue", queue, _EVENTBRIDGE)
        v.check(
            any(getattr(event_pattern, f) is not None for f in _PATTERN_FIELDS),
            "event_pattern",
            "EventPattern()",
            "must set at least one field (source, detail_type, detail, ...)",
        )
        check_retry_policy(v, max_event_age=max_event_age, retry_attempts=retry_attempts)
        check_target_dlq(
            v,
            enabled=target_dead_letter_queue_enabled,
            dlq=target_dead_letter_queue,
            service=_EVENTBRIDGE,
        )
        v.raise_if_any()

        if _lacks_content_based_deduplication(queue):
            Annotations.of(self).add_warning_v2(
                "constructs_lib:EventRuleToQueue:FifoWithoutContentDeduplication",
                f"{describe(queue)} is a FIFO queue without content-based deduplication: "
                "an EventBridge rule passes a message group id but no deduplication id, "
                "so SQS may refuse its messages. Enable content_based_deduplication.",
            )

        self.queue: QueueTarget = queue
        self.target_dead_letter_queue: QueueTarget | None = target_dead_letter_queue
        if target_dead_letter_queue is None and target_dead_letter_queue_enabled:
            self.target_dead_letter_queue = SecureQueue(self, "TargetDeadLetterQueue")

        self.rule: events.Rule = events.Rule(
            self,
            "Rule",
            event_bus=event_bus,
            event_pattern=event_pattern,
            rule_name=rule_name,
            description=description,
            enabled=enabled,
        )
        dlq = (
            queue_of(self.target_dead_letter_queue)
            if self.target_dead_letter_queue is not None
            else None
        )
        self.rule.add_target(
            targets.SqsQueue(
                queue_of(queue),
                message=message,
                message_group_id=message_group_id,
                dead_letter_queue=dlq,
                max_event_age=max_event_age,
                retry_attempts=retry_attempts,
            )
        )
        # The SqsQueue target grants the main queue's key; the DLQ's key is
        # left out by aws-cdk, so EventBridge could not dead-letter into it.
        if self.target_dead_letter_queue is not None:
            grant_service_key_use(
                self.target_dead_letter_queue,
                iam.ServicePrincipal("events.amazonaws.com"),
                {"StringEquals": {"aws:SourceAccount": Stack.of(self).account}},
            )
        for target in (queue, self.target_dead_letter_queue):
            if target is not None:
                warn_if_policy_unmanaged(self, target, _EVENTBRIDGE)


def _lacks_content_based_deduplication(target: QueueTarget) -> bool:
    """True for a FIFO queue of this app known to have content-based dedup off."""
    queue = queue_of(target)
    if not queue.fifo or not isinstance(queue, sqs.Queue):
        return False
    cfn = queue.node.default_child
    return isinstance(cfn, sqs.CfnQueue) and not cfn.content_based_deduplication


def check_queue_target(
    v: OptionValidator, *, queue: QueueTarget, message_group_id: str | None
) -> None:
    """FIFO targets need a message group id; standard ones must not get one."""
    fifo = queue_of(queue).fifo
    if fifo:
        v.check(
            message_group_id is not None,
            "message_group_id",
            message_group_id,
            f"is required: {describe(queue)} is a FIFO queue, which accepts only "
            "messages with a message group id",
        )
    else:
        v.check(
            message_group_id is None,
            "message_group_id",
            message_group_id,
            f"is a FIFO-only option: {describe(queue)} is a standard queue",
        )
    if message_group_id is not None and not Token.is_unresolved(message_group_id):
        v.check(
            1 <= len(message_group_id) <= defaults.MESSAGE_GROUP_ID_MAX_LENGTH,
            "message_group_id",
            message_group_id,
            f"must be 1 to {defaults.MESSAGE_GROUP_ID_MAX_LENGTH} characters",
        )


def check_retry_policy(v: OptionValidator, *, max_event_age: Duration, retry_attempts: int) -> None:
    """EventBridge's and Scheduler's own bounds."""
    v.duration_range("max_event_age", max_event_age, *defaults.MAX_EVENT_AGE_RANGE_SECONDS)
    v.int_range("retry_attempts", retry_attempts, *defaults.RETRY_ATTEMPTS_RANGE)


def check_target_dlq(
    v: OptionValidator, *, enabled: bool, dlq: QueueTarget | None, service: str
) -> None:
    """A target DLQ must be a standard queue the service can encrypt into."""
    if dlq is None:
        return
    v.check(
        enabled,
        "target_dead_letter_queue_enabled",
        enabled,
        "must be True when target_dead_letter_queue is given",
    )
    v.check(
        not queue_of(dlq).fifo,
        "target_dead_letter_queue",
        describe(dlq),
        f"must be a standard queue: {service} cannot dead-letter into a FIFO queue",
    )
    reject_aws_managed_key(v, "target_dead_letter_queue", dlq, service)
