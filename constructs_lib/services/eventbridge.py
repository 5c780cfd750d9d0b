"""Amazon EventBridge rules: a rule's targets receive its matching events (and their DLQs)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from constructs_lib.services._evidence import (
    NO_KMS_CONTEXT_FOR_SERVICES,
    key_stage,
    secure,
    source_keys,
)
from constructs_lib.services._model import (
    DEAD_LETTER,
    DELIVERY,
    ITSELF,
    KEY,
    QUEUE,
    RESOURCE,
    TOPIC,
    Behaviour,
    Delivery,
    Evidence,
    LeftOut,
    Link,
    Service,
    Stage,
    items,
    mapping,
)

RULE_TYPE = "AWS::Events::Rule"

_EVENTBRIDGE_TARGETS = Evidence(
    "https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html",
    "We recommend using the aws:SourceArn and aws:SourceAccount global condition context keys "
    "in resource policies ... For EventBridge event bus rule targets, the value of "
    "aws:SourceArn must be the rule ARN.",
)
_EVENTBRIDGE_KMS = Evidence(
    "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html",
    "adding the aws:SourceAccount and aws:SourceArn to a KMS policy is not supported for "
    "EventBridge-to-encrypted topics. (EventBridge's own page for an encrypted SQS target, "
    "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-troubleshooting.html, gives "
    'the key statement with no condition: "Allow EventBridge to use the key".)',
)
_NO_SOURCE_KEYS = "AWS documents no source keys in EventBridge's KMS requests"


def rule(props: Mapping[str, Any]) -> Iterator[Link]:
    """Each target (a queue or a topic for the checks; anything for a diagram), and its DLQ."""
    for index, raw in enumerate(items(props.get("Targets"))):
        target = mapping(raw)
        location = f"Properties/Targets/{index}"
        yield Link(
            DELIVERY,
            target.get("Arn"),
            location,
            target_types=(QUEUE, TOPIC),
            role=target.get("RoleArn"),
            group_id=mapping(target.get("SqsParameters")).get("MessageGroupId"),
            filter=props.get("EventPattern"),
            settings=target,
            label="input transformed" if "InputTransformer" in target else "",
        )
        dead_letter = mapping(target.get("DeadLetterConfig")).get("Arn")
        if dead_letter is not None:
            yield Link(
                DEAD_LETTER,
                dead_letter,
                location + "/DeadLetterConfig",
                label="failed deliveries",
            )


EVENTBRIDGE = Service(
    id="eventbridge",
    name="EventBridge",
    principal="events.amazonaws.com",
    sends_as=ITSELF,
    producer="EventBridge rule",
    readers={RULE_TYPE: rule},
    nodes={RULE_TYPE: "rule"},
    deliveries=(
        Delivery(
            "eventbridge-sqs",
            "EventBridge rule -> SQS queue (and the target's DLQ)",
            "events.amazonaws.com",
            {
                RESOURCE: Stage(
                    "sqs:SendMessage",
                    "the queue policy",
                    (
                        *source_keys("the rule's ARN", "the rule's account", _EVENTBRIDGE_TARGETS),
                        secure(),
                    ),
                ),
                KEY: key_stage(
                    (secure(),),
                    (
                        LeftOut("aws:SourceArn", _NO_SOURCE_KEYS, _EVENTBRIDGE_KMS),
                        LeftOut("aws:SourceAccount", _NO_SOURCE_KEYS, _EVENTBRIDGE_KMS),
                        *NO_KMS_CONTEXT_FOR_SERVICES,
                    ),
                ),
            },
        ),
    ),
    behaviours=(
        Behaviour(
            "refusal-dead-letters",
            "refuses",
            "a delivery refused by a policy goes to the subscription's or target's DLQ when that "
            "one accepts it; otherwise it is dropped",
            Evidence(
                "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html",
                "for errors that result from missing permissions to a target, or a target "
                "resource that no longer exists, all retry attempts fail until an action is taken "
                "to resolve the underlying issue. Rather than retrying, EventBridge sends these "
                "events directly to the DLQ",
            ),
        ),
    ),
    can_use_aws_managed_sqs_key=False,
    # EventBridge's SqsParameters take shorter group ids than SQS itself.
    message_group_id_max_length=100,
    # EventBridge passes the group id to "an SQS fair or FIFO queue".
    no_fair_queues=None,
    other_region="EventBridge delivers to SQS queues in the rule's own region only; put the "
    "rule in that region, or target an event bus there",
)
