"""Rules SP19 and SP20: notifications to an SNS topic of another Region.

SP19: a CloudWatch alarm's action names a topic outside the alarm's Region;
CloudWatch refuses it ("Invalid region ... specified. Only <region> is
supported", observed; docs/evidence.md). SP20: an Auto Scaling group's
notification configuration names one; AWS documents nothing either way, so
it is an advisory.

The topic's Region is read from its ARN, resolved from the template (a
literal ARN, ``Fn::Sub``/``Fn::Join`` with a Region, a topic of another
stack of the app); the resource's Region is its stack's. An
environment-agnostic stack, or an ARN known only at deploy, is not judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from constructs_lib.checks.catalog import rule
from constructs_lib.checks.findings import Finding, finding
from constructs_lib.checks.wiring import ALARMS, Wiring
from constructs_lib.templates.assembly import Resource
from constructs_lib.templates.values import UNKNOWN_REGION, Unresolved

_TOPIC_ARN = re.compile(r"^arn:aws[\w-]*:sns:(?P<region>[a-z0-9-]+):\d{12}:[\w.-]+$")

ALARM_ACTIONS = ("AlarmActions", "OKActions", "InsufficientDataActions")


def topic_region(wiring: Wiring, resource: Resource, value: Any) -> tuple[str, str] | None:
    """(topic ARN, its Region) when ``value`` resolves to an SNS topic ARN, else None."""
    try:
        arn = wiring.values.text(resource.id.stack, value)
    except Unresolved:
        return None
    found = _TOPIC_ARN.match(arn)
    return (arn, found.group("region")) if found else None


def _foreign(wiring: Wiring, resource: Resource, value: Any) -> tuple[str, str, str] | None:
    """(topic ARN, its Region, the resource's Region) when they differ and both are known."""
    own = wiring.values.region(resource.id.stack)
    topic = topic_region(wiring, resource, value)
    if topic is None or own == UNKNOWN_REGION or topic[1] in (own, UNKNOWN_REGION):
        return None
    return topic[0], topic[1], own


def alarm_actions_in_other_regions(wiring: Wiring) -> Iterator[Finding]:
    """SP19."""
    for alarm in wiring.assembly.of_type(*ALARMS):
        for prop in ALARM_ACTIONS:
            actions = alarm.prop(prop)
            for index, action in enumerate(actions if isinstance(actions, list) else []):
                foreign = _foreign(wiring, alarm, action)
                if foreign is not None:
                    arn, region, own = foreign
                    yield finding(
                        rule(19),
                        alarm,
                        f"{prop}/{index} is the topic {arn} of {region}; the alarm is in {own}",
                        f"Properties/{prop}/{index}",
                    )


def group_notifications_in_other_regions(wiring: Wiring) -> Iterator[Finding]:
    """SP20."""
    for group in wiring.assembly.of_type("AWS::AutoScaling::AutoScalingGroup"):
        configurations = group.prop("NotificationConfigurations")
        for index, item in enumerate(configurations if isinstance(configurations, list) else []):
            if not isinstance(item, dict):
                continue
            foreign = _foreign(wiring, group, item.get("TopicARN"))
            if foreign is not None:
                arn, region, own = foreign
                yield finding(
                    rule(20),
                    group,
                    f"NotificationConfigurations/{index} sends to the topic {arn} of {region}; "
                    f"the group is in {own}",
                    f"Properties/NotificationConfigurations/{index}/TopicARN",
                )
