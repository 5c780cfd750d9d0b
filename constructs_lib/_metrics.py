"""The metrics the library alarms and scales on, one function or class per source.

Kept apart from the alarms (`constructs_lib._alarms`), as cdk-monitoring-
constructs keeps its metric factories apart from its alarm factory: a metric
is chosen once (name, statistic, period) and every alarm, scaling policy,
``metric_*`` helper and dashboard graph (`PatternDashboard`) of the library
reads it from here. The metric math the dashboard draws is here too, as
expressions `constructs_lib.metric_math` evaluates.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs

from constructs_lib import defaults
from constructs_lib._validation import seconds_of

#: The namespace, metric and statistic of a group's in-service instances: the
#: divisor of the backlog per instance (the L1 scaling policy names them too).
AUTO_SCALING_NAMESPACE = "AWS/AutoScaling"
IN_SERVICE_INSTANCES = "GroupInServiceInstances"
DESIRED_CAPACITY = "GroupDesiredCapacity"

#: Messages per second sent to / deleted from a queue, whatever period a
#: dashboard shows (CloudWatch widens it for long time ranges): ``sent`` and
#: ``deleted`` are Sums of ``NumberOfMessagesSent`` / ``NumberOfMessagesDeleted``.
SENT_RATE_EXPRESSION = "sent / PERIOD(sent)"
DELETED_RATE_EXPRESSION = "deleted / PERIOD(deleted)"
#: Seconds until the visible messages are gone at the current net rate, as
#: cdk-monitoring-constructs computes it (visible / (deleted - sent) per
#: period), but no value at all while the queue does not shrink: a negative or
#: infinite time means "never at this rate", which a graph would only hide.
TIME_TO_DRAIN_EXPRESSION = (
    "IF(FILL(deleted, 0) > FILL(sent, 0), "
    "visible * PERIOD(visible) / (FILL(deleted, 0) - FILL(sent, 0)))"
)

#: The ``EventCount`` metrics of an SQS event-source mapping (Lambda developer
#: guide, "Event source mapping metrics"; namespace AWS/Lambda, dimension
#: ``EventSourceMappingUUID``), in the order a message meets them.
MAPPING_EVENT_COUNTS = (
    "PolledEventCount",
    "FilteredOutEventCount",
    "InvokedEventCount",
    "FailedInvokeEventCount",
    "DeletedEventCount",
)

#: CloudWatch's statistic names, as ``cloudwatch.Stats`` holds them: written
#: here because each read of ``cloudwatch.Stats.X`` is a round trip to the jsii
#: process, which would run at import (tests/constructs_lib/test__metrics.py
#: checks they are the same).
MAXIMUM = "Maximum"
SUM = "Sum"
AVERAGE = "Average"
MINIMUM = "Minimum"


@dataclass(frozen=True)
class MetricFacts:
    """What the library knows of a metric it made, kept in Python: reading it
    back from the jsii process costs a round trip per property."""

    #: what aws-cdk-lib's ``Metric.toString()`` prints: the label, else the name
    shown: str
    period_seconds: float


_FACTS: weakref.WeakKeyDictionary[cloudwatch.IMetric, MetricFacts] = weakref.WeakKeyDictionary()


def facts_of(metric: cloudwatch.IMetric) -> MetricFacts | None:
    """The facts of a metric made here (None: made elsewhere, or its period is a token)."""
    return _FACTS.get(metric)


def _made(
    metric: cloudwatch.Metric, name: str, label: str | None, period: Duration
) -> cloudwatch.Metric:
    seconds = seconds_of(period)
    if seconds is not None:
        _FACTS[metric] = MetricFacts(shown=label or name, period_seconds=seconds)
    return metric


class QueueMetrics:
    """The AWS/SQS metrics of one queue (SQS publishes them every minute)."""

    def __init__(self, queue: sqs.IQueue) -> None:
        self._queue = queue
        #: the unlabelled Sums, made once per period: the rates and the time to
        #: drain share them (each metric made is a round trip to the jsii process)
        self._sums: dict[tuple[str, Duration], cloudwatch.Metric] = {}

    def visible_messages(
        self,
        *,
        statistic: str = MAXIMUM,
        period: Duration = defaults.ALARM_PERIOD,
        label: str | None = None,
    ) -> cloudwatch.Metric:
        """``ApproximateNumberOfMessagesVisible``: Maximum for alarms, Sum for metric math."""
        return _made(
            self._queue.metric_approximate_number_of_messages_visible(
                period=period, statistic=statistic, label=label
            ),
            "ApproximateNumberOfMessagesVisible",
            label,
            period,
        )

    def oldest_message_age(
        self, period: Duration = defaults.ALARM_PERIOD, label: str | None = None
    ) -> cloudwatch.Metric:
        """Maximum of ``ApproximateAgeOfOldestMessage`` (seconds)."""
        return _made(
            self._queue.metric_approximate_age_of_oldest_message(
                period=period, statistic=MAXIMUM, label=label
            ),
            "ApproximateAgeOfOldestMessage",
            label,
            period,
        )

    def in_flight_messages(
        self, period: Duration = defaults.ALARM_PERIOD, label: str | None = None
    ) -> cloudwatch.Metric:
        """Maximum of ``ApproximateNumberOfMessagesNotVisible``: received, not yet deleted."""
        return self._queue.metric_approximate_number_of_messages_not_visible(
            period=period, statistic=MAXIMUM, label=label
        )

    def sent_messages(
        self, period: Duration = defaults.ALARM_PERIOD, *, statistic: str = SUM
    ) -> cloudwatch.Metric:
        """Sum of ``NumberOfMessagesSent`` (SQS does not count dead-lettered messages in
        it); ``statistic=MAXIMUM`` over a longer period: its busiest minute."""
        if statistic != SUM:
            return self._queue.metric_number_of_messages_sent(period=period, statistic=statistic)
        key = ("sent", period)
        if key not in self._sums:
            self._sums[key] = self._queue.metric_number_of_messages_sent(
                period=period, statistic=SUM
            )
        return self._sums[key]

    def deleted_messages(self, period: Duration = defaults.ALARM_PERIOD) -> cloudwatch.Metric:
        """Sum of ``NumberOfMessagesDeleted``."""
        key = ("deleted", period)
        if key not in self._sums:
            self._sums[key] = self._queue.metric_number_of_messages_deleted(
                period=period, statistic=SUM
            )
        return self._sums[key]

    def sent_rate(self, period: Duration) -> cloudwatch.MathExpression:
        """Messages sent per second (`SENT_RATE_EXPRESSION`)."""
        return cloudwatch.MathExpression(
            expression=SENT_RATE_EXPRESSION,
            using_metrics={"sent": self.sent_messages(period)},
            label="Sent / s",
            period=period,  # a MathExpression's own period (5 min by default) wins
        )

    def deleted_rate(self, period: Duration) -> cloudwatch.MathExpression:
        """Messages deleted per second (`DELETED_RATE_EXPRESSION`)."""
        return cloudwatch.MathExpression(
            expression=DELETED_RATE_EXPRESSION,
            using_metrics={"deleted": self.deleted_messages(period)},
            label="Deleted / s",
            period=period,
        )

    def time_to_drain(self, period: Duration) -> cloudwatch.MathExpression:
        """Seconds to drain the visible messages at the net rate (`TIME_TO_DRAIN_EXPRESSION`)."""
        return cloudwatch.MathExpression(
            expression=TIME_TO_DRAIN_EXPRESSION,
            using_metrics={
                "visible": self.visible_messages(period=period),
                "sent": self.sent_messages(period),
                "deleted": self.deleted_messages(period),
            },
            label="Time to drain (s); none while the queue does not shrink",
            period=period,
        )


def function_errors(
    function: lambda_.IFunction,
    period: Duration = defaults.ALARM_PERIOD,
    label: str | None = None,
) -> cloudwatch.Metric:
    """Sum of the function's failed invocations per period."""
    return _made(
        function.metric_errors(period=period, statistic=SUM, label=label), "Errors", label, period
    )


def function_throttles(
    function: lambda_.IFunction,
    period: Duration = defaults.ALARM_PERIOD,
    label: str | None = None,
) -> cloudwatch.Metric:
    """Sum of the function's throttled invocations per period."""
    return _made(
        function.metric_throttles(period=period, statistic=SUM, label=label),
        "Throttles",
        label,
        period,
    )


def function_concurrency(
    function: lambda_.IFunction, period: Duration, label: str | None = None
) -> cloudwatch.Metric:
    """Maximum of the function's ``ConcurrentExecutions`` (Lambda emits it for every
    function; AWS says to read it with MAX)."""
    return function.metric("ConcurrentExecutions", period=period, statistic=MAXIMUM, label=label)


def mapping_event_count(
    mapping_id: str,
    metric_name: str,
    period: Duration,
    label: str | None = None,
) -> cloudwatch.Metric:
    """Sum of one of `MAPPING_EVENT_COUNTS` of the mapping whose UUID is
    ``mapping_id`` (needs the mapping's ``EventCount`` metrics on)."""
    return cloudwatch.Metric(
        namespace="AWS/Lambda",
        metric_name=metric_name,
        dimensions_map={"EventSourceMappingUUID": mapping_id},
        period=period,
        statistic=SUM,
        label=label,
    )


def in_service_instances(
    group_name: str,
    period: Duration = defaults.ALARM_PERIOD,
    label: str | None = None,
    *,
    statistic: str | None = None,
) -> cloudwatch.Metric:
    """Average (or ``statistic``) of the group's ``GroupInServiceInstances`` (needs group
    metrics on)."""
    return _group_metric(group_name, IN_SERVICE_INSTANCES, period, label, statistic)


def desired_capacity(
    group_name: str, period: Duration, label: str | None = None
) -> cloudwatch.Metric:
    """Average of the group's ``GroupDesiredCapacity`` (needs group metrics on)."""
    return _group_metric(group_name, DESIRED_CAPACITY, period, label)


def _group_metric(
    group_name: str,
    metric_name: str,
    period: Duration,
    label: str | None,
    statistic: str | None = None,
) -> cloudwatch.Metric:
    return cloudwatch.Metric(
        namespace=AUTO_SCALING_NAMESPACE,
        metric_name=metric_name,
        dimensions_map={"AutoScalingGroupName": group_name},
        period=period,
        statistic=statistic or AVERAGE,
        label=label,
    )
