"""Assertion tests of SecureQueue: its template, attributes, warnings and validation.

Each distinct stack is synthesized once (module-scoped fixtures) with the
built-in CloudFormation validation off; the validation table only constructs.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from aws_cdk import CfnParameter, Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Annotations, Match, Template
from constructs import IConstruct

from constructs_lib import (
    ConstructOptionError,
    OptionCode,
    SecureQueue,
    SecureQueueOptions,
    defaults,
)
from tests.conftest import bare_app
from tests.conftest import new_stack as shared_new_stack

QUEUE = "AWS::SQS::Queue"
QUEUE_POLICY = "AWS::SQS::QueuePolicy"
ALARM = "AWS::CloudWatch::Alarm"
KEY = "AWS::KMS::Key"
IMPORTED_KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
IMPORTED_DLQ_ARN = "arn:aws:sqs:us-east-1:123456789012:legacy-dlq"


@dataclass
class Synth:
    stack: Stack
    sq: SecureQueue
    template: Template
    annotations: Annotations

    def logical_id(self, construct: IConstruct) -> str:
        child = construct.node.default_child
        assert child is not None
        return self.stack.get_logical_id(child)  # type: ignore[arg-type]

    def props(self, construct: IConstruct) -> dict[str, Any]:
        resources = self.template.to_json()["Resources"]
        props: dict[str, Any] = resources[self.logical_id(construct)]["Properties"]
        return props

    def get_att(self, construct: IConstruct, attribute: str = "Arn") -> dict[str, Any]:
        return {"Fn::GetAtt": [self.logical_id(construct), attribute]}


new_stack = functools.partial(shared_new_stack, "Stack", env=False)


def synth(build: Callable[[Stack], SecureQueue]) -> Synth:
    stack = new_stack()
    sq = build(stack)
    return Synth(stack, sq, Template.from_stack(stack), Annotations.from_stack(stack))


def tls_deny_policy(s: Synth, queue: IConstruct) -> dict[str, Any]:
    return {
        "Queues": [{"Ref": s.logical_id(queue)}],
        "PolicyDocument": {
            "Statement": [
                {
                    "Action": "sqs:*",
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    "Effect": "Deny",
                    "Principal": {"AWS": "*"},
                    "Resource": s.get_att(queue),
                }
            ],
            "Version": "2012-10-17",
        },
    }


# --- defaults ------------------------------------------------------------------


@pytest.fixture(scope="module")
def default() -> Synth:
    return synth(lambda stack: SecureQueue(stack, "Q"))


def test_default_main_queue_has_every_default_stated(default: Synth) -> None:
    assert default.sq.dead_letter_queue is not None
    assert default.props(default.sq.queue) == {
        "DelaySeconds": 0,
        "MaximumMessageSize": 262_144,
        "MessageRetentionPeriod": 4 * 24 * 3600,
        "ReceiveMessageWaitTimeSeconds": 20,
        "VisibilityTimeout": 30,
        "SqsManagedSseEnabled": True,
        "RedrivePolicy": {
            "deadLetterTargetArn": default.get_att(default.sq.dead_letter_queue),
            "maxReceiveCount": 5,
        },
    }


def test_default_dlq_is_standard_sse_sqs_and_keeps_messages_14_days(default: Synth) -> None:
    assert default.sq.dead_letter_queue is not None
    # No name given: no QueueName and no RedriveAllowPolicy (its GetAtt would be a cycle).
    assert default.props(default.sq.dead_letter_queue) == {
        "MaximumMessageSize": 262_144,
        "MessageRetentionPeriod": 14 * 24 * 3600,
        "SqsManagedSseEnabled": True,
    }


def test_default_creates_two_queues_two_policies_two_alarms_and_no_key(default: Synth) -> None:
    default.template.resource_count_is(QUEUE, 2)
    default.template.resource_count_is(QUEUE_POLICY, 2)
    default.template.resource_count_is(ALARM, 2)
    default.template.resource_count_is(KEY, 0)


def test_default_tls_deny_policy_on_both_queues(default: Synth) -> None:
    assert default.sq.dead_letter_queue is not None
    for queue in (default.sq.queue, default.sq.dead_letter_queue):
        default.template.has_resource_properties(
            QUEUE_POLICY, Match.object_equals(tls_deny_policy(default, queue))
        )


def test_default_dead_letter_queue_alarm(default: Synth) -> None:
    assert default.sq.dead_letter_queue is not None
    assert default.sq.dead_letter_queue_alarm is not None
    props = default.props(default.sq.dead_letter_queue_alarm)
    assert props == {
        "AlarmDescription": "Messages of Stack/Q failed 5 times and wait in its dead-letter queue.",
        "Namespace": "AWS/SQS",
        "MetricName": "ApproximateNumberOfMessagesVisible",
        "Dimensions": [
            {
                "Name": "QueueName",
                "Value": default.get_att(default.sq.dead_letter_queue, "QueueName"),
            }
        ],
        "Statistic": "Maximum",
        "Period": 60,
        "Threshold": 0,
        "ComparisonOperator": "GreaterThanThreshold",
        "EvaluationPeriods": 1,
        "TreatMissingData": "notBreaching",
    }


def test_default_oldest_message_age_alarm(default: Synth) -> None:
    props = default.props(default.sq.oldest_message_age_alarm)
    assert props == {
        "AlarmDescription": (
            "The oldest message of Stack/Q waits longer than 15 minutes: "
            "consumers are too slow or stopped."
        ),
        "Namespace": "AWS/SQS",
        "MetricName": "ApproximateAgeOfOldestMessage",
        "Dimensions": [
            {"Name": "QueueName", "Value": default.get_att(default.sq.queue, "QueueName")}
        ],
        "Statistic": "Maximum",
        "Period": 60,
        "Threshold": 900,
        "ComparisonOperator": "GreaterThanThreshold",
        "EvaluationPeriods": 1,
        "TreatMissingData": "notBreaching",
    }


def test_default_alarms_have_no_actions(default: Synth) -> None:
    default.template.all_resources_properties(
        ALARM, {"AlarmActions": Match.absent(), "OKActions": Match.absent()}
    )


def test_default_attributes(default: Synth) -> None:
    sq = default.sq
    assert isinstance(sq.queue, sqs.Queue)
    assert sq.queue.node.id == "Queue"
    assert isinstance(sq.dead_letter_queue, sqs.Queue)
    assert sq.dead_letter_queue.node.id == "DeadLetterQueue"
    assert sq.encryption_key is None
    assert sq.encryption == sqs.QueueEncryption.SQS_MANAGED
    assert sq.uses_aws_managed_key is False
    assert sq.fifo is False
    assert sq.max_receive_count == defaults.MAX_RECEIVE_COUNT == 5
    assert sq.dead_letter_queue_alarm is not None
    assert sq.dead_letter_queue_alarm.node.id == "DeadLetterQueueAlarm"
    assert sq.oldest_message_age_alarm.node.id == "OldestMessageAgeAlarm"
    assert sq.alarms == [sq.dead_letter_queue_alarm, sq.oldest_message_age_alarm]
    assert sq.node.try_find_child("Key") is None


def test_default_has_no_warning(default: Synth) -> None:
    default.annotations.has_no_warning("*", Match.any_value())


# --- alarm topic ----------------------------------------------------------------


@pytest.fixture(scope="module")
def with_topic() -> Synth:
    def build(stack: Stack) -> SecureQueue:
        topic = sns.Topic(stack, "Alarms")
        return SecureQueue(
            stack,
            "Q",
            alarm_topic=topic,
            oldest_message_age_alarm_threshold=Duration.minutes(5),
        )

    return synth(build)


def test_alarm_topic_receives_both_alarms(with_topic: Synth) -> None:
    topic = with_topic.stack.node.find_child("Alarms")
    topic_ref = {"Ref": with_topic.logical_id(topic)}
    assert len(with_topic.sq.alarms) == 2
    for alarm in with_topic.sq.alarms:
        assert with_topic.props(alarm)["AlarmActions"] == [topic_ref]


def test_oldest_message_age_threshold_is_configurable(with_topic: Synth) -> None:
    props = with_topic.props(with_topic.sq.oldest_message_age_alarm)
    assert props["Threshold"] == 300
    assert "waits longer than 5 minutes" in props["AlarmDescription"]


# --- FIFO and names -------------------------------------------------------------


@pytest.fixture(scope="module")
def fifo_named() -> Synth:
    return synth(
        lambda stack: SecureQueue(
            stack,
            "Q",
            fifo=True,
            queue_name="orders.fifo",
            content_based_deduplication=True,
            high_throughput_fifo=True,
        )
    )


def source_arn_join(name: str) -> dict[str, Any]:
    return {
        "Fn::Join": [
            "",
            [
                "arn:",
                {"Ref": "AWS::Partition"},
                ":sqs:",
                {"Ref": "AWS::Region"},
                ":",
                {"Ref": "AWS::AccountId"},
                f":{name}",
            ],
        ]
    }


def test_fifo_main_queue(fifo_named: Synth) -> None:
    props = fifo_named.props(fifo_named.sq.queue)
    assert props["FifoQueue"] is True
    assert props["QueueName"] == "orders.fifo"
    assert props["ContentBasedDeduplication"] is True
    assert props["DeduplicationScope"] == "messageGroup"
    assert props["FifoThroughputLimit"] == "perMessageGroupId"
    assert props["SqsManagedSseEnabled"] is True
    assert fifo_named.sq.fifo is True


def test_fifo_dlq_is_fifo_named_after_source_and_admits_only_it(fifo_named: Synth) -> None:
    assert fifo_named.sq.dead_letter_queue is not None
    props = fifo_named.props(fifo_named.sq.dead_letter_queue)
    assert props == {
        "FifoQueue": True,
        "QueueName": "orders-dlq.fifo",
        "MaximumMessageSize": 262_144,
        "MessageRetentionPeriod": 14 * 24 * 3600,
        "SqsManagedSseEnabled": True,
        "RedriveAllowPolicy": {
            "redrivePermission": "byQueue",
            "sourceQueueArns": [source_arn_join("orders.fifo")],
        },
    }


def test_fifo_redrive_allow_policy_has_no_get_att(fifo_named: Synth) -> None:
    assert fifo_named.sq.dead_letter_queue is not None
    policy = fifo_named.props(fifo_named.sq.dead_letter_queue)["RedriveAllowPolicy"]
    assert "Fn::GetAtt" not in json.dumps(policy)


def test_fifo_tls_deny_policy_on_both_queues(fifo_named: Synth) -> None:
    assert fifo_named.sq.dead_letter_queue is not None
    for queue in (fifo_named.sq.queue, fifo_named.sq.dead_letter_queue):
        fifo_named.template.has_resource_properties(
            QUEUE_POLICY, Match.object_equals(tls_deny_policy(fifo_named, queue))
        )


@pytest.fixture(scope="module")
def fifo_unnamed() -> Synth:
    return synth(lambda stack: SecureQueue(stack, "Q", fifo=True))


def test_unnamed_fifo_has_fifo_dlq_without_names_or_allow_policy(fifo_unnamed: Synth) -> None:
    assert fifo_unnamed.sq.dead_letter_queue is not None
    main = fifo_unnamed.props(fifo_unnamed.sq.queue)
    dlq = fifo_unnamed.props(fifo_unnamed.sq.dead_letter_queue)
    assert main["FifoQueue"] is True
    assert dlq["FifoQueue"] is True
    for key in ("QueueName", "ContentBasedDeduplication", "DeduplicationScope"):
        assert key not in main
    assert "FifoThroughputLimit" not in main
    assert "QueueName" not in dlq
    assert "RedriveAllowPolicy" not in dlq
    assert main["RedrivePolicy"]["maxReceiveCount"] == 5


@pytest.fixture(scope="module")
def standard_named() -> Synth:
    return synth(lambda stack: SecureQueue(stack, "Q", queue_name="orders"))


def test_standard_named_dlq_is_named_x_dlq_and_admits_only_source(standard_named: Synth) -> None:
    s = standard_named
    assert s.sq.dead_letter_queue is not None
    assert s.props(s.sq.queue)["QueueName"] == "orders"
    assert "FifoQueue" not in s.props(s.sq.queue)
    dlq = s.props(s.sq.dead_letter_queue)
    assert dlq["QueueName"] == "orders-dlq"
    assert "FifoQueue" not in dlq
    assert dlq["RedriveAllowPolicy"] == {
        "redrivePermission": "byQueue",
        "sourceQueueArns": [source_arn_join("orders")],
    }


# --- KMS ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kms_created() -> Synth:
    return synth(lambda stack: SecureQueue(stack, "Q", encryption=sqs.QueueEncryption.KMS))


def test_kms_creates_one_rotating_key_used_by_both_queues(kms_created: Synth) -> None:
    s = kms_created
    s.template.resource_count_is(KEY, 1)
    assert isinstance(s.sq.encryption_key, kms.Key)
    assert s.sq.encryption_key.node.id == "Key"
    s.template.has_resource_properties(KEY, {"EnableKeyRotation": True})
    assert s.sq.dead_letter_queue is not None
    for queue in (s.sq.queue, s.sq.dead_letter_queue):
        props = s.props(queue)
        assert props["KmsMasterKeyId"] == s.get_att(s.sq.encryption_key)
        assert "SqsManagedSseEnabled" not in props
    assert s.sq.uses_aws_managed_key is False


@pytest.fixture(scope="module")
def kms_passed() -> Synth:
    def build(stack: Stack) -> SecureQueue:
        key = kms.Key.from_key_arn(stack, "Imported", IMPORTED_KEY_ARN)
        return SecureQueue(stack, "Q", queue_encryption_key=key)

    return synth(build)


def test_passed_key_is_used_by_both_queues_and_no_key_is_created(kms_passed: Synth) -> None:
    s = kms_passed
    s.template.resource_count_is(KEY, 0)
    assert s.sq.encryption == sqs.QueueEncryption.KMS  # implied by the key
    assert s.sq.encryption_key is not None
    assert s.sq.encryption_key.node.path == "Stack/Imported"
    assert s.sq.node.try_find_child("Key") is None
    assert s.sq.dead_letter_queue is not None
    for queue in (s.sq.queue, s.sq.dead_letter_queue):
        assert s.props(queue)["KmsMasterKeyId"] == IMPORTED_KEY_ARN


@pytest.fixture(scope="module")
def kms_managed() -> Synth:
    return synth(lambda stack: SecureQueue(stack, "Q", encryption=sqs.QueueEncryption.KMS_MANAGED))


def test_kms_managed_uses_alias_aws_sqs_on_both_queues(kms_managed: Synth) -> None:
    s = kms_managed
    s.template.resource_count_is(KEY, 0)
    assert s.sq.uses_aws_managed_key is True
    assert s.sq.encryption_key is None
    assert s.sq.dead_letter_queue is not None
    for queue in (s.sq.queue, s.sq.dead_letter_queue):
        props = s.props(queue)
        assert props["KmsMasterKeyId"] == "alias/aws/sqs"
        assert "SqsManagedSseEnabled" not in props


# --- passed-in or disabled DLQ --------------------------------------------------


@pytest.fixture(scope="module")
def dlq_from_stack() -> Synth:
    def build(stack: Stack) -> SecureQueue:
        dlq = sqs.Queue(stack, "Elsewhere")
        return SecureQueue(stack, "Q", dead_letter_queue=dlq, max_receive_count=7)

    return synth(build)


def test_passed_dlq_is_the_redrive_target_and_no_dlq_is_created(dlq_from_stack: Synth) -> None:
    s = dlq_from_stack
    elsewhere = s.stack.node.find_child("Elsewhere")
    assert s.sq.dead_letter_queue is not None
    assert s.sq.dead_letter_queue.node.path == "Stack/Elsewhere"
    assert s.sq.node.try_find_child("DeadLetterQueue") is None
    s.template.resource_count_is(QUEUE, 2)  # "Elsewhere" and the main queue
    assert s.props(s.sq.queue)["RedrivePolicy"] == {
        "deadLetterTargetArn": s.get_att(elsewhere),
        "maxReceiveCount": 7,
    }
    assert s.sq.dead_letter_queue_alarm is not None
    dims = s.props(s.sq.dead_letter_queue_alarm)["Dimensions"]
    assert dims == [{"Name": "QueueName", "Value": s.get_att(elsewhere, "QueueName")}]


@pytest.fixture(scope="module")
def dlq_imported() -> Synth:
    def build(stack: Stack) -> SecureQueue:
        dlq = sqs.Queue.from_queue_arn(stack, "Legacy", IMPORTED_DLQ_ARN)
        # 78 characters: fits SQS's 80, no '-dlq' name is derived from it.
        return SecureQueue(stack, "Q", queue_name="q" * 78, dead_letter_queue=dlq)

    return synth(build)


def test_imported_dlq_is_the_redrive_target(dlq_imported: Synth) -> None:
    s = dlq_imported
    s.template.resource_count_is(QUEUE, 1)
    s.template.resource_count_is(QUEUE_POLICY, 1)  # the imported queue is not ours
    props = s.props(s.sq.queue)
    assert props["QueueName"] == "q" * 78
    assert props["RedrivePolicy"] == {
        "deadLetterTargetArn": IMPORTED_DLQ_ARN,
        "maxReceiveCount": 5,
    }
    assert s.sq.dead_letter_queue_alarm is not None
    dims = s.props(s.sq.dead_letter_queue_alarm)["Dimensions"]
    assert dims == [{"Name": "QueueName", "Value": "legacy-dlq"}]
    s.annotations.has_no_warning("*", Match.any_value())


@pytest.fixture(scope="module")
def no_dlq() -> Synth:
    return synth(lambda stack: SecureQueue(stack, "Q", dead_letter_queue_enabled=False))


def test_no_dlq_creates_one_queue_one_alarm_and_no_redrive(no_dlq: Synth) -> None:
    s = no_dlq
    s.template.resource_count_is(QUEUE, 1)
    s.template.resource_count_is(QUEUE_POLICY, 1)
    s.template.resource_count_is(ALARM, 1)
    assert "RedrivePolicy" not in s.props(s.sq.queue)
    assert s.sq.dead_letter_queue is None
    assert s.sq.dead_letter_queue_alarm is None
    assert s.sq.alarms == [s.sq.oldest_message_age_alarm]
    with pytest.raises(ValueError, match="has no dead-letter queue"):
        s.sq.metric_dead_letter_queue_visible_messages()


def test_no_dlq_warns(no_dlq: Synth) -> None:
    no_dlq.annotations.has_warning(
        "/Stack/Q", Match.string_like_regexp(r"dead_letter_queue_enabled=False")
    )


def test_no_dlq_name_may_use_all_80_characters() -> None:
    stack = new_stack()
    sq = SecureQueue(stack, "Q", queue_name="q" * 80, dead_letter_queue_enabled=False)
    assert sq.dead_letter_queue is None


# --- DLQ-retention warning ------------------------------------------------------


@pytest.fixture(scope="module")
def long_retention() -> Synth:
    return synth(lambda stack: SecureQueue(stack, "Q", retention_period=Duration.days(14)))


def test_standard_queue_retaining_14_days_warns_about_dlq_expiry(long_retention: Synth) -> None:
    long_retention.annotations.has_warning(
        "/Stack/Q",
        Match.string_like_regexp(r"retention_period \(1209600 s\) is not shorter than the DLQ's"),
    )


def test_fifo_queue_retaining_14_days_does_not_warn() -> None:
    # A FIFO DLQ resets the enqueue timestamp, so its messages get a full retention.
    s = synth(lambda stack: SecureQueue(stack, "Q", fifo=True, retention_period=Duration.days(14)))
    s.annotations.has_no_warning("*", Match.any_value())


def test_standard_queue_retaining_13_days_does_not_warn() -> None:
    s = synth(lambda stack: SecureQueue(stack, "Q", retention_period=Duration.days(13)))
    s.annotations.has_no_warning("*", Match.any_value())


# --- unresolved tokens ----------------------------------------------------------


@pytest.fixture(scope="module")
def tokens() -> Synth:
    def build(stack: Stack) -> SecureQueue:
        count = CfnParameter(stack, "Count", type="Number").value_as_number
        seconds = CfnParameter(stack, "Seconds", type="Number").value_as_number
        name = CfnParameter(stack, "Name", type="String").value_as_string
        return SecureQueue(
            stack,
            "Q",
            queue_name=name,
            max_receive_count=count,  # type: ignore[arg-type]  # jsii: number token
            visibility_timeout=Duration.seconds(seconds),
            retention_period=Duration.seconds(seconds),
            delivery_delay=Duration.seconds(seconds),
            receive_message_wait_time=Duration.seconds(seconds),
            max_message_size_bytes=count,  # type: ignore[arg-type]
            oldest_message_age_alarm_threshold=Duration.seconds(seconds),
        )

    return synth(build)


def test_unresolved_tokens_are_skipped_and_reach_the_template(tokens: Synth) -> None:
    s = tokens
    props = s.props(s.sq.queue)
    assert props["QueueName"] == {"Ref": "Name"}
    assert props["RedrivePolicy"]["maxReceiveCount"] == {"Ref": "Count"}
    assert props["MaximumMessageSize"] == {"Ref": "Count"}
    for key in (
        "VisibilityTimeout",
        "MessageRetentionPeriod",
        "DelaySeconds",
        "ReceiveMessageWaitTimeSeconds",
    ):
        assert props[key] == {"Ref": "Seconds"}
    assert s.sq.dead_letter_queue is not None
    dlq = s.props(s.sq.dead_letter_queue)
    assert "QueueName" not in dlq  # no name derived from a token
    assert "RedriveAllowPolicy" not in dlq


def test_token_threshold_reaches_the_alarm_and_its_description(tokens: Synth) -> None:
    props = tokens.props(tokens.sq.oldest_message_age_alarm)
    assert props["Threshold"] == {"Ref": "Seconds"}
    assert "<token>" not in json.dumps(props["AlarmDescription"])
    assert {"Ref": "Seconds"} in props["AlarmDescription"]["Fn::Join"][1]


# --- accepted boundaries ----------------------------------------------------------


@pytest.mark.parametrize("count", [1, 1000])
def test_max_receive_count_bounds_are_accepted(count: int) -> None:
    s = synth(lambda stack: SecureQueue(stack, "Q", max_receive_count=count))
    assert s.props(s.sq.queue)["RedrivePolicy"]["maxReceiveCount"] == count
    assert s.sq.dead_letter_queue_alarm is not None
    description = s.props(s.sq.dead_letter_queue_alarm)["AlarmDescription"]
    assert f"failed {count} times" in description


LIMITS: dict[str, dict[str, Any]] = {
    "visibility 12 h": {"visibility_timeout": Duration.hours(12)},
    # The alarm threshold must stay below the retention (the alarm could never fire).
    "retention 60 s": {
        "retention_period": Duration.seconds(60),
        "oldest_message_age_alarm_threshold": Duration.seconds(59),
    },
    "retention 14 d": {"retention_period": Duration.days(14)},
    "delay 15 min": {"delivery_delay": Duration.minutes(15)},
    "receive wait 0": {"receive_message_wait_time": Duration.seconds(0)},
    "size 1 KiB": {"max_message_size_bytes": 1024},
    "size 1 MiB": {"max_message_size_bytes": 1_048_576},
    # 76 + '-dlq' = 80: the created DLQ's name just fits.
    "name 76": {"queue_name": "q" * 76},
    "FIFO name 76": {"queue_name": "q" * 71 + ".fifo", "fifo": True},
    "name characters": {"queue_name": "Orders_2-eu"},
}


@pytest.mark.parametrize("kwargs", LIMITS.values(), ids=LIMITS.keys())
def test_limit_values_are_accepted(kwargs: dict[str, Any]) -> None:
    SecureQueue(new_stack(), "Q", **kwargs)


# --- validation rules -------------------------------------------------------------

# Each case: options (built in the stack), then the expected option, value, a
# fragment of what is allowed, and the rule's code.
Case = tuple[Callable[[Stack], dict[str, Any]], str, object, str, OptionCode]


def _fifo_dlq(stack: Stack) -> dict[str, Any]:
    return {"dead_letter_queue": sqs.Queue(stack, "OtherDlq", fifo=True)}


def _standard_dlq_for_fifo(stack: Stack) -> dict[str, Any]:
    return {"fifo": True, "dead_letter_queue": sqs.Queue(stack, "OtherDlq")}


def _key(encryption: sqs.QueueEncryption) -> Callable[[Stack], dict[str, Any]]:
    def build(stack: Stack) -> dict[str, Any]:
        key = kms.Key.from_key_arn(stack, "ExtKey", IMPORTED_KEY_ARN)
        return {"queue_encryption_key": key, "encryption": encryption}

    return build


def _given_dlq_disabled(stack: Stack) -> dict[str, Any]:
    return {
        "dead_letter_queue": sqs.Queue(stack, "OtherDlq"),
        "dead_letter_queue_enabled": False,
    }


def opts(**kwargs: Any) -> Callable[[Stack], dict[str, Any]]:
    return lambda _stack: kwargs


RULES: dict[str, Case] = {
    "max_receive_count 0": (
        opts(max_receive_count=0),
        "max_receive_count",
        0,
        "must be from 1 to 1000",
        OptionCode.SQS_MAX_RECEIVE_COUNT_OUT_OF_RANGE,
    ),
    "max_receive_count 1001": (
        opts(max_receive_count=1001),
        "max_receive_count",
        1001,
        "must be from 1 to 1000",
        OptionCode.SQS_MAX_RECEIVE_COUNT_OUT_OF_RANGE,
    ),
    "max_receive_count not whole": (
        opts(max_receive_count=2.5),
        "max_receive_count",
        2.5,
        "must be a whole number from 1 to 1000",
        OptionCode.SQS_MAX_RECEIVE_COUNT_OUT_OF_RANGE,
    ),
    "visibility_timeout > 12 h": (
        opts(visibility_timeout=Duration.seconds(43_201)),
        "visibility_timeout",
        "43201 seconds",
        "must be from 0 to 43200 seconds",
        OptionCode.SQS_VISIBILITY_TIMEOUT_OUT_OF_RANGE,
    ),
    "visibility_timeout not whole seconds": (
        opts(visibility_timeout=Duration.millis(1500)),
        "visibility_timeout",
        "1.5 seconds",
        "must be a whole number of seconds",
        OptionCode.DURATION_NOT_WHOLE_SECONDS,
    ),
    "threshold not whole seconds": (
        opts(oldest_message_age_alarm_threshold=Duration.millis(60_500)),
        "oldest_message_age_alarm_threshold",
        "60.5 seconds",
        "must be a whole number of seconds",
        OptionCode.DURATION_NOT_WHOLE_SECONDS,
    ),
    "retention < 60 s": (
        opts(
            retention_period=Duration.seconds(59),
            oldest_message_age_alarm_threshold=Duration.seconds(30),
        ),
        "retention_period",
        "59 seconds",
        "must be from 60 to 1209600 seconds",
        OptionCode.SQS_RETENTION_PERIOD_OUT_OF_RANGE,
    ),
    "retention > 14 d": (
        opts(retention_period=Duration.seconds(1_209_601)),
        "retention_period",
        "1209601 seconds",
        "must be from 60 to 1209600 seconds",
        OptionCode.SQS_RETENTION_PERIOD_OUT_OF_RANGE,
    ),
    "delivery_delay > 15 min": (
        opts(delivery_delay=Duration.seconds(901)),
        "delivery_delay",
        "901 seconds",
        "must be from 0 to 900 seconds",
        OptionCode.SQS_DELIVERY_DELAY_OUT_OF_RANGE,
    ),
    "receive wait > 20 s": (
        opts(receive_message_wait_time=Duration.seconds(21)),
        "receive_message_wait_time",
        "21 seconds",
        "must be from 0 to 20 seconds",
        OptionCode.SQS_RECEIVE_WAIT_TIME_OUT_OF_RANGE,
    ),
    "max message size < 1 KiB": (
        opts(max_message_size_bytes=1023),
        "max_message_size_bytes",
        1023,
        "must be from 1024 to 1048576",
        OptionCode.SQS_MAX_MESSAGE_SIZE_OUT_OF_RANGE,
    ),
    "max message size > 1 MiB": (
        opts(max_message_size_bytes=1_048_577),
        "max_message_size_bytes",
        1_048_577,
        "must be from 1024 to 1048576",
        OptionCode.SQS_MAX_MESSAGE_SIZE_OUT_OF_RANGE,
    ),
    "alarm threshold 0": (
        opts(oldest_message_age_alarm_threshold=Duration.seconds(0)),
        "oldest_message_age_alarm_threshold",
        "0 seconds",
        "must be more than 0 seconds",
        OptionCode.SQS_AGE_ALARM_THRESHOLD_NOT_POSITIVE,
    ),
    "alarm threshold not below retention": (
        opts(
            retention_period=Duration.hours(1),
            oldest_message_age_alarm_threshold=Duration.hours(1),
        ),
        "oldest_message_age_alarm_threshold",
        "3600 seconds",
        "must be shorter than retention_period (3600 seconds)",
        OptionCode.SQS_AGE_ALARM_THRESHOLD_NOT_BELOW_RETENTION,
    ),
    "content dedup on standard": (
        opts(content_based_deduplication=True),
        "content_based_deduplication",
        True,
        "is a FIFO-only option",
        OptionCode.SQS_CONTENT_DEDUPLICATION_FIFO_ONLY,
    ),
    "high throughput on standard": (
        opts(high_throughput_fifo=True),
        "high_throughput_fifo",
        True,
        "is a FIFO-only option",
        OptionCode.SQS_HIGH_THROUGHPUT_FIFO_ONLY,
    ),
    "FIFO DLQ for standard queue": (
        _fifo_dlq,
        "dead_letter_queue",
        "Stack/OtherDlq",
        "must be a standard queue like its source",
        OptionCode.SQS_DLQ_TYPE_MISMATCH,
    ),
    "standard DLQ for FIFO queue": (
        _standard_dlq_for_fifo,
        "dead_letter_queue",
        "Stack/OtherDlq",
        "must be a FIFO queue like its source",
        OptionCode.SQS_DLQ_TYPE_MISMATCH,
    ),
    "FIFO name without .fifo": (
        opts(fifo=True, queue_name="orders"),
        "queue_name",
        "orders",
        "a FIFO queue's name must end in '.fifo'",
        OptionCode.SQS_FIFO_QUEUE_NAME_WITHOUT_SUFFIX,
    ),
    "standard name with .fifo": (
        opts(queue_name="orders.fifo"),
        "queue_name",
        "orders.fifo",
        "only a FIFO queue's name may end in '.fifo'",
        OptionCode.SQS_STANDARD_QUEUE_NAME_WITH_FIFO_SUFFIX,
    ),
    "bad characters": (
        opts(queue_name="orders!"),
        "queue_name",
        "orders!",
        "may contain only letters, digits, '-' and '_'",
        OptionCode.SQS_QUEUE_NAME_CHARACTERS,
    ),
    "trailing newline": (
        opts(queue_name="orders\n"),
        "queue_name",
        "orders\n",
        "may contain only letters, digits, '-' and '_'",
        OptionCode.SQS_QUEUE_NAME_CHARACTERS,
    ),
    "name too long for the created DLQ": (
        opts(queue_name="q" * 77),
        "queue_name",
        "q" * 77,
        "must leave room for the created DLQ's '-dlq' suffix: at most 76 characters",
        OptionCode.SQS_QUEUE_NAME_NO_ROOM_FOR_DLQ_SUFFIX,
    ),
    "FIFO name too long for the created DLQ": (
        opts(fifo=True, queue_name="q" * 72 + ".fifo"),
        "queue_name",
        "q" * 72 + ".fifo",
        "at most 76 characters including '.fifo'",
        OptionCode.SQS_QUEUE_NAME_NO_ROOM_FOR_DLQ_SUFFIX,
    ),
    "name too long without DLQ": (
        opts(queue_name="q" * 81, dead_letter_queue_enabled=False),
        "queue_name",
        "q" * 81,
        "must be at most 80 characters",
        OptionCode.SQS_QUEUE_NAME_TOO_LONG,
    ),
    "UNENCRYPTED": (
        opts(encryption=sqs.QueueEncryption.UNENCRYPTED),
        "encryption",
        "UNENCRYPTED",
        "must be SQS_MANAGED (default), KMS or KMS_MANAGED",
        OptionCode.SQS_UNENCRYPTED_REFUSED,
    ),
    "key with SQS_MANAGED": (
        _key(sqs.QueueEncryption.SQS_MANAGED),
        "queue_encryption_key",
        "Stack/ExtKey",
        "is used only with encryption=KMS, not SQS_MANAGED",
        OptionCode.SQS_KEY_WITHOUT_KMS_ENCRYPTION,
    ),
    "key with KMS_MANAGED": (
        _key(sqs.QueueEncryption.KMS_MANAGED),
        "queue_encryption_key",
        "Stack/ExtKey",
        "is used only with encryption=KMS, not KMS_MANAGED",
        OptionCode.SQS_KEY_WITHOUT_KMS_ENCRYPTION,
    ),
    "DLQ given but disabled": (
        _given_dlq_disabled,
        "dead_letter_queue_enabled",
        False,
        "must be True when dead_letter_queue is given",
        OptionCode.SQS_DLQ_GIVEN_BUT_DISABLED,
    ),
}


@pytest.mark.parametrize(
    ("build", "option", "value", "allowed", "code"), RULES.values(), ids=RULES.keys()
)
def test_validation_rule(
    build: Callable[[Stack], dict[str, Any]],
    option: str,
    value: object,
    allowed: str,
    code: OptionCode,
) -> None:
    stack = new_stack()
    kwargs = build(stack)
    with pytest.raises(ConstructOptionError) as caught:
        SecureQueue(stack, "Q", **kwargs)
    err = caught.value
    message = str(err)
    assert message.startswith("Stack/Q: invalid options:")
    assert err.construct_path == "Stack/Q"
    assert [(p.option, p.value, p.code) for p in err.problems] == [(option, value, code)]
    assert err.codes == [code]
    assert f"{option}={value!r}" in message
    assert allowed in message


def test_imported_fifo_dlq_with_token_arn_gets_a_hint() -> None:
    stack = new_stack()
    arn = CfnParameter(stack, "DlqArn").value_as_string
    dlq = sqs.Queue.from_queue_arn(stack, "Dlq", arn)
    with pytest.raises(
        ConstructOptionError, match=r"from_queue_attributes\(\.\.\., fifo=True\)"
    ) as caught:
        SecureQueue(stack, "Q", fifo=True, dead_letter_queue=dlq)
    assert caught.value.codes == [OptionCode.SQS_DLQ_TYPE_MISMATCH]
    declared = sqs.Queue.from_queue_attributes(stack, "Declared", queue_arn=arn, fifo=True)
    SecureQueue(stack, "Q2", fifo=True, dead_letter_queue=declared)


def test_several_problems_are_reported_together() -> None:
    stack = new_stack()
    with pytest.raises(ConstructOptionError) as caught:
        SecureQueue(
            stack,
            "Q",
            max_receive_count=0,
            delivery_delay=Duration.minutes(16),
            queue_name="bad name",
            encryption=sqs.QueueEncryption.UNENCRYPTED,
        )
    err = caught.value
    options = [p.option for p in err.problems]
    assert options == ["max_receive_count", "delivery_delay", "queue_name", "encryption"]
    assert err.codes == [
        OptionCode.SQS_MAX_RECEIVE_COUNT_OUT_OF_RANGE,
        OptionCode.SQS_DELIVERY_DELAY_OUT_OF_RANGE,
        OptionCode.SQS_QUEUE_NAME_CHARACTERS,
        OptionCode.SQS_UNENCRYPTED_REFUSED,
    ]
    message = str(err)
    for problem in err.problems:
        assert f"  - {problem}" in message
    assert message.count("\n  - ") == 4


def test_alarm_period_default_is_one_minute() -> None:
    sq = SecureQueue(new_stack(), "Q")
    metric = sq.metric_visible_messages()
    assert isinstance(metric, cloudwatch.Metric)
    assert metric.period.to_seconds() == defaults.ALARM_PERIOD.to_seconds() == 60
    assert metric.statistic == "Maximum"


# --- the rule table, checked without a Stack (issue 13) ----------------------------


def test_the_rules_are_a_table_that_needs_no_stack() -> None:
    """SecureQueue validates its keyword arguments as one SecureQueueOptions,
    whose problems() needs no construct tree: rules are testable one by one."""
    options = SecureQueueOptions(
        content_based_deduplication=True,
        max_receive_count=0,
        queue_name="orders.fifo",
        oldest_message_age_alarm_threshold=Duration.days(5),
    )
    assert [str(p) for p in options.problems()] == [
        "max_receive_count=0: must be from 1 to 1000",
        "oldest_message_age_alarm_threshold='432000 seconds': must be shorter than "
        "retention_period (345600 seconds), or the alarm can never fire",
        "content_based_deduplication=True: is a FIFO-only option: set fifo=True or leave it False",
        "queue_name='orders.fifo': only a FIFO queue's name may end in '.fifo' (set fifo=True)",
    ]
    assert [p.code for p in options.problems()] == [
        OptionCode.SQS_MAX_RECEIVE_COUNT_OUT_OF_RANGE,
        OptionCode.SQS_AGE_ALARM_THRESHOLD_NOT_BELOW_RETENTION,
        OptionCode.SQS_CONTENT_DEDUPLICATION_FIFO_ONLY,
        OptionCode.SQS_STANDARD_QUEUE_NAME_WITH_FIFO_SUFFIX,
    ]
    assert SecureQueueOptions(fifo=True, queue_name="orders.fifo").problems() == []


def test_the_options_resolve_encryption_as_the_construct_does() -> None:
    assert SecureQueueOptions().resolved_encryption == sqs.QueueEncryption.SQS_MANAGED
    managed = SecureQueueOptions(encryption=sqs.QueueEncryption.KMS_MANAGED)
    assert managed.resolved_encryption == sqs.QueueEncryption.KMS_MANAGED


def test_options_create_the_secure_queue_they_describe() -> None:
    stack = Stack(bare_app(), "Stack")
    queue = SecureQueueOptions(fifo=True, max_receive_count=2).create(stack, "Q")
    assert isinstance(queue, SecureQueue) and queue.fifo and queue.max_receive_count == 2
