from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import CfnOutput, Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sqs as sqs

from constructs_lib_testing import (
    ResourceVerificationError,
    deploy_template,
    logical_id_of,
    verify_resources,
)
from constructs_lib_testing.adapters import MODELS, cloudwatch_alarm
from tests.constructs_lib_testing.support import new_stack, template_of


@pytest.fixture(scope="module")
def stack() -> tuple[dict[str, Any], str, str]:
    s = new_stack()
    queue = sqs.Queue(s, "Jobs")
    simple = queue.metric_approximate_number_of_messages_visible().create_alarm(
        s, "Backlog", threshold=100, evaluation_periods=2, alarm_name="jobs-backlog"
    )
    math = cloudwatch.MathExpression(
        expression="m1 + m2",
        using_metrics={
            "m1": queue.metric_approximate_number_of_messages_visible(),
            "m2": queue.metric_approximate_number_of_messages_not_visible(),
        },
        period=Duration.minutes(1),
    ).create_alarm(s, "Total", threshold=10, evaluation_periods=1)
    CfnOutput(s, "BacklogArn", value=simple.alarm_arn)
    return (
        template_of(s),
        logical_id_of(simple),
        logical_id_of(math),
    )


def test_is_registered() -> None:
    assert MODELS["AWS::CloudWatch::Alarm"] is cloudwatch_alarm.CloudWatchAlarm


def test_creates_the_alarms(moto: None, stack: Any) -> None:
    template, simple_id, math_id = stack
    deployed = deploy_template(template)
    assert deployed.physical_id(simple_id) == "jobs-backlog"
    cloudwatch_client = deployed.client("cloudwatch")
    simple = cloudwatch_client.describe_alarms(AlarmNames=["jobs-backlog"])["MetricAlarms"][0]
    assert simple["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert simple["Threshold"] == 100
    assert simple["EvaluationPeriods"] == 2
    assert simple["Dimensions"][0]["Value"].startswith("TestStack-Jobs")
    assert deployed.outputs["BacklogArn"] == simple["AlarmArn"]
    math_name = deployed.physical_id(math_id)
    math = cloudwatch_client.describe_alarms(AlarmNames=[math_name])["MetricAlarms"][0]
    assert {m["Id"] for m in math["Metrics"]} >= {"m1", "m2"}


def test_verify_reports_a_deleted_alarm(moto: None, stack: Any) -> None:
    template, simple_id, _ = stack
    deployed = deploy_template(template)
    deployed.client("cloudwatch").delete_alarms(AlarmNames=["jobs-backlog"])
    with pytest.raises(ResourceVerificationError, match=f"{simple_id}: no CloudWatch alarm"):
        verify_resources(deployed)


def test_stack_delete_deletes_the_alarms(moto: None, stack: Any) -> None:
    template, _, _ = stack
    deployed = deploy_template(template)
    deployed.delete()
    assert deployed.client("cloudwatch").describe_alarms()["MetricAlarms"] == []
