"""The one way the library builds an alarm, and sends it to a topic.

Every alarm of the library has the same shape: a metric of `_metrics`, one-
minute periods, a threshold it must exceed, and missing data that does not
breach (SQS publishes no data point for an idle queue). `alarm_above` builds
it; `notify` sends alarms to a topic, once per topic however many constructs
ask (a consumer reuses its SecureQueue's age alarm), and lets that topic
receive them (`_alarm_topics.allow_alarms`).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable

from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_sns as sns
from constructs import Construct

from constructs_lib._alarm_topics import allow_alarms

#: The topics each alarm already notifies: an alarm action twice is noise.
_NOTIFIED: weakref.WeakKeyDictionary[cloudwatch.Alarm, list[sns.ITopic]] = (
    weakref.WeakKeyDictionary()
)


def alarm_above(
    scope: Construct,
    alarm_id: str,
    *,
    metric: cloudwatch.IMetric,
    threshold: float,
    description: str,
    datapoints: int = 1,
    or_equal: bool = False,
) -> cloudwatch.Alarm:
    """An alarm on ``metric`` above ``threshold`` (or equal to it, with ``or_equal``).

    ``datapoints``: consecutive periods that must breach (evaluation periods
    and, above 1, datapoints to alarm).
    """
    return cloudwatch.Alarm(
        scope,
        alarm_id,
        alarm_description=description,
        metric=metric,
        threshold=threshold,
        comparison_operator=(
            cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
            if or_equal
            else cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD
        ),
        evaluation_periods=datapoints,
        datapoints_to_alarm=datapoints if datapoints > 1 else None,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
    )


def notify(scope: Construct, topic: sns.ITopic | None, alarms: Iterable[cloudwatch.Alarm]) -> None:
    """Sends ``alarms`` to ``topic`` (none: nothing) and lets ``topic`` receive them.

    ``scope`` is the construct that asked: warnings about the topic name it.
    """
    if topic is None:
        return
    allow_alarms(scope, topic)
    action = cloudwatch_actions.SnsAction(topic)
    for alarm in alarms:
        notified = _NOTIFIED.setdefault(alarm, [])
        if not any(known is topic for known in notified):
            alarm.add_alarm_action(action)
            notified.append(topic)
