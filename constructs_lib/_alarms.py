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
from constructs_lib._metrics import facts_of

#: Each alarm's dashboard annotation, as aws-cdk-lib's ``Alarm.to_annotation()``
#: makes it, computed here when the alarm is built (`annotation_of`).
_ANNOTATIONS: weakref.WeakKeyDictionary[cloudwatch.Alarm, cloudwatch.HorizontalAnnotation] = (
    weakref.WeakKeyDictionary()
)

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
    alarm = cloudwatch.Alarm(
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
    label = _annotation_label(metric, threshold, datapoints, or_equal)
    if label is not None:
        _ANNOTATIONS[alarm] = cloudwatch.HorizontalAnnotation(value=threshold, label=label)
    return alarm


def annotation_of(alarm: cloudwatch.Alarm) -> cloudwatch.HorizontalAnnotation:
    """``alarm.to_annotation()``, without its six round trips to the jsii process
    (one call, one read per field of the struct) for an alarm built by
    `alarm_above` on a metric of `_metrics`."""
    known = _ANNOTATIONS.get(alarm)
    return known if known is not None else alarm.to_annotation()


def _annotation_label(
    metric: cloudwatch.IMetric, threshold: float, datapoints: int, or_equal: bool
) -> str | None:
    """aws-cdk-lib's annotation label (aws-cloudwatch/lib/alarm.ts): '<metric>
    <operator> <threshold> for <n> datapoints within <evaluation time>'; None
    where this cannot tell it exactly (a metric made elsewhere, a threshold
    JavaScript would print otherwise). tests/constructs_lib/test__alarms.py
    compares it with aws-cdk-lib's for every alarm of the example app."""
    facts = facts_of(metric)
    shown = _js_number(threshold)
    if facts is None or shown is None:
        return None
    operator = ">=" if or_equal else ">"
    within = _describe_period(datapoints * facts.period_seconds)
    if within is None:
        return None
    return f"{facts.shown} {operator} {shown} for {datapoints} datapoints within {within}"


def _describe_period(seconds: float) -> str | None:
    """aws-cloudwatch's ``describePeriod``."""
    if seconds == 60:
        return "1 minute"
    if seconds == 1:
        return "1 second"
    shown = _js_number(seconds / 60 if seconds > 60 else seconds)
    if shown is None:
        return None
    return f"{shown} minutes" if seconds > 60 else f"{shown} seconds"


def _js_number(value: float) -> str | None:
    """How JavaScript prints ``value`` in a template string, for the numbers
    both languages print alike (integers, and decimals between 1e-4 and 1e15);
    None otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    if 1e-4 <= abs(value) < 1e15:
        return repr(float(value))
    return None


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
