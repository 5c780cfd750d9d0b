"""The metrics the library alarms and scales on, one function or class per source.

Kept apart from the alarms (`constructs_lib._alarms`), as cdk-monitoring-
constructs keeps its metric factories apart from its alarm factory: a metric
is chosen once (name, statistic, period) and every alarm, scaling policy and
``metric_*`` helper of the library reads it from here.
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs

from constructs_lib import defaults

#: The namespace, metric and statistic of a group's in-service instances: the
#: divisor of the backlog per instance (the L1 scaling policy names them too).
AUTO_SCALING_NAMESPACE = "AWS/AutoScaling"
IN_SERVICE_INSTANCES = "GroupInServiceInstances"

# Read once: each ``cloudwatch.Stats.X`` is a round trip to the jsii process.
MAXIMUM: str = cloudwatch.Stats.MAXIMUM
SUM: str = cloudwatch.Stats.SUM
AVERAGE: str = cloudwatch.Stats.AVERAGE


class QueueMetrics:
    """The AWS/SQS metrics of one queue (SQS publishes them every minute)."""

    def __init__(self, queue: sqs.IQueue) -> None:
        self._queue = queue

    def visible_messages(
        self, *, statistic: str = MAXIMUM, period: Duration = defaults.ALARM_PERIOD
    ) -> cloudwatch.Metric:
        """``ApproximateNumberOfMessagesVisible``: Maximum for alarms, Sum for metric math."""
        return self._queue.metric_approximate_number_of_messages_visible(
            period=period, statistic=statistic
        )

    def oldest_message_age(self, period: Duration = defaults.ALARM_PERIOD) -> cloudwatch.Metric:
        """Maximum of ``ApproximateAgeOfOldestMessage`` (seconds)."""
        return self._queue.metric_approximate_age_of_oldest_message(
            period=period, statistic=MAXIMUM
        )


def function_errors(function: lambda_.IFunction) -> cloudwatch.Metric:
    """Sum of the function's failed invocations per ``ALARM_PERIOD``."""
    return function.metric_errors(period=defaults.ALARM_PERIOD, statistic=SUM)


def function_throttles(function: lambda_.IFunction) -> cloudwatch.Metric:
    """Sum of the function's throttled invocations per ``ALARM_PERIOD``."""
    return function.metric_throttles(period=defaults.ALARM_PERIOD, statistic=SUM)


def in_service_instances(group_name: str) -> cloudwatch.Metric:
    """Average of the group's ``GroupInServiceInstances`` (needs group metrics on)."""
    return cloudwatch.Metric(
        namespace=AUTO_SCALING_NAMESPACE,
        metric_name=IN_SERVICE_INSTANCES,
        dimensions_map={"AutoScalingGroupName": group_name},
        period=defaults.ALARM_PERIOD,
        statistic=AVERAGE,
    )
