"""Amazon EC2 Auto Scaling: a group's notifications go to SNS topics, as its linked role."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from constructs_lib.services._model import (
    AS_ROLE,
    DELIVERY,
    TOPIC,
    Behaviour,
    Evidence,
    Link,
    Service,
    items,
    mapping,
)

GROUP_TYPE = "AWS::AutoScaling::AutoScalingGroup"

PRINCIPAL = "autoscaling.amazonaws.com"
#: The service-linked role Auto Scaling publishes with: its name, and its path and name
#: as a role ARN ends (``arn:aws:iam::<account>:role/<this>``).
SERVICE_LINKED_ROLE_NAME = "AWSServiceRoleForAutoScaling"
SERVICE_LINKED_ROLE = f"aws-service-role/{PRINCIPAL}/{SERVICE_LINKED_ROLE_NAME}"


def group(props: Mapping[str, Any]) -> Iterator[Link]:
    for index, raw in enumerate(items(props.get("NotificationConfigurations"))):
        topic, where = (
            mapping(raw).get("TopicARN"),
            f"Properties/NotificationConfigurations/{index}",
        )
        yield Link(
            DELIVERY, topic, where + "/TopicARN", target_types=(TOPIC,), label="notifications"
        )


AUTOSCALING = Service(
    # its notifications are published by its service-linked role, with that role's policy
    "autoscaling", "Auto Scaling", PRINCIPAL, AS_ROLE, "Auto Scaling group",
    readers={GROUP_TYPE: group},
    nodes={GROUP_TYPE: "asg"},
    behaviours=(
        Behaviour("autoscaling-service-linked-role", "principal",
                  f"{SERVICE_LINKED_ROLE_NAME} exists only once the account's first Auto "
                  "Scaling group was created",
                  Evidence("https://docs.aws.amazon.com/autoscaling/ec2/userguide/"
                           "autoscaling-service-linked-role.html",
                           "Amazon EC2 Auto Scaling creates the AWSServiceRoleForAutoScaling "
                           "service-linked role for you the first time that you create an Auto "
                           "Scaling group")),
    ),
)  # fmt: skip
