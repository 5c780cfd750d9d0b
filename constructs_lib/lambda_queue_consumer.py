"""`LambdaQueueConsumer`: a Lambda function fed by an SQS queue."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aws_cdk import Acknowledgment, Annotations, Duration, Validations
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from constructs_lib import defaults
from constructs_lib._alarm_topics import allow_alarms, check_notification_topic
from constructs_lib._queues import ConsumedQueue, consumed_queue
from constructs_lib._sources import (
    queue_location,
    refuse_queue_location,
    warn_queue_in_other_account,
)
from constructs_lib._validation import OptionValidator, seconds_of
from constructs_lib.secure_queue import SecureQueue
from constructs_lib.stack_limits import register_pattern

#: AWS recommends at least this maxReceiveCount for Lambda consumers, so that
#: a throttled batch is not dead-lettered on its first retries.
_LAMBDA_MIN_RECOMMENDED_RECEIVE_COUNT = 5


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
      All go to ``alarm_topic`` when one is given, which (in this app) is made
      able to receive them as `SecureQueue` does it.

    AWS's rules, checked at synth (`ConstructOptionError`, all together):

    - the queue's visibility timeout must be at least 6 x the function timeout
      plus the batching window. The construct does not raise the queue's
      timeout itself: the queue may have other consumers and its own reasons,
      so the error names the minimum instead. When the queue's timeout cannot
      be read (an imported queue) the check is skipped with a warning;
    - FIFO queue: batch size 1..10 and no batching window;
    - standard queue: batch size 1..10,000, and above 10 a batching window
      of at least 1 s; the window is at most 300 s;
    - maximum concurrency 2..1000.

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
        makes, 2..1000; default none (up to the function's concurrency).
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
    :raises ConstructOptionError: for any invalid option, all listed together.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        function: lambda_.IFunction,
        queue: SecureQueue | sqs.IQueue,
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
        oldest_message_age_alarm_threshold: Duration = (
            defaults.OLDEST_MESSAGE_AGE_ALARM_THRESHOLD
        ),
    ) -> None:
        super().__init__(scope, construct_id)
        register_pattern(self)  # counted in the stack's resource-quota check
        source = consumed_queue(queue)
        if function_timeout is None and isinstance(function, lambda_.Function):
            function_timeout = function.timeout or defaults.LAMBDA_DEFAULT_FUNCTION_TIMEOUT
        self._validate(
            source=source,
            batch_size=batch_size,
            max_batching_window=max_batching_window,
            max_concurrency=max_concurrency,
            function_timeout=function_timeout,
            errors_alarm_threshold=errors_alarm_threshold,
            throttles_alarm_threshold=throttles_alarm_threshold,
            oldest_message_age_alarm_threshold=oldest_message_age_alarm_threshold,
            alarm_topic=alarm_topic,
        )
        self._warn(source, report_batch_item_failures, function_timeout)

        self.function: lambda_.IFunction = function
        self.queue: sqs.IQueue = source.queue
        self._warn_if_queue_in_other_account(source.queue)
        # An imported function without a role cannot be granted anything here.
        grant = source.queue.grant_consume_messages(function) if function.role else None
        if grant is None:
            Annotations.of(self).add_warning_v2(
                "constructs_lib:LambdaQueueConsumer:NoRole",
                "the function was imported without its role: grant it sqs:ReceiveMessage, "
                "sqs:DeleteMessage, sqs:ChangeMessageVisibility, sqs:GetQueueAttributes "
                "(and kms:Decrypt on the queue's key) yourself.",
            )
        self.event_source_mapping: lambda_.EventSourceMapping = lambda_.EventSourceMapping(
            self,
            "EventSourceMapping",
            target=function,
            event_source_arn=source.queue.queue_arn,
            batch_size=batch_size,
            max_batching_window=max_batching_window,
            max_concurrency=max_concurrency,
            filters=list(filters) if filters else None,
            report_batch_item_failures=report_batch_item_failures,
            enabled=enabled,
        )
        # On-failure destinations exist for stream and Kafka sources only; an SQS
        # mapping's failures go to the queue's dead-letter queue (redrive policy).
        Validations.of(self.event_source_mapping).acknowledge(
            Acknowledgment(
                id="Serverless::Serverless-LambdaEventSourceMappingDestination",
                reason="SQS event-source mappings support no on-failure destination; "
                "the queue's redrive policy dead-letters failed messages",
            )
        )
        if grant is not None:
            # Lambda checks the role's SQS permissions when the mapping is created.
            grant.apply_before(self.event_source_mapping)

        self.errors_alarm: cloudwatch.Alarm = cloudwatch.Alarm(
            self,
            "FunctionErrorsAlarm",
            alarm_description=(
                f"{self.node.path}: invocations of the queue's function failed "
                "(the whole invocation, not single messages)."
            ),
            metric=function.metric_errors(
                period=defaults.ALARM_PERIOD, statistic=cloudwatch.Stats.SUM
            ),
            threshold=errors_alarm_threshold,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        self.throttles_alarm: cloudwatch.Alarm = cloudwatch.Alarm(
            self,
            "FunctionThrottlesAlarm",
            alarm_description=(
                f"{self.node.path}: invocations were throttled; messages wait "
                "and may reach the DLQ after max_receive_count receives."
            ),
            metric=function.metric_throttles(
                period=defaults.ALARM_PERIOD, statistic=cloudwatch.Stats.SUM
            ),
            threshold=throttles_alarm_threshold,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        own_age_alarm = source.oldest_message_age_alarm
        if own_age_alarm is None:
            own_age_alarm = cloudwatch.Alarm(
                self,
                "OldestMessageAgeAlarm",
                alarm_description=(
                    f"{self.node.path}: the oldest message waits longer than "
                    f"{oldest_message_age_alarm_threshold.to_human_string()}."
                ),
                metric=source.queue.metric_approximate_age_of_oldest_message(
                    period=defaults.ALARM_PERIOD, statistic=cloudwatch.Stats.MAXIMUM
                ),
                threshold=oldest_message_age_alarm_threshold.to_seconds(),
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
                evaluation_periods=1,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            )
            if alarm_topic is not None:
                own_age_alarm.add_alarm_action(cloudwatch_actions.SnsAction(alarm_topic))
        self.oldest_message_age_alarm: cloudwatch.Alarm = own_age_alarm
        if alarm_topic is not None:
            allow_alarms(self, alarm_topic)
            action = cloudwatch_actions.SnsAction(alarm_topic)
            self.errors_alarm.add_alarm_action(action)
            self.throttles_alarm.add_alarm_action(action)

    @property
    def alarms(self) -> list[cloudwatch.Alarm]:
        """The function's alarms and the queue's age alarm."""
        return [self.errors_alarm, self.throttles_alarm, self.oldest_message_age_alarm]

    # --- internals -----------------------------------------------------------

    def _warn_if_queue_in_other_account(self, queue: sqs.IQueue) -> None:
        """Lambda polls another account's queue as the function's role (AWS supports
        it); the queue's policy and its metrics are the owner's."""
        location = queue_location(self, queue)
        role = self.function.role
        warn_queue_in_other_account(
            self,
            queue,
            location,
            "sqs:ReceiveMessage, sqs:DeleteMessage, sqs:ChangeMessageVisibility and "
            f"sqs:GetQueueAttributes to the function's role "
            f"({role.node.path if role is not None else 'unknown: imported function'})",
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
        source: ConsumedQueue,
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
        if function_timeout is None or source.visibility_timeout_seconds is None:
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

    def _validate(
        self,
        *,
        source: ConsumedQueue,
        batch_size: int,
        max_batching_window: Duration | None,
        max_concurrency: int | None,
        function_timeout: Duration | None,
        errors_alarm_threshold: int,
        throttles_alarm_threshold: int,
        oldest_message_age_alarm_threshold: Duration,
        alarm_topic: sns.ITopic | None,
    ) -> None:
        v = OptionValidator(self)
        check_notification_topic(v, "alarm_topic", alarm_topic)
        window = seconds_of(max_batching_window)
        if source.fifo:
            v.int_range("batch_size", batch_size, *defaults.LAMBDA_BATCH_SIZE_RANGE_FIFO)
            v.check(
                max_batching_window is None,
                "max_batching_window",
                f"{window:g} seconds" if window is not None else max_batching_window,
                "is not supported for FIFO queues: leave it unset",
            )
        else:
            v.int_range("batch_size", batch_size, *defaults.LAMBDA_BATCH_SIZE_RANGE_STANDARD)
            v.duration_range(
                "max_batching_window",
                max_batching_window,
                *defaults.LAMBDA_BATCHING_WINDOW_RANGE_SECONDS,
            )
            if (
                isinstance(batch_size, int)
                and batch_size > defaults.LAMBDA_BATCH_SIZE_WITHOUT_WINDOW_MAX
                and max_batching_window is not None
                and window is not None
            ):
                v.check(
                    window >= 1,
                    "max_batching_window",
                    f"{window:g} seconds",
                    f"must be at least 1 second when batch_size ({batch_size}) is above "
                    f"{defaults.LAMBDA_BATCH_SIZE_WITHOUT_WINDOW_MAX}",
                )
            v.check(
                not (
                    isinstance(batch_size, int)
                    and batch_size > defaults.LAMBDA_BATCH_SIZE_WITHOUT_WINDOW_MAX
                    and max_batching_window is None
                ),
                "batch_size",
                batch_size,
                f"above {defaults.LAMBDA_BATCH_SIZE_WITHOUT_WINDOW_MAX} needs a "
                "max_batching_window of at least 1 second",
            )
        refuse_queue_location(
            v,
            "queue",
            source.queue,
            queue_location(self, source.queue),
            other_region="a Lambda event-source mapping polls queues of the function's own "
            "region only; deploy the consumer in the queue's region",
        )
        v.int_range("max_concurrency", max_concurrency, *defaults.LAMBDA_MAX_CONCURRENCY_RANGE)
        v.check(
            errors_alarm_threshold >= 0,
            "errors_alarm_threshold",
            errors_alarm_threshold,
            "must not be negative",
        )
        v.check(
            throttles_alarm_threshold >= 0,
            "throttles_alarm_threshold",
            throttles_alarm_threshold,
            "must not be negative",
        )
        if source.secure_queue is None:
            # the alarm threshold is in whole seconds; a SecureQueue brings its own alarm
            v.whole_seconds(
                "oldest_message_age_alarm_threshold", oldest_message_age_alarm_threshold
            )
        timeout = seconds_of(function_timeout)
        visibility = source.visibility_timeout_seconds
        if timeout is not None and visibility is not None:
            needed = defaults.LAMBDA_VISIBILITY_TIMEOUT_FACTOR * timeout + (window or 0)
            v.check(
                visibility >= needed,
                "queue",
                f"visibility timeout {visibility:g} seconds",
                f"must be at least {defaults.LAMBDA_VISIBILITY_TIMEOUT_FACTOR} x the "
                f"function timeout ({timeout:g} s) + the batching window ({window or 0:g} s) "
                f"= {needed:g} seconds: raise the queue's visibility_timeout",
            )
        v.raise_if_any()
