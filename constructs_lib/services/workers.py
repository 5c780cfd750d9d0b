"""Worker fleets: EC2 instances and ECS tasks consume a queue as a role they assume.

No resource declares their wiring: SqsPatternChecks finds them by the roles
these principals may assume and what those roles' policies let them receive.
"""

from __future__ import annotations

from constructs_lib.services._model import AS_ROLE, Service


def _fleet(service_id: str, name: str, principal: str, producer: str) -> Service:
    # a role of the account, calling SQS: it may use alias/aws/sqs
    return Service(service_id, name, principal, AS_ROLE, producer, can_use_aws_managed_sqs_key=True)


EC2 = _fleet("ec2", "EC2", "ec2.amazonaws.com", "EC2 instance")
ECS_TASKS = _fleet("ecs-tasks", "ECS", "ecs-tasks.amazonaws.com", "ECS task")
