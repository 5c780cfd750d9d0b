"""`TopicFanout`: one SNS topic delivering to several queues, each with its filter."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aws_cdk import ArnFormat, Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk.region_info import RegionInfo
from constructs import Construct

from constructs_lib import defaults
from constructs_lib._deprecation import aliases
from constructs_lib._monitoring import PatternView, dead_letter_views, queue_view
from constructs_lib._queue_facts import QueueFacts
from constructs_lib._queues import AnyQueue, DeadLetterQueueRef, QueueRef
from constructs_lib._sources import (
    grant_service_key_use,
    refuse_queue_location,
    reject_aws_managed_key,
    reject_aws_managed_key_option,
    warn_if_policy_unmanaged,
    warn_queue_in_other_account,
)
from constructs_lib._tree import adopt, env_of, is_unresolved, path_of, stack_of
from constructs_lib._validation import OptionRules, OptionValidator
from constructs_lib.option_codes import OptionCode
from constructs_lib.secure_queue import SecureQueue, SecureQueueOptions
from constructs_lib.services.sns import SNS
from constructs_lib.stack_limits import register_pattern

_FIFO_SUFFIX = ".fifo"
#: Ids the TopicFanout gives its own children: a subscription must not take one.
_OWN_CHILD_IDS = ("Topic", "TopicKey", "SubscriptionDeadLetterQueue")
#: SNS topic names: 1-256 of these characters (a FIFO name plus '.fifo').
_TOPIC_NAME_CHARS = re.compile(r"[A-Za-z0-9_-]+")
_TOPIC_NAME_MAX_LENGTH = 256
_SNS = "SNS"
_DLQ_WITH_SUBSCRIPTION = (
    "SNS needs a subscription's dead-letter queue in the same account and Region as "
    "the subscription, which is the topic's"
)
_DLQ_OPTIONS = "subscription_dead_letter_queue_options"


@dataclass(frozen=True)
class FanoutSubscription:
    """One subscribed queue of a `TopicFanout`.

    :param id: construct id of the subscription (part of the contract: the
        subscription is ``<TopicFanout>/<id>``).
    :param queue: a SecureQueue or any ``sqs.IQueue``; FIFO exactly when the
        topic is FIFO; never on alias/aws/sqs.
    :param filter_policy: message-attribute filter (``FilterPolicyScope``
        ``MessageAttributes``). Default: none, every message.
    :param filter_policy_with_message_body: message-body filter
        (``FilterPolicyScope`` ``MessageBody``). Only one of the two.
    :param raw_message_delivery: default ``defaults.RAW_MESSAGE_DELIVERY``
        (True): the queue receives the published body, not the SNS envelope.
    """

    id: str
    queue: AnyQueue
    filter_policy: Mapping[str, sns.SubscriptionFilter] | None = None
    filter_policy_with_message_body: Mapping[str, sns.FilterOrPolicy] | None = None
    raw_message_delivery: bool = defaults.RAW_MESSAGE_DELIVERY


class TopicFanout(Construct):
    """An SNS topic fanning out to several queues, each with its own filter policy.

    What it creates (child ids are part of the contract):

    - ``Topic``: an SNS topic (standard, or FIFO with ``fifo=True``), encrypted
      with ``TopicKey`` (a new rotating customer-managed key) unless
      ``topic_encryption_key`` is given, with a topic policy denying publishes
      made without TLS. Not created when ``topic`` is passed in: an existing
      topic keeps its owner's encryption and policy.
    - one ``AWS::SNS::Subscription`` per `FanoutSubscription`, under the id given,
      raw delivery on by default, with its filter policy;
    - a statement in each queue's policy allowing ``sqs:SendMessage`` to
      ``sns.amazonaws.com`` only from this topic (``aws:SourceArn``), and, for
      a queue with a customer-managed key, a statement in that key's policy
      letting SNS use it, scoped to the topic the same way (written here, not
      by aws-cdk-lib's ``SqsSubscription``, whose key statement depends on a
      feature flag of the host app);
    - ``SubscriptionDeadLetterQueue``: a SecureQueue (FIFO for a FIFO topic)
      receiving the messages SNS cannot deliver to any of the queues,
      configured by ``subscription_dead_letter_queue_options``, unless one is
      passed in or ``subscription_dead_letter_queue_enabled=False``.

    Rejected at synth: a standard queue on a FIFO topic and a FIFO queue on a
    standard topic (per-group ordering must hold end to end); a queue or
    subscription DLQ on alias/aws/sqs (SNS would drop every message); both
    filter scopes on one subscription; duplicate subscription ids; topic
    options given together with an existing ``topic``.

    Example::

        orders = TopicFanout(
            self, "Orders",
            queues=[
                FanoutSubscription(
                    id="Billing", queue=billing,
                    filter_policy={"type": sns.SubscriptionFilter.string_filter(
                        allowlist=["order_placed"])},
                ),
                FanoutSubscription(id="Analytics", queue=analytics),
            ],
        )
        orders.topic.grant_publish(order_service_role)

    :param queues: the subscribed queues; more with `add_queue`.
    :param topic: an existing topic instead of a created one. Default: create.
    :param fifo: created topic only; FIFO topic. Default False.
    :param topic_name: created topic only. Default: generated.
    :param content_based_deduplication: created FIFO topic only. Default False.
    :param topic_encryption_key: created topic only. Default: a new rotating
        key ``TopicKey`` (SNS SSE needs a KMS key; a customer-managed one lets
        other services and accounts be granted publish later).
    :param subscription_dead_letter_queue_enabled: default
        ``defaults.SUBSCRIPTION_DEAD_LETTER_QUEUE_ENABLED`` (True).
    :param subscription_dead_letter_queue: an existing queue for that role.
    :param subscription_dead_letter_queue_options: the created DLQ's options
        (of the topic's type, not on alias/aws/sqs). Default: SecureQueue's
        defaults, FIFO for a FIFO topic.

    Attributes: ``topic``, ``topic_encryption_key``, ``subscriptions`` (by id),
    ``subscription_dead_letter_queue`` (an ``sqs.IQueue``) with
    ``subscription_dead_letter_secure_queue`` (its SecureQueue, if it is one),
    ``alarms`` (the created DLQ's), ``fifo``.
    :raises ConstructOptionError: for any invalid option, all listed together.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        queues: Sequence[FanoutSubscription] = (),
        topic: sns.ITopic | None = None,
        fifo: bool = False,
        topic_name: str | None = None,
        content_based_deduplication: bool = False,
        topic_encryption_key: kms.IKey | None = None,
        subscription_dead_letter_queue_enabled: bool = (
            defaults.SUBSCRIPTION_DEAD_LETTER_QUEUE_ENABLED
        ),
        subscription_dead_letter_queue: AnyQueue | None = None,
        subscription_dead_letter_queue_options: SecureQueueOptions | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        adopt(self, scope, construct_id)
        register_pattern(self)  # counted in the stack's resource-quota check
        self.fifo: bool = bool(topic.fifo) if topic is not None else fifo
        given_dlq = QueueRef.optional(subscription_dead_letter_queue)
        v = OptionValidator(self)
        _check_topic_options(
            v,
            topic=topic,
            fifo=fifo,
            topic_name=topic_name,
            content_based_deduplication=content_based_deduplication,
            topic_encryption_key=topic_encryption_key,
        )
        self._check_dead_letter_queue(
            v,
            subscription_dead_letter_queue_enabled,
            given_dlq,
            subscription_dead_letter_queue_options,
        )
        self._check_specs(v, queues)
        v.raise_if_any()

        self.topic_encryption_key: kms.IKey | None = None
        self.topic: sns.ITopic = topic or self._create_topic(
            topic_name, content_based_deduplication, topic_encryption_key
        )
        self._dead_letter = (
            DeadLetterQueueRef(given_dlq)
            if given_dlq is not None
            else self._create_dead_letter_queue(
                subscription_dead_letter_queue_enabled, subscription_dead_letter_queue_options
            )
        )
        self.subscription_dead_letter_queue: sqs.IQueue | None = self._dead_letter.queue
        self.subscription_dead_letter_secure_queue: SecureQueue | None = (
            self._dead_letter.secure_queue
        )
        if self._dead_letter.ref is not None:
            self._let_sns_dead_letter(self._dead_letter.ref)

        self.subscriptions: dict[str, sns.Subscription] = {}
        self._subscribed: dict[str, QueueRef] = {}
        for spec in queues:
            self._subscribe(spec)

    @property
    def alarms(self) -> list[cloudwatch.Alarm]:
        """The alarms this construct created: its created subscription DLQ's."""
        return self._dead_letter.alarms

    def dashboard_view(self, period: Duration) -> PatternView:
        """The subscribed queues and the subscription DLQ (`PatternDashboard`)."""
        return PatternView(
            kind="TopicFanout",
            path=path_of(self),
            description=f"One SNS topic delivers to {len(self._subscribed)} queue(s), each "
            "with its filter; what SNS cannot deliver goes to the subscription DLQ.",
            queues=tuple(queue_view(ref, "subscribed queue") for ref in self._subscribed.values()),
            dead_letter_queues=dead_letter_views(
                "subscription DLQ", self.subscription_dead_letter_queue
            ),
            alarms=tuple(self.alarms),
        )

    def add_queue(self, spec: FanoutSubscription) -> sns.Subscription:
        """Subscribes one more queue; raises ConstructOptionError if it cannot be."""
        v = OptionValidator(self)
        self._check_specs(v, [spec], "spec")
        v.raise_if_any()
        return self._subscribe(spec)

    # --- the builders --------------------------------------------------------

    def _create_topic(
        self,
        topic_name: str | None,
        content_based_deduplication: bool,
        topic_encryption_key: kms.IKey | None,
    ) -> sns.Topic:
        self.topic_encryption_key = topic_encryption_key or kms.Key(
            self,
            "TopicKey",
            description=f"Encrypts the messages of {path_of(self)}/Topic",
            enable_key_rotation=True,
        )
        return sns.Topic(
            self,
            "Topic",
            topic_name=topic_name,
            fifo=self.fifo or None,
            content_based_deduplication=content_based_deduplication or None,
            master_key=self.topic_encryption_key,
            enforce_ssl=True,
        )

    def _create_dead_letter_queue(
        self, enabled: bool, options: SecureQueueOptions | None
    ) -> DeadLetterQueueRef:
        if not enabled:
            return DeadLetterQueueRef()
        options = options or SecureQueueOptions(fifo=self.fifo)
        created = options.create(self, "SubscriptionDeadLetterQueue")
        return DeadLetterQueueRef(QueueRef(created), created=True)

    def _let_sns_dead_letter(self, dead_letter_queue: QueueRef) -> None:
        # The Subscription L2 writes the DLQ's queue policy but not its key
        # policy: SNS must also be able to encrypt into a customer key.
        grant_service_key_use(
            dead_letter_queue,
            iam.ServicePrincipal(SNS.principal),
            {"ArnEquals": {"aws:SourceArn": self.topic.topic_arn}},
        )
        warn_if_policy_unmanaged(self, dead_letter_queue, _SNS)

    def _subscribe(self, spec: FanoutSubscription) -> sns.Subscription:
        target = QueueRef(spec.queue)
        queue = target.queue
        # The statements are written here rather than by aws-cdk-lib's
        # SqsSubscription: its key statement has no condition at all unless the
        # host app sets @aws-cdk/aws-sns-subscriptions:restrictSqsDescryption, so
        # any topic of any account could use the queue's key.
        principal = _sns_principal(self.topic, queue)
        from_this_topic: dict[str, object] = {"ArnEquals": {"aws:SourceArn": self.topic.topic_arn}}
        queue_policy = queue.add_to_resource_policy(
            iam.PolicyStatement(
                actions=["sqs:SendMessage"],
                principals=[principal],
                resources=[queue.queue_arn],
                conditions=from_this_topic,
            )
        )
        grant_service_key_use(target, principal, from_this_topic)
        if isinstance(self.topic, sns.Topic) and stack_of(self.topic) is not stack_of(queue):
            stack_of(queue).add_dependency(stack_of(self.topic))
        subscription = sns.Subscription(
            self,
            spec.id,
            topic=self.topic,
            endpoint=queue.queue_arn,
            protocol=sns.SubscriptionProtocol.SQS,
            raw_message_delivery=spec.raw_message_delivery,
            filter_policy=spec.filter_policy,
            filter_policy_with_message_body=spec.filter_policy_with_message_body,
            region=_subscription_region(self.topic, queue),
            dead_letter_queue=self.subscription_dead_letter_queue,
        )
        # SNS checks its permissions only when it delivers: the queue policy
        # must exist before the subscription.
        if queue_policy.policy_dependable is not None:
            subscription.node.add_dependency(queue_policy.policy_dependable)
        self._warn_about_foreign_policies(target, subscription)
        self.subscriptions[spec.id] = subscription
        self._subscribed[spec.id] = target
        return subscription

    def _warn_about_foreign_policies(
        self, target: QueueRef, subscription: sns.Subscription
    ) -> None:
        warn_if_policy_unmanaged(self, target, f"{_SNS} ({path_of(self)})")
        warn_queue_in_other_account(
            self,
            target,
            target.location(self),
            lambda: (
                "sqs:SendMessage to sns.amazonaws.com with aws:SourceArn = the ARN of the topic "
                f"{path_of(self.topic)}, and confirm the subscription {path_of(subscription)}: "
                "SNS sends a SubscriptionConfirmation message into the queue and delivers "
                "nothing until it is confirmed"
            ),
        )

    # --- the rules -----------------------------------------------------------

    def _check_dead_letter_queue(
        self,
        v: OptionRules,
        enabled: bool,
        given: QueueRef | None,
        options: SecureQueueOptions | None,
    ) -> None:
        created = v.dead_letter_queue_options(
            "subscription_dead_letter_queue",
            enabled,
            given,
            options,
            disabled=OptionCode.SNS_SUBSCRIPTION_DLQ_DISABLED_BUT_CONFIGURED,
            options_with_given=OptionCode.SNS_SUBSCRIPTION_DLQ_OPTIONS_WITH_GIVEN_DLQ,
        )
        if given is not None:
            self._check_queue(v, "subscription_dead_letter_queue", given.facts)
            refuse_queue_location(
                v,
                "subscription_dead_letter_queue",
                given,
                given.location(self),
                other_account=_DLQ_WITH_SUBSCRIPTION,
                other_region=_DLQ_WITH_SUBSCRIPTION,
            )
        if created and options is not None:
            v.extend(options.problems(), prefix=_DLQ_OPTIONS)
            v.check(
                options.fifo == self.fifo,
                f"{_DLQ_OPTIONS}.fifo",
                options.fifo,
                self._type_rule,
                code=OptionCode.SNS_QUEUE_TYPE_MISMATCH,
            )
            reject_aws_managed_key_option(v, _DLQ_OPTIONS, options, _SNS)

    def _check_specs(
        self, v: OptionRules, specs: Sequence[FanoutSubscription], option_name: str = "queues"
    ) -> None:
        seen: set[str] = set()
        for i, spec in enumerate(specs):
            option = f"{option_name}[{i}]" if option_name == "queues" else option_name
            v.check(
                spec.id not in seen
                and spec.id not in _OWN_CHILD_IDS
                and self.node.try_find_child(spec.id) is None,
                f"{option}.id",
                spec.id,
                "must be unique within the TopicFanout and not one of the ids of its "
                f"own children ({', '.join(_OWN_CHILD_IDS)})",
                code=OptionCode.SNS_SUBSCRIPTION_ID_NOT_UNIQUE,
            )
            seen.add(spec.id)
            self._check_queue(v, f"{option}.queue", QueueRef(spec.queue).facts)
            v.check(
                spec.filter_policy is None or spec.filter_policy_with_message_body is None,
                f"{option}.filter_policy_with_message_body",
                "both filters given",
                "a subscription has one filter scope: give filter_policy "
                "(message attributes) or filter_policy_with_message_body, not both",
                code=OptionCode.SNS_TWO_FILTER_SCOPES,
            )

    def _check_queue(self, v: OptionRules, option: str, queue: QueueFacts) -> None:
        v.check(
            queue.fifo == self.fifo,
            option,
            queue.path,
            self._type_rule,
            code=OptionCode.SNS_QUEUE_TYPE_MISMATCH,
        )
        reject_aws_managed_key(v, option, queue, _SNS)

    @property
    def _type_rule(self) -> str:
        kind = "FIFO" if self.fifo else "standard"
        return (
            f"must be a {kind} queue like the {kind} topic: a FIFO topic keeps "
            "per-group order only into FIFO queues, and a standard topic cannot "
            "deliver to a FIFO queue"
        )


def _check_topic_options(
    v: OptionRules,
    *,
    topic: sns.ITopic | None,
    fifo: bool,
    topic_name: str | None,
    content_based_deduplication: bool,
    topic_encryption_key: kms.IKey | None,
) -> None:
    v.only_when_created(
        "topic",
        topic,
        resource="topic",
        options=[
            ("fifo", fifo, False),
            ("topic_name", topic_name, None),
            ("content_based_deduplication", content_based_deduplication, False),
            ("topic_encryption_key", topic_encryption_key, None),
        ],
        code=OptionCode.SNS_TOPIC_OPTIONS_WITH_GIVEN_TOPIC,
    )
    if topic is not None:
        return
    v.fifo_only(
        "content_based_deduplication",
        content_based_deduplication,
        fifo=fifo,
        remedy=": set fifo=True or leave it False",
        code=OptionCode.SNS_CONTENT_DEDUPLICATION_FIFO_ONLY,
    )
    if topic_name is not None and not is_unresolved(topic_name):
        v.check(
            topic_name.endswith(_FIFO_SUFFIX) == fifo,
            "topic_name",
            topic_name,
            "a FIFO topic's name must end in '.fifo', and only a FIFO topic's may",
            code=OptionCode.SNS_TOPIC_NAME_FIFO_SUFFIX,
        )
        base = topic_name.removesuffix(_FIFO_SUFFIX) if fifo else topic_name
        v.check(
            # fullmatch: with re.match, '$' also matches before a trailing newline.
            _TOPIC_NAME_CHARS.fullmatch(base) is not None
            and len(topic_name) <= _TOPIC_NAME_MAX_LENGTH,
            "topic_name",
            topic_name,
            f"must be 1 to {_TOPIC_NAME_MAX_LENGTH} letters, digits, '-' and '_' "
            "(plus '.fifo' for a FIFO topic)",
            code=OptionCode.SNS_TOPIC_NAME_INVALID,
        )


def _sns_principal(topic: sns.ITopic, queue: sqs.IQueue) -> iam.IPrincipal:
    """SNS's principal for delivering to ``queue`` (as aws-cdk-lib chooses it).

    Across regions, an opt-in region's SNS has a regional principal
    (``sns.<region>.amazonaws.com``): the subscriber's if it is opt-in, else the
    topic's if that is.
    """
    topic_region = _region_of(topic)
    _, queue_region = env_of(queue)
    if topic_region is None or topic_region == queue_region or is_unresolved(queue_region):
        return iam.ServicePrincipal(SNS.principal)
    for region in (queue_region, topic_region):
        if RegionInfo.get(region).is_opt_in_region:
            return iam.ServicePrincipal.from_static_service_principle_name(
                SNS.regional_principal(region)
            )
    return iam.ServicePrincipal(SNS.principal)


def _region_of(topic: sns.ITopic) -> str | None:
    region: str | None = None
    if isinstance(topic, sns.Topic):
        _, region = env_of(topic)
    elif not is_unresolved(topic.topic_arn):
        region = stack_of(topic).split_arn(topic.topic_arn, ArnFormat.SLASH_RESOURCE_NAME).region
    return None if region is None or is_unresolved(region) else region


def _subscription_region(topic: sns.ITopic, queue: sqs.IQueue) -> str | None:
    """The topic's region for a cross-region subscription (as aws-cdk-lib sets it)."""
    if not isinstance(topic, sns.Topic):
        return stack_of(topic).split_arn(topic.topic_arn, ArnFormat.SLASH_RESOURCE_NAME).region
    _, region = env_of(topic)
    if stack_of(topic) is stack_of(queue) or is_unresolved(region) or region == env_of(queue)[1]:
        return None
    return region


__all__ = ["FanoutSubscription", "TopicFanout"]

#: ``FanoutQueue``, its name until issue 22 (it is a subscription, not a queue):
#: a deprecated alias.
if TYPE_CHECKING:
    FanoutQueue = FanoutSubscription
__getattr__ = aliases(__name__, {"FanoutQueue": "constructs_lib.topic_fanout:FanoutSubscription"})
