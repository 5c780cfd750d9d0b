"""The shared option rules and the options objects of every construct, without a Stack."""

from __future__ import annotations

import inspect
from dataclasses import MISSING, dataclass, fields
from typing import Any

import pytest
from aws_cdk import Duration

from constructs_lib._target_delivery import TargetDelivery
from constructs_lib._validation import OptionRules, options_from
from constructs_lib.bucket_to_queue import BucketToQueue, BucketToQueueOptions
from constructs_lib.dashboard import PatternDashboard, PatternDashboardOptions
from constructs_lib.event_rule_to_queue import EventRuleToQueue
from constructs_lib.lambda_queue_consumer import LambdaQueueConsumer, LambdaQueueConsumerOptions
from constructs_lib.pipe_to_queue import PipeToQueue, PipeToQueueOptions
from constructs_lib.queue_worker_fleet import QueueWorkerFleet, QueueWorkerFleetOptions
from constructs_lib.schedule_to_queue import ScheduleToQueue
from constructs_lib.secure_queue import SecureQueue, SecureQueueOptions

#: construct -> (its options class, its keyword arguments that are not options:
#: the resources it wires, validated by the construct itself)
OPTIONS_CLASSES: dict[type, tuple[type, set[str]]] = {
    SecureQueue: (SecureQueueOptions, set()),
    BucketToQueue: (BucketToQueueOptions, {"queue"}),
    LambdaQueueConsumer: (LambdaQueueConsumerOptions, {"function", "queue", "alarm_topic"}),
    PatternDashboard: (PatternDashboardOptions, {"patterns"}),
    PipeToQueue: (
        PipeToQueueOptions,
        {"queue", "source_queue", "source_table", "source_stream"},
    ),
    QueueWorkerFleet: (
        QueueWorkerFleetOptions,
        {
            "queue",
            "vpc",
            "vpc_subnets",
            "instance_type",
            "machine_image",
            "notifications_topic",
            "alarm_topic",
        },
    ),
}

#: constructs whose options are in part a shared options class
SHARED_OPTIONS: dict[type, type] = {
    EventRuleToQueue: TargetDelivery,
    ScheduleToQueue: TargetDelivery,
}


@pytest.mark.parametrize("construct", OPTIONS_CLASSES, ids=lambda c: c.__name__)
def test_options_classes_hold_the_constructs_keyword_arguments(construct: type) -> None:
    """options_from reads the options class's fields from the construct's
    arguments: both must name the same options, with the same defaults."""
    options_class, wired = OPTIONS_CLASSES[construct]
    keyword = {
        name: p
        for name, p in inspect.signature(construct.__init__).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    }
    option_fields = {f.name: f for f in fields(options_class)}
    assert set(option_fields) == set(keyword) - wired
    for name, item in option_fields.items():
        default = keyword[name].default
        if item.default is MISSING:
            assert default is inspect.Parameter.empty, name
        else:
            assert item.default is default or item.default == default, name


@pytest.mark.parametrize("construct", SHARED_OPTIONS, ids=lambda c: c.__name__)
def test_shared_options_are_keyword_arguments_of_the_construct(construct: type) -> None:
    keyword = inspect.signature(construct.__init__).parameters
    for item in fields(SHARED_OPTIONS[construct]):
        assert keyword[item.name].kind is inspect.Parameter.KEYWORD_ONLY
        assert keyword[item.name].default == item.default, item.name


def test_options_from_reads_only_the_fields() -> None:
    @dataclass(frozen=True)
    class Options:
        size: int = 1

    assert options_from(Options, {"self": object(), "scope": None, "size": 3}) == Options(3)


def problems_of(rules: OptionRules) -> list[str]:
    return [str(p) for p in rules.problems]


def test_fifo_only() -> None:
    v = OptionRules()
    v.fifo_only("dedup", True, fifo=False, remedy=": set fifo=True")
    v.fifo_only("dedup", True, fifo=True, remedy=": set fifo=True")
    v.fifo_only("group", None, fifo=False, remedy="")
    v.fifo_only("flag", False, fifo=False, remedy="")
    assert problems_of(v) == ["dedup=True: is a FIFO-only option: set fifo=True"]


def test_requires_enabled() -> None:
    v = OptionRules()
    v.requires_enabled("dlq_enabled", False, given_option="dlq", given="queue")
    v.requires_enabled("dlq_enabled", False, given_option="dlq", given=None)
    v.requires_enabled("dlq_enabled", True, given_option="dlq", given="queue")
    assert problems_of(v) == ["dlq_enabled=False: must be True when dlq is given"]


def test_only_when_created() -> None:
    v = OptionRules()
    options: list[tuple[str, Any, Any]] = [("name", "n", None), ("versioned", True, True)]
    v.only_when_created("bucket", "given", resource="bucket", options=options)
    v.only_when_created("bucket", None, resource="bucket", options=options)
    assert problems_of(v) == [
        "name='n': configures a created bucket: leave it unset when bucket is given"
    ]


def test_positive_seconds_and_nested_problems() -> None:
    inner = OptionRules()
    inner.positive_seconds("age", 0)
    inner.positive_seconds("age", None)
    inner.whole_seconds("age", Duration.millis(1500))
    outer = OptionRules()
    outer.extend(inner.problems, prefix="dlq_options")
    assert problems_of(outer) == [
        "dlq_options.age='0 seconds': must be more than 0 seconds",
        "dlq_options.age='1.5 seconds': must be a whole number of seconds",
    ]
