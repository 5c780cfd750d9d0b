"""Assertion tests of TopicFanout: defaults, FIFO, existing topic, every rule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Annotations, Match, Template

from constructs_lib import (
    ConstructOptionError,
    FanoutSubscription,
    OptionCode,
    SecureQueue,
    SecureQueueOptions,
    TopicFanout,
)
from tests.option_problems import Reported, by_option
from tests.sources_synth import allow_statements_for, new_stack, only, resources, statements

TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:existing"
FIFO_TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:existing.fifo"
ALIAS_KEY_ARN = "arn:aws:kms:us-east-1:123456789012:alias/aws/sqs"


@dataclass
class Synth:
    stack: Stack
    fanout: TopicFanout
    template: Template

    def ref(self, construct: Any) -> str:
        return self.stack.get_logical_id(construct.node.default_child)

    def subscription(self, sub_id: str) -> dict[str, Any]:
        subs = resources(self.template, "AWS::SNS::Subscription")
        return subs[self.stack.get_logical_id(self.fanout.subscriptions[sub_id].node.default_child)]


def attr_filter(*values: str) -> dict[str, sns.SubscriptionFilter]:
    return {"type": sns.SubscriptionFilter.string_filter(allowlist=list(values))}


@pytest.fixture(scope="module")
def standard() -> Synth:
    stack = new_stack()
    plain = SecureQueue(stack, "Plain")
    keyed = SecureQueue(stack, "Keyed", encryption=sqs.QueueEncryption.KMS)
    fanout = TopicFanout(
        stack,
        "Fanout",
        queues=[
            FanoutSubscription(id="Plain", queue=plain, filter_policy=attr_filter("a")),
            FanoutSubscription(
                id="Keyed",
                queue=keyed,
                filter_policy_with_message_body={
                    "kind": sns.FilterOrPolicy.filter(
                        sns.SubscriptionFilter.string_filter(allowlist=["b"])
                    )
                },
            ),
        ],
    )
    fanout.add_queue(
        FanoutSubscription(
            id="Envelope", queue=SecureQueue(stack, "Env"), raw_message_delivery=False
        )
    )
    return Synth(stack, fanout, Template.from_stack(stack))


def test_topic_is_encrypted_with_a_created_rotating_key(standard: Synth) -> None:
    topic = only(standard.template, "AWS::SNS::Topic")
    key_id = standard.ref(standard.fanout.topic_encryption_key)
    assert topic["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    key = resources(standard.template, "AWS::KMS::Key")[key_id]
    assert key["Properties"]["EnableKeyRotation"] is True
    assert "FifoTopic" not in topic["Properties"]


def test_topic_policy_denies_publishing_without_tls(standard: Synth) -> None:
    (deny,) = statements(only(standard.template, "AWS::SNS::TopicPolicy"))
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_subscriptions_are_raw_with_their_own_filter_scope(standard: Synth) -> None:
    plain = standard.subscription("Plain")["Properties"]
    assert plain["RawMessageDelivery"] is True
    assert plain["FilterPolicy"] == {"type": ["a"]}
    assert "FilterPolicyScope" not in plain  # SNS's default: message attributes
    keyed = standard.subscription("Keyed")["Properties"]
    assert keyed["FilterPolicyScope"] == "MessageBody"
    assert keyed["FilterPolicy"] == {"kind": ["b"]}
    assert keyed["RawMessageDelivery"] is True


def test_raw_delivery_can_be_turned_off(standard: Synth) -> None:
    assert standard.subscription("Envelope")["Properties"]["RawMessageDelivery"] is False


def test_queue_policies_admit_sns_only_from_this_topic(standard: Synth) -> None:
    topic_ref = {"Ref": standard.ref(standard.fanout.topic)}
    sends = allow_statements_for(standard.template, "AWS::SQS::QueuePolicy", "sns.amazonaws.com")
    # three subscribed queues + the subscription DLQ
    assert len(sends) == 4
    for st in sends:
        assert st["Action"] == "sqs:SendMessage"
        assert st["Condition"] == {"ArnEquals": {"aws:SourceArn": topic_ref}}


def test_customer_managed_queue_key_lets_sns_in_scoped_to_the_topic(standard: Synth) -> None:
    (grant,) = allow_statements_for(standard.template, "AWS::KMS::Key", "sns.amazonaws.com")
    assert sorted(grant["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert grant["Condition"] == {
        "ArnEquals": {"aws:SourceArn": {"Ref": standard.ref(standard.fanout.topic)}}
    }


def test_subscription_dead_letter_queue_is_a_secure_queue_used_by_every_subscription(
    standard: Synth,
) -> None:
    dlq = standard.fanout.subscription_dead_letter_secure_queue
    assert isinstance(dlq, SecureQueue) and dlq.node.id == "SubscriptionDeadLetterQueue"
    target = {"Fn::GetAtt": [standard.ref(dlq.queue), "Arn"]}
    for sub_id in ("Plain", "Keyed", "Envelope"):
        props = standard.subscription(sub_id)["Properties"]
        assert props["RedrivePolicy"] == {"deadLetterTargetArn": target}


def test_subscription_waits_for_its_queue_policy(standard: Synth) -> None:
    props = standard.subscription("Plain")["Properties"]
    queue_id = props["Endpoint"]["Fn::GetAtt"][0]
    (policy_id,) = [
        pid
        for pid, p in resources(standard.template, "AWS::SQS::QueuePolicy").items()
        if p["Properties"]["Queues"] == [{"Ref": queue_id}]
    ]
    assert policy_id in standard.subscription("Plain")["DependsOn"]


@pytest.fixture(scope="module")
def fifo() -> Synth:
    stack = new_stack()
    fanout = TopicFanout(
        stack,
        "Fanout",
        fifo=True,
        topic_name="orders.fifo",
        content_based_deduplication=True,
        queues=[FanoutSubscription(id="A", queue=SecureQueue(stack, "A", fifo=True))],
    )
    return Synth(stack, fanout, Template.from_stack(stack))


def test_fifo_topic_delivers_to_fifo_queues_with_a_fifo_dlq(fifo: Synth) -> None:
    props = only(fifo.template, "AWS::SNS::Topic")["Properties"]
    assert props["FifoTopic"] is True
    assert props["ContentBasedDeduplication"] is True
    assert props["TopicName"] == "orders.fifo"
    dlq = fifo.fanout.subscription_dead_letter_secure_queue
    assert isinstance(dlq, SecureQueue) and dlq.fifo


def test_existing_topic_is_used_as_is() -> None:
    stack = new_stack()
    topic = sns.Topic.from_topic_arn(stack, "Existing", TOPIC_ARN)
    fanout = TopicFanout(
        stack,
        "Fanout",
        topic=topic,
        subscription_dead_letter_queue_enabled=False,
        queues=[FanoutSubscription(id="A", queue=SecureQueue(stack, "A"))],
    )
    template = Template.from_stack(stack)
    assert resources(template, "AWS::SNS::Topic") == {}
    assert resources(template, "AWS::SNS::TopicPolicy") == {}
    assert fanout.topic_encryption_key is None
    sub = only(template, "AWS::SNS::Subscription")["Properties"]
    assert sub["TopicArn"] == TOPIC_ARN
    assert "RedrivePolicy" not in sub


def test_a_passed_topic_key_is_used_instead_of_creating_one() -> None:
    stack = new_stack()
    key = kms.Key(stack, "MyKey")
    fanout = TopicFanout(stack, "Fanout", topic_encryption_key=key)
    assert fanout.topic_encryption_key is key
    assert fanout.node.try_find_child("TopicKey") is None


def test_imported_queue_gets_a_warning_that_its_policy_is_not_managed() -> None:
    stack = new_stack()
    queue = sqs.Queue.from_queue_arn(stack, "Imported", "arn:aws:sqs:us-east-1:123456789012:q")
    TopicFanout(stack, "Fanout", queues=[FanoutSubscription(id="A", queue=queue)])
    Annotations.from_stack(stack).has_warning(
        "/Test/Fanout",
        Match.string_like_regexp("is imported: .* must itself allow sqs:SendMessage from SNS"),
    )


# --- validation --------------------------------------------------------------


def problems_of(build: Any) -> dict[str, Reported]:
    stack = new_stack()
    with pytest.raises(ConstructOptionError) as err:
        build(stack)
    assert err.value.construct_path.startswith("Test/")
    return by_option(err.value)


def test_standard_queue_on_fifo_topic_is_rejected() -> None:
    problems = problems_of(
        lambda s: TopicFanout(
            s, "F", fifo=True, queues=[FanoutSubscription(id="A", queue=SecureQueue(s, "A"))]
        )
    )
    assert "must be a FIFO queue like the FIFO topic" in problems["queues[0].queue"]
    assert problems["queues[0].queue"].code == OptionCode.SNS_QUEUE_TYPE_MISMATCH


def test_fifo_queue_on_standard_topic_is_rejected() -> None:
    problems = problems_of(
        lambda s: TopicFanout(
            s, "F", queues=[FanoutSubscription(id="A", queue=SecureQueue(s, "A", fifo=True))]
        )
    )
    assert "must be a standard queue like the standard topic" in problems["queues[0].queue"]
    assert problems["queues[0].queue"].code == OptionCode.SNS_QUEUE_TYPE_MISMATCH


def test_fifo_topic_given_as_existing_topic_decides_the_type() -> None:
    problems = problems_of(
        lambda s: TopicFanout(
            s,
            "F",
            topic=sns.Topic.from_topic_arn(s, "T", FIFO_TOPIC_ARN),
            queues=[FanoutSubscription(id="A", queue=SecureQueue(s, "A"))],
        )
    )
    assert "FIFO" in problems["queues[0].queue"]


@pytest.mark.parametrize(
    "make_queue",
    [
        lambda s: SecureQueue(s, "A", encryption=sqs.QueueEncryption.KMS_MANAGED),
        lambda s: sqs.Queue(s, "A", encryption=sqs.QueueEncryption.KMS_MANAGED),
        lambda s: sqs.Queue.from_queue_attributes(
            s, "A", queue_arn="arn:aws:sqs:us-east-1:123456789012:q", key_arn=ALIAS_KEY_ARN
        ),
    ],
    ids=["SecureQueue", "sqs.Queue", "imported"],
)
def test_queue_on_aws_managed_key_is_rejected_with_the_reason(make_queue: Any) -> None:
    problems = problems_of(
        lambda s: TopicFanout(s, "F", queues=[FanoutSubscription(id="A", queue=make_queue(s))])
    )
    allowed = problems["queues[0].queue"]
    assert "alias/aws/sqs" in allowed and "silently drop" in allowed
    assert allowed.code == OptionCode.SQS_AWS_MANAGED_KEY_UNUSABLE


def test_both_filter_scopes_on_one_subscription_are_rejected() -> None:
    problems = problems_of(
        lambda s: TopicFanout(
            s,
            "F",
            queues=[
                FanoutSubscription(
                    id="A",
                    queue=SecureQueue(s, "A"),
                    filter_policy=attr_filter("x"),
                    filter_policy_with_message_body={
                        "k": sns.FilterOrPolicy.filter(sns.SubscriptionFilter.exists_filter())
                    },
                )
            ],
        )
    )
    problem = problems["queues[0].filter_policy_with_message_body"]
    assert "one filter scope" in problem
    assert problem.code == OptionCode.SNS_TWO_FILTER_SCOPES


def test_duplicate_subscription_ids_are_rejected() -> None:
    def build(s: Stack) -> None:
        q = SecureQueue(s, "A")
        TopicFanout(
            s,
            "F",
            queues=[FanoutSubscription(id="X", queue=q), FanoutSubscription(id="X", queue=q)],
        )

    problem = problems_of(build)["queues[1].id"]
    assert "must be unique" in problem
    assert problem.code == OptionCode.SNS_SUBSCRIPTION_ID_NOT_UNIQUE


def test_add_queue_rejects_an_id_already_used() -> None:
    stack = new_stack()
    q = SecureQueue(stack, "A")
    fanout = TopicFanout(stack, "F", queues=[FanoutSubscription(id="X", queue=q)])
    with pytest.raises(ConstructOptionError, match=r"spec\.id='X': must be unique") as caught:
        fanout.add_queue(FanoutSubscription(id="X", queue=q))
    assert caught.value.codes == [OptionCode.SNS_SUBSCRIPTION_ID_NOT_UNIQUE]


def test_topic_options_with_an_existing_topic_are_rejected() -> None:
    problems = problems_of(
        lambda s: TopicFanout(
            s,
            "F",
            topic=sns.Topic.from_topic_arn(s, "T", TOPIC_ARN),
            topic_name="other",
            topic_encryption_key=kms.Key(s, "K"),
        )
    )
    assert set(problems) == {"topic_name", "topic_encryption_key"}
    assert all("leave it unset when topic is given" in a for a in problems.values())
    assert {a.code for a in problems.values()} == {OptionCode.SNS_TOPIC_OPTIONS_WITH_GIVEN_TOPIC}


def test_content_based_deduplication_needs_a_fifo_topic() -> None:
    problems = problems_of(lambda s: TopicFanout(s, "F", content_based_deduplication=True))
    assert "FIFO-only" in problems["content_based_deduplication"]
    assert problems["content_based_deduplication"].code == (
        OptionCode.SNS_CONTENT_DEDUPLICATION_FIFO_ONLY
    )


@pytest.mark.parametrize(("fifo", "name"), [(True, "orders"), (False, "orders.fifo")])
def test_topic_name_suffix_must_match_the_type(fifo: bool, name: str) -> None:
    stack = new_stack()
    with pytest.raises(ConstructOptionError) as caught:
        TopicFanout(stack, "F", fifo=fifo, topic_name=name)
    suffix = caught.value.problems[0]
    assert (suffix.option, suffix.code) == ("topic_name", OptionCode.SNS_TOPIC_NAME_FIFO_SUFFIX)
    assert "'.fifo'" in suffix.allowed


def test_subscription_dlq_must_match_the_topic_type_and_be_enabled() -> None:
    problems = problems_of(
        lambda s: TopicFanout(
            s,
            "F",
            subscription_dead_letter_queue_enabled=False,
            subscription_dead_letter_queue=SecureQueue(s, "D", fifo=True),
        )
    )
    assert "must be True" in problems["subscription_dead_letter_queue_enabled"]
    assert "standard queue" in problems["subscription_dead_letter_queue"]
    assert problems["subscription_dead_letter_queue_enabled"].code == (
        OptionCode.SNS_SUBSCRIPTION_DLQ_DISABLED_BUT_CONFIGURED
    )
    assert problems["subscription_dead_letter_queue"].code == OptionCode.SNS_QUEUE_TYPE_MISMATCH


def test_subscription_dlq_on_aws_managed_key_is_rejected() -> None:
    problems = problems_of(
        lambda s: TopicFanout(
            s,
            "F",
            subscription_dead_letter_queue=SecureQueue(
                s, "D", encryption=sqs.QueueEncryption.KMS_MANAGED
            ),
        )
    )
    assert "alias/aws/sqs" in problems["subscription_dead_letter_queue"]
    assert problems["subscription_dead_letter_queue"].code == (
        OptionCode.SQS_AWS_MANAGED_KEY_UNUSABLE
    )


def test_subscription_dlq_with_customer_key_lets_sns_in() -> None:
    stack = new_stack()
    dlq = SecureQueue(stack, "D", encryption=sqs.QueueEncryption.KMS)
    fanout = TopicFanout(
        stack,
        "F",
        subscription_dead_letter_queue=dlq,
        queues=[FanoutSubscription(id="A", queue=SecureQueue(stack, "A"))],
    )
    template = Template.from_stack(stack)
    (grant,) = allow_statements_for(template, "AWS::KMS::Key", "sns.amazonaws.com")
    topic_id = stack.get_logical_id(fanout.topic.node.default_child)  # type: ignore[arg-type]
    assert grant["Condition"] == {"ArnEquals": {"aws:SourceArn": {"Ref": topic_id}}}


def test_owned_queues_raise_no_warning(standard: Synth) -> None:
    Annotations.from_stack(standard.stack).has_no_warning("*", Match.any_value())


@pytest.mark.parametrize("own_id", ["Topic", "TopicKey", "SubscriptionDeadLetterQueue"])
def test_a_subscription_id_of_the_fanouts_own_children_is_rejected(own_id: str) -> None:
    """Found by the property tests: it used to fail with a raw jsii error."""

    def build(s: Stack) -> None:
        TopicFanout(s, "F", queues=[FanoutSubscription(id=own_id, queue=SecureQueue(s, "A"))])

    allowed = problems_of(build)["queues[0].id"]
    assert "not one of the ids of its own children (Topic, TopicKey, " in allowed
    assert allowed.code == OptionCode.SNS_SUBSCRIPTION_ID_NOT_UNIQUE


@pytest.mark.parametrize("name", ["has space", "a" * 257, "", "bad.name"])
def test_a_topic_name_sns_would_refuse_is_rejected(name: str) -> None:
    """Found by the property tests: such names reached the template."""
    allowed = problems_of(lambda s: TopicFanout(s, "F", topic_name=name))["topic_name"]
    assert "must be 1 to 256 letters, digits, '-' and '_'" in allowed
    assert allowed.code == OptionCode.SNS_TOPIC_NAME_INVALID


# --- issue 13: one queue type, the construct's alarms, the created DLQ's options ---


def test_the_subscription_dlq_is_an_iqueue_with_its_secure_queue_beside_it(
    standard: Synth,
) -> None:
    created = standard.fanout.subscription_dead_letter_secure_queue
    assert isinstance(created, SecureQueue)
    assert standard.fanout.subscription_dead_letter_queue is created.queue
    assert standard.fanout.alarms == created.alarms and len(standard.fanout.alarms) == 2


def test_the_created_subscription_dlq_takes_the_options_of_a_secure_queue() -> None:
    stack = new_stack()
    fanout = TopicFanout(
        stack,
        "Fanout",
        fifo=True,
        queues=[FanoutSubscription(id="A", queue=SecureQueue(stack, "A", fifo=True))],
        subscription_dead_letter_queue_options=SecureQueueOptions(
            fifo=True, dead_letter_queue_enabled=False
        ),
    )
    created = fanout.subscription_dead_letter_secure_queue
    assert created is not None and created.fifo and created.dead_letter_queue is None


def test_subscription_dlq_options_are_refused_where_they_cannot_apply() -> None:
    problems = problems_of(
        lambda s: TopicFanout(
            s,
            "Fanout",
            fifo=True,
            subscription_dead_letter_queue_options=SecureQueueOptions(
                encryption=sqs.QueueEncryption.KMS_MANAGED
            ),
        )
    )
    assert "FIFO" in problems["subscription_dead_letter_queue_options.fifo"]
    assert "alias/aws/sqs" in problems["subscription_dead_letter_queue_options.encryption"]
    assert {option: p.code for option, p in problems.items()} == {
        "subscription_dead_letter_queue_options.fifo": OptionCode.SNS_QUEUE_TYPE_MISMATCH,
        "subscription_dead_letter_queue_options.encryption": (
            OptionCode.SQS_AWS_MANAGED_KEY_UNUSABLE
        ),
    }
    given = problems_of(
        lambda s: TopicFanout(
            s,
            "Fanout",
            subscription_dead_letter_queue=SecureQueue(s, "D"),
            subscription_dead_letter_queue_options=SecureQueueOptions(),
        )
    )
    assert (
        "leave it unset when subscription_dead_letter_queue is given"
        in (given["subscription_dead_letter_queue_options"])
    )
    assert given["subscription_dead_letter_queue_options"].code == (
        OptionCode.SNS_SUBSCRIPTION_DLQ_OPTIONS_WITH_GIVEN_DLQ
    )
    disabled = problems_of(
        lambda s: TopicFanout(
            s,
            "Fanout",
            subscription_dead_letter_queue_enabled=False,
            subscription_dead_letter_queue_options=SecureQueueOptions(),
        )
    )
    assert (
        "must be True when subscription_dead_letter_queue_options is given"
        in (disabled["subscription_dead_letter_queue_enabled"])
    )
