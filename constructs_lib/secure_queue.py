"""`SecureQueue`: an SQS queue with a dead-letter queue, encryption and alarms.

Every other pattern of the library composes this construct, so its defaults
are the library's defaults: SSE-SQS stated explicitly, TLS-only policies on
both queues, a DLQ of the same type, long polling, and two alarms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from aws_cdk import Acknowledgment, Annotations, Duration, Token, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from constructs_lib import _aws, defaults
from constructs_lib._alarm_topics import check_notification_topic, topic_region_problems
from constructs_lib._alarms import alarm_above, notify
from constructs_lib._metrics import QueueMetrics
from constructs_lib._queue_facts import QueueFacts
from constructs_lib._tree import adopt, is_unresolved, path_of, stack_of
from constructs_lib._validation import (
    OptionRules,
    human_string_of,
    number,
    options_from,
    raise_problems,
    seconds_of,
    shown,
)
from constructs_lib.errors import OptionProblem
from constructs_lib.option_codes import OptionCode
from constructs_lib.stack_limits import register_pattern

_QUEUE_NAME_CHARS = re.compile(r"[A-Za-z0-9_-]+")
_FIFO_SUFFIX = ".fifo"
_DLQ_NAME_SUFFIX = "-dlq"
_FIFO_ONLY = ": set fifo=True or leave it False"


@dataclass(frozen=True)
class SecureQueueOptions:
    """Every option of a `SecureQueue`, as one value; the defaults are SecureQueue's.

    ``SecureQueue(scope, id, **kwargs)`` validates its keyword arguments as
    this object. The producers take it for the dead-letter queues they create
    (``target_dead_letter_queue_options`` of `EventRuleToQueue` and
    `ScheduleToQueue`, ``subscription_dead_letter_queue_options`` of
    `TopicFanout`), so such a DLQ is configured like any SecureQueue.
    ``problems()`` is SecureQueue's rule table: it needs no Stack.

    Example::

        EventRuleToQueue(
            self, "OrderEvents", queue=orders, event_pattern=pattern,
            target_dead_letter_queue_options=SecureQueueOptions(
                alarm_topic=ops.topic, max_receive_count=3
            ),
        )
    """

    fifo: bool = False
    queue_name: str | None = None
    content_based_deduplication: bool = False
    high_throughput_fifo: bool = False
    visibility_timeout: Duration = defaults.VISIBILITY_TIMEOUT
    retention_period: Duration = defaults.RETENTION_PERIOD
    delivery_delay: Duration = defaults.DELIVERY_DELAY
    receive_message_wait_time: Duration = defaults.RECEIVE_MESSAGE_WAIT_TIME
    max_message_size_bytes: int = defaults.MAX_MESSAGE_SIZE_BYTES
    dead_letter_queue_enabled: bool = True
    dead_letter_queue: sqs.IQueue | None = None
    max_receive_count: int = defaults.MAX_RECEIVE_COUNT
    encryption: sqs.QueueEncryption | None = None
    queue_encryption_key: kms.IKey | None = None
    alarm_topic: sns.ITopic | None = None
    oldest_message_age_alarm_threshold: Duration = defaults.OLDEST_MESSAGE_AGE_ALARM_THRESHOLD

    @property
    def resolved_encryption(self) -> sqs.QueueEncryption:
        """``encryption``, or its default: KMS when a key is given, else SQS_MANAGED."""
        if self.encryption is not None:
            return self.encryption
        if self.queue_encryption_key is not None:
            return sqs.QueueEncryption.KMS
        return sqs.QueueEncryption.SQS_MANAGED

    @property
    def creates_dead_letter_queue(self) -> bool:
        return self.dead_letter_queue is None and self.dead_letter_queue_enabled

    def create(self, scope: Construct, construct_id: str) -> SecureQueue:
        """A SecureQueue with these options."""
        return SecureQueue(
            scope, construct_id, **{f.name: getattr(self, f.name) for f in fields(self)}
        )

    def problems(self) -> list[OptionProblem]:
        """Every rule of a SecureQueue's options, in the order they are reported."""
        v = OptionRules()
        check_notification_topic(v, "alarm_topic", self.alarm_topic)
        self._check_ranges(v)
        self._check_age_alarm(v)
        v.fifo_only(
            "content_based_deduplication",
            self.content_based_deduplication,
            fifo=self.fifo,
            remedy=_FIFO_ONLY,
            code=OptionCode.SQS_CONTENT_DEDUPLICATION_FIFO_ONLY,
        )
        v.fifo_only(
            "high_throughput_fifo",
            self.high_throughput_fifo,
            fifo=self.fifo,
            remedy=_FIFO_ONLY,
            code=OptionCode.SQS_HIGH_THROUGHPUT_FIFO_ONLY,
        )
        if self.queue_name is not None and not is_unresolved(self.queue_name):
            _check_queue_name(
                v, self.queue_name, self.fifo, names_dlq=self.creates_dead_letter_queue
            )
        self._check_dead_letter_queue(v)
        self._check_encryption(v)
        return v.problems

    def _check_ranges(self, v: OptionRules) -> None:
        v.int_range(
            "max_receive_count",
            self.max_receive_count,
            *_aws.SQS_MAX_RECEIVE_COUNT_RANGE,
            code=OptionCode.SQS_MAX_RECEIVE_COUNT_OUT_OF_RANGE,
        )
        for option, low_high, code in (
            (
                "visibility_timeout",
                _aws.SQS_VISIBILITY_TIMEOUT_RANGE_SECONDS,
                OptionCode.SQS_VISIBILITY_TIMEOUT_OUT_OF_RANGE,
            ),
            (
                "retention_period",
                _aws.SQS_RETENTION_PERIOD_RANGE_SECONDS,
                OptionCode.SQS_RETENTION_PERIOD_OUT_OF_RANGE,
            ),
            (
                "delivery_delay",
                _aws.SQS_DELIVERY_DELAY_RANGE_SECONDS,
                OptionCode.SQS_DELIVERY_DELAY_OUT_OF_RANGE,
            ),
            (
                "receive_message_wait_time",
                _aws.SQS_RECEIVE_WAIT_TIME_RANGE_SECONDS,
                OptionCode.SQS_RECEIVE_WAIT_TIME_OUT_OF_RANGE,
            ),
        ):
            v.duration_range(option, getattr(self, option), *low_high, code=code)
        v.int_range(
            "max_message_size_bytes",
            self.max_message_size_bytes,
            *_aws.SQS_MESSAGE_SIZE_RANGE_BYTES,
            code=OptionCode.SQS_MAX_MESSAGE_SIZE_OUT_OF_RANGE,
        )

    def _check_age_alarm(self, v: OptionRules) -> None:
        option = "oldest_message_age_alarm_threshold"
        threshold = seconds_of(self.oldest_message_age_alarm_threshold)
        retention = seconds_of(self.retention_period)
        if not v.whole_seconds(option, self.oldest_message_age_alarm_threshold):
            threshold = None  # reported once; the rules below would repeat it
        v.positive_seconds(option, threshold, code=OptionCode.SQS_AGE_ALARM_THRESHOLD_NOT_POSITIVE)
        # SQS deletes a message when its retention period ends, so the age of
        # the oldest message never exceeds it: such an alarm could never fire.
        v.check(
            threshold is None or retention is None or threshold < retention,
            option,
            f"{number(threshold)} seconds" if threshold is not None else None,
            f"must be shorter than retention_period ({number(retention)} seconds), "
            "or the alarm can never fire"
            if retention is not None
            else "",
            code=OptionCode.SQS_AGE_ALARM_THRESHOLD_NOT_BELOW_RETENTION,
        )

    def _check_dead_letter_queue(self, v: OptionRules) -> None:
        dlq = self.dead_letter_queue
        v.requires_enabled(
            "dead_letter_queue_enabled",
            self.dead_letter_queue_enabled,
            given_option="dead_letter_queue",
            given=dlq,
            code=OptionCode.SQS_DLQ_GIVEN_BUT_DISABLED,
        )
        if dlq is None:
            return
        hint = (
            # An imported queue whose ARN is a token reports fifo=False
            # unless its import declares otherwise.
            "; declare an imported FIFO queue with sqs.Queue.from_queue_attributes(..., fifo=True)"
            if self.fifo and is_unresolved(dlq.queue_arn)
            else ""
        )
        v.check(
            dlq.fifo == self.fifo,
            "dead_letter_queue",
            path_of(dlq),
            f"must be a {'FIFO' if self.fifo else 'standard'} queue like its source "
            f"(SQS rejects a redrive policy across queue types){hint}",
            code=OptionCode.SQS_DLQ_TYPE_MISMATCH,
        )

    def _check_encryption(self, v: OptionRules) -> None:
        encryption = self.resolved_encryption
        v.check(
            encryption != sqs.QueueEncryption.UNENCRYPTED,
            "encryption",
            "UNENCRYPTED",
            "must be SQS_MANAGED (default), KMS or KMS_MANAGED: SecureQueue "
            "never stores messages unencrypted",
            code=OptionCode.SQS_UNENCRYPTED_REFUSED,
        )
        v.check(
            self.queue_encryption_key is None or encryption == sqs.QueueEncryption.KMS,
            "queue_encryption_key",
            shown(self.queue_encryption_key),
            f"is used only with encryption=KMS, not {encryption.name}",
            code=OptionCode.SQS_KEY_WITHOUT_KMS_ENCRYPTION,
        )


class SecureQueue(Construct):
    """An SQS queue that is encrypted, TLS-only and backed by a dead-letter queue.

    What it creates (child ids are part of the contract: renaming one would
    replace the resource in a deployed account):

    - ``Queue``: the main queue, standard or FIFO, with a redrive policy that
      moves a message to the DLQ after ``max_receive_count`` receives;
    - ``DeadLetterQueue``: a queue of the same type, retention 14 days, unless
      one is passed in or ``dead_letter_queue_enabled=False``;
    - ``Key``: a customer-managed KMS key with rotation on, only when
      ``encryption=sqs.QueueEncryption.KMS`` and no key is passed in;
    - a queue policy on each queue denying any request made without TLS;
    - ``DeadLetterQueueAlarm`` (the DLQ holds messages) and
      ``OldestMessageAgeAlarm`` (the main queue's oldest message is older than
      ``oldest_message_age_alarm_threshold``), both sending to ``alarm_topic``
      when one is given; a topic of this app then gets a topic-policy statement
      (and, when encrypted, a key-policy statement) letting this account's
      alarms publish, scoped by ``aws:SourceArn``/``aws:SourceAccount``; an
      imported topic gets a warning saying what its owner must allow.

    Encryption: SSE-SQS (AWS-owned keys) by default, written explicitly into
    the template. ``sqs.QueueEncryption.KMS`` uses ``queue_encryption_key`` or a
    new rotating key; the DLQ is encrypted the same way. The AWS-managed key
    ``alias/aws/sqs`` (``sqs.QueueEncryption.KMS_MANAGED``) is accepted, but
    SNS, S3 and EventBridge cannot use it: the library's producer constructs
    reject such a queue. ``UNENCRYPTED`` is refused.

    Redrive-allow policy: when the main queue has an explicit ``queue_name``,
    the created DLQ admits only that queue (``byQueue``, the ARN built from the
    name). Without a name the source ARN is only known through ``Fn::GetAtt``,
    and naming it in the DLQ while the source's redrive policy names the DLQ
    would be a dependency cycle that CloudFormation refuses; SQS's default
    (``allowAll``, any queue of the same account and region) then applies.

    Example::

        orders = SecureQueue(self, "Orders", visibility_timeout=Duration.minutes(2))
        payments = SecureQueue(
            self, "Payments", fifo=True, content_based_deduplication=True,
            encryption=sqs.QueueEncryption.KMS,
        )
        orders.queue.grant_send_messages(producer_role)

    :param fifo: FIFO queue (and FIFO DLQ). Default: standard.
    :param queue_name: explicit physical name; a FIFO name must end in ``.fifo``.
        The created DLQ is then named ``<name>-dlq`` (``<name>-dlq.fifo``), so
        the name may have at most 76 characters; with a passed-in DLQ or none,
        SQS's 80. Default: generated by CloudFormation.
    :param content_based_deduplication: FIFO only; dedup id = SHA-256 of the body.
    :param high_throughput_fifo: FIFO only; deduplication scope and throughput
        limit per message group id.
    :param visibility_timeout: default ``defaults.VISIBILITY_TIMEOUT`` (30 s); 0..12 h.
    :param retention_period: default ``defaults.RETENTION_PERIOD`` (4 days); 60 s..14 d.
    :param delivery_delay: default ``defaults.DELIVERY_DELAY`` (0); 0..15 min.
    :param receive_message_wait_time: long polling, default
        ``defaults.RECEIVE_MESSAGE_WAIT_TIME`` (20 s); 0..20 s.
    :param max_message_size_bytes: default ``defaults.MAX_MESSAGE_SIZE_BYTES``
        (256 KiB); 1 KiB..1 MiB.
    :param dead_letter_queue_enabled: default True. False leaves the queue
        without a DLQ and adds a warning annotation.
    :param dead_letter_queue: an existing DLQ (must be of the same type).
    :param max_receive_count: default ``defaults.MAX_RECEIVE_COUNT`` (5); 1..1000.
    :param encryption: default ``SQS_MANAGED``, or ``KMS`` when a key is given.
    :param queue_encryption_key: a customer-managed key for both queues.
    :param alarm_topic: SNS topic that receives both alarms. Default: none.
    :param oldest_message_age_alarm_threshold: default
        ``defaults.OLDEST_MESSAGE_AGE_ALARM_THRESHOLD`` (15 min); must be shorter
        than ``retention_period``, or the alarm could never fire.
    :raises ConstructOptionError: for any invalid option, all listed together.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        fifo: bool = False,
        queue_name: str | None = None,
        content_based_deduplication: bool = False,
        high_throughput_fifo: bool = False,
        visibility_timeout: Duration = defaults.VISIBILITY_TIMEOUT,
        retention_period: Duration = defaults.RETENTION_PERIOD,
        delivery_delay: Duration = defaults.DELIVERY_DELAY,
        receive_message_wait_time: Duration = defaults.RECEIVE_MESSAGE_WAIT_TIME,
        max_message_size_bytes: int = defaults.MAX_MESSAGE_SIZE_BYTES,
        dead_letter_queue_enabled: bool = True,
        dead_letter_queue: sqs.IQueue | None = None,
        max_receive_count: int = defaults.MAX_RECEIVE_COUNT,
        encryption: sqs.QueueEncryption | None = None,
        queue_encryption_key: kms.IKey | None = None,
        alarm_topic: sns.ITopic | None = None,
        oldest_message_age_alarm_threshold: Duration = (
            defaults.OLDEST_MESSAGE_AGE_ALARM_THRESHOLD
        ),
    ) -> None:
        options = options_from(SecureQueueOptions, locals())
        super().__init__(scope, construct_id)
        adopt(self, scope, construct_id)
        # all problems, one error: the options' and where the alarm topic lives
        raise_problems(
            self, [*options.problems(), *topic_region_problems(self, "alarm_topic", alarm_topic)]
        )
        self._path = path_of(self)
        self.fifo: bool = fifo
        self.max_receive_count: int = max_receive_count
        self.encryption: sqs.QueueEncryption = options.resolved_encryption
        self.encryption_key: kms.IKey | None = self._encryption_key(options)
        self.dead_letter_queue: sqs.IQueue | None = self._dead_letter_queue(options)
        self._warn_about_dead_letters(options)
        self.queue: sqs.Queue = self._queue(options)
        adopt(self.queue, self, "Queue")
        self._metrics = QueueMetrics(self.queue)
        self.dead_letter_queue_alarm: cloudwatch.Alarm | None = self._dead_letter_queue_alarm()
        self.oldest_message_age_alarm: cloudwatch.Alarm = self._age_alarm(
            oldest_message_age_alarm_threshold
        )
        notify(self, alarm_topic, self.alarms)
        register_pattern(self)
        #: what the constructs that take this queue know of it (`QueueRef.facts`),
        #: from the options it was built with: reading them back costs round trips
        self.facts: QueueFacts = self._facts(options)

    # --- public helpers ----------------------------------------------------

    @property
    def alarms(self) -> list[cloudwatch.Alarm]:
        """The alarms this construct created."""
        return [
            a
            for a in (self.dead_letter_queue_alarm, self.oldest_message_age_alarm)
            if a is not None
        ]

    @property
    def uses_aws_managed_key(self) -> bool:
        """True for ``alias/aws/sqs``, which SNS, S3 and EventBridge cannot use."""
        return self.encryption == sqs.QueueEncryption.KMS_MANAGED

    def metric_visible_messages(
        self, period: Duration = defaults.ALARM_PERIOD
    ) -> cloudwatch.Metric:
        """Maximum of ``ApproximateNumberOfMessagesVisible`` of the main queue."""
        return self._metrics.visible_messages(period=period)

    def metric_oldest_message_age(
        self, period: Duration = defaults.ALARM_PERIOD
    ) -> cloudwatch.Metric:
        """Maximum of ``ApproximateAgeOfOldestMessage`` (seconds) of the main queue."""
        return self._metrics.oldest_message_age(period)

    def metric_dead_letter_queue_visible_messages(
        self, period: Duration = defaults.ALARM_PERIOD
    ) -> cloudwatch.Metric:
        """Maximum of ``ApproximateNumberOfMessagesVisible`` of the DLQ."""
        if self.dead_letter_queue is None:
            raise ValueError(f"{self._path} has no dead-letter queue")
        return QueueMetrics(self.dead_letter_queue).visible_messages(period=period)

    def _facts(self, options: SecureQueueOptions) -> QueueFacts:
        visibility = seconds_of(options.visibility_timeout)
        redrive_known = self.dead_letter_queue is None or not is_unresolved(
            options.max_receive_count
        )
        return QueueFacts(
            path=self._path,
            fifo=options.fifo,
            visibility_timeout_seconds=visibility,
            content_based_deduplication=bool(options.content_based_deduplication),
            redrive_known=redrive_known,
            max_receive_count=(
                int(options.max_receive_count)
                if redrive_known and self.dead_letter_queue is not None
                else None
            ),
            aws_managed_key=self.uses_aws_managed_key,
            secure=True,
            built_here=True,
        )

    # --- the builders --------------------------------------------------------

    def _encryption_key(self, options: SecureQueueOptions) -> kms.IKey | None:
        # The rules admit a key only with encryption=KMS, so both queues can take
        # encryption_master_key=self.encryption_key as it is (None otherwise).
        if self.encryption != sqs.QueueEncryption.KMS or options.queue_encryption_key is not None:
            return options.queue_encryption_key
        return kms.Key(
            self,
            "Key",
            description=f"Encrypts the messages of {self._path}",
            enable_key_rotation=True,
        )

    def _dead_letter_queue(self, options: SecureQueueOptions) -> sqs.IQueue | None:
        if not options.creates_dead_letter_queue:
            return options.dead_letter_queue
        dlq = sqs.Queue(
            self,
            "DeadLetterQueue",
            queue_name=_dlq_name(options.queue_name, options.fifo),
            fifo=options.fifo or None,
            retention_period=defaults.DLQ_RETENTION_PERIOD,
            max_message_size_bytes=options.max_message_size_bytes,
            enforce_ssl=True,
            redrive_allow_policy=self._redrive_allow_policy(options.queue_name),
            encryption=self.encryption,
            encryption_master_key=self.encryption_key,
        )
        adopt(dlq, self, "DeadLetterQueue")
        # cdk-nag's Serverless pack wants a redrive policy on every queue; a
        # DLQ with a DLQ of its own only moves the same messages once more.
        Validations.of(dlq).acknowledge(
            Acknowledgment(
                id="Serverless::Serverless-SQSRedrivePolicy",
                reason=f"this queue is the dead-letter queue of {self._path}/Queue",
            )
        )
        return dlq

    def _queue(self, options: SecureQueueOptions) -> sqs.Queue:
        high_throughput = options.high_throughput_fifo
        return sqs.Queue(
            self,
            "Queue",
            queue_name=options.queue_name,
            fifo=options.fifo or None,
            content_based_deduplication=options.content_based_deduplication or None,
            deduplication_scope=(sqs.DeduplicationScope.MESSAGE_GROUP if high_throughput else None),
            fifo_throughput_limit=(
                sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID if high_throughput else None
            ),
            visibility_timeout=options.visibility_timeout,
            retention_period=options.retention_period,
            delivery_delay=options.delivery_delay,
            receive_message_wait_time=options.receive_message_wait_time,
            max_message_size_bytes=options.max_message_size_bytes,
            enforce_ssl=True,
            dead_letter_queue=(
                sqs.DeadLetterQueue(
                    queue=self.dead_letter_queue, max_receive_count=options.max_receive_count
                )
                if self.dead_letter_queue is not None
                else None
            ),
            encryption=self.encryption,
            encryption_master_key=self.encryption_key,
        )

    def _dead_letter_queue_alarm(self) -> cloudwatch.Alarm | None:
        if self.dead_letter_queue is None:
            return None
        return alarm_above(
            self,
            "DeadLetterQueueAlarm",
            description=(
                f"Messages of {self._path} failed {self.max_receive_count} times "
                "and wait in its dead-letter queue."
            ),
            metric=self.metric_dead_letter_queue_visible_messages(),
            threshold=0,
        )

    def _age_alarm(self, threshold: Duration) -> cloudwatch.Alarm:
        return alarm_above(
            self,
            "OldestMessageAgeAlarm",
            description=(
                f"The oldest message of {self._path} waits longer than "
                f"{_human(threshold)}: consumers are too slow or stopped."
            ),
            metric=self.metric_oldest_message_age(),
            threshold=_seconds(threshold),
        )

    def _redrive_allow_policy(self, queue_name: str | None) -> sqs.RedriveAllowPolicy | None:
        if queue_name is None or is_unresolved(queue_name):
            return None  # see the class docstring: a GetAtt here is a cycle
        source_arn = stack_of(self).format_arn(service="sqs", resource=queue_name)
        source = sqs.Queue.from_queue_arn(self, "SourceQueueRef", source_arn)
        return sqs.RedriveAllowPolicy(
            redrive_permission=sqs.RedrivePermission.BY_QUEUE, source_queues=[source]
        )

    def _warn_about_dead_letters(self, options: SecureQueueOptions) -> None:
        if not options.dead_letter_queue_enabled:
            Annotations.of(self).add_warning_v2(
                "constructs_lib:SecureQueue:NoDeadLetterQueue",
                "dead_letter_queue_enabled=False: a message that keeps failing is "
                "received again and again until its retention period ends, then lost.",
            )
        # A standard queue keeps a message's original enqueue time when it moves
        # to the DLQ, so the DLQ must retain longer than the source or a
        # dead-lettered message can expire at once.
        retention = seconds_of(options.retention_period)
        dlq_retention = _seconds(defaults.DLQ_RETENTION_PERIOD)
        if options.fifo or self.dead_letter_queue is None or retention is None:
            return
        if retention >= dlq_retention:
            Annotations.of(self).add_warning_v2(
                "constructs_lib:SecureQueue:DlqRetention",
                f"retention_period ({number(retention)} s) is not shorter than the DLQ's "
                f"({number(dlq_retention)} s): a standard DLQ keeps the original enqueue "
                "time, so a dead-lettered message may expire at once.",
            )


def _seconds(duration: Duration) -> float:
    """``duration.to_seconds()``: read once per Duration when it is concrete."""
    seconds = seconds_of(duration)
    return seconds if seconds is not None else duration.to_seconds()


def _human(duration: Duration) -> str:
    """``to_human_string`` prints '<token>' for an unresolved duration; keep the token."""
    if seconds_of(duration) is None:
        return f"{Token.as_string(duration.to_seconds())} seconds"
    return human_string_of(duration)


def _dlq_name(queue_name: str | None, fifo: bool) -> str | None:
    if queue_name is None or is_unresolved(queue_name):
        return None
    base = queue_name.removesuffix(_FIFO_SUFFIX)
    return f"{base}{_DLQ_NAME_SUFFIX}{_FIFO_SUFFIX if fifo else ''}"


def _check_queue_name(v: OptionRules, name: str, fifo: bool, *, names_dlq: bool) -> None:
    """Checks SQS's naming rules; ``names_dlq``: the DLQ's name is derived from it."""
    base = name.removesuffix(_FIFO_SUFFIX)
    if fifo:
        v.check(
            name.endswith(_FIFO_SUFFIX),
            "queue_name",
            name,
            "a FIFO queue's name must end in '.fifo'",
            code=OptionCode.SQS_FIFO_QUEUE_NAME_WITHOUT_SUFFIX,
        )
    else:
        v.check(
            not name.endswith(_FIFO_SUFFIX),
            "queue_name",
            name,
            "only a FIFO queue's name may end in '.fifo' (set fifo=True)",
            code=OptionCode.SQS_STANDARD_QUEUE_NAME_WITH_FIFO_SUFFIX,
        )
    v.check(
        # fullmatch: with re.match, '$' also matches before a trailing newline.
        _QUEUE_NAME_CHARS.fullmatch(base) is not None,
        "queue_name",
        name,
        "may contain only letters, digits, '-' and '_' (plus the '.fifo' suffix)",
        code=OptionCode.SQS_QUEUE_NAME_CHARACTERS,
    )
    if names_dlq:
        # The created DLQ's name adds '-dlq' and must fit SQS's limit too.
        longest = len(base) + len(_DLQ_NAME_SUFFIX) + (len(_FIFO_SUFFIX) if fifo else 0)
        v.check(
            longest <= _aws.SQS_QUEUE_NAME_MAX_LENGTH,
            "queue_name",
            name,
            f"must leave room for the created DLQ's '-dlq' suffix: at most "
            f"{_aws.SQS_QUEUE_NAME_MAX_LENGTH - len(_DLQ_NAME_SUFFIX)} characters "
            "including '.fifo'",
            code=OptionCode.SQS_QUEUE_NAME_NO_ROOM_FOR_DLQ_SUFFIX,
        )
    else:
        v.check(
            len(name) <= _aws.SQS_QUEUE_NAME_MAX_LENGTH,
            "queue_name",
            name,
            f"must be at most {_aws.SQS_QUEUE_NAME_MAX_LENGTH} characters including '.fifo'",
            code=OptionCode.SQS_QUEUE_NAME_TOO_LONG,
        )
