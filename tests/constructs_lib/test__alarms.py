"""`_alarms.annotation_of`: the dashboard annotation of an alarm, computed in
Python, must be exactly aws-cdk-lib's ``Alarm.to_annotation()``."""

from __future__ import annotations

import pytest
from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sqs as sqs

from constructs_lib._alarms import _ANNOTATIONS, alarm_above, annotation_of
from constructs_lib._metrics import QueueMetrics
from stacks import build_example_app
from tests.conftest import new_app, new_stack


def _same(alarm: cloudwatch.Alarm) -> None:
    ours, theirs = annotation_of(alarm), alarm.to_annotation()
    assert (ours.label, ours.value) == (theirs.label, theirs.value)


def test_every_alarm_of_the_example_app_is_annotated_as_aws_cdk_lib_does() -> None:
    app = new_app()
    build_example_app(app)
    alarms = [c for c in app.node.find_all() if isinstance(c, cloudwatch.Alarm)]
    known = [a for a in alarms if a in _ANNOTATIONS]
    # The queues' age and DLQ alarms and the Lambda consumer's alarms are
    # computed here; the fleet's metric-math alarm asks aws-cdk-lib.
    assert len(known) >= 20, f"only {len(known)} of {len(alarms)} alarms computed here"
    for alarm in alarms:
        _same(alarm)


@pytest.mark.parametrize(
    ("period", "datapoints", "threshold", "or_equal"),
    [
        (Duration.minutes(1), 1, 0, False),  # "1 minute"
        (Duration.minutes(1), 7, 300, False),  # "7 minutes"
        (Duration.seconds(30), 3, 0.5, True),  # "1.5 minutes", a decimal threshold
        (Duration.seconds(30), 1, 2.25, False),  # "30 seconds"
        (Duration.seconds(10), 6, 1_000_000, True),  # exactly 60 s: "1 minute"
        (Duration.minutes(5), 3, 1e20, False),  # JavaScript prints 100000000000000000000
        (Duration.minutes(1), 1, 1e-7, False),  # JavaScript prints 1e-7: asked of aws-cdk-lib
    ],
)
def test_labels_match_aws_cdk_lib(
    period: Duration, datapoints: int, threshold: float, or_equal: bool
) -> None:
    stack = new_stack()
    metric = QueueMetrics(sqs.Queue(stack, "Queue")).oldest_message_age(period)
    alarm = alarm_above(
        stack,
        "Alarm",
        metric=metric,
        threshold=threshold,
        description="test",
        datapoints=datapoints,
        or_equal=or_equal,
    )
    _same(alarm)


def test_a_labelled_metric_shows_its_label() -> None:
    stack = new_stack()
    metric = QueueMetrics(sqs.Queue(stack, "Queue")).visible_messages(label="Visible")
    alarm = alarm_above(stack, "Alarm", metric=metric, threshold=0, description="test")
    assert annotation_of(alarm).label.startswith("Visible > 0 ")
    _same(alarm)


def test_a_metric_made_elsewhere_is_asked_of_aws_cdk_lib() -> None:
    stack = new_stack()
    metric = sqs.Queue(stack, "Queue").metric_approximate_age_of_oldest_message()
    alarm = alarm_above(stack, "Alarm", metric=metric, threshold=1, description="test")
    assert alarm not in _ANNOTATIONS
    _same(alarm)
