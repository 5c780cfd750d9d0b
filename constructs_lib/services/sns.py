"""Amazon SNS: a topic's subscriptions deliver into queues (and their DLQs)."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from constructs_lib.services._evidence import as_itself
from constructs_lib.services._model import (
    DEAD_LETTER,
    DELIVERY,
    ITSELF,
    QUEUE,
    Evidence,
    Link,
    Service,
    as_json,
    cut,
    items,
    leaf,
    mapping,
)

TOPIC_TYPE = "AWS::SNS::Topic"
SUBSCRIPTION_TYPE = "AWS::SNS::Subscription"

_SNS_SQS = Evidence(
    "https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html",
    "Use the aws:SourceArn or aws:SourceAccount global condition keys ... the following "
    "policy allows MyTopic to send messages to MyQueue.",
)


def _is_sqs(protocol: Any) -> bool:
    return str(protocol or "").lower() == "sqs"


def _filter_label(policy: Any, scope: Any) -> str:
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError:
            return "filter"
    if not isinstance(policy, dict) or not policy:
        return ""
    text = "filter " + ", ".join(f"{k}={leaf(v)}" for k, v in sorted(policy.items()))
    if scope == "MessageBody":
        text += " (body)"
    return cut(text)


def subscription(props: Mapping[str, Any]) -> Iterator[Link]:
    """``AWS::SNS::Subscription``: the topic -> the endpoint, and -> its redrive DLQ.

    SqsPatternChecks judges SQS subscriptions only; a diagram draws every protocol.
    """
    judged = (QUEUE,) if _is_sqs(props.get("Protocol")) else ()
    label = _filter_label(props.get("FilterPolicy"), props.get("FilterPolicyScope"))
    if str(props.get("RawMessageDelivery", "")).lower() == "true":
        label = ", ".join(x for x in ("raw", label) if x)
    topic, endpoint, policy = (
        props.get("TopicArn"),
        props.get("Endpoint"),
        props.get("FilterPolicy"),
    )
    yield Link(DELIVERY, endpoint, "Properties/Endpoint", source=topic, target_types=judged,
               filter=policy, label=label)  # fmt: skip
    redrive = mapping(as_json(props.get("RedrivePolicy")))
    if redrive.get("deadLetterTargetArn") is not None:
        yield Link(
            DEAD_LETTER,
            redrive["deadLetterTargetArn"],
            "Properties/RedrivePolicy",
            source=topic,
            target_types=judged,
            label="undeliverable",
        )


def inline_subscriptions(props: Mapping[str, Any]) -> Iterator[Link]:
    """``AWS::SNS::Topic``'s own ``Subscription`` list."""
    for index, inline in enumerate(items(props.get("Subscription"))):
        entry = mapping(inline)
        yield Link(
            DELIVERY,
            entry.get("Endpoint"),
            f"Properties/Subscription/{index}",
            target_types=(QUEUE,) if _is_sqs(entry.get("Protocol")) else (),
        )


PRINCIPAL = "sns.amazonaws.com"

SNS = Service(
    "sns", "SNS", PRINCIPAL, ITSELF, "SNS topic",
    readers={SUBSCRIPTION_TYPE: subscription, TOPIC_TYPE: inline_subscriptions},
    nodes={TOPIC_TYPE: "topic"},
    deliveries=(as_itself("sns-sqs", "SNS topic -> SQS queue (and the subscription's DLQ)",
                          PRINCIPAL, ("the topic's ARN", "the topic's account"), _SNS_SQS),),
    can_use_aws_managed_sqs_key=False,
)  # fmt: skip
