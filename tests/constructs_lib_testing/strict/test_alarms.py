"""Part ``alarms``: alarms evaluated from the account's state, their actions run.

Before the strict account, moto kept every alarm in its initial state and
never ran an action: none of these could happen.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from moto import mock_aws

from constructs_lib.fleet_sizing import BACKLOG_PER_INSTANCE_EXPRESSION
from constructs_lib_testing.strict import StrictAccount
from tests.constructs_lib_testing.strict.support import (
    ACCOUNT,
    allow_service,
    bodies,
    client,
    policy,
    queue,
)

pytestmark = pytest.mark.runtime


@pytest.fixture(autouse=True)
def moto() -> Any:
    with mock_aws():
        yield


def send(url: str, count: int) -> None:
    sqs = client("sqs")
    for start in range(0, count, 10):
        entries = [
            {"Id": str(i), "MessageBody": f"m{start + i}"} for i in range(min(10, count - start))
        ]
        sqs.send_message_batch(QueueUrl=url, Entries=entries)


def purge(url: str) -> None:
    client("sqs").purge_queue(QueueUrl=url)


def queue_alarm(
    name: str,
    queue_name: str,
    threshold: float,
    *,
    metric: str = "ApproximateNumberOfMessagesVisible",
    statistic: str = "Maximum",
    actions: list[str] | None = None,
    **extra: Any,
) -> None:
    """A one-minute, one-datapoint alarm above ``threshold`` on a queue's metric."""
    client("cloudwatch").put_metric_alarm(
        AlarmName=name,
        Namespace="AWS/SQS",
        MetricName=metric,
        Dimensions=[{"Name": "QueueName", "Value": queue_name}],
        Statistic=statistic,
        Period=60,
        EvaluationPeriods=1,
        Threshold=threshold,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=actions or [],
        OKActions=actions or [],
        **extra,
    )


def state(name: str) -> str:
    alarms = client("cloudwatch").describe_alarms(AlarmNames=[name])["MetricAlarms"]
    return str(alarms[0]["StateValue"])


def operations_topic() -> tuple[str, str]:
    """A topic with the default policy and a queue subscribed to it: (topic, queue URL)."""
    topic = client("sns").create_topic(Name="operations")["TopicArn"]
    arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:inbox"
    url, _ = queue(
        "inbox", policy=policy(allow_service("sns.amazonaws.com", "sqs:SendMessage", arn, topic))
    )
    client("sns").subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"}
    )
    return topic, url


def test_a_dlq_alarm_fires_notifies_and_recovers(strict_account: StrictAccount) -> None:
    dlq_url, _ = queue("dlq")
    topic, inbox = operations_topic()
    queue_alarm("DlqNotEmpty", "dlq", 0, actions=[topic])
    strict_account.advance(minutes=1)
    assert state("DlqNotEmpty") == "OK"
    assert [json.loads(b)["NewStateValue"] for b in bodies(inbox)] == ["OK"]
    purge(inbox)
    send(dlq_url, 1)
    events = strict_account.advance(minutes=1)
    assert state("DlqNotEmpty") == "ALARM"
    (message,) = [json.loads(b) for b in bodies(inbox)]
    assert (message["AlarmName"], message["NewStateValue"], message["OldStateValue"]) == (
        "DlqNotEmpty",
        "ALARM",
        "OK",
    )
    assert any("notification to" in e and "delivered" in e for e in events)
    purge(dlq_url)
    strict_account.advance(minutes=1)
    assert state("DlqNotEmpty") == "OK"


def test_an_alarm_notification_the_topic_policy_refuses_is_dropped(
    strict_account: StrictAccount,
) -> None:
    topic, inbox = operations_topic()
    tls_only = policy(
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "sns:Publish",
            "Resource": topic,
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    )
    client("sns").set_topic_attributes(
        TopicArn=topic, AttributeName="Policy", AttributeValue=json.dumps(tls_only)
    )
    dlq_url, _ = queue("dlq")
    send(dlq_url, 1)
    queue_alarm("DlqNotEmpty", "dlq", 0, actions=[topic])
    strict_account.advance(minutes=1)
    assert state("DlqNotEmpty") == "ALARM"
    assert bodies(inbox) == []
    (drop,) = strict_account.take_drops()
    assert drop.producer == "cloudwatch.amazonaws.com"
    assert drop.policy == f"topic policy of {topic}"


def test_datapoints_to_alarm_needs_that_many_breaching_periods(
    strict_account: StrictAccount,
) -> None:
    url, _ = queue("work")
    send(url, 5)
    client("cloudwatch").put_metric_alarm(
        AlarmName="Sustained",
        Namespace="AWS/SQS",
        MetricName="ApproximateNumberOfMessagesVisible",
        Dimensions=[{"Name": "QueueName", "Value": "work"}],
        Statistic="Maximum",
        Period=60,
        EvaluationPeriods=3,
        DatapointsToAlarm=3,
        Threshold=1,
        ComparisonOperator="GreaterThanThreshold",
    )
    strict_account.advance(minutes=2)
    assert state("Sustained") != "ALARM"
    strict_account.advance(minutes=1)
    assert state("Sustained") == "ALARM"


def group(name: str, *, desired: int, max_size: int = 20) -> None:
    subnet = client("ec2").describe_subnets()["Subnets"][0]["SubnetId"]
    autoscaling = client("autoscaling")
    autoscaling.create_launch_configuration(
        LaunchConfigurationName=f"{name}-lc", ImageId="ami-12c6146b", InstanceType="t3.micro"
    )
    autoscaling.create_auto_scaling_group(
        AutoScalingGroupName=name,
        LaunchConfigurationName=f"{name}-lc",
        MinSize=0,
        MaxSize=max_size,
        DesiredCapacity=desired,
        VPCZoneIdentifier=subnet,
    )


def desired(name: str) -> int:
    groups = client("autoscaling").describe_auto_scaling_groups(AutoScalingGroupNames=[name])
    return int(groups["AutoScalingGroups"][0]["DesiredCapacity"])


def test_message_age_step_scaling_adds_one_instance_per_warm_up(
    strict_account: StrictAccount,
) -> None:
    url, _ = queue("jobs")
    group("workers", desired=1)
    client("autoscaling").put_scaling_policy(
        AutoScalingGroupName="workers",
        PolicyName="age",
        PolicyType="StepScaling",
        AdjustmentType="ChangeInCapacity",
        EstimatedInstanceWarmup=180,
        StepAdjustments=[{"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1}],
    )
    # moto's answer names it PolicyArn, which boto3 drops: read it back
    (found,) = client("autoscaling").describe_policies(AutoScalingGroupName="workers")[
        "ScalingPolicies"
    ]
    arn = found["PolicyARN"]
    client("cloudwatch").put_metric_alarm(
        AlarmName="Age",
        Namespace="AWS/SQS",
        MetricName="ApproximateAgeOfOldestMessage",
        Dimensions=[{"Name": "QueueName", "Value": "jobs"}],
        Statistic="Maximum",
        Period=60,
        EvaluationPeriods=1,
        Threshold=300,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[arn],
        TreatMissingData="notBreaching",
    )
    send(url, 1)
    strict_account.advance(minutes=5)
    assert desired("workers") == 1  # the oldest message is 5 minutes old: not above 300 s
    strict_account.advance(minutes=1)
    assert desired("workers") == 2
    strict_account.advance(minutes=2)  # still in ALARM, the new instance warms up
    assert desired("workers") == 2
    strict_account.advance(minutes=1)  # warm-up over, still breaching: one more
    assert desired("workers") == 3


def backlog_tracking_policy(group_name: str, queue_name: str, **extra: Any) -> None:
    """The fleet's target-tracking policy (target 120) on ``group_name``."""
    metric = {
        "Namespace": "AWS/SQS",
        "MetricName": "ApproximateNumberOfMessagesVisible",
        "Dimensions": [{"Name": "QueueName", "Value": queue_name}],
    }
    in_service = {
        "Namespace": "AWS/AutoScaling",
        "MetricName": "GroupInServiceInstances",
        "Dimensions": [{"Name": "AutoScalingGroupName", "Value": group_name}],
    }
    client("autoscaling").put_scaling_policy(
        AutoScalingGroupName=group_name,
        PolicyName="backlog",
        PolicyType="TargetTrackingScaling",
        TargetTrackingConfiguration={
            "TargetValue": 120,
            "CustomizedMetricSpecification": {
                "Metrics": [
                    {
                        "Id": "visible",
                        "MetricStat": {"Metric": metric, "Stat": "Sum"},
                        "ReturnData": False,
                    },
                    {
                        "Id": "inService",
                        "MetricStat": {"Metric": in_service, "Stat": "Average"},
                        "ReturnData": False,
                    },
                    {
                        "Id": "backlog",
                        "Expression": BACKLOG_PER_INSTANCE_EXPRESSION,
                        "ReturnData": True,
                    },
                ]
            },
        },
        **extra,
    )


def test_backlog_per_instance_tracking_scales_out_to_the_target_and_back_in(
    strict_account: StrictAccount,
) -> None:
    url, _ = queue("jobs")
    group("workers", desired=1)
    backlog_tracking_policy("workers", "jobs")
    send(url, 600)
    strict_account.advance(minutes=2)
    assert desired("workers") == 1  # AWS's high alarm needs 3 datapoints
    events = strict_account.advance(minutes=1)
    assert desired("workers") == 5, events  # ceil(600 / 120)
    purge(url)
    strict_account.advance(minutes=14)
    assert desired("workers") == 5  # the low alarm needs 15 datapoints
    strict_account.advance(minutes=1)
    assert desired("workers") == 0


def test_tracking_does_not_scale_in_while_instances_warm_up(
    strict_account: StrictAccount,
) -> None:
    # "Set the default instance warmup": scale-in by a scaling policy is
    # blocked until the instances launched by a scale-out have warmed up.
    url, _ = queue("jobs")
    group("workers", desired=1)
    backlog_tracking_policy("workers", "jobs", EstimatedInstanceWarmup=20 * 60)
    send(url, 600)
    strict_account.advance(minutes=3)
    assert desired("workers") == 5  # launched at minute 3, warm until minute 23
    purge(url)
    strict_account.advance(minutes=15)  # the low alarm fires at minute 18
    assert desired("workers") == 5
    strict_account.advance(minutes=5)  # minute 23: warm, still low
    assert desired("workers") == 0


@pytest.mark.lenient_account("alarms")
def test_with_the_part_off_the_clock_cannot_be_advanced(strict_account: StrictAccount) -> None:
    with pytest.raises(RuntimeError, match="'alarms' part is off"):
        strict_account.advance(minutes=1)


def test_sends_across_a_minute_boundary_are_two_datapoints_as_in_cloudwatch(
    strict_account: StrictAccount,
) -> None:
    """CloudWatch's minutes start on the clock's minute: 20 messages sent over a
    boundary are 10 and 10, below a threshold of 15; the same 20 sent just after
    `skip_to_minute_start` are one datapoint of 20 (tools/smoke.py's backlog
    check flaked on exactly that)."""
    from constructs_lib_testing.strict.state import STATE, now

    url, _ = queue("jobs")
    queue_alarm("Sent", "jobs", 15, metric="NumberOfMessagesSent", statistic="Sum")
    send(url, 12)  # setup traffic: in the minute cut short, seen by no alarm
    strict_account.skip_to_minute_start()
    assert now() % 60 < 1
    with STATE.lock:
        STATE.clock_offset += 59.0  # a second before the next boundary
    send(url, 10)
    with STATE.lock:
        STATE.clock_offset += 1.5  # just past it
    send(url, 10)
    strict_account.advance(minutes=1)
    assert state("Sent") == "OK"  # 10: the other 10 fell in the minute before
    strict_account.skip_to_minute_start()
    send(url, 20)
    strict_account.advance(minutes=1)
    assert state("Sent") == "ALARM"


@pytest.mark.lenient_account("alarms")
def test_with_the_part_off_the_clock_cannot_skip_either(strict_account: StrictAccount) -> None:
    with pytest.raises(RuntimeError, match="'alarms' part is off"):
        strict_account.skip_to_minute_start()
