from __future__ import annotations

import datetime
from typing import Any

import pytest
from aws_cdk import Duration, TimeZone
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as targets
from aws_cdk import aws_sqs as sqs

from constructs_lib_testing import (
    ResourceVerificationError,
    deploy_template,
    logical_id_of,
    verify_resources,
)
from constructs_lib_testing.adapters import MODELS, scheduler_schedule
from tests.constructs_lib_testing.support import new_stack, template_of


@pytest.fixture(scope="module")
def stack() -> tuple[dict[str, Any], dict[str, str]]:
    s = new_stack()
    queue = sqs.Queue(s, "Queue")
    schedule = scheduler.Schedule(
        s,
        "Nightly",
        schedule=scheduler.ScheduleExpression.cron(
            hour="2", minute="0", time_zone=TimeZone.EUROPE_BERLIN
        ),
        target=targets.SqsSendMessage(
            queue, input=scheduler.ScheduleTargetInput.from_text("hello")
        ),
        time_window=scheduler.TimeWindow.flexible(Duration.minutes(10)),
        start=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
    )
    return template_of(s), {"schedule": logical_id_of(schedule), "queue": logical_id_of(queue)}


def test_is_registered() -> None:
    assert MODELS["AWS::Scheduler::Schedule"] is scheduler_schedule.SchedulerSchedule


def test_schedule_is_stored_with_its_target(moto: None, stack: Any) -> None:
    template, ids = stack
    deployed = deploy_template(template)
    name = deployed.physical_id(ids["schedule"])
    schedule = deployed.client("scheduler").get_schedule(Name=name)
    assert schedule["ScheduleExpression"] == "cron(0 2 * * ? *)"
    assert schedule["ScheduleExpressionTimezone"] == "Europe/Berlin"
    assert schedule["FlexibleTimeWindow"] == {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 10}
    assert schedule["Target"]["Input"] == "hello"
    queue_name = deployed.physical_id(ids["queue"]).rsplit("/", 1)[-1]
    assert schedule["Target"]["Arn"].endswith(f":{queue_name}")
    assert schedule["Arn"].endswith(f":schedule/default/{name}")


def test_iso_dates_become_epoch_seconds() -> None:
    assert scheduler_schedule.epoch_seconds("2030-01-01T00:00:00.000Z") == 1893456000
    assert scheduler_schedule.epoch_seconds(None) is None


def test_verify_reports_a_deleted_schedule(moto: None, stack: Any) -> None:
    template, ids = stack
    deployed = deploy_template(template)
    deployed.client("scheduler").delete_schedule(Name=deployed.physical_id(ids["schedule"]))
    with pytest.raises(ResourceVerificationError, match="not found"):
        verify_resources(deployed)


def test_stack_delete_removes_the_schedule(moto: None, stack: Any) -> None:
    template, _ = stack
    deployed = deploy_template(template)
    deployed.delete()
    assert deployed.client("scheduler").list_schedules()["Schedules"] == []
