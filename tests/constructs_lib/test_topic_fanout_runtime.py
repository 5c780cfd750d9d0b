"""Runtime tests of TopicFanout: its template deployed into moto, messages published.

Each queue must receive exactly the messages its filter admits, raw (the body
as published, no SNS envelope), and nothing else. moto applies filter policies
(attribute and body scope) and raw delivery for real; it stores but does not
enforce the queue and topic policies, so those are checked by content.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from aws_cdk import Duration
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Template
from moto import mock_aws

from constructs_lib import FanoutSubscription, SecureQueue, TopicFanout
from constructs_lib_testing import DeployedStack, deploy_template, logical_id_of
from constructs_lib_testing.queues import bodies, receive_all
from tests.sources_synth import new_stack

pytestmark = pytest.mark.runtime

SHORT = Duration.seconds(1)


@pytest.fixture(scope="module")
def synthesized() -> tuple[dict[str, Any], dict[str, str]]:
    stack = new_stack("FanoutRuntime")
    billing = SecureQueue(stack, "Billing", visibility_timeout=SHORT)
    shipping = SecureQueue(
        stack, "Shipping", visibility_timeout=SHORT, encryption=sqs.QueueEncryption.KMS
    )
    everything = SecureQueue(stack, "Everything", visibility_timeout=SHORT)
    fanout = TopicFanout(
        stack,
        "Orders",
        queues=[
            FanoutSubscription(
                id="Billing",
                queue=billing,
                filter_policy={
                    "event_type": sns.SubscriptionFilter.string_filter(
                        allowlist=["order_placed", "order_cancelled"]
                    ),
                    "amount": sns.SubscriptionFilter.numeric_filter(greater_than=0),
                },
            ),
            FanoutSubscription(
                id="Shipping",
                queue=shipping,
                filter_policy_with_message_body={
                    "status": sns.FilterOrPolicy.filter(
                        sns.SubscriptionFilter.string_filter(allowlist=["paid"])
                    )
                },
            ),
            FanoutSubscription(id="Everything", queue=everything),
        ],
    )
    ids = {
        "topic": logical_id_of(fanout.topic),
        "billing": logical_id_of(billing.queue),
        "shipping": logical_id_of(shipping.queue),
        "everything": logical_id_of(everything.queue),
    }
    return Template.from_stack(stack).to_json(), ids


@pytest.fixture
def deployed(synthesized: Any) -> Iterator[DeployedStack]:
    template, _ = synthesized
    with mock_aws():
        yield deploy_template(template, stack_name="FanoutRuntime")


def drain(deployed: DeployedStack, logical_id: str) -> list[str]:
    return bodies(receive_all(deployed.client("sqs"), deployed.physical_id(logical_id)))


def attrs(**values: str | int) -> dict[str, dict[str, str]]:
    return {
        k: (
            {"DataType": "Number", "StringValue": str(v)}
            if isinstance(v, int)
            else {"DataType": "String", "StringValue": v}
        )
        for k, v in values.items()
    }


def test_each_queue_receives_exactly_what_its_filter_admits_raw(
    deployed: DeployedStack, synthesized: Any
) -> None:
    _, ids = synthesized
    sns_client = deployed.client("sns")
    topic_arn = deployed.physical_id(ids["topic"])
    published = {
        "placed": ({"id": 1, "status": "new"}, attrs(event_type="order_placed", amount=30)),
        "paid": ({"id": 2, "status": "paid"}, attrs(event_type="order_paid", amount=30)),
        "cancelled_free": (
            {"id": 3, "status": "cancelled"},
            attrs(event_type="order_cancelled", amount=0),
        ),
        "cancelled": ({"id": 4, "status": "paid"}, attrs(event_type="order_cancelled", amount=5)),
        "no_attributes": ({"id": 5, "status": "shipped"}, {}),
    }
    for body, attributes in published.values():
        sns_client.publish(
            TopicArn=topic_arn, Message=json.dumps(body), MessageAttributes=attributes
        )

    def ids_in(queue: str) -> list[int]:
        # raw delivery: the body is what was published, not an SNS envelope
        return sorted(json.loads(b)["id"] for b in drain(deployed, ids[queue]))

    assert ids_in("billing") == [1, 4]  # placed or cancelled, and amount > 0
    assert ids_in("shipping") == [2, 4]  # body status == paid, whatever the attributes
    assert ids_in("everything") == [1, 2, 3, 4, 5]


def test_queue_policies_name_the_deployed_topic(deployed: DeployedStack, synthesized: Any) -> None:
    _, ids = synthesized
    topic_arn = deployed.physical_id(ids["topic"])
    for queue in ("billing", "shipping", "everything"):
        policy = deployed.client("sqs").get_queue_attributes(
            QueueUrl=deployed.physical_id(ids[queue]), AttributeNames=["Policy"]
        )["Attributes"]["Policy"]
        (allow,) = [s for s in json.loads(policy)["Statement"] if s["Effect"] == "Allow"]
        assert allow["Principal"] == {"Service": "sns.amazonaws.com"}
        assert allow["Condition"] == {"ArnEquals": {"aws:SourceArn": topic_arn}}


def test_topic_is_encrypted_and_tls_only(deployed: DeployedStack, synthesized: Any) -> None:
    _, ids = synthesized
    attributes = deployed.client("sns").get_topic_attributes(
        TopicArn=deployed.physical_id(ids["topic"])
    )["Attributes"]
    assert attributes["KmsMasterKeyId"].startswith("arn:aws:kms:")
    (deny,) = json.loads(attributes["Policy"])["Statement"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


@pytest.fixture(scope="module")
def fifo_synthesized() -> tuple[dict[str, Any], dict[str, str]]:
    stack = new_stack("FifoFanoutRuntime")
    ledger = SecureQueue(stack, "Ledger", fifo=True, visibility_timeout=SHORT)
    audit = SecureQueue(stack, "Audit", fifo=True, visibility_timeout=SHORT)
    fanout = TopicFanout(
        stack,
        "Payments",
        fifo=True,
        content_based_deduplication=True,
        queues=[
            FanoutSubscription(id="Ledger", queue=ledger),
            FanoutSubscription(id="Audit", queue=audit),
        ],
    )
    return Template.from_stack(stack).to_json(), {
        "topic": logical_id_of(fanout.topic),
        "ledger": logical_id_of(ledger.queue),
        "audit": logical_id_of(audit.queue),
    }


def test_fifo_fanout_keeps_per_group_order_in_every_queue(fifo_synthesized: Any) -> None:
    template, ids = fifo_synthesized
    with mock_aws():
        deployed = deploy_template(template, stack_name="FifoFanoutRuntime")
        topic_arn = deployed.physical_id(ids["topic"])
        sent = [("acct-1", n) for n in range(5)] + [("acct-2", n) for n in range(3)]
        for group, n in sent:
            # AWS passes the topic's content-based deduplication id on to the
            # FIFO queues; moto passes none and the queue (no content-based
            # deduplication of its own) would refuse: give the id explicitly.
            deployed.client("sns").publish(
                TopicArn=topic_arn,
                Message=json.dumps({"account": group, "seq": n}),
                MessageGroupId=group,
                MessageDeduplicationId=f"{group}-{n}",
            )
        for queue in ("ledger", "audit"):
            received = [json.loads(b) for b in drain(deployed, ids[queue])]
            for group in ("acct-1", "acct-2"):
                seqs = [m["seq"] for m in received if m["account"] == group]
                assert seqs == sorted(seqs) and len(seqs) == sum(g == group for g, _ in sent)
