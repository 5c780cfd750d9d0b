from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs

from constructs_lib_testing import (
    ResourceVerificationError,
    deploy_template,
    logical_id_of,
    verify_resources,
)
from constructs_lib_testing.adapters import MODELS, sns_subscription
from tests.constructs_lib_testing.support import new_stack, template_of


@pytest.fixture(scope="module")
def stack() -> tuple[dict[str, Any], dict[str, str]]:
    s = new_stack()
    topic = sns.Topic(s, "Topic")
    queue, dlq = sqs.Queue(s, "Queue"), sqs.Queue(s, "Dlq")
    # A bare Subscription writes no queue policy: without these, AWS (and the
    # strict local account) drops every message SNS delivers.
    for target in (queue, dlq):
        target.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.ServicePrincipal("sns.amazonaws.com")],
                actions=["sqs:SendMessage"],
                resources=[target.queue_arn],
                conditions={"ArnEquals": {"aws:SourceArn": topic.topic_arn}},
            )
        )
    subscription = sns.Subscription(
        s,
        "Sub",
        topic=topic,
        endpoint=queue.queue_arn,
        protocol=sns.SubscriptionProtocol.SQS,
        raw_message_delivery=True,
        filter_policy_with_message_body={
            "kind": sns.FilterOrPolicy.filter(sns.SubscriptionFilter.string_filter(allowlist=["a"]))
        },
        dead_letter_queue=dlq,
    )
    ids = {
        "topic": logical_id_of(topic),
        "queue": logical_id_of(queue),
        "dlq": logical_id_of(dlq),
        "sub": logical_id_of(subscription),
    }
    return template_of(s), ids


def test_is_registered() -> None:
    assert MODELS["AWS::SNS::Subscription"] is sns_subscription.SnsSubscription


def test_subscription_exists_with_its_attributes(moto: None, stack: Any) -> None:
    template, ids = stack
    deployed = deploy_template(template)
    arn = deployed.physical_id(ids["sub"])
    attributes = deployed.client("sns").get_subscription_attributes(SubscriptionArn=arn)[
        "Attributes"
    ]
    assert attributes["TopicArn"] == deployed.physical_id(ids["topic"])
    assert attributes["RawMessageDelivery"] == "true"
    assert attributes["FilterPolicyScope"] == "MessageBody"
    assert json.loads(attributes["FilterPolicy"]) == {"kind": ["a"]}
    assert json.loads(attributes["RedrivePolicy"])["deadLetterTargetArn"].endswith(
        deployed.physical_id(ids["dlq"]).rsplit("/", 1)[-1]
    )


def test_messages_flow_through_the_filter_raw(moto: None, stack: Any) -> None:
    template, ids = stack
    deployed = deploy_template(template)
    sns_client, sqs_client = deployed.client("sns"), deployed.client("sqs")
    topic_arn = deployed.physical_id(ids["topic"])
    sns_client.publish(TopicArn=topic_arn, Message=json.dumps({"kind": "b"}))
    sns_client.publish(TopicArn=topic_arn, Message=json.dumps({"kind": "a"}))
    messages = sqs_client.receive_message(
        QueueUrl=deployed.physical_id(ids["queue"]), MaxNumberOfMessages=10, WaitTimeSeconds=0
    )["Messages"]
    assert [json.loads(m["Body"]) for m in messages] == [{"kind": "a"}]


def test_verify_reports_a_changed_attribute(moto: None, stack: Any) -> None:
    template, ids = stack
    deployed = deploy_template(template)
    deployed.client("sns").set_subscription_attributes(
        SubscriptionArn=deployed.physical_id(ids["sub"]),
        AttributeName="RawMessageDelivery",
        AttributeValue="false",
    )
    with pytest.raises(ResourceVerificationError, match=f"{ids['sub']}: RawMessageDelivery"):
        verify_resources(deployed)


def test_verify_reports_a_removed_subscription(moto: None, stack: Any) -> None:
    template, ids = stack
    deployed = deploy_template(template)
    deployed.client("sns").unsubscribe(SubscriptionArn=deployed.physical_id(ids["sub"]))
    with pytest.raises(ResourceVerificationError, match=f"{ids['sub']}: subscription"):
        verify_resources(deployed)


def test_stack_delete_unsubscribes(moto: None, stack: Any) -> None:
    template, _ = stack
    deployed = deploy_template(template)
    deployed.delete()
    assert deployed.client("sns").list_subscriptions()["Subscriptions"] == []
