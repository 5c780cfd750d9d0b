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

from constructs_lib import ConstructOptionError, SecureQueue, _aws, defaults
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
        "visibility_timeout": seconds_around(*_aws.SQS_VISIBILITY_TIMEOUT_RANGE_SECONDS),
        "retention_period": seconds_around(*_aws.SQS_RETENTION_PERIOD_RANGE_SECONDS),
        "delivery_delay": seconds_around(*_aws.SQS_DELIVERY_DELAY_RANGE_SECONDS),
        "receive_message_wait_time": seconds_around(*_aws.SQS_RECEIVE_WAIT_TIME_RANGE_SECONDS),
        "max_message_size_bytes": st.one_of(
            st.integers(*_aws.SQS_MESSAGE_SIZE_RANGE_BYTES),
            st.integers(min_value=0, max_value=1_100_000),
        ),
        "dead_letter_queue_enabled": st.booleans(),
        "dead_letter_queue": st.sampled_from(["standard-queue", "fifo-queue"]),
        "max_receive_count": st.one_of(
            st.integers(*_aws.SQS_MAX_RECEIVE_COUNT_RANGE),
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
        "visibility_timeout": _aws.SQS_VISIBILITY_TIMEOUT_RANGE_SECONDS,
        "retention_period": _aws.SQS_RETENTION_PERIOD_RANGE_SECONDS,
        "delivery_delay": _aws.SQS_DELIVERY_DELAY_RANGE_SECONDS,
        "receive_message_wait_time": _aws.SQS_RECEIVE_WAIT_TIME_RANGE_SECONDS,
    }.items():
        if bad_duration(spec.get(option), low, high):
            bad.add(option)
    low, high = _aws.SQS_MESSAGE_SIZE_RANGE_BYTES
    if not low <= spec.get("max_message_size_bytes", low) <= high:
        bad.add("max_message_size_bytes")
    low, high = _aws.SQS_MAX_RECEIVE_COUNT_RANGE
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
        "max_event_age": seconds_around(*_aws.TARGET_MAX_EVENT_AGE_RANGE_SECONDS),
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
    # required on FIFO; a standard queue takes one as a fair queue; EventBridge: 100 chars
    if (fifo and group is None) or (group is not None and not 1 <= len(group) <= 100):
        bad.add("message_group_id")
    if managed:
        bad.add("queue")
    if spec["event_pattern"] == "empty":
        bad.add("event_pattern")
    if bad_duration(spec.get("max_event_age"), *_aws.TARGET_MAX_EVENT_AGE_RANGE_SECONDS):
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
    from constructs_lib import FanoutSubscription, TopicFanout

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
        FanoutSubscription(
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
        "flexible_time_window": seconds_around(*_aws.SCHEDULER_FLEXIBLE_TIME_WINDOW_RANGE_SECONDS),
        "max_event_age": seconds_around(*_aws.TARGET_MAX_EVENT_AGE_RANGE_SECONDS),
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
    if bad_duration(window, *_aws.SCHEDULER_FLEXIBLE_TIME_WINDOW_RANGE_SECONDS) or (
        window is not None and to_seconds(window) % 60 != 0
    ):
        bad.add("flexible_time_window")  # Scheduler takes whole minutes
    if bad_duration(spec.get("max_event_age"), *_aws.TARGET_MAX_EVENT_AGE_RANGE_SECONDS):
        bad.add("max_event_age")
    if not 0 <= spec.get("retry_attempts", 0) <= 185:
        bad.add("retry_attempts")
    dlq = spec.get("target_dead_letter_queue")
    if dlq is not None:
        if not spec.get("target_dead_letter_queue_enabled", True):
            bad.add("target_dead_letter_queue_enabled")
        if dlq[0]:  # FIFO; alias/aws/sqs is fine: Scheduler dead-letters as its role
            bad.add("target_dead_letter_queue")
    if spec.get("window") in ("reversed", "equal"):
        bad.add("end")
    return bad


def test_schedule_to_queue_options() -> None:
    run = PropertyRun("ScheduleToQueue", build_schedule, schedule_oracle)
    explore(run, SCHEDULE_SPECS, max_examples=60)


# --- BucketToQueue ----------------------------------------------------------------------

# Wildcards and their members (s3:ObjectCreated:* covers s3:ObjectCreated:Put).
_S3_EVENTS = [
    "OBJECT_CREATED",
    "OBJECT_CREATED_PUT",
    "OBJECT_CREATED_COPY",
    "OBJECT_REMOVED",
    "OBJECT_REMOVED_DELETE",
    "OBJECT_TAGGING_PUT",
    "LIFECYCLE_TRANSITION",
]
_BUCKET_NAME_CHARS = string.ascii_lowercase + string.digits + ".-"

# (fifo, on alias/aws/sqs): mostly a good target, so that many whole specs are valid
_BUCKET_QUEUE_KINDS = st.sampled_from([(False, False)] * 4 + [(True, False), (False, True)])

BUCKET_SPECS = st.fixed_dictionaries(
    {"queue": _BUCKET_QUEUE_KINDS},
    optional={
        "bucket": st.just("existing"),
        "event_types": st.lists(st.sampled_from(_S3_EVENTS), max_size=2),
        "prefix": st.one_of(
            st.text(alphabet=_NAME_CHARS + "/", min_size=0, max_size=20),
            st.text(alphabet=_NAME_CHARS + "/", min_size=1, max_size=20),
            st.integers(min_value=1_020, max_value=1_030).map(lambda n: "p" * n),
        ),
        "suffix": st.one_of(
            st.text(alphabet=_NAME_CHARS + ".", min_size=0, max_size=20),
            st.text(alphabet=_NAME_CHARS + ".", min_size=1, max_size=20),
            st.integers(min_value=1_020, max_value=1_030).map(lambda n: "s" * n),
        ),
        "bucket_name": st.one_of(
            st.text(alphabet=string.ascii_lowercase + string.digits, min_size=3, max_size=40),
            st.text(alphabet=_BUCKET_NAME_CHARS, min_size=3, max_size=40),
            st.text(alphabet=_BUCKET_NAME_CHARS + "A_ ", min_size=0, max_size=70),
        ),
        "versioned": st.booleans(),
        "access_logs_enabled": st.booleans(),
        "access_logs_bucket": st.just("logs"),
    },
)


def build_bucket_to_queue(stack: Stack, case_id: str, spec: Spec) -> object:
    from aws_cdk import aws_s3 as s3

    from constructs_lib import BucketToQueue

    def bucket(construct_id: str) -> s3.Bucket:
        return s3.Bucket(
            stack,
            construct_id,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
        )

    kwargs: dict[str, Any] = {"queue": _target_queue(stack, f"{case_id}Queue", spec["queue"])}
    for option, value in spec.items():
        if option == "bucket":
            kwargs[option] = bucket(f"{case_id}Existing")
        elif option == "access_logs_bucket":
            kwargs[option] = bucket(f"{case_id}Logs")
        elif option == "event_types":
            kwargs[option] = [getattr(s3.EventType, name) for name in value]
        elif option != "queue":
            kwargs[option] = value
    return BucketToQueue(stack, case_id, **kwargs)


def bucket_to_queue_oracle(spec: Spec) -> set[str]:
    bad: set[str] = set()
    fifo, managed = spec["queue"]
    if fifo or managed:
        bad.add("queue")
    events = spec.get("event_types", ["OBJECT_CREATED"])
    wildcards = {e for e in events if e in ("OBJECT_CREATED", "OBJECT_REMOVED")}
    if (
        not events
        or len(set(events)) != len(events)
        or any(e != w and e.startswith(w) for w in wildcards for e in events)
    ):
        bad.add("event_types")
    for option in ("prefix", "suffix"):
        value = spec.get(option)
        if value is not None and not 0 < len(value) <= _aws.S3_KEY_FILTER_MAX_LENGTH:
            bad.add(option)
    if "bucket" in spec:
        for option, default in (
            ("bucket_name", None),
            ("versioned", defaults.BUCKET_VERSIONED),
            ("access_logs_enabled", defaults.ACCESS_LOGS_ENABLED),
            ("access_logs_bucket", None),
        ):
            if spec.get(option, default) != default:
                bad.add(option)
    name = spec.get("bucket_name")
    if name is not None and (
        not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", name) or ".." in name
    ):
        bad.add("bucket_name")
    if "access_logs_bucket" in spec and not spec.get("access_logs_enabled", True):
        bad.add("access_logs_enabled")
    return bad


class _BucketRun(PropertyRun):
    """An existing bucket brings aws-cdk's per-stack notification handler, whose
    logical ids are the same in every case's stack: prefixed with the case here,
    so that the merged templates for cfn-lint keep every case's resources."""

    def check(self, spec: Spec) -> None:
        import json

        kept = len(self.valid_templates)
        case_id = f"Case{self.counts['valid'] + self.counts['invalid']}"
        super().check(spec)
        if len(self.valid_templates) > kept:
            spec, template = self.valid_templates[-1]
            text = json.dumps(template)
            for lid in template["Resources"]:
                if lid.startswith("BucketNotificationsHandler"):
                    text = text.replace(f'"{lid}"', f'"{case_id}{lid}"')
            self.valid_templates[-1] = (spec, json.loads(text))


def test_bucket_to_queue_options() -> None:
    run = _BucketRun("BucketToQueue", build_bucket_to_queue, bucket_to_queue_oracle)
    explore(run, BUCKET_SPECS, max_examples=50)


# --- LambdaQueueConsumer ------------------------------------------------------------------

LAMBDA_CONSUMER_SPECS = st.fixed_dictionaries(
    {
        # queue: (fifo, visibility timeout in seconds, a SecureQueue or a plain sqs.Queue)
        "queue": st.tuples(
            st.booleans(),
            st.integers(*_aws.SQS_VISIBILITY_TIMEOUT_RANGE_SECONDS),
            st.sampled_from(["secure", "secure", "plain"]),
        ),
        "function_timeout_seconds": st.one_of(st.none(), st.integers(min_value=1, max_value=900)),
    },
    optional={
        "batch_size": st.one_of(
            st.integers(*_aws.LAMBDA_SQS_BATCH_SIZE_RANGE_FIFO),
            st.integers(min_value=-1, max_value=10_010),
        ),
        "max_batching_window": seconds_around(*_aws.LAMBDA_SQS_BATCHING_WINDOW_RANGE_SECONDS),
        "max_concurrency": st.integers(min_value=0, max_value=1_005),
        "function_timeout": st.integers(min_value=1, max_value=900),
        "report_batch_item_failures": st.booleans(),
        "enabled": st.booleans(),
        "filters": st.just("body"),
        "alarm_topic": st.just("topic"),
        "errors_alarm_threshold": st.integers(min_value=-2, max_value=50),
        "throttles_alarm_threshold": st.integers(min_value=-2, max_value=50),
        "oldest_message_age_alarm_threshold": seconds_around(1, 1_209_600),
    },
)


def build_lambda_consumer(stack: Stack, case_id: str, spec: Spec) -> object:
    from aws_cdk import aws_lambda as lambda_

    from constructs_lib import LambdaQueueConsumer

    fifo, visibility, kind = spec["queue"]
    if kind == "secure":
        queue: Any = SecureQueue(
            stack, f"{case_id}Queue", fifo=fifo, visibility_timeout=Duration.seconds(visibility)
        )
    else:
        queue = sqs.Queue(
            stack,
            f"{case_id}Queue",
            fifo=fifo or None,
            visibility_timeout=Duration.seconds(visibility),
            enforce_ssl=True,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
        )
    timeout = spec["function_timeout_seconds"]
    function = lambda_.Function(
        stack,
        f"{case_id}Fn",
        runtime=lambda_.Runtime.PYTHON_3_14,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return {}\n"),
        timeout=Duration.seconds(timeout) if timeout is not None else None,
    )
    kwargs: dict[str, Any] = {"function": function, "queue": queue}
    for option, value in spec.items():
        if option in ("max_batching_window", "oldest_message_age_alarm_threshold"):
            kwargs[option] = duration(value)
        elif option == "function_timeout":
            kwargs[option] = Duration.seconds(value)
        elif option == "filters":
            kwargs[option] = [
                lambda_.FilterCriteria.filter({"body": {"type": lambda_.FilterRule.is_equal("a")}})
            ]
        elif option == "alarm_topic":
            kwargs[option] = sns.Topic(stack, f"{case_id}Topic", enforce_ssl=True)
        elif option not in ("queue", "function_timeout_seconds"):
            kwargs[option] = value
    return LambdaQueueConsumer(stack, case_id, **kwargs)


def lambda_consumer_oracle(spec: Spec) -> set[str]:
    bad: set[str] = set()
    fifo, visibility, _kind = spec["queue"]
    batch = spec.get("batch_size", defaults.LAMBDA_BATCH_SIZE)
    window = spec.get("max_batching_window")
    window_seconds = to_seconds(window) if window is not None else None
    if fifo:
        if not 1 <= batch <= 10:
            bad.add("batch_size")
        if window is not None:
            bad.add("max_batching_window")  # FIFO mappings take no batching window
    else:
        if not 1 <= batch <= 10_000:
            bad.add("batch_size")
        if bad_duration(window, *_aws.LAMBDA_SQS_BATCHING_WINDOW_RANGE_SECONDS):
            bad.add("max_batching_window")
        if batch > 10:
            if window_seconds is None:
                bad.add("batch_size")
            elif window_seconds < 1:
                bad.add("max_batching_window")
    if not 2 <= spec.get("max_concurrency", 2) <= 1000:
        bad.add("max_concurrency")
    for option in ("errors_alarm_threshold", "throttles_alarm_threshold"):
        if spec.get(option, 0) < 0:
            bad.add(option)
    age = spec.get("oldest_message_age_alarm_threshold")
    if _kind == "plain" and age is not None and to_seconds(age) != int(to_seconds(age)):
        bad.add("oldest_message_age_alarm_threshold")  # only a plain queue gets this alarm
    if _kind == "secure" and age is not None:
        bad.add("oldest_message_age_alarm_threshold")  # the SecureQueue's own alarm is reused
    timeout = spec.get("function_timeout", spec["function_timeout_seconds"] or 3)
    if visibility < 6 * timeout + (window_seconds or 0):
        bad.add("queue")  # visibility >= 6 x function timeout + batching window
    return bad


def test_lambda_queue_consumer_options() -> None:
    run = PropertyRun("LambdaQueueConsumer", build_lambda_consumer, lambda_consumer_oracle)
    explore(run, LAMBDA_CONSUMER_SPECS, max_examples=50)


# --- QueueWorkerFleet ---------------------------------------------------------------------

_HANDLERS = ["jobs_handler:handle", "pkg.jobs:run_2", "no-colon", "a:b:c", ":handle", "9x:f"]
_CAPACITIES = st.one_of(
    st.integers(min_value=-1, max_value=12),
    st.sampled_from([defaults.WORKER_CAPACITY_RANGE[1], defaults.WORKER_CAPACITY_RANGE[1] + 1]),
)

FLEET_SPECS = st.fixed_dictionaries(
    {},
    optional={
        "handler": st.sampled_from(_HANDLERS),
        "handler_code_path": st.sampled_from(["handlers/jobs", "/no/such/dir"]),
        "min_capacity": _CAPACITIES,
        "max_capacity": _CAPACITIES,
        "scaling": st.sampled_from(["BACKLOG_PER_INSTANCE", "QUEUE_DEPTH_STEPS"]),
        "queue_depth_steps": st.integers(min_value=1, max_value=3),
        "acceptable_latency": st.integers(min_value=0, max_value=120_000).map(
            lambda ms: ("ms", float(ms))
        ),
        "average_processing_time": st.integers(min_value=0, max_value=5_000).map(
            lambda ms: ("ms", float(ms))
        ),
        "message_age_scale_out_threshold": seconds_around(1, 3_600),
        "instance_warmup": seconds_around(0, 3_600),
        "new_instances_protected_from_scale_in": st.booleans(),
        "drain_timeout": seconds_around(*_aws.AUTOSCALING_LIFECYCLE_HEARTBEAT_RANGE_SECONDS),
        "worker_batch_size": st.integers(min_value=-1, max_value=12),
        "worker_concurrency": st.integers(min_value=-1, max_value=20),
        "heartbeat_visibility": seconds_around(1, _aws.SQS_VISIBILITY_TIMEOUT_RANGE_SECONDS[1]),
        "notifications_topic": st.just("topic"),
        "alarm_topic": st.just("topic"),
    },
)

_FLEET_DURATIONS = (
    "acceptable_latency",
    "average_processing_time",
    "message_age_scale_out_threshold",
    "instance_warmup",
    "drain_timeout",
    "heartbeat_visibility",
)


def _worker_vpc(stack: Stack, construct_id: str) -> Any:
    """A small VPC for the fleet: one AZ, isolated subnets only (no NAT), and without
    the default-security-group custom resource, whose per-stack logical ids would
    repeat across the cases' merged templates."""
    from aws_cdk import aws_ec2 as ec2

    return ec2.Vpc(
        stack,
        construct_id,
        max_azs=1,
        nat_gateways=0,
        restrict_default_security_group=False,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="W", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        ],
    )


def build_fleet(stack: Stack, case_id: str, spec: Spec) -> object:
    from aws_cdk import aws_autoscaling as autoscaling

    from constructs_lib import QueueWorkerFleet
    from constructs_lib.queue_worker_fleet import FleetScalingPolicy
    from tests.conftest import REPO_ROOT

    kwargs: dict[str, Any] = {
        "queue": SecureQueue(stack, f"{case_id}Queue"),
        "vpc": _worker_vpc(stack, f"{case_id}Vpc"),
        "handler": "jobs_handler:handle",
    }
    steps = [
        autoscaling.ScalingInterval(upper=0, change=-1),
        autoscaling.ScalingInterval(lower=100, upper=500, change=1),
        autoscaling.ScalingInterval(lower=500, change=3),
    ]
    for option, value in spec.items():
        if option in _FLEET_DURATIONS:
            kwargs[option] = duration(value)
        elif option == "handler_code_path":
            kwargs[option] = str(REPO_ROOT / value) if value == "handlers/jobs" else value
        elif option == "scaling":
            kwargs[option] = getattr(FleetScalingPolicy, value)
        elif option == "queue_depth_steps":
            kwargs[option] = steps[:value]
        elif option in ("notifications_topic", "alarm_topic"):
            kwargs[option] = sns.Topic(stack, f"{case_id}{option}", enforce_ssl=True)
        else:
            kwargs[option] = value
    return QueueWorkerFleet(stack, case_id, **kwargs)


def fleet_oracle(spec: Spec) -> set[str]:
    bad: set[str] = set()
    if not re.fullmatch(r"[A-Za-z_][\w.]*:[A-Za-z_]\w*", spec.get("handler", "m:f")):
        bad.add("handler")
    if spec.get("handler_code_path") == "/no/such/dir":
        bad.add("handler_code_path")
    low, high = defaults.WORKER_CAPACITY_RANGE
    min_capacity = spec.get("min_capacity", defaults.WORKER_MIN_CAPACITY)
    max_capacity = spec.get("max_capacity", defaults.WORKER_MAX_CAPACITY)
    if not low <= min_capacity <= high:
        bad.add("min_capacity")
    if not low <= max_capacity <= high or max_capacity < max(min_capacity, 1):
        bad.add("max_capacity")
    for option in ("acceptable_latency", "average_processing_time"):
        if option in spec and spec.get("scaling") == "QUEUE_DEPTH_STEPS":
            bad.add(option)  # step scaling on the queue depth has no backlog target
        elif option in spec and to_seconds(spec[option]) <= 0:
            bad.add(option)
    age = spec.get("message_age_scale_out_threshold")
    if age is not None and (to_seconds(age) <= 0 or to_seconds(age) != int(to_seconds(age))):
        bad.add("message_age_scale_out_threshold")  # a CloudWatch threshold in whole seconds
    if bad_duration(spec.get("instance_warmup"), 0, float("inf")):
        bad.add("instance_warmup")
    steps = spec.get("queue_depth_steps")
    if steps is not None and (spec.get("scaling") != "QUEUE_DEPTH_STEPS" or steps < 2):
        bad.add("queue_depth_steps")
    if bad_duration(spec.get("drain_timeout"), *_aws.AUTOSCALING_LIFECYCLE_HEARTBEAT_RANGE_SECONDS):
        bad.add("drain_timeout")
    if not 1 <= spec.get("worker_batch_size", 1) <= 10:
        bad.add("worker_batch_size")
    if spec.get("worker_concurrency", 1) < 1:
        bad.add("worker_concurrency")
    if bad_duration(
        spec.get("heartbeat_visibility"), 1, _aws.SQS_VISIBILITY_TIMEOUT_RANGE_SECONDS[1]
    ):
        bad.add("heartbeat_visibility")
    return bad


def test_queue_worker_fleet_options() -> None:
    run = PropertyRun("QueueWorkerFleet", build_fleet, fleet_oracle)
    explore(run, FLEET_SPECS, max_examples=25)
