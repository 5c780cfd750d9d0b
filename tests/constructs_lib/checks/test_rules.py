"""The rules' other cases, over small hand-written templates (and a few CDK apps).

The reproduction apps show each rule's headline mistake; these show the
variants each rule names (a FIFO batching window, a worker fleet without a
DLQ, CDK's notifications resource...), the cases that must stay silent
(AWS's documented exceptions, values known only at deploy), and wiring
across stacks.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3_notifications
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs

from constructs_lib.checks import check, load
from constructs_lib.checks.assembly import Assembly, StackTemplate
from constructs_lib.checks.engine import Report
from tests.constructs_lib.checks.reproductions import ENV, new_plain_app

ACCOUNT = "123456789012"
QUEUE_ARN = {"Fn::GetAtt": ["Queue", "Arn"]}


def judged(*resources: dict[str, Any], name: str = "App") -> Report:
    template = {"Resources": {k: v for r in resources for k, v in r.items()}}
    return check(Assembly([StackTemplate(name, template, account=ACCOUNT, region="us-east-1")]))


def found(report: Report) -> list[tuple[str, str]]:
    return [
        (f.rule_id.removeprefix("SqsPatterns-"), f.resource.logical_id) for f in report.findings
    ]


def queue(logical_id: str = "Queue", **properties: Any) -> dict[str, Any]:
    return {logical_id: {"Type": "AWS::SQS::Queue", "Properties": properties}}


def queue_policy(*statements: dict[str, Any], queue_id: str = "Queue") -> dict[str, Any]:
    return {
        f"{queue_id}Policy": {
            "Type": "AWS::SQS::QueuePolicy",
            "Properties": {
                "Queues": [{"Ref": queue_id}],
                "PolicyDocument": {"Version": "2012-10-17", "Statement": list(statements)},
            },
        }
    }


def allow(service: str, action: str, resource: Any, **condition: Any) -> dict[str, Any]:
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": action,
        "Resource": resource,
    }
    if condition:
        statement["Condition"] = condition
    return statement


TOPIC = {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {}}}
SUBSCRIPTION = {
    "Subscription": {
        "Type": "AWS::SNS::Subscription",
        "Properties": {"Protocol": "sqs", "TopicArn": {"Ref": "Topic"}, "Endpoint": QUEUE_ARN},
    }
}


# --- SP2: what cannot be known at synth is not judged -------------------------------


def sns_send(source_arn: Any) -> dict[str, Any]:
    return allow(
        "sns.amazonaws.com", "sqs:SendMessage", QUEUE_ARN, ArnEquals={"aws:SourceArn": source_arn}
    )


def test_a_queue_policy_naming_another_topic_is_a_finding() -> None:
    other_topic = f"arn:aws:sns:us-east-1:{ACCOUNT}:some-other-topic"
    report = judged(TOPIC, queue(), SUBSCRIPTION, queue_policy(sns_send(other_topic)))

    assert found(report) == [("SP2", "QueuePolicy")]
    assert "no statement of the queue policy" in report.findings[0].detail


def test_a_policy_value_known_only_at_deploy_is_not_judged() -> None:
    parameter = {"Ref": "TopicArnParameter"}
    report = judged(TOPIC, queue(), SUBSCRIPTION, queue_policy(sns_send(parameter)))

    assert found(report) == []


def test_the_topic_named_by_reference_is_allowed() -> None:
    report = judged(TOPIC, queue(), SUBSCRIPTION, queue_policy(sns_send({"Ref": "Topic"})))

    assert found(report) == []


def test_a_queue_without_any_policy_lets_no_service_in() -> None:
    report = judged(TOPIC, queue(), SUBSCRIPTION)

    assert found(report) == [("SP2", "Queue")]
    assert "has no queue policy" in report.findings[0].detail


SCHEDULE = {
    "Schedule": {
        "Type": "AWS::Scheduler::Schedule",
        "Properties": {
            "ScheduleExpression": "rate(1 hour)",
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "Target": {"Arn": QUEUE_ARN, "RoleArn": {"Fn::GetAtt": ["SchedulerRole", "Arn"]}},
        },
    }
}


def scheduler_role(*actions: str) -> dict[str, Any]:
    trust = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "scheduler.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ]
    }
    policy = {"Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": QUEUE_ARN}]}
    return {
        "SchedulerRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": trust,
                "Policies": [{"PolicyName": "send", "PolicyDocument": policy}],
            },
        }
    }


def test_a_schedule_whose_role_may_not_send_is_a_finding_on_the_role() -> None:
    report = judged(queue(), SCHEDULE, scheduler_role("sqs:GetQueueAttributes"))

    # SP16: the schedule has no dead-letter queue either (an advisory)
    assert found(report) == [("SP16", "Schedule"), ("SP2", "SchedulerRole")]


def test_a_schedule_whose_role_may_send_is_fine() -> None:
    report = judged(queue(), SCHEDULE, scheduler_role("sqs:SendMessage"))

    assert found(report) == [("SP16", "Schedule")]
    assert report.errors == []


# --- SP1 and SP2 across stacks ------------------------------------------------------------


@pytest.mark.parametrize("feature_flags", [True, False], ids=["GetStackOutput", "ImportValue"])
def test_wiring_across_stacks_is_followed(feature_flags: bool, tmp_path: Path) -> None:
    """An alarm in one stack, its topic (and the topic's policy) in another.

    aws-cdk-lib writes the reference as ``Fn::GetStackOutput`` with today's
    recommended flags, as an export and ``Fn::ImportValue`` without them.
    """
    app = new_plain_app(tmp_path, feature_flags=feature_flags)
    shared = Stack(app, "Shared", env=ENV)
    operations = sns.Topic(shared, "Operations", enforce_ssl=True)
    workers = Stack(app, "Workers", env=ENV)
    jobs = sqs.Queue(workers, "Jobs")
    alarm = jobs.metric_approximate_age_of_oldest_message().create_alarm(
        workers, "JobsTooOld", threshold=900, evaluation_periods=1
    )
    alarm.add_alarm_action(cloudwatch_actions.SnsAction(operations))
    app.synth()

    report = check(load([tmp_path]))

    assert [(f.rule_id, f.path) for f in report.findings] == [
        ("SqsPatterns-SP7", "Shared/Operations/Policy/Resource")
    ]
    assert report.findings[0].detail.startswith("CloudWatch alarm Workers/JobsTooOld/Resource")


# --- SP3: confused deputy, and AWS's exception --------------------------------------------


def test_an_unconditioned_service_grant_on_a_queue_is_a_finding() -> None:
    report = judged(queue(), queue_policy(allow("events.amazonaws.com", "sqs:SendMessage", "*")))

    assert found(report) == [("SP3", "QueuePolicy")]


def test_eventbridge_on_a_key_policy_is_exempt() -> None:
    key_policy = {
        "Statement": [
            allow("events.amazonaws.com", ["kms:Decrypt", "kms:GenerateDataKey"], "*"),
        ]
    }
    report = judged({"Key": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": key_policy}}})

    assert found(report) == []


# --- SP4 and SP5: consumers ---------------------------------------------------------------

FUNCTION = {"Function": {"Type": "AWS::Lambda::Function", "Properties": {"Timeout": 10}}}


def mapping(**properties: Any) -> dict[str, Any]:
    return {
        "Mapping": {
            "Type": "AWS::Lambda::EventSourceMapping",
            "Properties": {
                "EventSourceArn": QUEUE_ARN,
                "FunctionName": {"Ref": "Function"},
                "FunctionResponseTypes": ["ReportBatchItemFailures"],
                **properties,
            },
        }
    }


FIFO_DLQ = queue("Dlq", FifoQueue=True)
FIFO_REDRIVE = {"deadLetterTargetArn": {"Fn::GetAtt": ["Dlq", "Arn"]}, "maxReceiveCount": 5}


def test_a_fifo_batching_window_and_both_scaling_modes_are_findings() -> None:
    report = judged(
        FUNCTION,
        FIFO_DLQ,
        queue(FifoQueue=True, VisibilityTimeout=300, RedrivePolicy=FIFO_REDRIVE),
        mapping(
            MaximumBatchingWindowInSeconds=5,
            ScalingConfig={"MaximumConcurrency": 5},
            ProvisionedPollerConfig={"MinimumPollers": 2},
        ),
    )

    assert found(report) == [("SP4", "Mapping")]
    details = report.findings[0].details
    assert "batching window of 5 s" in details[0]
    assert "maximum concurrency and provisioned pollers" in details[1]


def test_the_batching_window_counts_in_the_visibility_timeout() -> None:
    report = judged(
        FUNCTION,
        FIFO_DLQ,
        queue(VisibilityTimeout=60, RedrivePolicy={**FIFO_REDRIVE}),
        mapping(MaximumBatchingWindowInSeconds=10),
    )

    problems = [d for f in report.findings for d in f.details if f.rule_id.endswith("SP4")]
    assert problems == [
        "the visibility timeout of App/Queue (60 s) is below 6 x the timeout of App/Function "
        "(10 s) + the batching window (10 s) = 70 s"
    ]


def test_a_consumed_queue_without_a_dlq_and_a_dlq_of_the_wrong_type() -> None:
    """SP5 for the missing DLQ, SP15 for the type: two ids, each titled for its problem."""
    report = judged(FUNCTION, queue(VisibilityTimeout=60), mapping())
    assert found(report) == [("SP5", "Queue")]

    standard_dlq = queue("Dlq", MessageRetentionPeriod=1209600)
    report = judged(
        FUNCTION,
        standard_dlq,
        queue(FifoQueue=True, VisibilityTimeout=60, RedrivePolicy=FIFO_REDRIVE),
        mapping(),
    )
    assert found(report) == [("SP15", "Queue")]
    assert "is standard, this queue is FIFO" in report.findings[0].detail


def worker_role(resource: Any) -> dict[str, Any]:
    trust = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ]
    }
    policy = {
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage"],
                "Resource": resource,
            }
        ]
    }
    return {
        "WorkerRole": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": trust}},
        "WorkerPolicy": {
            "Type": "AWS::IAM::Policy",
            "Properties": {
                "PolicyName": "consume",
                "PolicyDocument": policy,
                "Roles": [{"Ref": "WorkerRole"}],
            },
        },
    }


def test_a_worker_fleet_consuming_a_queue_without_dlq_is_a_finding() -> None:
    report = judged(queue(), worker_role(QUEUE_ARN))

    assert found(report) == [("SP5", "Queue")]
    assert report.findings[0].detail.startswith("App/WorkerRole consumes this queue")


def test_a_role_allowed_every_queue_is_not_taken_for_its_consumer() -> None:
    assert found(judged(queue(), worker_role("*"))) == []


# --- SP6: FIFO/standard -------------------------------------------------------------------


def fifo_subscription(endpoint_fifo: bool, dlq_fifo: bool) -> Report:
    redrive = {"deadLetterTargetArn": {"Fn::GetAtt": ["Dlq", "Arn"]}}
    subscription = copy.deepcopy(SUBSCRIPTION)
    subscription["Subscription"]["Properties"]["RedrivePolicy"] = redrive
    send = {"Ref": "Topic"}
    return judged(
        {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {"FifoTopic": True}}},
        queue(FifoQueue=endpoint_fifo),
        queue("Dlq", FifoQueue=dlq_fifo),
        subscription,
        queue_policy(sns_send(send)),
        queue_policy(
            allow(
                "sns.amazonaws.com",
                "sqs:SendMessage",
                {"Fn::GetAtt": ["Dlq", "Arn"]},
                ArnEquals={"aws:SourceArn": send},
            ),
            queue_id="Dlq",
        ),
    )


def test_a_fifo_topics_subscription_needs_a_fifo_dlq() -> None:
    assert found(fifo_subscription(endpoint_fifo=True, dlq_fifo=False)) == [("SP6", "Subscription")]
    assert found(fifo_subscription(endpoint_fifo=True, dlq_fifo=True)) == []


def test_a_fifo_topic_may_deliver_to_a_standard_queue() -> None:
    """AWS supports it (the SNS examples subscribe a standard analytics queue)."""
    assert found(fifo_subscription(endpoint_fifo=False, dlq_fifo=True)) == []


# --- SP7: alarm topics --------------------------------------------------------------------

ALARM = {
    "Alarm": {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {"AlarmActions": [{"Ref": "Topic"}], "Threshold": 1},
    }
}


def test_an_alarm_topic_on_the_aws_managed_key() -> None:
    topic = {
        "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"KmsMasterKeyId": "alias/aws/sns"}}
    }

    assert found(judged(topic, ALARM)) == [("SP7", "Topic")]


def test_an_alarm_topic_whose_key_leaves_cloudwatch_out() -> None:
    root = {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}
    key_policy = {
        "Statement": [{"Effect": "Allow", "Principal": root, "Action": "kms:*", "Resource": "*"}]
    }
    topic = {
        "Topic": {
            "Type": "AWS::SNS::Topic",
            "Properties": {"KmsMasterKeyId": {"Fn::GetAtt": ["Key", "Arn"]}},
        },
        "Key": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": key_policy}},
    }

    report = judged(topic, ALARM)

    assert found(report) == [("SP7", "Key")]
    assert "cloudwatch.amazonaws.com kms:GenerateDataKey" in report.findings[0].detail


def test_an_alarm_topic_with_sns_default_policy_is_fine() -> None:
    assert found(judged(TOPIC, ALARM)) == []


# --- SP8: principals that may not exist ---------------------------------------------------

SLR_ARN = (
    f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/autoscaling.amazonaws.com/"
    "AWSServiceRoleForAutoScaling_workers"
)


def key_naming_the_role(depends_on: list[str]) -> Report:
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": SLR_ARN},
        "Action": "kms:Decrypt",
        "Resource": "*",
    }
    return judged(
        {
            "Role": {
                "Type": "AWS::IAM::ServiceLinkedRole",
                "Properties": {
                    "AWSServiceName": "autoscaling.amazonaws.com",
                    "CustomSuffix": "workers",
                },
            },
            "Key": {
                "Type": "AWS::KMS::Key",
                "DependsOn": depends_on,
                "Properties": {"KeyPolicy": {"Statement": [statement]}},
            },
        }
    )


def test_a_service_linked_role_created_by_the_app_must_come_first() -> None:
    report = key_naming_the_role(depends_on=[])
    assert found(report) == [("SP8", "Key")]
    assert "which the app creates, but not before this policy" in report.findings[0].detail

    assert found(key_naming_the_role(depends_on=["Role"])) == []


# --- SP9: names that survive a destroy ----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "policy", "expected"),
    [
        ("orders-archive", "Retain", [("SP9", "Bucket")]),
        ("orders-archive", "RetainExceptOnCreate", [("SP9", "Bucket")]),
        ("orders-archive", "Delete", []),
        ({"Fn::Sub": "orders-${AWS::AccountId}-${AWS::Region}"}, "Retain", [("SP9", "Bucket")]),
        ({"Fn::Join": ["-", ["orders", {"Ref": "AWS::StackId"}]]}, "Retain", []),
        ({"Fn::Sub": "orders-${Function}"}, "Retain", []),
    ],
    ids=[
        "literal",
        "retain-except-on-create",
        "deleted",
        "account-region",
        "stack-id",
        "generated",
    ],
)
def test_fixed_names_kept_after_destroy(name: Any, policy: str, expected: list[Any]) -> None:
    bucket = {
        "Bucket": {
            "Type": "AWS::S3::Bucket",
            "DeletionPolicy": policy,
            "Properties": {"BucketName": name},
        }
    }

    assert (
        found(judged(bucket, {"Function": {"Type": "AWS::Lambda::Function", "Properties": {}}}))
        == expected
    )


# --- SP10: notifications and the queue policy ---------------------------------------------


def notifications(depends_on: list[str]) -> Report:
    bucket_arn = {"Fn::GetAtt": ["Bucket", "Arn"]}
    custom = {
        "Notifications": {
            "Type": "Custom::S3BucketNotifications",
            "DependsOn": depends_on,
            "Properties": {
                "BucketName": {"Ref": "Bucket"},
                "NotificationConfiguration": {
                    "QueueConfigurations": [
                        {"Events": ["s3:ObjectCreated:*"], "QueueArn": QUEUE_ARN}
                    ]
                },
            },
        }
    }
    send = allow(
        "s3.amazonaws.com", "sqs:SendMessage", QUEUE_ARN, ArnLike={"aws:SourceArn": bucket_arn}
    )
    return judged(
        {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {}}},
        queue(),
        queue_policy(send),
        custom,
    )


def test_cdk_notifications_resource_must_wait_for_the_queue_policy() -> None:
    assert found(notifications(depends_on=[])) == [("SP10", "Notifications")]
    assert found(notifications(depends_on=["QueuePolicy"])) == []


def test_cdk_add_event_notification_gets_it_right(tmp_path: Path) -> None:
    app = new_plain_app(tmp_path)
    stack = Stack(app, "Uploads", env=ENV)
    ingest = sqs.Queue(stack, "Ingest", enforce_ssl=True)
    bucket = s3.Bucket(stack, "Bucket", enforce_ssl=True)
    bucket.add_event_notification(
        s3.EventType.OBJECT_CREATED, s3_notifications.SqsDestination(ingest)
    )
    app.synth()

    assert check(load([tmp_path])).findings == []
