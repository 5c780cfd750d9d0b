"""Amazon EventBridge rules: a rule's targets receive its matching events (and their DLQs)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from constructs_lib._aws import EVENTBRIDGE_MESSAGE_GROUP_ID_MAX_LENGTH
from constructs_lib.services._evidence import as_itself, secure
from constructs_lib.services._model import (
    DELIVERY,
    ITSELF,
    QUEUE,
    TOPIC,
    Behaviour,
    Evidence,
    LeftOut,
    Link,
    Service,
    dead_letter,
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
    pattern = props.get("EventPattern")
    for index, raw in enumerate(items(props.get("Targets"))):
        target, where = mapping(raw), f"Properties/Targets/{index}"
        group = mapping(target.get("SqsParameters")).get("MessageGroupId")
        label = "input transformed" if "InputTransformer" in target else ""
        yield Link(DELIVERY, target.get("Arn"), where, target_types=(QUEUE, TOPIC), label=label,
                   role=target.get("RoleArn"), group_id=group, filter=pattern,
                   settings=target)  # fmt: skip
        yield from dead_letter(target.get("DeadLetterConfig"), where + "/DeadLetterConfig")


PRINCIPAL = "events.amazonaws.com"

_REFUSAL_DEAD_LETTERS = Behaviour(
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
)

EVENTBRIDGE = Service(
    "eventbridge", "EventBridge", PRINCIPAL, ITSELF, "EventBridge rule",
    readers={RULE_TYPE: rule},
    nodes={RULE_TYPE: "rule"},
    deliveries=(
        as_itself("eventbridge-sqs", "EventBridge rule -> SQS queue (and the target's DLQ)",
                  PRINCIPAL, ("the rule's ARN", "the rule's account"), _EVENTBRIDGE_TARGETS,
                  key_keys=(secure(),),
                  key_left_out=(LeftOut("aws:SourceArn", _NO_SOURCE_KEYS, _EVENTBRIDGE_KMS),
                                LeftOut("aws:SourceAccount", _NO_SOURCE_KEYS, _EVENTBRIDGE_KMS))),
    ),
    behaviours=(_REFUSAL_DEAD_LETTERS,),
    can_use_aws_managed_sqs_key=False,
    # EventBridge's SqsParameters take shorter group ids than SQS itself; it passes the
    # group id to "an SQS fair or FIFO queue" (no_fair_queues: None)
    message_group_id_max_length=EVENTBRIDGE_MESSAGE_GROUP_ID_MAX_LENGTH,
    other_region="EventBridge delivers to SQS queues in the rule's own region only; put the "
    "rule in that region, or target an event bus there",
)  # fmt: skip
