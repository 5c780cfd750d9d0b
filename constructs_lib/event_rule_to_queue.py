"""`EventRuleToQueue`: an EventBridge rule delivering matching events to a queue."""

from __future__ import annotations

import jsii
from aws_cdk import Annotations, Duration, Names, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sqs as sqs
from aws_cdk.interfaces.aws_events import IRuleRef
from constructs import Construct

from constructs_lib import defaults
from constructs_lib._monitoring import DeliveryIntoQueue
from constructs_lib._queues import AnyQueue, QueueLocation, QueueRef, differs
from constructs_lib._sources import (
    grant_service_key_use,
    refuse_queue_location,
    reject_aws_managed_key,
    warn_if_policy_unmanaged,
    warn_queue_in_other_account,
)
from constructs_lib._target_delivery import (
    EVENTBRIDGE,
    TargetDelivery,
    message_group_problems,
    refuse_dead_letter_queue_location,
)
from constructs_lib._tree import adopt, is_unresolved, path_of
from constructs_lib._validation import OptionRules, OptionValidator, options_from
from constructs_lib.option_codes import OptionCode
from constructs_lib.secure_queue import SecureQueue, SecureQueueOptions
from constructs_lib.stack_limits import register_pattern

_EVENTS = EVENTBRIDGE.principal
#: What ``grant_send_messages`` grants (and the queue policy held before).
_SEND_ACTIONS = ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"]
#: What EventBridge needs on an encrypted SQS target's key (EventBridge User Guide).
_KEY_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey"]


def _eventbridge_key_statement() -> iam.PolicyStatement:
    """EventBridge's documented key statement for an encrypted SQS target."""
    return iam.PolicyStatement(
        actions=_KEY_ACTIONS, principals=[iam.ServicePrincipal(_EVENTS)], resources=["*"]
    )


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


class EventRuleToQueue(DeliveryIntoQueue):
    """An EventBridge rule whose matching events land in a queue.

    What it creates (child ids are part of the contract):

    - ``Rule``: an ``AWS::Events::Rule`` on ``event_bus`` (default: the
      account's default bus) with ``event_pattern`` and one target, the queue,
      with a retry policy (``max_event_age``, ``retry_attempts``), the
      ``message_group_id`` (FIFO queues, and fair queues: below) and the
      optional input transformation ``message``;
    - ``TargetDeadLetterQueue``: a standard SecureQueue for the events
      EventBridge cannot deliver (EventBridge accepts only a standard queue
      there), configured by ``target_dead_letter_queue_options``, unless one is
      passed in or ``target_dead_letter_queue_enabled=False``;
    - statements in both queues' policies allowing ``sqs:SendMessage`` to
      ``events.amazonaws.com`` from this rule (``aws:SourceArn``). For a queue
      with a customer-managed key the condition is ``aws:SourceAccount``
      (this account's rules). The target writes these itself: aws-cdk-lib's
      ``targets.SqsQueue`` leaves them unconditioned unless the app sets a
      feature flag;
    - for each queue with a customer-managed key of this app (the target and
      the target DLQ), the statement EventBridge documents in its key policy:
      ``kms:GenerateDataKey`` and ``kms:Decrypt`` to ``events.amazonaws.com``
      with no condition. AWS documents no ``aws:SourceArn``/``aws:SourceAccount``
      in EventBridge's KMS requests (for encrypted topics the SNS guide calls
      them "not supported"): a key grant conditioned on them would drop every
      event. The scope stays where AWS documents the keys: the queue policies
      above, which SQS checks before it uses the key.

    A FIFO queue without content-based deduplication gets a warning: the rule
    passes no deduplication id.

    Fair queues: a ``message_group_id`` on a *standard* queue makes it a fair
    queue (SQS, July 2025; EventBridge passes the id to fair and FIFO
    queues). It orders nothing: SQS uses the group as a tenant key, so a burst
    from one tenant does not hold back the messages of others (consumers see
    a lower dwell time for quiet tenants). Every event of this rule gets the
    same group: one rule per tenant, or per source, is one tenant.

    Rejected at synth: a FIFO queue without ``message_group_id``; a
    ``message_group_id`` over EventBridge's 100 characters (SQS allows 128);
    a FIFO or alias/aws/sqs target
    DLQ; a queue on alias/aws/sqs (EventBridge would drop every event); an
    empty event pattern; ``max_event_age`` outside 60 s..24 h;
    ``retry_attempts`` outside 0..185; ``queue_encryption_key`` for a queue
    of this account, or differing from the key the queue names.

    A queue of another account (same region) receives the events through an
    execution role of this account, ``TargetRole`` (EventBridge's
    cross-account delivery to a target). With a customer-managed key, AWS KMS
    lets the role use it only when both allow it: the key policy in the
    owner's account and an IAM policy in this one ("Neither the key policy
    nor the IAM policy alone is sufficient"). The role's IAM policy is written
    here (``queue_encryption_key`` or the key the queue names); the warning
    ``constructs_lib:Sources:QueueInOtherAccount`` tells what the owner must
    allow.

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
    :param queue_encryption_key: a queue of another account only: the
        customer-managed key it is encrypted with, when the imported queue does
        not name it (``Queue.from_queue_arn``). The target role gets
        ``kms:GenerateDataKey`` and ``kms:Decrypt`` on it (the IAM half; the
        owner's key policy must allow the role too). Default: the key the
        queue names, if any.
    :param event_pattern: which events match; at least one field.
    :param event_bus: default: the account's default event bus.
    :param message: input transformation. Default: the whole event as JSON.
    :param message_group_id: required for a FIFO queue; on a standard queue the
        fair-queue tenant of this rule's events. 1..100 characters. Default: none.
    :param rule_name: default: generated by CloudFormation.
    :param description: default: none.
    :param enabled: default True.
    :param max_event_age: default ``defaults.TARGET_MAX_EVENT_AGE`` (24 h).
    :param retry_attempts: default ``defaults.TARGET_RETRY_ATTEMPTS`` (185).
    :param target_dead_letter_queue_enabled: default
        ``defaults.TARGET_DEAD_LETTER_QUEUE_ENABLED`` (True).
    :param target_dead_letter_queue: an existing standard queue for that role.
    :param target_dead_letter_queue_options: the created DLQ's options (a
        standard queue, not on alias/aws/sqs). Default: SecureQueue's defaults.

    Attributes: ``queue`` (the ``sqs.IQueue``) and ``secure_queue`` (the
    SecureQueue passed in, else None); ``target_dead_letter_queue`` and
    ``target_dead_letter_secure_queue`` likewise; ``alarms`` (the created
    DLQ's); ``rule``; ``target_role`` (a queue of another account only).
    :raises ConstructOptionError: for any invalid option, all listed together.
    """

    DASHBOARD_KIND = "EventRuleToQueue"
    DASHBOARD_DESCRIPTION = (
        "An EventBridge rule sends matching events to the queue; events it cannot "
        "deliver after its retries go to the target DLQ."
    )

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        queue: AnyQueue,
        event_pattern: events.EventPattern,
        queue_encryption_key: kms.IKey | None = None,
        event_bus: events.IEventBus | None = None,
        message: events.RuleTargetInput | None = None,
        message_group_id: str | None = None,
        rule_name: str | None = None,
        description: str | None = None,
        enabled: bool = True,
        max_event_age: Duration = defaults.TARGET_MAX_EVENT_AGE,
        retry_attempts: int = defaults.TARGET_RETRY_ATTEMPTS,
        target_dead_letter_queue_enabled: bool = defaults.TARGET_DEAD_LETTER_QUEUE_ENABLED,
        target_dead_letter_queue: AnyQueue | None = None,
        target_dead_letter_queue_options: SecureQueueOptions | None = None,
    ) -> None:
        delivery = options_from(TargetDelivery, locals())
        super().__init__(scope, construct_id)
        adopt(self, scope, construct_id)
        register_pattern(self)  # counted in the stack's resource-quota check
        target = QueueRef(queue)
        location = target.location(self)
        self._validate(
            target, location, delivery, event_pattern, message_group_id, queue_encryption_key
        )
        self._warn_if_fifo_without_deduplication(target)
        self.queue: sqs.IQueue = target.queue
        self.secure_queue: SecureQueue | None = target.secure_queue
        self._dead_letter = delivery.dead_letter_queue(self)
        self.target_dead_letter_queue: sqs.IQueue | None = self._dead_letter.queue
        self.target_dead_letter_secure_queue: SecureQueue | None = self._dead_letter.secure_queue
        self.rule: events.Rule = events.Rule(
            self,
            "Rule",
            event_bus=event_bus,
            event_pattern=event_pattern,
            rule_name=rule_name,
            description=description,
            enabled=enabled,
        )
        #: the customer-managed key of a queue of another account, if known
        self._foreign_key = queue_encryption_key or target.queue.encryption_master_key
        self.target_role: iam.Role | None = (
            self._cross_account_role(target) if location.other_account else None
        )
        self.rule.add_target(
            _ScopedQueueRuleTarget(
                target.queue,
                message=message,
                message_group_id=message_group_id,
                dead_letter_queue=self.target_dead_letter_queue,
                max_event_age=max_event_age,
                retry_attempts=retry_attempts,
                role=self.target_role,
            )
        )
        self._grant_dead_letter_key(self._dead_letter.ref)
        self._warn_about_foreign_policies(target, location, self._dead_letter.ref)

    # --- the builders --------------------------------------------------------

    def _validate(
        self,
        target: QueueRef,
        location: QueueLocation,
        delivery: TargetDelivery,
        event_pattern: events.EventPattern,
        message_group_id: str | None,
        queue_encryption_key: kms.IKey | None,
    ) -> None:
        """Every rule of the options and their wiring: all problems, one error."""
        v = OptionValidator(self)
        v.extend(message_group_problems(EVENTBRIDGE, target.facts, message_group_id))
        reject_aws_managed_key(v, "queue", target.facts, EVENTBRIDGE.name)
        v.check(
            any(getattr(event_pattern, f) is not None for f in _PATTERN_FIELDS),
            "event_pattern",
            "EventPattern()",
            "must set at least one field (source, detail_type, detail, ...)",
            code=OptionCode.EVENTS_PATTERN_EMPTY,
        )
        v.extend(delivery.retry_problems())
        refuse_queue_location(v, "queue", target, location, other_region=EVENTBRIDGE.other_region)
        given = QueueRef.optional(delivery.target_dead_letter_queue)
        refuse_dead_letter_queue_location(v, self, EVENTBRIDGE, given)
        v.extend(delivery.dead_letter_problems(EVENTBRIDGE, given.facts if given else None))
        self._check_queue_key(v, target, location, queue_encryption_key)
        v.raise_if_any()

    def _warn_if_fifo_without_deduplication(self, target: QueueRef) -> None:
        facts = target.facts
        if facts.fifo and facts.content_based_deduplication is False:
            Annotations.of(self).add_warning_v2(
                "constructs_lib:EventRuleToQueue:FifoWithoutContentDeduplication",
                f"{facts.path} is a FIFO queue without content-based deduplication: "
                "an EventBridge rule passes a message group id but no deduplication id, "
                "so SQS may refuse its messages. Enable content_based_deduplication.",
            )

    def _grant_dead_letter_key(self, dead_letter_queue: QueueRef | None) -> None:
        # aws-cdk's SqsQueue target leaves the DLQ's key out, so EventBridge
        # could not dead-letter into it. No condition: see _ScopedQueueRuleTarget.
        if dead_letter_queue is not None:
            grant_service_key_use(dead_letter_queue, iam.ServicePrincipal(_EVENTS), {})

    def _warn_about_foreign_policies(
        self, target: QueueRef, location: QueueLocation, dead_letter_queue: QueueRef | None
    ) -> None:
        for ref in (target, dead_letter_queue):
            if ref is not None:
                warn_if_policy_unmanaged(self, ref, EVENTBRIDGE.name)
        if self.target_role is not None:
            role = path_of(self.target_role)
            warn_queue_in_other_account(
                self,
                target,
                location,
                f"sqs:SendMessage to the role {role} (EventBridge sends "
                "to another account's queue only as an execution role of the rule's account)",
                key_note=self._foreign_key_note(role, location),
            )
        if dead_letter_queue is not None:
            warn_queue_in_other_account(
                self,
                dead_letter_queue,
                dead_letter_queue.location(self),
                f"sqs:SendMessage to {_EVENTS} with aws:SourceArn = the ARN of the rule "
                f"{path_of(self.rule)}",
            )

    def _check_queue_key(
        self, v: OptionRules, target: QueueRef, location: QueueLocation, key: kms.IKey | None
    ) -> None:
        if key is None:
            return
        v.check(
            location.other_account,
            "queue_encryption_key",
            path_of(key),
            "applies to a queue of another account only (the key EventBridge's role there "
            "needs); a queue of this account is reached by events.amazonaws.com, whose use of "
            "the key its key policy grants",
            code=OptionCode.EVENTS_KEY_FOR_QUEUE_OF_THIS_ACCOUNT,
        )
        named = target.queue.encryption_master_key
        if (
            named is not None
            and not is_unresolved(named.key_arn)
            and not is_unresolved(key.key_arn)
        ):
            v.check(
                named.key_arn == key.key_arn,
                "queue_encryption_key",
                key.key_arn,
                f"differs from the key the queue names ({named.key_arn}); give one of them",
                code=OptionCode.EVENTS_KEY_DIFFERS_FROM_QUEUE_KEY,
            )

    def _foreign_key_note(self, role: str, location: QueueLocation) -> str:
        """The key's two halves, as AWS KMS needs them for a role of this account."""
        key = self._foreign_key
        actions = " and ".join(_KEY_ACTIONS)
        if key is None:
            return (
                "If the queue uses a customer-managed key, AWS KMS needs both halves: its key "
                f"policy (in account {location.account}) must allow the role {role} "
                f"{actions}, and an IAM policy in this account must grant the role the same: "
                "pass the key as queue_encryption_key and this construct writes that policy."
            )
        arn = key.key_arn
        owner = arn.split(":")[4] if not is_unresolved(arn) else location.account
        shown = arn if not is_unresolved(arn) else path_of(key)
        return (
            f"Its key {shown}: AWS KMS needs both halves. The key policy (in account {owner}) "
            f"must allow the role {role} {actions}; the IAM policy in this account that "
            "grants the role the same is written here."
        )

    def _cross_account_role(self, target: QueueRef) -> iam.Role:
        """EventBridge's execution role for a queue of another account (same region).

        Trusted by EventBridge for rules of this account only; the rule's own
        ARN cannot be named (the rule names the role: a cycle). Its policy
        allows sending to the queue and, for a queue with a customer-managed
        key, the key's two actions EventBridge needs (the IAM half of a
        cross-account key: the owner's key policy must allow the role too).
        """
        stack = Stack.of(self)
        role = iam.Role(
            self,
            "TargetRole",
            description=f"Lets EventBridge send {path_of(self)}'s events to another account",
            assumed_by=iam.ServicePrincipal(
                _EVENTS,
                conditions={
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    "ArnLike": {
                        "aws:SourceArn": stack.format_arn(
                            service="events", resource="rule", resource_name="*"
                        )
                    },
                },
            ),
        )
        role.add_to_principal_policy(
            iam.PolicyStatement(actions=_SEND_ACTIONS, resources=[target.queue.queue_arn])
        )
        if self._foreign_key is not None:
            role.add_to_principal_policy(
                iam.PolicyStatement(actions=_KEY_ACTIONS, resources=[self._foreign_key.key_arn])
            )
        return role


@jsii.implements(events.IRuleTarget)
class _ScopedQueueRuleTarget:
    """The rule's SQS target, with its statements scoped whatever the host app's flags.

    aws-cdk-lib's ``targets.SqsQueue`` lets ``events.amazonaws.com`` send to an
    encrypted queue with no condition at all (any rule of any account) unless
    the app sets ``@aws-cdk/aws-events:eventsTargetQueueSameAccount``. This
    target writes the queue statements that flag makes it write:
    ``aws:SourceArn`` = the rule for a queue without a customer key,
    ``aws:SourceAccount`` for one with a key, and the DLQ statement. The key
    grant is not the flag's (it copies the queue's condition into the key
    policy, and AWS documents no source keys in EventBridge's KMS requests):
    it is EventBridge's documented statement, ``kms:GenerateDataKey`` and
    ``kms:Decrypt`` without a condition (EventBridge User Guide,
    "Troubleshooting": "My events are not delivered to the target Amazon SQS
    queue").
    """

    def __init__(
        self,
        queue: sqs.IQueue,
        *,
        message: events.RuleTargetInput | None,
        message_group_id: str | None,
        dead_letter_queue: sqs.IQueue | None,
        max_event_age: Duration,
        retry_attempts: int,
        role: iam.IRole | None,
    ) -> None:
        self._role = role
        self._queue = queue
        self._message = message
        self._message_group_id = message_group_id
        self._dead_letter_queue = dead_letter_queue
        self._max_event_age = max_event_age
        self._retry_attempts = retry_attempts

    def bind(self, rule: IRuleRef, id: str | None = None) -> events.RuleTargetConfig:
        # IRuleTarget.bind's signature; the target needs no id of its own.
        del id
        queue = self._queue
        rule_arn = events.CfnRule.arn_for_rule(rule)
        conditions: dict[str, object] = (
            {"StringEquals": {"aws:SourceAccount": rule.env.account}}
            if queue.encryption_master_key is not None
            else {"ArnEquals": {"aws:SourceArn": rule_arn}}
        )
        if self._role is None:  # else a queue of another account: its owner's policies
            queue.add_to_resource_policy(
                iam.PolicyStatement(
                    actions=_SEND_ACTIONS,
                    principals=[iam.ServicePrincipal(_EVENTS)],
                    resources=[queue.queue_arn],
                    conditions=conditions,
                )
            )
            key = queue.encryption_master_key
            if key is not None:  # an imported key ignores it (warned for the queue)
                key.add_to_resource_policy(_eventbridge_key_statement())
        dlq = self._dead_letter_queue
        if dlq is not None and not differs(dlq.env.account, rule.env.account):
            dlq.add_to_resource_policy(
                iam.PolicyStatement(
                    sid=f"AllowEventRule{Names.node_unique_id(rule.node)}",
                    principals=[iam.ServicePrincipal(_EVENTS)],
                    actions=["sqs:SendMessage"],
                    resources=[dlq.queue_arn],
                    conditions={"ArnEquals": {"aws:SourceArn": rule_arn}},
                )
            )
        return events.RuleTargetConfig(
            arn=queue.queue_arn,
            input=self._message,
            # Without a target resource aws-cdk-lib's Rule does not try to build
            # its cross-account event-bus relay (which fails for an imported
            # queue): the role delivers directly, as EventBridge allows since 2025.
            target_resource=queue if self._role is None else None,
            role=self._role,
            sqs_parameters=(
                events.CfnRule.SqsParametersProperty(message_group_id=self._message_group_id)
                if self._message_group_id is not None
                else None
            ),
            dead_letter_config=(
                events.CfnRule.DeadLetterConfigProperty(arn=dlq.queue_arn)
                if dlq is not None
                else None
            ),
            retry_policy=events.CfnRule.RetryPolicyProperty(
                maximum_retry_attempts=self._retry_attempts,
                maximum_event_age_in_seconds=self._max_event_age.to_seconds(integral=True),
            ),
        )
