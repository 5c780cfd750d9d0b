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
from constructs_lib.option_codes import OptionCode
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


def problems_of(rules: OptionRules) -> list[tuple[str, str]]:
    return [(str(p), p.code) for p in rules.problems]


#: Any code: the shared rules report the one their caller names.
CODE = OptionCode.SQS_CONTENT_DEDUPLICATION_FIFO_ONLY


def test_fifo_only() -> None:
    v = OptionRules()
    v.fifo_only("dedup", True, fifo=False, remedy=": set fifo=True", code=CODE)
    v.fifo_only("dedup", True, fifo=True, remedy=": set fifo=True", code=CODE)
    v.fifo_only("group", None, fifo=False, remedy="", code=CODE)
    v.fifo_only("flag", False, fifo=False, remedy="", code=CODE)
    assert problems_of(v) == [("dedup=True: is a FIFO-only option: set fifo=True", CODE)]


def test_requires_enabled() -> None:
    v = OptionRules()
    v.requires_enabled("dlq_enabled", False, given_option="dlq", given="queue", code=CODE)
    v.requires_enabled("dlq_enabled", False, given_option="dlq", given=None, code=CODE)
    v.requires_enabled("dlq_enabled", True, given_option="dlq", given="queue", code=CODE)
    assert problems_of(v) == [("dlq_enabled=False: must be True when dlq is given", CODE)]


def test_only_when_created() -> None:
    v = OptionRules()
    options: list[tuple[str, Any, Any]] = [("name", "n", None), ("versioned", True, True)]
    v.only_when_created("bucket", "given", resource="bucket", options=options, code=CODE)
    v.only_when_created("bucket", None, resource="bucket", options=options, code=CODE)
    assert problems_of(v) == [
        ("name='n': configures a created bucket: leave it unset when bucket is given", CODE)
    ]


def test_positive_seconds_and_nested_problems_keep_their_codes() -> None:
    inner = OptionRules()
    inner.positive_seconds("age", 0, code=CODE)
    inner.positive_seconds("age", None, code=CODE)
    inner.whole_seconds("age", Duration.millis(1500))
    outer = OptionRules()
    outer.extend(inner.problems, prefix="dlq_options")
    assert problems_of(outer) == [
        ("dlq_options.age='0 seconds': must be more than 0 seconds", CODE),
        (
            "dlq_options.age='1.5 seconds': must be a whole number of seconds",
            OptionCode.DURATION_NOT_WHOLE_SECONDS,
        ),
    ]


def test_ranges_report_the_callers_code_and_fractions_their_own() -> None:
    v = OptionRules()
    v.int_range("count", 0, 1, 10, code=OptionCode.SQS_MAX_RECEIVE_COUNT_OUT_OF_RANGE)
    v.int_range("count", 2.5, 1, 10, code=OptionCode.SQS_MAX_RECEIVE_COUNT_OUT_OF_RANGE)  # type: ignore[arg-type]
    v.duration_range(
        "delay", Duration.seconds(901), 0, 900, code=OptionCode.SQS_DELIVERY_DELAY_OUT_OF_RANGE
    )
    v.duration_range(
        "delay", Duration.millis(1500), 0, 900, code=OptionCode.SQS_DELIVERY_DELAY_OUT_OF_RANGE
    )
    assert problems_of(v) == [
        ("count=0: must be from 1 to 10", OptionCode.SQS_MAX_RECEIVE_COUNT_OUT_OF_RANGE),
        (
            "count=2.5: must be a whole number from 1 to 10",
            OptionCode.SQS_MAX_RECEIVE_COUNT_OUT_OF_RANGE,
        ),
        (
            "delay='901 seconds': must be from 0 to 900 seconds",
            OptionCode.SQS_DELIVERY_DELAY_OUT_OF_RANGE,
        ),
        (
            "delay='1.5 seconds': must be a whole number of seconds",
            OptionCode.DURATION_NOT_WHOLE_SECONDS,
        ),
    ]
