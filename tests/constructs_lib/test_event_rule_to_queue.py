"""Assertion tests of EventRuleToQueue: defaults, keys, FIFO, buses, every rule."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import Duration, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Annotations, Match, Template

from constructs_lib import (
    ConstructOptionError,
    EventRuleToQueue,
    OptionCode,
    SecureQueue,
    SecureQueueOptions,
    defaults,
)
from tests.option_problems import Reported, by_option
from tests.sources_synth import ACCOUNT, allow_statements_for, new_stack, only

PATTERN = events.EventPattern(source=["shop.orders"], detail_type=["OrderPlaced"])


def rule_of(template: Template) -> dict[str, Any]:
    return dict(only(template, "AWS::Events::Rule")["Properties"])


@pytest.fixture(scope="module")
def default() -> tuple[Stack, EventRuleToQueue, Template]:
    stack = new_stack()
    construct = EventRuleToQueue(
        stack,
        "Orders",
        queue=SecureQueue(stack, "Q"),
        event_pattern=PATTERN,
        message=events.RuleTargetInput.from_object(
            {"order": events.EventField.from_path("$.detail.id")}
        ),
    )
    return stack, construct, Template.from_stack(stack)


def test_rule_on_default_bus_with_pattern_and_transformation(default: Any) -> None:
    _, _, template = default
    rule = rule_of(template)
    assert "EventBusName" not in rule
    assert rule["State"] == "ENABLED"
    assert rule["EventPattern"] == {"source": ["shop.orders"], "detail-type": ["OrderPlaced"]}
    (target,) = rule["Targets"]
    assert target["InputTransformer"] == {
        "InputPathsMap": {"detail-id": "$.detail.id"},
        "InputTemplate": '{"order":<detail-id>}',
    }
    assert "SqsParameters" not in target


def test_retry_policy_defaults_to_eventbridges_maximum(default: Any) -> None:
    _, _, template = default
    (target,) = rule_of(template)["Targets"]
    assert target["RetryPolicy"] == {
        "MaximumEventAgeInSeconds": defaults.TARGET_MAX_EVENT_AGE.to_seconds(),
        "MaximumRetryAttempts": defaults.TARGET_RETRY_ATTEMPTS,
    }
    assert (
        defaults.TARGET_MAX_EVENT_AGE.to_seconds(),
        defaults.TARGET_RETRY_ATTEMPTS,
    ) == (86400, 185)


def test_target_dlq_is_a_standard_secure_queue(default: Any) -> None:
    stack, construct, template = default
    dlq = construct.target_dead_letter_secure_queue
    assert isinstance(dlq, SecureQueue) and not dlq.fifo
    assert dlq.node.id == "TargetDeadLetterQueue"
    (target,) = rule_of(template)["Targets"]
    queue_id = stack.get_logical_id(dlq.queue.node.default_child)
    assert target["DeadLetterConfig"] == {"Arn": {"Fn::GetAtt": [queue_id, "Arn"]}}


def test_both_queue_policies_admit_only_this_rule(default: Any) -> None:
    stack, construct, template = default
    rule_arn = {"Fn::GetAtt": [stack.get_logical_id(construct.rule.node.default_child), "Arn"]}
    sends = allow_statements_for(template, "AWS::SQS::QueuePolicy", "events.amazonaws.com")
    assert len(sends) == 2  # the queue and the target DLQ
    for st in sends:
        assert "sqs:SendMessage" in st["Action"]
        assert st["Condition"] == {"ArnEquals": {"aws:SourceArn": rule_arn}}


def test_no_warning_for_owned_queues(default: Any) -> None:
    stack, _, _ = default
    Annotations.from_stack(stack).has_no_warning("*", Match.any_value())


def test_custom_bus_options_and_retry_policy() -> None:
    stack = new_stack()
    bus = events.EventBus(stack, "Bus")
    EventRuleToQueue(
        stack,
        "R",
        queue=SecureQueue(stack, "Q"),
        event_pattern=PATTERN,
        event_bus=bus,
        rule_name="orders-rule",
        description="orders",
        enabled=False,
        max_event_age=Duration.hours(1),
        retry_attempts=3,
        target_dead_letter_queue_enabled=False,
    )
    template = Template.from_stack(stack)
    rule = rule_of(template)
    assert rule["EventBusName"] == {"Ref": stack.get_logical_id(bus.node.default_child)}  # type: ignore[arg-type]
    assert (rule["Name"], rule["Description"], rule["State"]) == (
        "orders-rule",
        "orders",
        "DISABLED",
    )
    (target,) = rule["Targets"]
    assert target["RetryPolicy"] == {"MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 3}
    assert "DeadLetterConfig" not in target


@pytest.fixture(scope="module")
def keyed() -> tuple[Stack, Template]:
    stack = new_stack()
    EventRuleToQueue(
        stack,
        "R",
        queue=SecureQueue(
            stack,
            "Q",
            fifo=True,
            content_based_deduplication=True,
            encryption=sqs.QueueEncryption.KMS,
        ),
        message_group_id="orders",
        event_pattern=PATTERN,
        target_dead_letter_queue=SecureQueue(stack, "D", encryption=sqs.QueueEncryption.KMS),
    )
    return stack, Template.from_stack(stack)


def test_fifo_target_carries_the_message_group_id(keyed: Any) -> None:
    _, template = keyed
    (target,) = rule_of(template)["Targets"]
    assert target["SqsParameters"] == {"MessageGroupId": "orders"}


def test_both_keys_grant_eventbridge_the_documented_statement_without_source_keys(
    keyed: Any,
) -> None:
    """https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-troubleshooting.html

    EventBridge's page for an encrypted SQS target gives the key statement
    without a condition ("Allow EventBridge to use the key": kms:Decrypt,
    kms:GenerateDataKey), and the SNS guide says "adding the aws:SourceAccount
    and aws:SourceArn to a KMS policy is not supported for
    EventBridge-to-encrypted topics": a key grant that needs them drops every
    event. The scoping stays on the queue side: the queue policy lets
    events.amazonaws.com send for this account's rules (aws:SourceAccount) and
    the target DLQ's for this rule (aws:SourceArn).
    """
    _, template = keyed
    key_grants = allow_statements_for(template, "AWS::KMS::Key", "events.amazonaws.com")
    assert len(key_grants) == 2  # the queue's key and the target DLQ's key
    for st in key_grants:
        assert "Condition" not in st, st
        assert sorted(st["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey"]
    sends = allow_statements_for(template, "AWS::SQS::QueuePolicy", "events.amazonaws.com")
    conditions = sorted(str(st["Condition"]) for st in sends)
    # the main queue (encrypted): the account; the DLQ's policy names the rule
    assert any("aws:SourceAccount" in c for c in conditions)
    assert any("aws:SourceArn" in c for c in conditions)


# --- validation --------------------------------------------------------------


def problems_of(**options: Any) -> dict[str, Reported]:
    stack = new_stack()
    resolved = {k: (v(stack) if callable(v) else v) for k, v in options.items()}
    resolved.setdefault("event_pattern", PATTERN)
    with pytest.raises(ConstructOptionError) as err:
        EventRuleToQueue(stack, "R", **resolved)
    return by_option(err.value)


def fifo_queue(s: Stack) -> SecureQueue:
    return SecureQueue(s, "Q", fifo=True, content_based_deduplication=True)


def test_fifo_queue_needs_a_message_group_id() -> None:
    problems = problems_of(queue=fifo_queue)
    assert "is required" in problems["message_group_id"]
    assert problems["message_group_id"].code == OptionCode.TARGET_MESSAGE_GROUP_ID_REQUIRED


def test_a_standard_queue_takes_a_message_group_id_as_a_fair_queue() -> None:
    """Since July 2025 SQS accepts MessageGroupId on standard queues (fair
    queues) and EventBridge's SqsParameters apply to "an SQS fair or FIFO
    queue" (aws-cdk#36068 dropped aws-cdk-lib's own block)."""
    stack = new_stack()
    EventRuleToQueue(
        stack,
        "R",
        queue=SecureQueue(stack, "Q"),
        event_pattern=PATTERN,
        message_group_id="tenant-a",
    )
    (target,) = rule_of(Template.from_stack(stack))["Targets"]
    assert target["SqsParameters"] == {"MessageGroupId": "tenant-a"}


def test_message_group_id_length_is_eventbridges_100() -> None:
    """SQS takes group ids up to 128 characters, EventBridge's SqsParameters
    up to 100: a longer one would fail only when CloudFormation creates the rule."""
    for queue in (fifo_queue, lambda s: SecureQueue(s, "Q")):
        problems = problems_of(queue=queue, message_group_id="g" * 101)
        assert "1 to 100 characters" in problems["message_group_id"]
        assert problems["message_group_id"].code == OptionCode.TARGET_MESSAGE_GROUP_ID_LENGTH
    stack = new_stack()
    EventRuleToQueue(
        stack, "R", queue=fifo_queue(stack), event_pattern=PATTERN, message_group_id="g" * 100
    )


def test_queue_on_aws_managed_key_is_rejected() -> None:
    problems = problems_of(
        queue=lambda s: SecureQueue(s, "Q", encryption=sqs.QueueEncryption.KMS_MANAGED)
    )
    assert "alias/aws/sqs" in problems["queue"] and "EventBridge" in problems["queue"]
    assert problems["queue"].code == OptionCode.SQS_AWS_MANAGED_KEY_UNUSABLE


def test_empty_event_pattern_is_rejected() -> None:
    problems = problems_of(queue=lambda s: SecureQueue(s, "Q"), event_pattern=events.EventPattern())
    assert "at least one field" in problems["event_pattern"]
    assert problems["event_pattern"].code == OptionCode.EVENTS_PATTERN_EMPTY


@pytest.mark.parametrize(
    ("option", "value", "allowed", "code"),
    [
        (
            "max_event_age",
            Duration.seconds(59),
            "from 60 to 86400 seconds",
            OptionCode.TARGET_MAX_EVENT_AGE_OUT_OF_RANGE,
        ),
        (
            "max_event_age",
            Duration.hours(25),
            "from 60 to 86400 seconds",
            OptionCode.TARGET_MAX_EVENT_AGE_OUT_OF_RANGE,
        ),
        ("retry_attempts", -1, "from 0 to 185", OptionCode.TARGET_RETRY_ATTEMPTS_OUT_OF_RANGE),
        ("retry_attempts", 186, "from 0 to 185", OptionCode.TARGET_RETRY_ATTEMPTS_OUT_OF_RANGE),
    ],
)
def test_retry_policy_bounds(option: str, value: Any, allowed: str, code: OptionCode) -> None:
    problems = problems_of(queue=lambda s: SecureQueue(s, "Q"), **{option: value})
    assert allowed in problems[option]
    assert problems[option].code == code


def test_target_dlq_must_be_standard_and_enabled() -> None:
    problems = problems_of(
        queue=lambda s: SecureQueue(s, "Q"),
        target_dead_letter_queue_enabled=False,
        target_dead_letter_queue=lambda s: SecureQueue(s, "D", fifo=True),
    )
    assert "must be True" in problems["target_dead_letter_queue_enabled"]
    assert "cannot dead-letter into a FIFO queue" in problems["target_dead_letter_queue"]
    assert problems["target_dead_letter_queue_enabled"].code == (
        OptionCode.TARGET_DLQ_DISABLED_BUT_CONFIGURED
    )
    assert problems["target_dead_letter_queue"].code == OptionCode.TARGET_DLQ_NOT_STANDARD


def test_target_dlq_on_aws_managed_key_is_rejected() -> None:
    problems = problems_of(
        queue=lambda s: SecureQueue(s, "Q"),
        target_dead_letter_queue=lambda s: SecureQueue(
            s, "D", encryption=sqs.QueueEncryption.KMS_MANAGED
        ),
    )
    assert "alias/aws/sqs" in problems["target_dead_letter_queue"]
    assert problems["target_dead_letter_queue"].code == OptionCode.SQS_AWS_MANAGED_KEY_UNUSABLE


def test_problems_are_reported_together() -> None:
    problems = problems_of(
        queue=fifo_queue, event_pattern=events.EventPattern(), retry_attempts=500
    )
    assert set(problems) == {"message_group_id", "event_pattern", "retry_attempts"}


def test_the_key_rules_are_reported_with_the_others() -> None:
    """All problems, one error: the queue_encryption_key rules come with the rest."""
    stack = new_stack()
    with pytest.raises(ConstructOptionError) as caught:
        EventRuleToQueue(
            stack, "R", queue=SecureQueue(stack, "Q"), event_pattern=events.EventPattern(),
            queue_encryption_key=kms.Key.from_key_arn(stack, "K", FOREIGN_KEY),
        )  # fmt: skip
    assert caught.value.codes == [
        OptionCode.EVENTS_PATTERN_EMPTY,
        OptionCode.EVENTS_KEY_FOR_QUEUE_OF_THIS_ACCOUNT,
    ]


def test_fifo_queue_without_content_based_deduplication_warns() -> None:
    stack = new_stack()
    EventRuleToQueue(
        stack,
        "R",
        queue=SecureQueue(stack, "Q", fifo=True),
        message_group_id="g",
        event_pattern=PATTERN,
    )
    Annotations.from_stack(stack).has_warning(
        "/Test/R", Match.string_like_regexp("passes a message group id but no deduplication id")
    )


def test_fifo_queue_with_content_based_deduplication_does_not_warn(keyed: Any) -> None:
    stack, _ = keyed
    Annotations.from_stack(stack).has_no_warning("*", Match.any_value())


# --- issue 13: one queue type, the construct's alarms, the created DLQ's options ---


def test_queue_is_the_iqueue_with_the_secure_queue_beside_it() -> None:
    """`.queue` was the SecureQueue itself when one was passed, so
    ``EventRuleToQueue(...).queue.grant_send_messages(role)`` raised
    AttributeError; it is the ``sqs.IQueue`` now, as on the consumers."""
    stack = new_stack()
    secure = SecureQueue(stack, "Q")
    construct = EventRuleToQueue(stack, "R", queue=secure, event_pattern=PATTERN)
    construct.queue.grant_send_messages(iam.AccountRootPrincipal())
    assert construct.queue is secure.queue
    assert construct.secure_queue is secure
    created = construct.target_dead_letter_secure_queue
    assert isinstance(created, SecureQueue)
    assert construct.target_dead_letter_queue is created.queue
    assert construct.alarms == created.alarms and len(construct.alarms) == 2


def test_a_plain_queue_and_dlq_have_no_secure_queue_beside_them() -> None:
    stack = new_stack()
    queue = sqs.Queue(stack, "Q")
    dlq = sqs.Queue(stack, "D")
    construct = EventRuleToQueue(
        stack, "R", queue=queue, event_pattern=PATTERN, target_dead_letter_queue=dlq
    )
    assert (construct.queue, construct.secure_queue) == (queue, None)
    assert (construct.target_dead_letter_queue, construct.target_dead_letter_secure_queue) == (
        dlq,
        None,
    )
    assert construct.alarms == []


def test_the_created_target_dlq_takes_the_options_of_a_secure_queue() -> None:
    stack = new_stack()
    construct = EventRuleToQueue(
        stack,
        "R",
        queue=SecureQueue(stack, "Q"),
        event_pattern=PATTERN,
        target_dead_letter_queue_options=SecureQueueOptions(
            max_receive_count=3, retention_period=Duration.days(2)
        ),
    )
    created = construct.target_dead_letter_secure_queue
    assert created is not None and created.max_receive_count == 3
    queue = Template.from_stack(stack).to_json()["Resources"][
        stack.get_logical_id(created.queue.node.default_child)  # type: ignore[arg-type]
    ]
    assert queue["Properties"]["RedrivePolicy"]["maxReceiveCount"] == 3
    assert queue["Properties"]["MessageRetentionPeriod"] == 172800


def test_target_dlq_options_are_refused_where_they_cannot_apply() -> None:
    given = problems_of(
        queue=lambda s: SecureQueue(s, "Q"),
        target_dead_letter_queue=lambda s: SecureQueue(s, "D"),
        target_dead_letter_queue_options=SecureQueueOptions(),
    )
    assert (
        "leave it unset when target_dead_letter_queue is given"
        in (given["target_dead_letter_queue_options"])
    )
    assert given["target_dead_letter_queue_options"].code == (
        OptionCode.TARGET_DLQ_OPTIONS_WITH_GIVEN_DLQ
    )
    disabled = problems_of(
        queue=lambda s: SecureQueue(s, "Q"),
        target_dead_letter_queue_enabled=False,
        target_dead_letter_queue_options=SecureQueueOptions(),
    )
    assert (
        "must be True when target_dead_letter_queue_options is given"
        in (disabled["target_dead_letter_queue_enabled"])
    )
    assert disabled["target_dead_letter_queue_enabled"].code == (
        OptionCode.TARGET_DLQ_DISABLED_BUT_CONFIGURED
    )
    wrong = problems_of(
        queue=lambda s: SecureQueue(s, "Q"),
        target_dead_letter_queue_options=SecureQueueOptions(
            fifo=True, encryption=sqs.QueueEncryption.KMS_MANAGED, max_receive_count=0
        ),
    )
    assert "cannot dead-letter into a FIFO queue" in wrong["target_dead_letter_queue_options.fifo"]
    assert "alias/aws/sqs" in wrong["target_dead_letter_queue_options.encryption"]
    assert "from 1 to 1000" in wrong["target_dead_letter_queue_options.max_receive_count"]
    assert {option: p.code for option, p in wrong.items()} == {
        "target_dead_letter_queue_options.fifo": OptionCode.TARGET_DLQ_NOT_STANDARD,
        "target_dead_letter_queue_options.encryption": OptionCode.SQS_AWS_MANAGED_KEY_UNUSABLE,
        "target_dead_letter_queue_options.max_receive_count": (
            OptionCode.SQS_MAX_RECEIVE_COUNT_OUT_OF_RANGE
        ),
    }


# --- issue 20, defect 4: a queue of another account with its own customer key ---------

OWNER = "999999999999"
FOREIGN_QUEUE = f"arn:aws:sqs:us-east-1:{OWNER}:orders"
FOREIGN_KEY = f"arn:aws:kms:us-east-1:{OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def _foreign_queue(stack: Stack, *, named_key: bool = False) -> sqs.IQueue:
    if named_key:
        return sqs.Queue.from_queue_attributes(
            stack, "Foreign", queue_arn=FOREIGN_QUEUE, key_arn=FOREIGN_KEY
        )
    return sqs.Queue.from_queue_arn(stack, "Foreign", FOREIGN_QUEUE)


def _role_can_use_the_key(stack: Stack, rule: EventRuleToQueue) -> list[Any]:
    """KMS's verdicts for the target role's kms:GenerateDataKey and kms:Decrypt,
    with a key policy in which the owner allows the role (what the warning asks)."""
    from constructs_lib.policy import Caller, Request, authorize, resolve_intrinsics

    template = Template.from_stack(stack).to_json()
    role_id = stack.resolve(rule.target_role.role_arn)["Fn::GetAtt"][0]  # type: ignore[union-attr]
    role_arn = f"arn:aws:iam::{ACCOUNT}:role/{role_id}"
    documents = [
        r["Properties"]["PolicyDocument"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::IAM::Policy" and {"Ref": role_id} in r["Properties"]["Roles"]
    ]
    identity = [
        (f"policy {i}", resolve_intrinsics(d, lambda v: f"arn:aws:sqs:us-east-1:{OWNER}:x"))
        for i, d in enumerate(documents)
    ]
    owners_key_policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": role_arn},
             "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*"}
        ],
    }  # fmt: skip
    return [
        authorize(
            Request(Caller.role(role_arn), action, FOREIGN_KEY),
            resource_policy=owners_key_policy,
            resource_label="the owner's key policy",
            resource_account=OWNER,
            identity_policies=identity,
        )
        for action in ("kms:GenerateDataKey", "kms:Decrypt")
    ]


@pytest.mark.parametrize("how", ["queue_encryption_key", "from_queue_attributes(key_arn=...)"])
def test_the_target_role_may_use_the_foreign_queues_key(how: str) -> None:
    """https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html

    "Neither the key policy nor the IAM policy alone is sufficient": KMS lets
    EventBridge's role (this account) use the owner's key only when the owner's
    key policy allows it AND an IAM policy of the role does. The EventBridge SQS
    target needs kms:GenerateDataKey and kms:Decrypt on the queue's key.
    """
    stack = new_stack()
    if how == "queue_encryption_key":
        rule = EventRuleToQueue(
            stack, "R", queue=_foreign_queue(stack), event_pattern=PATTERN,
            queue_encryption_key=kms.Key.from_key_arn(stack, "ForeignKey", FOREIGN_KEY),
        )  # fmt: skip
    else:
        rule = EventRuleToQueue(
            stack, "R", queue=_foreign_queue(stack, named_key=True), event_pattern=PATTERN
        )
    for decision in _role_can_use_the_key(stack, rule):
        assert decision.allowed, decision.reason


def test_without_the_foreign_key_the_warning_states_both_halves() -> None:
    """A queue imported by ARN says nothing of its key: if it has a customer
    key, KMS refuses the role until the owner's key policy AND an IAM policy
    in this account allow it. The warning says both, and how to give the key."""
    stack = new_stack()
    rule = EventRuleToQueue(stack, "R", queue=_foreign_queue(stack), event_pattern=PATTERN)
    assert not any(d.allowed for d in _role_can_use_the_key(stack, rule))  # as AWS refuses
    (warning,) = [
        str(m.entry.data)
        for m in Annotations.from_stack(stack).find_warning("*", Match.string_like_regexp(".*"))
        if "QueueInOtherAccount" in str(m.entry.data)
    ]
    assert "queue_encryption_key" in warning
    assert f"key policy (in account {OWNER})" in warning
    assert "IAM policy" in warning and "this account" in warning


def test_a_foreign_key_for_a_queue_of_this_account_is_refused() -> None:
    stack = new_stack()
    with pytest.raises(ConstructOptionError) as caught:
        EventRuleToQueue(
            stack, "R", queue=SecureQueue(stack, "Q"), event_pattern=PATTERN,
            queue_encryption_key=kms.Key.from_key_arn(stack, "K", FOREIGN_KEY),
        )  # fmt: skip
    (problem,) = caught.value.problems
    assert problem.option == "queue_encryption_key"
    assert "another account" in problem.allowed
    assert problem.code == OptionCode.EVENTS_KEY_FOR_QUEUE_OF_THIS_ACCOUNT


def test_a_foreign_key_differing_from_the_one_the_queue_names_is_refused() -> None:
    stack = new_stack()
    other = f"arn:aws:kms:us-east-1:{OWNER}:key/ffffffff-12ab-34cd-56ef-1234567890ab"
    with pytest.raises(ConstructOptionError, match="queue_encryption_key") as caught:
        EventRuleToQueue(
            stack, "R", queue=_foreign_queue(stack, named_key=True), event_pattern=PATTERN,
            queue_encryption_key=kms.Key.from_key_arn(stack, "K", other),
        )  # fmt: skip
    assert caught.value.codes == [OptionCode.EVENTS_KEY_DIFFERS_FROM_QUEUE_KEY]
