"""`LambdaQueueConsumer`: a Lambda function fed by an SQS queue."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aws_cdk import Acknowledgment, Annotations, Duration, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from constructs_lib import _aws, defaults
from constructs_lib._alarm_topics import check_notification_topic, topic_region_problems
from constructs_lib._alarms import alarm_above, annotation_of, notify
from constructs_lib._metrics import (
    MAPPING_EVENT_COUNTS,
    QueueMetrics,
    function_concurrency,
    function_errors,
    function_throttles,
    mapping_event_count,
)
from constructs_lib._monitoring import Graph, PatternView, queue_view
from constructs_lib._queue_facts import QueueFacts
from constructs_lib._queues import AnyQueue, QueueRef
from constructs_lib._sources import refuse_queue_location, warn_queue_in_other_account
from constructs_lib._tree import adopt, path_of
from constructs_lib._validation import (
    OptionRules,
    OptionValidator,
    number,
    options_from,
    seconds_of,
)
from constructs_lib.errors import OptionProblem
from constructs_lib.option_codes import OptionCode
from constructs_lib.secure_queue import SecureQueue
from constructs_lib.stack_limits import register_pattern

#: AWS recommends at least this maxReceiveCount for Lambda consumers, so that
#: a throttled batch is not dead-lettered on its first retries.
_LAMBDA_MIN_RECOMMENDED_RECEIVE_COUNT = 5
_AGE_THRESHOLD = "oldest_message_age_alarm_threshold"
#: aws-cdk-lib's ``EventSourceMapping`` (2.252 to 2.275 at least) refuses more
#: maximum pollers than this, the Kafka range; Lambda takes up to 10,000 for SQS.
_AWS_CDK_LIB_MAXIMUM_POLLERS = 2_000


@dataclass(frozen=True)
class LambdaQueueConsumerOptions:
    """`LambdaQueueConsumer`'s options but what it wires (function, queue, topic).

    ``problems`` is its rule table, given what is known of the queue and the
    function's timeout (the option, or what the function says): no Stack needed.
    """

    batch_size: int = defaults.LAMBDA_BATCH_SIZE
    max_batching_window: Duration | None = None
    max_concurrency: int | None = None
    filters: Sequence[Mapping[str, Any]] | None = None
    report_batch_item_failures: bool = True
    enabled: bool = True
    function_timeout: Duration | None = None
    errors_alarm_threshold: int = defaults.LAMBDA_ERRORS_ALARM_THRESHOLD
    throttles_alarm_threshold: int = defaults.LAMBDA_THROTTLES_ALARM_THRESHOLD
    oldest_message_age_alarm_threshold: Duration | None = None
    minimum_pollers: int | None = None
    maximum_pollers: int | None = None
    event_count_metrics: bool = defaults.LAMBDA_EVENT_COUNT_METRICS

    @property
    def provisioned_pollers(self) -> tuple[int, int] | None:
        """(minimum, maximum) event pollers in provisioned mode, AWS's default for
        the one not given; None in the default (on-demand) mode."""
        low, high = self.minimum_pollers, self.maximum_pollers
        if low is None and high is None:
            return None
        return (
            _aws.SQS_DEFAULT_MINIMUM_POLLERS if low is None else low,
            _aws.SQS_DEFAULT_MAXIMUM_POLLERS if high is None else high,
        )

    @property
    def age_alarm_threshold(self) -> Duration:
        """The threshold of the age alarm created for a plain queue."""
        given = self.oldest_message_age_alarm_threshold
        return given if given is not None else defaults.OLDEST_MESSAGE_AGE_ALARM_THRESHOLD

    def problems(self, queue: QueueFacts, function_timeout: Duration | None) -> list[OptionProblem]:
        v = OptionRules()
        if queue.fifo:
            self._check_fifo_batching(v)
        else:
            self._check_standard_batching(v)
        v.int_range(
            "max_concurrency",
            self.max_concurrency,
            *_aws.LAMBDA_SQS_MAX_CONCURRENCY_RANGE,
            code=OptionCode.LAMBDA_MAX_CONCURRENCY_OUT_OF_RANGE,
        )
        for option in ("errors_alarm_threshold", "throttles_alarm_threshold"):
            value = getattr(self, option)
            v.check(
                value >= 0,
                option,
                value,
                "must not be negative",
                code=OptionCode.LAMBDA_ALARM_THRESHOLD_NEGATIVE,
            )
        self._check_age_alarm(v, queue)
        self._check_visibility(v, queue, function_timeout)
        self._check_pollers(v)
        return v.problems

    def _check_pollers(self, v: OptionRules) -> None:
        pollers = self.provisioned_pollers
        if pollers is None:
            return
        before = len(v.problems)
        v.int_range(
            "minimum_pollers",
            self.minimum_pollers,
            *_aws.SQS_MINIMUM_POLLERS_RANGE,
            code=OptionCode.LAMBDA_MINIMUM_POLLERS_OUT_OF_RANGE,
        )
        v.int_range(
            "maximum_pollers",
            self.maximum_pollers,
            *_aws.SQS_MAXIMUM_POLLERS_RANGE,
            code=OptionCode.LAMBDA_MAXIMUM_POLLERS_OUT_OF_RANGE,
        )
        low, high = pollers
        in_range = len(v.problems) == before
        if in_range and type(low) is int and type(high) is int:  # number tokens are floats
            v.check(
                low <= high,
                "maximum_pollers",
                high,
                f"must be at least minimum_pollers ({low})",
                code=OptionCode.LAMBDA_MAXIMUM_POLLERS_BELOW_MINIMUM,
            )
        v.check(
            self.max_concurrency is None,
            "max_concurrency",
            self.max_concurrency,
            "cannot be set with minimum_pollers or maximum_pollers: Lambda allows maximum "
            "concurrency or provisioned mode, not both (in provisioned mode maximum_pollers "
            "bounds the mapping)",
            code=OptionCode.LAMBDA_MAX_CONCURRENCY_WITH_PROVISIONED_POLLERS,
        )

    def _check_fifo_batching(self, v: OptionRules) -> None:
        window = seconds_of(self.max_batching_window)
        v.int_range(
            "batch_size",
            self.batch_size,
            *_aws.LAMBDA_SQS_BATCH_SIZE_RANGE_FIFO,
            code=OptionCode.LAMBDA_BATCH_SIZE_OUT_OF_RANGE,
        )
        v.check(
            self.max_batching_window is None,
            "max_batching_window",
            f"{window:g} seconds" if window is not None else self.max_batching_window,
            "is not supported for FIFO queues: leave it unset",
            code=OptionCode.LAMBDA_BATCHING_WINDOW_ON_FIFO,
        )

    def _check_standard_batching(self, v: OptionRules) -> None:
        batch, window = self.batch_size, seconds_of(self.max_batching_window)
        v.int_range(
            "batch_size",
            batch,
            *_aws.LAMBDA_SQS_BATCH_SIZE_RANGE_STANDARD,
            code=OptionCode.LAMBDA_BATCH_SIZE_OUT_OF_RANGE,
        )
        v.duration_range(
            "max_batching_window",
            self.max_batching_window,
            *_aws.LAMBDA_SQS_BATCHING_WINDOW_RANGE_SECONDS,
            code=OptionCode.LAMBDA_BATCHING_WINDOW_OUT_OF_RANGE,
        )
        large = isinstance(batch, int) and batch > _aws.LAMBDA_SQS_BATCH_SIZE_WITHOUT_WINDOW_MAX
        if large and window is not None:
            v.check(
                window >= 1,
                "max_batching_window",
                f"{window:g} seconds",
                f"must be at least 1 second when batch_size ({batch}) is above "
                f"{_aws.LAMBDA_SQS_BATCH_SIZE_WITHOUT_WINDOW_MAX}",
                code=OptionCode.LAMBDA_BATCHING_WINDOW_TOO_SHORT,
            )
        v.check(
            not (large and self.max_batching_window is None),
            "batch_size",
            batch,
            f"above {_aws.LAMBDA_SQS_BATCH_SIZE_WITHOUT_WINDOW_MAX} needs a "
            "max_batching_window of at least 1 second",
            code=OptionCode.LAMBDA_BATCH_SIZE_NEEDS_BATCHING_WINDOW,
        )

    def _check_age_alarm(self, v: OptionRules, queue: QueueFacts) -> None:
        given = self.oldest_message_age_alarm_threshold
        if not queue.secure:
            # the alarm threshold is in whole seconds
            v.whole_seconds(_AGE_THRESHOLD, self.age_alarm_threshold)
            return
        seconds = seconds_of(given)
        v.check(
            given is None,
            _AGE_THRESHOLD,
            f"{number(seconds)} seconds" if seconds is not None else given,
            f"applies only to a plain sqs.IQueue; the SecureQueue {queue.path} has its own "
            f"age alarm: set its {_AGE_THRESHOLD} there",
            code=OptionCode.LAMBDA_AGE_THRESHOLD_WITH_SECURE_QUEUE,
        )

    def _check_visibility(
        self, v: OptionRules, queue: QueueFacts, function_timeout: Duration | None
    ) -> None:
        timeout = seconds_of(function_timeout)
        visibility = queue.visibility_timeout_seconds
        if timeout is None or visibility is None:
            return
        window = seconds_of(self.max_batching_window) or 0
        needed = _aws.lambda_minimum_visibility_timeout(timeout, window)
        v.check(
            visibility >= needed,
            "queue",
            f"visibility timeout {visibility:g} seconds",
            f"must be at least {_aws.LAMBDA_VISIBILITY_TIMEOUT_FACTOR} x the "
            f"function timeout ({timeout:g} s) + the batching window ({window:g} s) "
            f"= {needed:g} seconds: raise the queue's visibility_timeout",
            code=OptionCode.SQS_VISIBILITY_BELOW_SIX_TIMES_TIMEOUT,
        )


class LambdaQueueConsumer(Construct):
    """Wires a Lambda function to a queue through an SQS event-source mapping.

    What it creates (child ids are part of the contract):

    - ``EventSourceMapping``: the mapping, with partial batch responses
      (``ReportBatchItemFailures``) on by default, so one bad message does
      not make its whole batch retry — the handler returns the ids of the
      failed messages (see the example app's Powertools handler);
    - a least-privilege grant: the function's role may receive, delete and
      change the visibility of messages of this queue only
      (``grant_consume_messages``), plus ``kms:Decrypt`` on the queue's key when
      it has a customer-managed one; the mapping depends on that policy, so
      CloudFormation never creates it before the role may read the queue;
    - ``FunctionErrorsAlarm`` and ``FunctionThrottlesAlarm`` (Sum over one
      minute above ``errors_alarm_threshold`` / ``throttles_alarm_threshold``);
      the queue's age-of-oldest-message alarm is the `SecureQueue`'s own, or
      ``OldestMessageAgeAlarm`` here when a plain ``sqs.IQueue`` is given.
      All three go to ``alarm_topic`` when one is given (the SecureQueue's
      alarm too, unless it already notifies that topic), which (in this app)
      is made able to receive them as `SecureQueue` does it.

    AWS's rules, checked at synth (`ConstructOptionError`, all together):

    - the queue's visibility timeout must be at least 6 x the function timeout
      plus the batching window. The construct does not raise the queue's
      timeout itself: the queue may have other consumers and its own reasons,
      so the error names the minimum instead. When the queue's timeout cannot
      be read (an imported queue) the check is skipped with a warning;
    - FIFO queue: batch size 1..10 and no batching window;
    - standard queue: batch size 1..10,000, and above 10 a batching window
      of at least 1 s; the window is at most 300 s;
    - maximum concurrency 2..1000;
    - provisioned mode (``minimum_pollers``/``maximum_pollers``): minimum
      2..200, maximum 2..10,000 (Lambda's ranges for SQS; aws-cdk-lib's
      ``EventSourceMapping`` stops at 2,000, so a larger maximum is written on
      the L1), minimum <= maximum, and never with ``max_concurrency`` (Lambda
      allows one or the other).

    Warnings (annotations, synth goes on): partial batch responses turned
    off; a queue without DLQ, or with ``max_receive_count`` below 5.

    Mind that messages which match no filter of ``filters`` are deleted by
    Lambda without invoking the function.

    Example::

        payments = SecureQueue(self, "Payments", fifo=True, queue_name="payments.fifo",
                               visibility_timeout=Duration.minutes(1))
        handler = lambda_.Function(self, "Handler", timeout=Duration.seconds(10), ...)
        LambdaQueueConsumer(self, "Consumer", function=handler, queue=payments,
                            max_concurrency=5)

    :param function: the function to invoke (``lambda_.IFunction``).
    :param queue: a `SecureQueue` or any ``sqs.IQueue``.
    :param batch_size: records per invocation; default
        ``defaults.LAMBDA_BATCH_SIZE`` (10). FIFO 1..10, standard 1..10,000.
    :param max_batching_window: how long Lambda gathers records before
        invoking; default none (0). 0..300 s; not for FIFO.
    :param max_concurrency: the most concurrent invocations this mapping
        makes, 2..1000; default none (up to the function's concurrency). Not
        with provisioned mode.
    :param filters: event filter patterns (``lambda_.FilterCriteria.filter(...)``);
        default none.
    :param report_batch_item_failures: partial batch responses; default True.
    :param enabled: whether the mapping polls; default True.
    :param function_timeout: the function's timeout for the visibility
        check; default read from a ``lambda_.Function`` (Lambda's 3 s when it
        sets none). An imported function without this option skips the check
        with a warning.
    :param alarm_topic: SNS topic for the alarms; default none.
    :param errors_alarm_threshold: default ``defaults.LAMBDA_ERRORS_ALARM_THRESHOLD`` (0).
    :param throttles_alarm_threshold: default
        ``defaults.LAMBDA_THROTTLES_ALARM_THRESHOLD`` (0).
    :param oldest_message_age_alarm_threshold: only for a plain ``sqs.IQueue``,
        whole seconds; default ``defaults.OLDEST_MESSAGE_AGE_ALARM_THRESHOLD`` (15 min).
        Refused with a SecureQueue, whose own alarm is reused: set the
        threshold on the SecureQueue.
    :param minimum_pollers: provisioned mode: the event pollers Lambda keeps
        ready, 2..200; default none (on-demand polling). Given alone, the
        maximum is AWS's default (200). Provisioned mode is billed for its
        pollers whether messages arrive or not.
    :param maximum_pollers: provisioned mode: the most event pollers, 2..10,000;
        default none. Given alone, the minimum is AWS's default (2).
    :param event_count_metrics: the mapping publishes its ``EventCount`` metrics
        (polled, filtered out, invoked, failed to invoke, deleted; dimension
        ``EventSourceMappingUUID``); default
        ``defaults.LAMBDA_EVENT_COUNT_METRICS`` (True). They are charged as
        CloudWatch metrics (see `defaults`); `PatternDashboard` draws them.
    :raises ConstructOptionError: for any invalid option, all listed together.

    Attributes: ``function``, ``queue`` (the ``sqs.IQueue``) and
    ``secure_queue`` (the SecureQueue passed in, else None),
    ``event_source_mapping``, ``max_concurrency``, ``provisioned_pollers``
    ((minimum, maximum) or None), ``event_count_metrics``, ``errors_alarm``,
    ``throttles_alarm``, ``oldest_message_age_alarm``, ``alarms``.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        function: lambda_.IFunction,
        queue: AnyQueue,
        batch_size: int = defaults.LAMBDA_BATCH_SIZE,
        max_batching_window: Duration | None = None,
        max_concurrency: int | None = None,
        filters: Sequence[Mapping[str, Any]] | None = None,
        report_batch_item_failures: bool = True,
        enabled: bool = True,
        function_timeout: Duration | None = None,
        alarm_topic: sns.ITopic | None = None,
        errors_alarm_threshold: int = defaults.LAMBDA_ERRORS_ALARM_THRESHOLD,
        throttles_alarm_threshold: int = defaults.LAMBDA_THROTTLES_ALARM_THRESHOLD,
        oldest_message_age_alarm_threshold: Duration | None = None,
        minimum_pollers: int | None = None,
        maximum_pollers: int | None = None,
        event_count_metrics: bool = defaults.LAMBDA_EVENT_COUNT_METRICS,
    ) -> None:
        options = options_from(LambdaQueueConsumerOptions, locals())
        super().__init__(scope, construct_id)
        adopt(self, scope, construct_id)
        register_pattern(self)  # counted in the stack's resource-quota check
        source = QueueRef(queue)
        timeout = function_timeout or _timeout_of(function)
        self._validate(source, options, timeout, alarm_topic)
        self._warn(source, report_batch_item_failures, timeout)
        self.function: lambda_.IFunction = function
        self.queue: sqs.IQueue = source.queue
        self.secure_queue: SecureQueue | None = source.secure_queue
        self.max_concurrency: int | None = max_concurrency
        #: (minimum, maximum) event pollers in provisioned mode, else None
        self.provisioned_pollers: tuple[int, int] | None = options.provisioned_pollers
        self.event_count_metrics: bool = event_count_metrics
        self._warn_if_queue_in_other_account(source)
        self.event_source_mapping: lambda_.EventSourceMapping = self._mapping(options)
        self.errors_alarm: cloudwatch.Alarm = self._function_alarm(
            "FunctionErrorsAlarm",
            function_errors(function),
            errors_alarm_threshold,
            "invocations of the queue's function failed (the whole invocation, not single "
            "messages).",
        )
        self.throttles_alarm: cloudwatch.Alarm = self._function_alarm(
            "FunctionThrottlesAlarm",
            function_throttles(function),
            throttles_alarm_threshold,
            "invocations were throttled; messages wait and may reach the DLQ after "
            "max_receive_count receives.",
        )
        self.oldest_message_age_alarm: cloudwatch.Alarm = (
            source.oldest_message_age_alarm or self._age_alarm(options.age_alarm_threshold)
        )
        notify(self, alarm_topic, self.alarms)

    @property
    def alarms(self) -> list[cloudwatch.Alarm]:
        """The function's alarms and the queue's age alarm."""
        return [self.errors_alarm, self.throttles_alarm, self.oldest_message_age_alarm]

    # --- the dashboard (PatternDashboard) -------------------------------------

    def dashboard_view(self, period: Duration) -> PatternView:
        """The consumed queue, the function and the mapping's own counts."""
        return PatternView(
            kind="LambdaQueueConsumer",
            path=path_of(self),
            description=f"The Lambda function {path_of(self.function)} consumes the queue "
            f"through an event-source mapping ({self._scaling_mode()}).",
            queues=(
                queue_view(
                    QueueRef(self.secure_queue or self.queue),
                    "consumed queue",
                    age_alarms=[self.oldest_message_age_alarm],
                ),
            ),
            graphs=self._graphs(period),
            alarms=tuple(self.alarms),
        )

    def _scaling_mode(self) -> str:
        if self.provisioned_pollers is not None:
            low, high = self.provisioned_pollers
            return f"provisioned mode, {low} to {high} event pollers"
        if self.max_concurrency is not None:
            return f"at most {self.max_concurrency} concurrent invocations"
        return "Lambda scales the pollers"

    def _graphs(self, period: Duration) -> tuple[Graph, ...]:
        function = self.function
        failures = Graph(
            "Function errors and throttles",
            (
                function_errors(function, period, label="Errors"),
                function_throttles(function, period, label="Throttles"),
            ),
            (annotation_of(self.errors_alarm), annotation_of(self.throttles_alarm)),
        )
        bound = self.max_concurrency
        concurrency = Graph(
            "Concurrent executions",
            (function_concurrency(function, period, label="ConcurrentExecutions (max)"),),
            (cloudwatch.HorizontalAnnotation(value=bound, label="max_concurrency"),)
            if isinstance(bound, int)
            else (),
        )
        if not self.event_count_metrics:
            return failures, concurrency
        mapping_id = self.event_source_mapping.event_source_mapping_id  # read once: a round trip
        mapping = Graph(
            "Event-source mapping: messages (EventCount)",
            tuple(
                mapping_event_count(mapping_id, name, period, label=name.removesuffix("EventCount"))
                for name in MAPPING_EVENT_COUNTS
            ),
        )
        return failures, concurrency, mapping

    # --- the builders --------------------------------------------------------

    def _validate(
        self,
        source: QueueRef,
        options: LambdaQueueConsumerOptions,
        function_timeout: Duration | None,
        alarm_topic: sns.ITopic | None,
    ) -> None:
        v = OptionValidator(self)
        check_notification_topic(v, "alarm_topic", alarm_topic)
        v.extend(topic_region_problems(self, "alarm_topic", alarm_topic))
        refuse_queue_location(
            v,
            "queue",
            source,
            source.location(self),
            other_region="a Lambda event-source mapping polls queues of the function's own "
            "region only; deploy the consumer in the queue's region",
        )
        v.extend(options.problems(source.facts, function_timeout))
        v.raise_if_any()

    def _mapping(self, options: LambdaQueueConsumerOptions) -> lambda_.EventSourceMapping:
        # An imported function without a role cannot be granted anything here.
        grant = self.queue.grant_consume_messages(self.function) if self.function.role else None
        if grant is None:
            Annotations.of(self).add_warning_v2(
                "constructs_lib:LambdaQueueConsumer:NoRole",
                "the function was imported without its role: grant it sqs:ReceiveMessage, "
                "sqs:DeleteMessage, sqs:ChangeMessageVisibility, sqs:GetQueueAttributes "
                "(and kms:Decrypt on the queue's key) yourself.",
            )
        mapping = lambda_.EventSourceMapping(
            self,
            "EventSourceMapping",
            target=self.function,
            event_source_arn=self.queue.queue_arn,
            batch_size=options.batch_size,
            max_batching_window=options.max_batching_window,
            max_concurrency=options.max_concurrency,
            filters=list(options.filters) if options.filters else None,
            report_batch_item_failures=options.report_batch_item_failures,
            enabled=options.enabled,
            provisioned_poller_config=self._poller_config(within_aws_cdk_lib=True),
            metrics_config=(
                lambda_.MetricsConfig(metrics=[lambda_.MetricType.EVENT_COUNT])
                if options.event_count_metrics
                else None
            ),
        )
        # On-failure destinations exist for stream and Kafka sources only; an SQS
        # mapping's failures go to the queue's dead-letter queue (redrive policy).
        Validations.of(mapping).acknowledge(
            Acknowledgment(
                id="Serverless::Serverless-LambdaEventSourceMappingDestination",
                reason="SQS event-source mappings support no on-failure destination; "
                "the queue's redrive policy dead-letters failed messages",
            )
        )
        if grant is not None:
            # Lambda checks the role's SQS permissions when the mapping is created.
            grant.apply_before(mapping)
        beyond = self._poller_config(within_aws_cdk_lib=False)
        if beyond is not None:
            # aws-cdk-lib refuses more than 2,000 maximum pollers (its Kafka range);
            # Lambda and CloudFormation take up to 10,000 for SQS: written on the L1.
            cfn = mapping.node.default_child
            assert isinstance(cfn, lambda_.CfnEventSourceMapping)
            cfn.add_property_override(
                "ProvisionedPollerConfig",
                {
                    "MinimumPollers": beyond.minimum_pollers,
                    "MaximumPollers": beyond.maximum_pollers,
                },
            )
        return mapping

    def _poller_config(self, *, within_aws_cdk_lib: bool) -> lambda_.ProvisionedPollerConfig | None:
        """The provisioned pollers if aws-cdk-lib admits them (``within_aws_cdk_lib``),
        or if it does not (then the L1 takes them); else None."""
        if self.provisioned_pollers is None:
            return None
        low, high = self.provisioned_pollers
        admitted = not (type(high) is int and high > _AWS_CDK_LIB_MAXIMUM_POLLERS)
        if admitted is not within_aws_cdk_lib:
            return None
        return lambda_.ProvisionedPollerConfig(minimum_pollers=low, maximum_pollers=high)

    def _function_alarm(
        self, alarm_id: str, metric: cloudwatch.Metric, threshold: int, what: str
    ) -> cloudwatch.Alarm:
        return alarm_above(
            self,
            alarm_id,
            description=f"{path_of(self)}: {what}",
            metric=metric,
            threshold=threshold,
        )

    def _age_alarm(self, threshold: Duration) -> cloudwatch.Alarm:
        """The age alarm of a plain queue (a SecureQueue brings its own)."""
        return alarm_above(
            self,
            "OldestMessageAgeAlarm",
            description=f"{path_of(self)}: the oldest message waits longer than "
            f"{threshold.to_human_string()}.",
            metric=QueueMetrics(self.queue).oldest_message_age(),
            threshold=threshold.to_seconds(),
        )

    def _warn_if_queue_in_other_account(self, source: QueueRef) -> None:
        """Lambda polls another account's queue as the function's role (AWS supports
        it); the queue's policy and its metrics are the owner's."""
        location = source.location(self)
        role = self.function.role
        warn_queue_in_other_account(
            self,
            source,
            location,
            lambda: (
                "sqs:ReceiveMessage, sqs:DeleteMessage, sqs:ChangeMessageVisibility and "
                f"sqs:GetQueueAttributes to the function's role "
                f"({path_of(role) if role is not None else 'unknown: imported function'})"
            ),
        )
        if location.other_account:
            Annotations.of(self).add_warning_v2(
                "constructs_lib:LambdaQueueConsumer:AgeAlarmWithoutMetrics",
                "OldestMessageAgeAlarm reads AWS/SQS metrics of this account, and the queue "
                f"publishes its metrics in account {location.account}: set its age alarm up "
                "there.",
            )

    def _warn(
        self,
        source: QueueRef,
        report_batch_item_failures: bool,
        function_timeout: Duration | None,
    ) -> None:
        warn = Annotations.of(self).add_warning_v2
        if not report_batch_item_failures:
            warn(
                "constructs_lib:LambdaQueueConsumer:NoPartialBatchResponse",
                "report_batch_item_failures=False: one failing message makes its whole "
                "batch visible again, and the good messages are processed again.",
            )
        if function_timeout is None or source.facts.visibility_timeout_seconds is None:
            warn(
                "constructs_lib:LambdaQueueConsumer:VisibilityUnchecked",
                "the queue's visibility timeout or the function's timeout is unknown at "
                "synth: make sure visibility >= 6 x function timeout + batching window.",
            )
        secure = source.secure_queue
        if secure is not None and secure.dead_letter_queue is None:
            warn(
                "constructs_lib:LambdaQueueConsumer:NoDeadLetterQueue",
                "the queue has no DLQ: a message that always fails is retried until it expires.",
            )
        elif (
            secure is not None and secure.max_receive_count < _LAMBDA_MIN_RECOMMENDED_RECEIVE_COUNT
        ):
            warn(
                "constructs_lib:LambdaQueueConsumer:LowMaxReceiveCount",
                f"max_receive_count={secure.max_receive_count}: AWS recommends at least "
                f"{_LAMBDA_MIN_RECOMMENDED_RECEIVE_COUNT} for Lambda, so that throttled "
                "batches are not dead-lettered.",
            )


def _timeout_of(function: lambda_.IFunction) -> Duration | None:
    """A function's timeout (Lambda's default when it sets none); None if imported."""
    if isinstance(function, lambda_.Function):
        return function.timeout or defaults.LAMBDA_DEFAULT_FUNCTION_TIMEOUT
    return None
