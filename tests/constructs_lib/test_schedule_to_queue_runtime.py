"""Runtime tests of ScheduleToQueue: its template deployed into moto.

moto stores EventBridge Scheduler schedules but never fires them (AWS would
invoke the target at the scheduled time). So these tests (1) assert the
deployed schedule's configuration through the Scheduler API, and (2) exercise
the target path the way Scheduler would: assume the schedule's role and send
the schedule's own payload (with its message group id) to the queue, then
receive it. moto does not enforce IAM, so the role's permissions are checked
by content (trust: scheduler.amazonaws.com of this account; policy:
sqs:SendMessage on the queue and DLQ only).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from aws_cdk import Duration, TimeZone
from aws_cdk import aws_scheduler as scheduler
from aws_cdk.assertions import Template
from moto import mock_aws

from constructs_lib import ScheduleToQueue, SecureQueue
from constructs_lib_testing import DeployedStack, StrictAccount, deploy_template, logical_id_of
from tests.sources_synth import ACCOUNT, REGION, new_stack

pytestmark = pytest.mark.runtime


@pytest.fixture(scope="module")
def synthesized() -> tuple[dict[str, Any], dict[str, str]]:
    stack = new_stack("ScheduleRuntime")
    jobs = SecureQueue(
        stack,
        "Jobs",
        fifo=True,
        content_based_deduplication=True,
        visibility_timeout=Duration.seconds(1),
    )
    nightly = ScheduleToQueue(
        stack,
        "Nightly",
        queue=jobs,
        message_group_id="reports",
        schedule=scheduler.ScheduleExpression.cron(
            hour="2", minute="0", time_zone=TimeZone.EUROPE_BERLIN
        ),
        flexible_time_window=Duration.minutes(15),
        payload={"job": "nightly-report", "at": scheduler.ContextAttribute.scheduled_time},
    )
    assert nightly.target_dead_letter_queue is not None
    return Template.from_stack(stack).to_json(), {
        "schedule": logical_id_of(nightly.schedule),
        "role": logical_id_of(nightly.role),
        "queue": logical_id_of(jobs.queue),
        "dlq": logical_id_of(nightly.target_dead_letter_queue),
    }


@pytest.fixture
def deployed(synthesized: Any) -> Iterator[DeployedStack]:
    template, _ = synthesized
    with mock_aws():
        yield deploy_template(template, stack_name="ScheduleRuntime")


def queue_arn(deployed: DeployedStack, logical_id: str) -> str:
    return str(
        deployed.client("sqs").get_queue_attributes(
            QueueUrl=deployed.physical_id(logical_id), AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]
    )


def test_deployed_schedule_targets_the_queue_through_its_role(
    deployed: DeployedStack, synthesized: Any
) -> None:
    _, ids = synthesized
    schedule = deployed.client("scheduler").get_schedule(Name=deployed.physical_id(ids["schedule"]))
    assert schedule["ScheduleExpression"] == "cron(0 2 * * ? *)"
    assert schedule["ScheduleExpressionTimezone"] == "Europe/Berlin"
    assert schedule["FlexibleTimeWindow"] == {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 15}
    assert schedule["State"] == "ENABLED"
    target = schedule["Target"]
    assert target["Arn"] == queue_arn(deployed, ids["queue"])
    role = deployed.client("iam").get_role(RoleName=deployed.physical_id(ids["role"]))["Role"]
    assert target["RoleArn"] == role["Arn"]
    assert target["SqsParameters"] == {"MessageGroupId": "reports"}
    assert target["DeadLetterConfig"] == {"Arn": queue_arn(deployed, ids["dlq"])}
    assert json.loads(target["Input"]) == {
        "job": "nightly-report",
        "at": "<aws.scheduler.scheduled-time>",
    }


def test_role_trusts_only_scheduler_and_may_only_send_to_its_queues(
    deployed: DeployedStack, synthesized: Any
) -> None:
    _, ids = synthesized
    iam = deployed.client("iam")
    role_name = deployed.physical_id(ids["role"])
    trust = iam.get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]
    (statement,) = trust["Statement"]
    assert statement["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] == ACCOUNT
    (policy_name,) = iam.list_role_policies(RoleName=role_name)["PolicyNames"]
    document = iam.get_role_policy(RoleName=role_name, PolicyName=policy_name)["PolicyDocument"]
    (send,) = document["Statement"]
    assert send["Action"] == "sqs:SendMessage"
    assert sorted(send["Resource"]) == sorted(
        [queue_arn(deployed, ids["queue"]), queue_arn(deployed, ids["dlq"])]
    )


def test_target_path_delivers_the_payload_as_scheduler_would(
    deployed: DeployedStack, synthesized: Any
) -> None:
    """What Scheduler does at 02:00 Berlin time, done by hand (moto never fires)."""
    _, ids = synthesized
    target = deployed.client("scheduler").get_schedule(Name=deployed.physical_id(ids["schedule"]))[
        "Target"
    ]
    credentials = deployed.client("sts").assume_role(
        RoleArn=target["RoleArn"], RoleSessionName="scheduler"
    )["Credentials"]
    as_scheduler = boto3.client(
        "sqs",
        region_name=REGION,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
    )
    url = deployed.physical_id(ids["queue"])
    # Scheduler replaces the context attribute before sending.
    body = target["Input"].replace("<aws.scheduler.scheduled-time>", "2030-01-01T01:00:00Z")
    as_scheduler.send_message(
        QueueUrl=url, MessageBody=body, MessageGroupId=target["SqsParameters"]["MessageGroupId"]
    )
    (message,) = deployed.client("sqs").receive_message(
        QueueUrl=url, WaitTimeSeconds=0, AttributeNames=["MessageGroupId"]
    )["Messages"]
    assert json.loads(message["Body"]) == {
        "job": "nightly-report",
        "at": "2030-01-01T01:00:00Z",
    }
    assert message["Attributes"]["MessageGroupId"] == "reports"


def test_the_strict_account_fires_the_schedule_through_its_trust_role_and_key(
    deployed: DeployedStack, synthesized: Any, strict_account: StrictAccount
) -> None:
    """Fired as Scheduler would: assume the role (its trust policy judged for
    scheduler.amazonaws.com), send with the role's identity policy, into the
    queue's policy and key; any refusal would be a drop."""
    _, ids = synthesized
    name = deployed.physical_id(ids["schedule"])
    assert strict_account.fire_schedule(name, account_id=ACCOUNT, region=REGION)
    (message,) = deployed.client("sqs").receive_message(
        QueueUrl=deployed.physical_id(ids["queue"]),
        WaitTimeSeconds=0,
        AttributeNames=["MessageGroupId"],
    )["Messages"]
    payload = json.loads(message["Body"])
    assert payload["job"] == "nightly-report"
    assert payload["at"].endswith("Z") and "<aws.scheduler" not in payload["at"]
    assert message["Attributes"]["MessageGroupId"] == "reports"
