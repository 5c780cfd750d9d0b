"""``AWS::Scheduler::Schedule``: moto 5.2.5's CloudFormation rejects it as unsupported.

Realized with moto's Scheduler backend (``create_schedule``), so
``get_schedule`` returns the deployed configuration. moto stores schedules
only: they never fire (AWS would invoke the target on time). ``Ref`` returns
the name and ``Fn::GetAtt Arn`` the ARN, as in AWS.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from moto.scheduler.models import scheduler_backends

from constructs_lib_testing.adapters._model import (
    Adapter,
    AdapterModel,
    described_mismatches,
)

if TYPE_CHECKING:
    from constructs_lib_testing.deployed_stack import DeployedStack

_DEFAULT_GROUP = "default"


def epoch_seconds(iso: str | None) -> int | None:
    """CloudFormation's ISO 8601 ``StartDate``/``EndDate`` as moto's epoch seconds."""
    if iso is None:
        return None
    parsed = datetime.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return int(parsed.timestamp())


class SchedulerSchedule(AdapterModel):
    """Creates the schedule in moto's Scheduler backend (stored, never run)."""

    CFN_TYPE = "AWS::Scheduler::Schedule"
    NAME_PROPERTY = "Name"
    CFN_ATTRIBUTES = ("Arn",)

    def _group(self) -> str:
        return str(self.properties.get("GroupName") or _DEFAULT_GROUP)

    def apply(self) -> None:
        props = self.properties
        backend = scheduler_backends[self.account_id][self.region_name]
        # moto's annotations say str where it accepts None (and epoch seconds
        # for the dates), hence the untyped keyword arguments.
        arguments: dict[str, Any] = {
            "description": props.get("Description"),
            "end_date": epoch_seconds(props.get("EndDate")),
            "flexible_time_window": props["FlexibleTimeWindow"],
            "group_name": self._group(),
            "kms_key_arn": props.get("KmsKeyArn"),
            "name": self.physical_name,
            "schedule_expression": props["ScheduleExpression"],
            "schedule_expression_timezone": props.get("ScheduleExpressionTimezone"),
            "start_date": epoch_seconds(props.get("StartDate")),
            "state": props.get("State"),
            "target": dict(props["Target"]),
            "action_after_completion": props.get("ActionAfterCompletion"),
        }
        schedule = backend.create_schedule(**arguments)
        self.arn = schedule.arn

    def remove(self) -> None:
        backend = scheduler_backends[self.account_id][self.region_name]
        backend.delete_schedule(self._group(), self.physical_name)

    @classmethod
    def verify(
        cls, deployed: DeployedStack, logical_id: str, resource: dict[str, Any]
    ) -> list[str]:
        props = resource["Properties"]
        name, scheduler = deployed.physical_id(logical_id), deployed.client("scheduler")
        group = props.get("GroupName", _DEFAULT_GROUP)
        return described_mismatches(
            logical_id,
            f"schedule {group}/{name}",
            lambda: scheduler.get_schedule(Name=name, GroupName=group),
            props,
            ("ScheduleExpression", "FlexibleTimeWindow", "Target"),
        )


ADAPTER = Adapter.realizing(
    SchedulerSchedule,
    "create_schedule (the strict account can fire it)",
    relies_on=(
        "moto.scheduler.models:scheduler_backends",
        "moto.scheduler.models:EventBridgeSchedulerBackend.create_schedule(description, "
        "end_date, flexible_time_window, group_name, kms_key_arn, name, schedule_expression, "
        "schedule_expression_timezone, start_date, state, target, action_after_completion)",
        "moto.scheduler.models:EventBridgeSchedulerBackend.delete_schedule",
        "moto.scheduler.models:Schedule#arn",
    ),
)
