"""Property-based tests of every construct's options (hypothesis).

Each construct: options drawn as data, an oracle from the documented rules,
invalid combinations refused by ConstructOptionError naming exactly the
offending options, valid ones synthesized and cfn-lint clean. The number of
cases tried is printed at the end of the run (tests/evidence/conftest.py).
"""

from __future__ import annotations

import re
import string
from typing import Any

from aws_cdk import Duration, Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from hypothesis import strategies as st

from constructs_lib import ConstructOptionError, SecureQueue, defaults
from tests.evidence.properties import (
    PropertyRun,
    Spec,
    bad_duration,
    duration,
    explore,
    seconds_around,
    to_seconds,
)

# --- SecureQueue ---------------------------------------------------------------------

_NAME_CHARS = string.ascii_letters + string.digits + "-_"
_ENCRYPTIONS = ["SQS_MANAGED", "KMS", "KMS_MANAGED", "UNENCRYPTED"]


def _queue_names() -> st.SearchStrategy[str]:
    base = st.one_of(
        st.text(alphabet=_NAME_CHARS, min_size=1, max_size=40),
        st.text(alphabet=_NAME_CHARS, min_size=70, max_size=82),
        st.text(alphabet=_NAME_CHARS + " .$/é", min_size=0, max_size=12),
    )
    return st.tuples(base, st.sampled_from(["", ".fifo"])).map("".join)


def _optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


SECURE_QUEUE_SPECS = st.fixed_dictionaries(
    {},
    optional={
        "fifo": st.booleans(),
        "queue_name": _queue_names(),
        "content_based_deduplication": st.booleans(),
        "high_throughput_fifo": st.booleans(),
        "visibility_timeout": seconds_around(*defaults.VISIBILITY_TIMEOUT_RANGE_SECONDS),
        "retention_period": seconds_around(*defaults.RETENTION_PERIOD_RANGE_SECONDS),
        "delivery_delay": seconds_around(*defaults.DELIVERY_DELAY_RANGE_SECONDS),
        "receive_message_wait_time": seconds_around(*defaults.RECEIVE_WAIT_TIME_RANGE_SECONDS),
        "max_message_size_bytes": st.one_of(
            st.integers(*defaults.MAX_MESSAGE_SIZE_RANGE_BYTES),
            st.integers(min_value=0, max_value=1_100_000),
        ),
        "dead_letter_queue_enabled": st.booleans(),
        "dead_letter_queue": st.sampled_from(["standard-queue", "fifo-queue"]),
        "max_receive_count": st.one_of(
            st.integers(*defaults.MAX_RECEIVE_COUNT_RANGE),
            st.integers(min_value=-2, max_value=1_005),
        ),
        "encryption": st.sampled_from(_ENCRYPTIONS),
        "queue_encryption_key": st.just("key"),
        "alarm_topic": st.just("topic"),
        "oldest_message_age_alarm_threshold": seconds_around(1, 1_300_000),
    },
)


def build_secure_queue(stack: Stack, case_id: str, spec: Spec) -> SecureQueue:
    kwargs: dict[str, Any] = {}
    for option, value in spec.items():
        if option in (
            "visibility_timeout",
            "retention_period",
            "delivery_delay",
            "receive_message_wait_time",
            "oldest_message_age_alarm_threshold",
        ):
            kwargs[option] = duration(value)
        elif option == "dead_letter_queue":
            kwargs[option] = sqs.Queue(
                stack,
                f"{case_id}Dlq",
                fifo=value == "fifo-queue" or None,
                enforce_ssl=True,
                encryption=sqs.QueueEncryption.SQS_MANAGED,
            )
        elif option == "encryption":
            kwargs[option] = getattr(sqs.QueueEncryption, value)
        elif option == "queue_encryption_key":
            kwargs[option] = kms.Key(stack, f"{case_id}Key", enable_key_rotation=True)
        elif option == "alarm_topic":
            kwargs[option] = sns.Topic(stack, f"{case_id}Topic", enforce_ssl=True)
        else:
            kwargs[option] = value
    return SecureQueue(stack, case_id, **kwargs)


def secure_queue_oracle(spec: Spec) -> set[str]:
    """The invalid options of ``spec``, from SecureQueue's documented rules."""
    bad: set[str] = set()
    fifo = spec.get("fifo", False)
    for option, (low, high) in {
        "visibility_timeout": defaults.VISIBILITY_TIMEOUT_RANGE_SECONDS,
        "retention_period": defaults.RETENTION_PERIOD_RANGE_SECONDS,
        "delivery_delay": defaults.DELIVERY_DELAY_RANGE_SECONDS,
        "receive_message_wait_time": defaults.RECEIVE_WAIT_TIME_RANGE_SECONDS,
    }.items():
        if bad_duration(spec.get(option), low, high):
            bad.add(option)
    low, high = defaults.MAX_MESSAGE_SIZE_RANGE_BYTES
    if not low <= spec.get("max_message_size_bytes", low) <= high:
        bad.add("max_message_size_bytes")
    low, high = defaults.MAX_RECEIVE_COUNT_RANGE
    if not low <= spec.get("max_receive_count", low) <= high:
        bad.add("max_receive_count")

    threshold = spec.get("oldest_message_age_alarm_threshold")
    retention = to_seconds(
        spec.get("retention_period", ("s", defaults.RETENTION_PERIOD.to_seconds()))
    )
    if threshold is not None:
        seconds = to_seconds(threshold)
        if seconds != int(seconds) or seconds <= 0 or seconds >= retention:
            bad.add("oldest_message_age_alarm_threshold")
    elif defaults.OLDEST_MESSAGE_AGE_ALARM_THRESHOLD.to_seconds() >= retention:
        bad.add("oldest_message_age_alarm_threshold")

    if not fifo:
        for option in ("content_based_deduplication", "high_throughput_fifo"):
            if spec.get(option):
                bad.add(option)

    dlq = spec.get("dead_letter_queue")
    enabled = spec.get("dead_letter_queue_enabled", True)
    if dlq is not None:
        if not enabled:
            bad.add("dead_letter_queue_enabled")
        if (dlq == "fifo-queue") != fifo:
            bad.add("dead_letter_queue")

    name = spec.get("queue_name")
    if name is not None:
        base = name.removesuffix(".fifo")
        names_dlq = dlq is None and enabled
        limit = 80 - len("-dlq") if names_dlq else 80
        if (
            name.endswith(".fifo") != fifo
            or not re.fullmatch(r"[A-Za-z0-9_-]+", base)
            or len(base) + (len(".fifo") if fifo else 0) > limit
        ):
            bad.add("queue_name")

    encryption = spec.get("encryption", "KMS" if "queue_encryption_key" in spec else "SQS_MANAGED")
    if encryption == "UNENCRYPTED":
        bad.add("encryption")
    if "queue_encryption_key" in spec and encryption != "KMS":
        bad.add("queue_encryption_key")
    return bad


def test_secure_queue_options() -> None:
    run = PropertyRun("SecureQueue", build_secure_queue, secure_queue_oracle)
    explore(run, SECURE_QUEUE_SPECS, max_examples=150)


# --- the machinery itself can fail ----------------------------------------------------


def test_a_wrong_oracle_is_caught() -> None:
    """An accepted invalid spec and a mis-named problem both fail the check."""
    import pytest

    says_all_valid = PropertyRun("x", build_secure_queue, lambda _spec: set())
    with pytest.raises(ConstructOptionError):
        says_all_valid.check({"max_receive_count": 0})
    says_wrong_option = PropertyRun("x", build_secure_queue, lambda _spec: {"delivery_delay"})
    with pytest.raises(AssertionError, match="expected"):
        says_wrong_option.check({"max_receive_count": 0})
    says_invalid = PropertyRun("x", build_secure_queue, lambda _spec: {"max_receive_count"})
    with pytest.raises(AssertionError, match="accepted"):
        says_invalid.check({"max_receive_count": 3})


def test_cfn_lint_batches_report_a_bad_valid_case() -> None:
    run = PropertyRun("x", build_secure_queue, secure_queue_oracle)
    run.check({})
    spec, template = run.valid_templates[0]
    queue = next(r for r in template["Resources"].values() if r["Type"] == "AWS::SQS::Queue")
    queue["Properties"]["DelaySeconds"] = 9999
    assert list(run.lint_valid()) == [repr(spec)]


# --- shared builders for the source constructs ------------------------------------------


def _target_queue(stack: Stack, construct_id: str, kind: tuple[bool, bool]) -> SecureQueue:
    """A SecureQueue: (fifo, on the AWS-managed key alias/aws/sqs)."""
    fifo, aws_managed_key = kind
    return SecureQueue(
        stack,
        construct_id,
        fifo=fifo,
        encryption=sqs.QueueEncryption.KMS_MANAGED if aws_managed_key else None,
    )


_QUEUE_KINDS = st.tuples(st.booleans(), st.sampled_from([False, False, True]))


def _bad_target(kind: tuple[bool, bool], *, fifo: bool) -> bool:
    return kind[0] != fifo or kind[1]


# --- EventRuleToQueue --------------------------------------------------------------------

EVENT_RULE_SPECS = st.fixed_dictionaries(
    {
        "queue": _QUEUE_KINDS,
        "event_pattern": st.sampled_from(["source", "detail", "empty"]),
    },
    optional={
        "message_group_id": st.text(alphabet=_NAME_CHARS, min_size=0, max_size=130),
        "max_event_age": seconds_around(*defaults.MAX_EVENT_AGE_RANGE_SECONDS),
        "retry_attempts": st.integers(min_value=-2, max_value=190),
        "target_dead_letter_queue_enabled": st.booleans(),
        "target_dead_letter_queue": _QUEUE_KINDS,
        "message": st.just("object"),
    },
)


def build_event_rule(stack: Stack, case_id: str, spec: Spec) -> object:
    from aws_cdk import aws_events as events

    from constructs_lib import EventRuleToQueue

    patterns = {
        "source": events.EventPattern(source=["shop.orders"]),
        "detail": events.EventPattern(detail={"status": ["paid"]}),
        "empty": events.EventPattern(),
    }
    kwargs: dict[str, Any] = {
        "queue": _target_queue(stack, f"{case_id}Queue", spec["queue"]),
        "event_pattern": patterns[spec["event_pattern"]],
    }
    for option, value in spec.items():
        if option == "max_event_age":
            kwargs[option] = duration(value)
        elif option == "target_dead_letter_queue":
            kwargs[option] = _target_queue(stack, f"{case_id}TargetDlq", value)
        elif option == "message":
            kwargs[option] = events.RuleTargetInput.from_object(
                {"order": events.EventField.from_path("$.detail.id")}
            )
        elif option not in kwargs:
            kwargs[option] = value
    return EventRuleToQueue(stack, case_id, **kwargs)


def event_rule_oracle(spec: Spec) -> set[str]:
    bad: set[str] = set()
    fifo, managed = spec["queue"]
    group = spec.get("message_group_id")
    if (group is None) == fifo or (group is not None and not 1 <= len(group) <= 128):
        bad.add("message_group_id")
    if managed:
        bad.add("queue")
    if spec["event_pattern"] == "empty":
        bad.add("event_pattern")
    if bad_duration(spec.get("max_event_age"), *defaults.MAX_EVENT_AGE_RANGE_SECONDS):
        bad.add("max_event_age")
    if not 0 <= spec.get("retry_attempts", 0) <= 185:
        bad.add("retry_attempts")
    dlq = spec.get("target_dead_letter_queue")
    if dlq is not None:
        if not spec.get("target_dead_letter_queue_enabled", True):
            bad.add("target_dead_letter_queue_enabled")
        if _bad_target(dlq, fifo=False):
            bad.add("target_dead_letter_queue")
    return bad


def test_event_rule_to_queue_options() -> None:
    run = PropertyRun("EventRuleToQueue", build_event_rule, event_rule_oracle)
    explore(run, EVENT_RULE_SPECS, max_examples=80)


# --- TopicFanout ---------------------------------------------------------------------------

_SUBSCRIPTION_IDS = st.sampled_from(
    ["Billing", "Shipping", "Billing", "Topic", "TopicKey", "SubscriptionDeadLetterQueue"]
)

FANOUT_SPECS = st.fixed_dictionaries(
    {
        "queues": st.lists(
            st.tuples(
                _SUBSCRIPTION_IDS,
                _QUEUE_KINDS,
                st.sampled_from(["none", "attributes", "body", "both"]),
            ),
            max_size=3,
        )
    },
    optional={
        "fifo": st.booleans(),
        "topic": st.sampled_from(["standard-topic", "fifo-topic"]),
        "topic_name": st.tuples(
            st.one_of(
                st.text(alphabet=_NAME_CHARS, min_size=1, max_size=30),
                st.text(alphabet=_NAME_CHARS + " .:/", min_size=0, max_size=8),
                st.text(alphabet=_NAME_CHARS, min_size=250, max_size=260),
            ),
            st.sampled_from(["", ".fifo"]),
        ).map("".join),
        "content_based_deduplication": st.booleans(),
        "topic_encryption_key": st.just("key"),
        "subscription_dead_letter_queue_enabled": st.booleans(),
        "subscription_dead_letter_queue": _QUEUE_KINDS,
    },
)


def build_fanout(stack: Stack, case_id: str, spec: Spec) -> object:
    from constructs_lib import FanoutQueue, TopicFanout

    string = sns.SubscriptionFilter.string_filter
    filters: dict[str, dict[str, Any]] = {
        "none": {},
        "attributes": {"filter_policy": {"type": string(allowlist=["a"])}},
        "body": {
            "filter_policy_with_message_body": {
                "type": sns.FilterOrPolicy.filter(string(allowlist=["a"]))
            }
        },
    }
    filters["both"] = {**filters["attributes"], **filters["body"]}
    specs = [
        FanoutQueue(
            id=subscription_id,
            queue=_target_queue(stack, f"{case_id}Q{i}", kind),
            **filters[filter_kind],
        )
        for i, (subscription_id, kind, filter_kind) in enumerate(spec["queues"])
    ]
    kwargs: dict[str, Any] = {"queues": specs}
    for option, value in spec.items():
        if option == "topic":
            kwargs[option] = sns.Topic(
                stack,
                f"{case_id}Existing",
                fifo=value == "fifo-topic" or None,
                enforce_ssl=True,
                master_key=kms.Key(stack, f"{case_id}ExistingKey", enable_key_rotation=True),
            )
        elif option == "topic_encryption_key":
            kwargs[option] = kms.Key(stack, f"{case_id}Key", enable_key_rotation=True)
        elif option == "subscription_dead_letter_queue":
            kwargs[option] = _target_queue(stack, f"{case_id}SubDlq", value)
        elif option != "queues":
            kwargs[option] = value
    return TopicFanout(stack, case_id, **kwargs)


def fanout_oracle(spec: Spec) -> set[str]:
    bad: set[str] = set()
    topic = spec.get("topic")
    if topic is not None:
        for option, default in (
            ("fifo", False),
            ("topic_name", None),
            ("content_based_deduplication", False),
            ("topic_encryption_key", None),
        ):
            if spec.get(option, default) != default:
                bad.add(option)
        fifo = topic == "fifo-topic"
    else:
        fifo = spec.get("fifo", False)
        if spec.get("content_based_deduplication") and not fifo:
            bad.add("content_based_deduplication")
        name = spec.get("topic_name")
        if name is not None:
            base = name.removesuffix(".fifo") if fifo else name
            if (
                name.endswith(".fifo") != fifo
                or not re.fullmatch(r"[A-Za-z0-9_-]+", base)
                or len(name) > 256
            ):
                bad.add("topic_name")
    dlq = spec.get("subscription_dead_letter_queue")
    if dlq is not None:
        if not spec.get("subscription_dead_letter_queue_enabled", True):
            bad.add("subscription_dead_letter_queue_enabled")
        if _bad_target(dlq, fifo=fifo):
            bad.add("subscription_dead_letter_queue")
    seen: set[str] = set()
    for i, (subscription_id, kind, filter_kind) in enumerate(spec["queues"]):
        # ids of the TopicFanout's own children are taken too
        if subscription_id in seen or subscription_id in (
            "Topic",
            "TopicKey",
            "SubscriptionDeadLetterQueue",
        ):
            bad.add(f"queues[{i}].id")
        seen.add(subscription_id)
        if _bad_target(kind, fifo=fifo):
            bad.add(f"queues[{i}].queue")
        if filter_kind == "both":
            bad.add(f"queues[{i}].filter_policy_with_message_body")
    return bad


def test_topic_fanout_options() -> None:
    run = PropertyRun("TopicFanout", build_fanout, fanout_oracle)
    explore(run, FANOUT_SPECS, max_examples=80)


# --- ScheduleToQueue ----------------------------------------------------------------------

SCHEDULE_SPECS = st.fixed_dictionaries(
    # queue: (fifo, content-based deduplication)
    {"queue": st.tuples(st.booleans(), st.booleans())},
    optional={
        "message_group_id": st.text(alphabet=_NAME_CHARS, min_size=0, max_size=130),
        "flexible_time_window": seconds_around(*defaults.FLEXIBLE_TIME_WINDOW_RANGE_SECONDS),
        "max_event_age": seconds_around(*defaults.MAX_EVENT_AGE_RANGE_SECONDS),
        "retry_attempts": st.integers(min_value=-2, max_value=190),
        "target_dead_letter_queue_enabled": st.booleans(),
        "target_dead_letter_queue": _QUEUE_KINDS,
        "window": st.sampled_from(["ordered", "reversed", "equal"]),
    },
)


def build_schedule(stack: Stack, case_id: str, spec: Spec) -> object:
    import datetime

    from aws_cdk import aws_scheduler as scheduler

    from constructs_lib import ScheduleToQueue

    fifo, content_based = spec["queue"]
    kwargs: dict[str, Any] = {
        "queue": SecureQueue(
            stack,
            f"{case_id}Queue",
            fifo=fifo,
            content_based_deduplication=fifo and content_based,
        ),
        "schedule": scheduler.ScheduleExpression.rate(Duration.hours(1)),
        "payload": {"job": "report", "at": scheduler.ContextAttribute.scheduled_time},
    }
    start = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
    for option, value in spec.items():
        if option in ("flexible_time_window", "max_event_age"):
            kwargs[option] = duration(value)
        elif option == "target_dead_letter_queue":
            kwargs[option] = _target_queue(stack, f"{case_id}TargetDlq", value)
        elif option == "window":
            offset = {"ordered": 1, "reversed": -1, "equal": 0}[value]
            kwargs["start"] = start
            kwargs["end"] = start + datetime.timedelta(days=offset)
        elif option != "queue":
            kwargs[option] = value
    return ScheduleToQueue(stack, case_id, **kwargs)


def schedule_oracle(spec: Spec) -> set[str]:
    bad: set[str] = set()
    fifo, content_based = spec["queue"]
    group = spec.get("message_group_id")
    if (group is None) == fifo or (group is not None and not 1 <= len(group) <= 128):
        bad.add("message_group_id")
    if fifo and not content_based:
        bad.add("queue")  # Scheduler sends no deduplication id
    window = spec.get("flexible_time_window")
    if bad_duration(window, *defaults.FLEXIBLE_TIME_WINDOW_RANGE_SECONDS) or (
        window is not None and to_seconds(window) % 60 != 0
    ):
        bad.add("flexible_time_window")  # Scheduler takes whole minutes
    if bad_duration(spec.get("max_event_age"), *defaults.MAX_EVENT_AGE_RANGE_SECONDS):
        bad.add("max_event_age")
    if not 0 <= spec.get("retry_attempts", 0) <= 185:
        bad.add("retry_attempts")
    dlq = spec.get("target_dead_letter_queue")
    if dlq is not None:
        if not spec.get("target_dead_letter_queue_enabled", True):
            bad.add("target_dead_letter_queue_enabled")
        if _bad_target(dlq, fifo=False):
            bad.add("target_dead_letter_queue")
    if spec.get("window") in ("reversed", "equal"):
        bad.add("end")
    return bad


def test_schedule_to_queue_options() -> None:
    run = PropertyRun("ScheduleToQueue", build_schedule, schedule_oracle)
    explore(run, SCHEDULE_SPECS, max_examples=60)
