"""Worker fleets: EC2 instances and ECS tasks consume a queue as a role they assume.

No resource declares their wiring: SqsPatternChecks finds them by the roles
these principals may assume and what those roles' policies let them receive.
"""

from __future__ import annotations

from constructs_lib.services._model import AS_ROLE, Service

EC2 = Service(
    id="ec2",
    name="EC2",
    principal="ec2.amazonaws.com",
    sends_as=AS_ROLE,
    producer="EC2 instance",
    can_use_aws_managed_sqs_key=True,
)

ECS_TASKS = Service(
    id="ecs-tasks",
    name="ECS",
    principal="ecs-tasks.amazonaws.com",
    sends_as=AS_ROLE,
    producer="ECS task",
    can_use_aws_managed_sqs_key=True,
)
