"""`PipeToQueue`: an EventBridge pipe from a queue, a DynamoDB or a Kinesis stream to a queue."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aws_cdk import Annotations, Duration
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_pipes as pipes
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from constructs_lib import defaults
from constructs_lib._monitoring import DeliveryIntoQueue
from constructs_lib._queue_facts import QueueFacts
from constructs_lib._queues import AnyQueue, DeadLetterQueueRef, QueueRef
from constructs_lib._sources import warn_queue_in_other_account
from constructs_lib._target_delivery import message_group_problems
from constructs_lib._tree import adopt, path_of
from constructs_lib._validation import (
    Bound,
    OptionRules,
    OptionValidator,
    options_from,
    seconds_of,
)
from constructs_lib.errors import OptionProblem
from constructs_lib.option_codes import OptionCode
from constructs_lib.secure_queue import SecureQueue, SecureQueueOptions
from constructs_lib.services import pipes as facts
from constructs_lib.services.pipes import PIPES
from constructs_lib.stack_limits import register_pattern

#: The child id of a created pipe dead-letter queue (a contract: renaming it replaces it).
PIPE_DEAD_LETTER_QUEUE_ID = "PipeDeadLetterQueue"
#: EventBridge user guide, "Amazon SQS as a source": "set the maxReceiveCount on the
#: source queue's redrive policy to at least 5".
SOURCE_MIN_RECOMMENDED_MAX_RECEIVE_COUNT = 5
#: What the role needs of an SQS source (EventBridge user guide, "Amazon SQS as a
#: source", "Execution role permissions").
_SOURCE_ACTIONS = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")
#: What a producer needs on a queue's customer-managed key (SQS developer guide, "Key management").
_KEY_ACTIONS = ("kms:GenerateDataKey*", "kms:Decrypt")


#: The options AWS bounds (`services.pipes` quotes each bound), for any source...
_BOUNDS: tuple[Bound, ...] = (
    ("batch_size", facts.SQS_TARGET_BATCH_SIZE_RANGE, OptionCode.PIPES_BATCH_SIZE_OUT_OF_RANGE),
    ("maximum_batching_window", facts.BATCHING_WINDOW_RANGE_SECONDS,
     OptionCode.PIPES_BATCHING_WINDOW_OUT_OF_RANGE),
)  # fmt: skip
#: ... and for a stream source.
_STREAM_BOUNDS: tuple[Bound, ...] = (
    ("max_record_age", facts.MAX_RECORD_AGE_RANGE_SECONDS,
     OptionCode.PIPES_MAX_RECORD_AGE_OUT_OF_RANGE),
    ("retry_attempts", facts.RETRY_ATTEMPTS_RANGE, OptionCode.PIPES_RETRY_ATTEMPTS_OUT_OF_RANGE),
)  # fmt: skip


@dataclass(frozen=True)
class PipeToQueueOptions:
    """PipeToQueue's options but its source and target, as one value; ``problems``
    is its rule table (no Stack needed)."""

    starting_position: str | None = None
    filter_patterns: Sequence[Mapping[str, Any]] | None = None
    batch_size: int | None = None
    maximum_batching_window: Duration | None = None
    message_group_id: str | None = None
    message_deduplication_id: str | None = None
    pipe_name: str | None = None
    description: str | None = None
    enabled: bool = True
    max_record_age: Duration | None = None
    retry_attempts: int | None = None
    pipe_dead_letter_queue_enabled: bool | None = None
    pipe_dead_letter_queue: AnyQueue | None = None
    pipe_dead_letter_queue_options: SecureQueueOptions | None = None

    def problems(self, *, stream: bool, target: QueueFacts) -> list[OptionProblem]:
        """The rules of the options, for a stream source (``stream``) or a queue source."""
        v = OptionRules()
        v.within(self, _BOUNDS)
        self._check_filters(v)
        v.extend(message_group_problems(PIPES, target, self.message_group_id))
        self._check_deduplication(v, target)
        if stream:
            v.check(
                self.starting_position in facts.STARTING_POSITIONS,
                "starting_position",
                self.starting_position,
                "is required for a stream source: one of " + ", ".join(facts.STARTING_POSITIONS),
                code=OptionCode.PIPES_STARTING_POSITION_REQUIRED,
            )
            v.within(self, _STREAM_BOUNDS)
            self._check_dead_letter_queue(v)
        else:
            # a queue source: its own redrive policy is the pipe's dead-letter queue
            for option in _STREAM_ONLY:
                v.check(
                    getattr(self, option) is None,
                    option,
                    _shown(getattr(self, option)),
                    "applies to a stream source only: a pipe reading a queue retries through "
                    "the queue (visibility timeout) and dead-letters through its redrive policy",
                    code=OptionCode.PIPES_STREAM_OPTION_WITH_QUEUE_SOURCE,
                )
        return v.problems

    def _check_filters(self, v: OptionRules) -> None:
        patterns = list(self.filter_patterns or ())
        v.check(
            len(patterns) <= facts.MAX_FILTERS,
            "filter_patterns",
            f"{len(patterns)} patterns",
            f"takes at most {facts.MAX_FILTERS} patterns",
            code=OptionCode.PIPES_TOO_MANY_FILTERS,
        )
        for index, pattern in enumerate(patterns):
            text = json.dumps(pattern)
            v.check(
                bool(pattern) and len(text) <= facts.MAX_FILTER_PATTERN_LENGTH,
                f"filter_patterns[{index}]",
                text[:60],
                f"must be a non-empty event pattern of at most {facts.MAX_FILTER_PATTERN_LENGTH} "
                "characters as JSON",
                code=OptionCode.PIPES_FILTER_PATTERN_INVALID,
            )

    def _check_deduplication(self, v: OptionRules, target: QueueFacts) -> None:
        dedup = self.message_deduplication_id
        if not target.fifo:
            v.fifo_only(
                "message_deduplication_id",
                dedup,
                fifo=False,
                remedy=f' here: {target.path} is a standard queue (Pipes: "This parameter '
                'applies only to FIFO (first-in-first-out) queues.")',
                code=OptionCode.PIPES_DEDUPLICATION_ID_FIFO_ONLY,
            )
            return
        if dedup is None:
            v.check(
                target.content_based_deduplication is True,
                "message_deduplication_id",
                None,
                f"is required: {target.path} is a FIFO queue "
                + (
                    "without content-based deduplication"
                    if target.content_based_deduplication is False
                    else "whose content-based deduplication cannot be checked (imported)"
                )
                + ', so SQS refuses messages without one (e.g. "$.messageId" for a queue source, '
                '"$.eventID" for a stream)',
                code=OptionCode.PIPES_DEDUPLICATION_ID_REQUIRED,
            )
        else:
            v.length(
                "message_deduplication_id",
                dedup,
                facts.MESSAGE_DEDUPLICATION_ID_MAX_LENGTH,
                code=OptionCode.PIPES_DEDUPLICATION_ID_LENGTH,
            )

    def _check_dead_letter_queue(self, v: OptionRules) -> None:
        options = self.pipe_dead_letter_queue_options
        created = v.dead_letter_queue_options(
            "pipe_dead_letter_queue",
            self.pipe_dead_letter_queue_enabled is not False,
            self.pipe_dead_letter_queue,
            options,
            disabled=OptionCode.PIPES_DLQ_DISABLED_BUT_CONFIGURED,
            options_with_given=OptionCode.PIPES_DLQ_OPTIONS_WITH_GIVEN_DLQ,
        )
        if created and options is not None:
            v.extend(options.problems(), prefix="pipe_dead_letter_queue_options")

    def stream_parameters(self, dead_letter_queue: sqs.IQueue | None) -> dict[str, Any]:
        """A stream source's parameters: where to start, and finite retries into the DLQ."""
        age = self.max_record_age or defaults.TARGET_MAX_EVENT_AGE
        return {
            "starting_position": self.starting_position,
            "batch_size": self.batch_size,
            "maximum_batching_window_in_seconds": _seconds(self.maximum_batching_window),
            "maximum_record_age_in_seconds": age.to_seconds(integral=True),
            "maximum_retry_attempts": (
                self.retry_attempts
                if self.retry_attempts is not None
                else defaults.TARGET_RETRY_ATTEMPTS
            ),
            "dead_letter_config": (
                pipes.CfnPipe.DeadLetterConfigProperty(arn=dead_letter_queue.queue_arn)
                if dead_letter_queue is not None
                else None
            ),
        }


#: The options of a stream source's retries and dead-letter queue.
_STREAM_ONLY = (
    "starting_position",
    "max_record_age",
    "retry_attempts",
    "pipe_dead_letter_queue_enabled",
    "pipe_dead_letter_queue",
    "pipe_dead_letter_queue_options",
)


class PipeToQueue(DeliveryIntoQueue):
    """An EventBridge pipe that moves what its source holds into a queue.

    The source is an SQS queue (``source_queue``), a DynamoDB table's stream
    (``source_table``) or a Kinesis stream (``source_stream``): exactly one.
    The pipe polls it, keeps what passes ``filter_patterns`` and sends each
    record to ``queue`` as its execution role: "EventBridge Pipes uses the IAM
    role that you specify on the pipe for enrichment and target calls"
    (EventBridge user guide, "Event source permissions for Amazon EventBridge
    Pipes"). Each SQS message's body is the record as JSON (for a queue
    source: ``messageId``, ``body``, ``attributes``...).

    What it creates (child ids are part of the contract):

    - ``Pipe``: an ``AWS::Pipes::Pipe`` (aws-cdk-lib's L1: the L2 is an alpha
      package) from the source to the queue, created after its role's policy
      (a pipe whose role cannot read its source fails to create);
    - ``Role``: its execution role, trusted by ``pipes.amazonaws.com``, allowed
      only what AWS lists for the source (a queue: ``sqs:ReceiveMessage``,
      ``sqs:DeleteMessage``, ``sqs:GetQueueAttributes``; a stream: aws-cdk-lib's
      stream-read grant), ``kms:Decrypt`` on a source's customer-managed key,
      ``sqs:SendMessage`` on the queue and the pipe DLQ and ``kms:GenerateDataKey*``
      /``kms:Decrypt`` on their customer-managed keys;
    - ``PipeDeadLetterQueue`` (a stream source only): a standard SecureQueue for
      the records the pipe cannot deliver after ``retry_attempts`` or
      ``max_record_age``, unless one is passed in or
      ``pipe_dead_letter_queue_enabled=False``.

    Failures, as AWS documents them ("Amazon EventBridge Pipes error handling"):
    "A pipe inherits dead-letter queue (DLQ) behavior from the source. If the
    source Amazon SQS queue has a configured DLQ, messages are automatically
    delivered there after the configured number of attempts. For stream
    sources, such as DynamoDB and Kinesis streams, you can configure a DLQ for
    the pipe." A queue source without a DLQ, or with a ``maxReceiveCount``
    below 5, gets a warning. A stream source retries a record at most
    ``retry_attempts`` times and ``max_record_age`` long (AWS's default is
    forever, which holds the shard), then dead-letters it.

    The pipe sends as a role of the account, so the queue (and the source) may
    use ``alias/aws/sqs``.

    Rejected at synth: no source or two; a table without a stream; a stream
    source without ``starting_position`` (``LATEST`` or ``TRIM_HORIZON``); a
    stream's options with a queue source; ``batch_size`` outside 1..10 (an SQS
    target takes batches of 10 at most); ``maximum_batching_window`` outside
    0..300 s; more than 5 filter patterns or one over 4096 characters; a FIFO
    queue without ``message_group_id``, or without ``message_deduplication_id``
    unless it deduplicates by content; either on a standard queue; the source
    queue as the target.

    Example::

        PipeToQueue(
            self, "OrdersToFulfilment",
            source_queue=orders,
            queue=fulfilment,
            filter_patterns=[{"body": {"status": ["PAID"]}}],
        )

    :param queue: the target: a SecureQueue or any ``sqs.IQueue``.
    :param source_queue: an SQS queue to read. Default: none (one source is required).
    :param source_table: a DynamoDB table whose stream to read. Default: none.
    :param source_stream: a Kinesis stream to read. Default: none.
    :param starting_position: a stream source only, required there: ``LATEST``
        or ``TRIM_HORIZON``. Default: none.
    :param filter_patterns: up to 5 event patterns; a record passes if one
        matches. Default: none (every record).
    :param batch_size: 1..10. Default: the source's (10 for a queue).
    :param maximum_batching_window: 0..300 s. Default: none.
    :param message_group_id: required for a FIFO queue (a value, or a path into
        the record such as ``$.attributes.MessageGroupId``); refused for a
        standard one. Default: none.
    :param message_deduplication_id: a FIFO queue without content-based
        deduplication only (``$.messageId``, ``$.eventID``). Default: none.
    :param pipe_name: default: generated by CloudFormation.
    :param description: default: none.
    :param enabled: default True (``DesiredState`` RUNNING; else STOPPED).
    :param max_record_age: a stream source only: 60 s..7 days. Default
        ``defaults.TARGET_MAX_EVENT_AGE`` (24 h).
    :param retry_attempts: a stream source only: 0..10,000. Default
        ``defaults.TARGET_RETRY_ATTEMPTS`` (185).
    :param pipe_dead_letter_queue_enabled: a stream source only. Default
        ``defaults.TARGET_DEAD_LETTER_QUEUE_ENABLED`` (True).
    :param pipe_dead_letter_queue: a stream source only: an existing queue for
        that role. Default: none (``PipeDeadLetterQueue`` is created).
    :param pipe_dead_letter_queue_options: the created DLQ's options. Default:
        SecureQueue's defaults.

    Attributes: ``queue`` (the ``sqs.IQueue``) and ``secure_queue`` (the
    SecureQueue passed in, else None); ``source_queue``; ``pipe``; ``role``;
    ``pipe_dead_letter_queue`` and ``pipe_dead_letter_secure_queue``;
    ``alarms`` (the created DLQ's).
    :raises ConstructOptionError: for any invalid option, all listed together.
    """

    DASHBOARD_KIND = "PipeToQueue"
    DASHBOARD_DESCRIPTION = (
        "An EventBridge pipe moves its source's records into the queue; a stream's "
        "records it cannot deliver go to the pipe DLQ."
    )
    DEAD_LETTER_ROLE = "pipe DLQ"

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        queue: AnyQueue,
        source_queue: AnyQueue | None = None,
        source_table: dynamodb.ITable | None = None,
        source_stream: kinesis.IStream | None = None,
        starting_position: str | None = None,
        filter_patterns: Sequence[Mapping[str, Any]] | None = None,
        batch_size: int | None = None,
        maximum_batching_window: Duration | None = None,
        message_group_id: str | None = None,
        message_deduplication_id: str | None = None,
        pipe_name: str | None = None,
        description: str | None = None,
        enabled: bool = True,
        max_record_age: Duration | None = None,
        retry_attempts: int | None = None,
        pipe_dead_letter_queue_enabled: bool | None = None,
        pipe_dead_letter_queue: AnyQueue | None = None,
        pipe_dead_letter_queue_options: SecureQueueOptions | None = None,
    ) -> None:
        options = options_from(PipeToQueueOptions, locals())
        super().__init__(scope, construct_id)
        adopt(self, scope, construct_id)
        register_pattern(self)  # counted in the stack's resource-quota check
        target = QueueRef(queue)
        source = QueueRef.optional(source_queue)
        self._validate(target, source, source_table, source_stream, options)
        self.queue: sqs.IQueue = target.queue
        self.secure_queue: SecureQueue | None = target.secure_queue
        self.source_queue: sqs.IQueue | None = source.queue if source else None
        stream = source is None
        self._dead_letter = (
            _pipe_dead_letter_queue(self, options) if stream else DeadLetterQueueRef()
        )
        self.pipe_dead_letter_queue: sqs.IQueue | None = self._dead_letter.queue
        self.pipe_dead_letter_secure_queue: SecureQueue | None = self._dead_letter.secure_queue
        self.role: iam.Role = iam.Role(
            self,
            "Role",
            description=f"Lets EventBridge Pipes move {path_of(self)}'s records",
            # no condition: AWS documents no source keys in Pipes' AssumeRole request
            # (constructs_lib.services.pipes); iam:PassRole decides who may use the role
            assumed_by=iam.ServicePrincipal(PIPES.principal),
        )
        source_arn, source_parameters = self._read(source, source_table, source_stream, options)
        for ref in (target, self._dead_letter.ref):
            self._allow_send(ref)
        self.pipe: pipes.CfnPipe = pipes.CfnPipe(
            self,
            "Pipe",
            role_arn=self.role.role_arn,
            source=source_arn,
            source_parameters=source_parameters,
            target=target.queue.queue_arn,
            target_parameters=_target_parameters(options),
            name=pipe_name,
            description=description,
            desired_state="RUNNING" if enabled else "STOPPED",
        )
        self.pipe.node.add_dependency(self.role)  # its policy exists before the pipe
        self._warn(target, source)

    # --- the builders --------------------------------------------------------

    def _validate(
        self,
        target: QueueRef,
        source: QueueRef | None,
        table: dynamodb.ITable | None,
        stream: kinesis.IStream | None,
        options: PipeToQueueOptions,
    ) -> None:
        v = OptionValidator(self)
        given = [name for name, value in _sources(source, table, stream) if value is not None]
        v.check(
            len(given) == 1,
            ", ".join(given) or "source_queue",
            ", ".join(given) or None,
            "give exactly one source: source_queue, source_table or source_stream",
            code=OptionCode.PIPES_ONE_SOURCE,
        )
        if table is not None:
            v.check(
                table.table_stream_arn is not None,
                "source_table",
                path_of(table),
                "has no stream: create the table with stream=StreamViewType...",
                code=OptionCode.PIPES_TABLE_WITHOUT_STREAM,
            )
        if source is not None:
            v.check(
                source.queue is not target.queue and source.path != target.path,
                "queue",
                target.path,
                "is the source queue: the pipe would send every message back into it",
                code=OptionCode.PIPES_TARGET_IS_SOURCE,
            )
        if len(given) == 1:  # the options' rules depend on the kind of source
            v.extend(options.problems(stream=source is None, target=target.facts))
        v.raise_if_any()

    def _read(
        self,
        source: QueueRef | None,
        table: dynamodb.ITable | None,
        stream: kinesis.IStream | None,
        options: PipeToQueueOptions,
    ) -> tuple[str, pipes.CfnPipe.PipeSourceParametersProperty]:
        """The source's ARN and parameters, and the role's grant to read it."""
        filters = (
            pipes.CfnPipe.FilterCriteriaProperty(
                filters=[
                    pipes.CfnPipe.FilterProperty(pattern=json.dumps(p))
                    for p in options.filter_patterns
                ]
            )
            if options.filter_patterns
            else None
        )
        P = pipes.CfnPipe
        if source is not None:
            source.queue.grant(self.role, *_SOURCE_ACTIONS)
            key = source.customer_key
            if (
                key is not None
            ):  # "explicitly give your pipe's Execution Role decryption permission"
                key.grant_decrypt(self.role)
            parameters = P.PipeSourceSqsQueueParametersProperty(
                batch_size=options.batch_size,
                maximum_batching_window_in_seconds=_seconds(options.maximum_batching_window),
            )
            return source.queue.queue_arn, P.PipeSourceParametersProperty(
                sqs_queue_parameters=parameters, filter_criteria=filters
            )
        stream_parameters = options.stream_parameters(self.pipe_dead_letter_queue)
        if table is not None:
            table.grant_stream_read(self.role)
            return str(table.table_stream_arn), P.PipeSourceParametersProperty(
                dynamo_db_stream_parameters=P.PipeSourceDynamoDBStreamParametersProperty(
                    **stream_parameters
                ),
                filter_criteria=filters,
            )
        assert stream is not None  # _validate refused no source
        stream.grant_read(self.role)
        return stream.stream_arn, P.PipeSourceParametersProperty(
            kinesis_stream_parameters=P.PipeSourceKinesisStreamParametersProperty(
                **stream_parameters
            ),
            filter_criteria=filters,
        )

    def _allow_send(self, ref: QueueRef | None) -> None:
        """``sqs:SendMessage`` on the queue (and its customer-managed key) for the role."""
        if ref is None:
            return
        ref.queue.grant(self.role, "sqs:SendMessage")
        key = ref.customer_key
        if key is not None:
            key.grant(self.role, *_KEY_ACTIONS)

    def _warn(self, target: QueueRef, source: QueueRef | None) -> None:
        role = path_of(self.role)
        for ref, needs in (
            (target, "sqs:SendMessage"),
            (self._dead_letter.ref, "sqs:SendMessage"),
            (source, ", ".join(_SOURCE_ACTIONS)),
        ):
            if ref is not None:
                warn_queue_in_other_account(
                    self, ref, ref.location(self), f"{needs} to the role {role} (the pipe's)"
                )
        facts_of = source.facts if source is not None else None
        if facts_of is None or not facts_of.redrive_known:
            return
        warn = Annotations.of(self).add_warning_v2
        count = facts_of.max_receive_count
        if count is None:
            warn(
                "constructs_lib:PipeToQueue:SourceWithoutDeadLetterQueue",
                f"{facts_of.path} has no dead-letter queue: a message the pipe cannot deliver "
                "returns to it until its retention ends (a pipe inherits its source's DLQ).",
            )
        elif count < SOURCE_MIN_RECOMMENDED_MAX_RECEIVE_COUNT:
            warn(
                "constructs_lib:PipeToQueue:LowMaxReceiveCount",
                f"{facts_of.path} moves a message to its DLQ after {count} receives: AWS asks "
                f"for at least {SOURCE_MIN_RECOMMENDED_MAX_RECEIVE_COUNT} for a pipe's source, "
                "so that a throttled batch is not dead-lettered.",
            )


def _pipe_dead_letter_queue(scope: Construct, options: PipeToQueueOptions) -> DeadLetterQueueRef:
    """A stream source's DLQ: the given one, a created SecureQueue, or none."""
    if options.pipe_dead_letter_queue is not None:
        return DeadLetterQueueRef(QueueRef(options.pipe_dead_letter_queue))
    enabled = options.pipe_dead_letter_queue_enabled
    if not (defaults.TARGET_DEAD_LETTER_QUEUE_ENABLED if enabled is None else enabled):
        return DeadLetterQueueRef()
    created = (options.pipe_dead_letter_queue_options or SecureQueueOptions()).create(
        scope, PIPE_DEAD_LETTER_QUEUE_ID
    )
    return DeadLetterQueueRef(QueueRef(created), created=True)


def _target_parameters(
    options: PipeToQueueOptions,
) -> pipes.CfnPipe.PipeTargetParametersProperty | None:
    if options.message_group_id is None and options.message_deduplication_id is None:
        return None
    return pipes.CfnPipe.PipeTargetParametersProperty(
        sqs_queue_parameters=pipes.CfnPipe.PipeTargetSqsQueueParametersProperty(
            message_group_id=options.message_group_id,
            message_deduplication_id=options.message_deduplication_id,
        )
    )


def _sources(*values: object) -> list[tuple[str, object]]:
    return list(zip(("source_queue", "source_table", "source_stream"), values, strict=True))


def _seconds(value: Duration | None) -> int | None:
    seconds = seconds_of(value)
    return None if seconds is None else int(seconds)


def _shown(value: object) -> object:
    """An option's value as a problem shows it."""
    if isinstance(value, SecureQueueOptions):
        return "SecureQueueOptions(...)"
    if isinstance(value, Duration):
        return value.to_human_string()
    if isinstance(value, Construct):
        return path_of(value)
    return value
