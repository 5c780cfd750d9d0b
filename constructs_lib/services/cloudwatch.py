"""Amazon CloudWatch: an alarm's actions publish to SNS topics."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from constructs_lib.services._evidence import as_itself
from constructs_lib.services._model import (
    DELIVERY,
    ITSELF,
    TOPIC,
    Evidence,
    LeftOut,
    Link,
    SentKey,
    Service,
    items,
)

ALARM_TYPE = "AWS::CloudWatch::Alarm"
COMPOSITE_ALARM_TYPE = "AWS::CloudWatch::CompositeAlarm"

#: An alarm's action lists, and the few words a diagram writes on each.
ACTIONS = (
    ("AlarmActions", ""),
    ("OKActions", "ok"),
    ("InsufficientDataActions", "insufficient data"),
)

_CLOUDWATCH_SNS = Evidence(
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/US_SetupSNS.html",
    "we recommend that you use the aws:SourceArn and aws:SourceAccount global condition keys "
    "in the Amazon SNS resource policy that grants permission to CloudWatch ... "
    '"aws:SourceArn": "arn:aws:cloudwatch:us-east-2:111122223333:alarm:*"',
)
_SOURCE_OWNER = Evidence(
    "https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html",
    "When publishing events to Amazon SNS, the following services support aws:SourceOwner: "
    "... Amazon CloudWatch ...",
)
_NOT_FOR_KMS = "documented for SNS topic policies, not for KMS requests"
_SNS_EVENT_SOURCES_KMS = Evidence(
    "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html"
    "#compatibility-with-aws-services",
    "Add the aws:SourceAccount and aws:SourceArn condition keys to the KMS resource policy to "
    "further protect the KMS key from confused deputy attacks.",
)


def alarm(props: Mapping[str, Any]) -> Iterator[Link]:
    """Each action: a topic for the checks; a scaling policy too for a diagram."""
    for prop, label in ACTIONS:
        for action in items(props.get(prop)):
            yield Link(DELIVERY, action, f"Properties/{prop}", target_types=(TOPIC,), label=label)


PRINCIPAL = "cloudwatch.amazonaws.com"

CLOUDWATCH = Service(
    "cloudwatch", "CloudWatch", PRINCIPAL, ITSELF, "CloudWatch alarm",
    readers={ALARM_TYPE: alarm, COMPOSITE_ALARM_TYPE: alarm},
    nodes={ALARM_TYPE: "alarm"},
    deliveries=(
        as_itself("cloudwatch-sns", "CloudWatch alarm action -> SNS topic", PRINCIPAL,
                  ("the alarm's ARN", "the alarm's account"), _CLOUDWATCH_SNS,
                  action="sns:Publish",
                  judged_by="the topic policy (SNS's default one when the topic has none)",
                  also_sent=(SentKey("aws:SourceOwner", "the alarm's account", _SOURCE_OWNER),),
                  key_evidence=_SNS_EVENT_SOURCES_KMS,
                  key_left_out=(LeftOut("aws:SourceOwner", _NOT_FOR_KMS, _SOURCE_OWNER),)),
    ),
)  # fmt: skip
