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
from constructs_lib.checks.engine import Report
from constructs_lib.templates.assembly import Assembly, StackTemplate
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


# --- severities ---------------------------------------------------------------------------


def test_each_finding_has_its_rules_severity() -> None:
    report = judged(FUNCTION, queue(VisibilityTimeout=60), mapping(FunctionResponseTypes=[]))

    assert [(f.rule_id, f.severity) for f in report.findings] == [
        ("SqsPatterns-SP11", "advisory"),
        ("SqsPatterns-SP5", "error"),
    ]
    assert (len(report.errors), len(report.advisories)) == (1, 1)


# --- SP3: remedies that fit where the statement came from ---------------------------------


def _remedies(report: Report, rule: str = "SqsPatterns-SP3") -> list[tuple[str, tuple[str, ...]]]:
    return [(f.resource.logical_id, f.remedies) for f in report.findings if f.rule_id == rule]


def _cdk_report(tmp_path: Path, build: Any, *, feature_flags: bool) -> Report:
    app = new_plain_app(tmp_path, feature_flags=feature_flags)
    build(Stack(app, "Grants", env=ENV))
    app.synth()
    return check(load([tmp_path]))


def test_sqs_subscriptions_key_grant_gets_the_flag_as_remedy(tmp_path: Path) -> None:
    from aws_cdk import aws_kms as kms
    from aws_cdk import aws_sns_subscriptions as subscriptions

    def build(stack: Stack) -> None:
        key = kms.Key(stack, "Key", enable_key_rotation=True)
        billing = sqs.Queue(stack, "Billing", encryption_master_key=key)
        sns.Topic(stack, "Orders").add_subscription(subscriptions.SqsSubscription(billing))

    report = _cdk_report(tmp_path, build, feature_flags=False)

    ((_, remedies),) = _remedies(report)
    assert remedies == ("sns-subscription-key",)
    assert "restrictSqsDescryption" in report.findings[0].fix
    assert "eventsTargetQueueSameAccount" not in report.findings[0].fix
    assert "EventBridge" not in report.findings[0].fix  # not a key EventBridge uses


def test_an_explicit_grant_to_a_service_principal_gets_conditions_in_the_principal(
    tmp_path: Path,
) -> None:
    from aws_cdk import aws_iam as iam

    def build(stack: Stack) -> None:
        sqs.Queue(stack, "Inbox").grant_send_messages(iam.ServicePrincipal("events.amazonaws.com"))

    report = _cdk_report(tmp_path, build, feature_flags=True)

    assert [r for _, r in _remedies(report)] == [("service-principal",)]
    (finding,) = report.findings
    assert "conditions into the principal" in finding.fix
    assert "feature flag adds one" in finding.fix and "@aws-cdk/" not in finding.fix
    assert finding.location == "Properties/PolicyDocument/Statement/0"
    assert finding.detail.startswith("Statement/0 allows events.amazonaws.com")


def test_sqs_destinations_key_grant_needs_a_statement_of_its_own(tmp_path: Path) -> None:
    from aws_cdk import aws_kms as kms

    def build(stack: Stack) -> None:
        key = kms.Key(stack, "Key", enable_key_rotation=True)
        ingest = sqs.Queue(stack, "Ingest", encryption_master_key=key)
        s3.Bucket(stack, "Uploads").add_event_notification(
            s3.EventType.OBJECT_CREATED, s3_notifications.SqsDestination(ingest)
        )

    report = _cdk_report(tmp_path, build, feature_flags=True)

    assert [r for _, r in _remedies(report)] == [("s3-destination-key",)]
    assert "statement of its own" in report.findings[0].fix
    assert "restrictSqsDescryption" not in report.findings[0].fix


def test_an_eventbridge_target_on_a_customer_key_without_the_flag(tmp_path: Path) -> None:
    """targets.SqsQueue writes no condition for a CMK queue; the flag would break the key."""
    from aws_cdk import aws_events as events
    from aws_cdk import aws_events_targets as targets
    from aws_cdk import aws_kms as kms

    def build(stack: Stack) -> None:
        key = kms.Key(stack, "Key", enable_key_rotation=True)
        orders = sqs.Queue(stack, "Orders", encryption_master_key=key)
        events.Rule(
            stack,
            "Placed",
            event_pattern=events.EventPattern(source=["shop"]),
            targets=[targets.SqsQueue(orders, dead_letter_queue=sqs.Queue(stack, "Undelivered"))],
        )

    report = _cdk_report(tmp_path, build, feature_flags=False)

    assert _remedies(report) == [("OrdersPolicy95F4027F", ("events-target-queue",))]
    assert "SqsPatterns-SP18" in report.findings[0].fix
    assert [f.rule_id for f in report.findings] == ["SqsPatterns-SP3"]  # the key: exempt


def test_the_eventbridge_sentence_only_on_key_policies_eventbridge_uses() -> None:
    sns_on_key = allow("sns.amazonaws.com", ["kms:Decrypt", "kms:GenerateDataKey"], "*")
    events_on_key = allow("events.amazonaws.com", ["kms:Decrypt", "kms:GenerateDataKey"], "*")

    def key_with(*statements: dict[str, Any]) -> dict[str, Any]:
        return {
            "Key": {
                "Type": "AWS::KMS::Key",
                "Properties": {"KeyPolicy": {"Statement": list(statements)}},
            }
        }

    assert _remedies(judged(key_with(sns_on_key))) == [("Key", ("service-principal",))]
    assert _remedies(judged(key_with(sns_on_key, events_on_key))) == [
        ("Key", ("service-principal", "key-policy-eventbridge"))
    ]
    on_queue_policy = judged(
        queue(), queue_policy(allow("sns.amazonaws.com", "sqs:SendMessage", "*"))
    )
    assert "EventBridge" not in on_queue_policy.findings[0].fix


def test_statement_indexes_count_from_zero_like_the_location() -> None:
    tls = {"Effect": "Deny", "Principal": "*", "Action": "sqs:*", "Resource": "*"}
    report = judged(
        queue(),
        queue_policy(
            tls,
            {**allow("sns.amazonaws.com", "sqs:SendMessage", "*"), "Sid": "FromTopics"},
        ),
    )

    (finding,) = report.findings
    assert finding.location == "Properties/PolicyDocument/Statement/1"
    assert finding.detail.startswith("Statement/1 ('FromTopics') allows sns.amazonaws.com")


# --- SP4: only the remedies of the causes found -------------------------------------------


def test_sp4_prints_only_the_remedies_that_apply() -> None:
    visibility_only = judged(FUNCTION, FIFO_DLQ, queue(RedrivePolicy=FIFO_REDRIVE), mapping())
    (finding,) = [f for f in visibility_only.findings if f.rule_id.endswith("SP4")]
    assert finding.remedies == ("visibility",)
    assert "FIFO" not in finding.fix and "provisioned" not in finding.fix

    fifo = judged(
        FUNCTION,
        FIFO_DLQ,
        queue(FifoQueue=True, VisibilityTimeout=300, RedrivePolicy=FIFO_REDRIVE),
        mapping(MaximumBatchingWindowInSeconds=5),
    )
    (finding,) = fifo.findings
    assert finding.remedies == ("fifo-window",)


def test_a_visibility_timeout_below_the_function_timeout_says_lambda_refuses_it() -> None:
    report = judged(
        FUNCTION, FIFO_DLQ, queue(VisibilityTimeout=5, RedrivePolicy=FIFO_REDRIVE), mapping()
    )

    assert "Lambda refuses the mapping" in report.findings[0].detail


# --- SP11: partial batch responses --------------------------------------------------------

DLQ_14_DAYS = queue("Dlq", MessageRetentionPeriod=1209600)
REDRIVE_5 = {"deadLetterTargetArn": {"Fn::GetAtt": ["Dlq", "Arn"]}, "maxReceiveCount": 5}


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({"FunctionResponseTypes": []}, [("SP11", "Mapping")]),
        ({"FunctionResponseTypes": [], "BatchSize": 1}, []),
        ({"FunctionResponseTypes": [], "BatchSize": {"Ref": "BatchSize"}}, [("SP11", "Mapping")]),
        ({}, []),
    ],
    ids=["off", "batch-of-one", "batch-size-at-deploy", "on"],
)
def test_partial_batch_responses(settings: dict[str, Any], expected: list[Any]) -> None:
    report = judged(
        FUNCTION,
        DLQ_14_DAYS,
        queue(VisibilityTimeout=60, RedrivePolicy=REDRIVE_5),
        mapping(**settings),
    )

    assert found(report) == expected


# --- SP12 and SP13: maxReceiveCount on Lambda-consumed queues -----------------------------


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, [("SP12", "Queue")]),
        ("1", [("SP12", "Queue")]),
        (2, [("SP13", "Queue")]),
        (4, [("SP13", "Queue")]),
        (5, []),
        (10, []),
        ({"Ref": "Receives"}, []),
    ],
    ids=["1", "1-as-text", "2", "4", "5", "10", "parameter"],
)
def test_max_receive_count_of_a_lambda_consumed_queue(count: Any, expected: list[Any]) -> None:
    redrive = {**REDRIVE_5, "maxReceiveCount": count}
    report = judged(
        FUNCTION, DLQ_14_DAYS, queue(VisibilityTimeout=60, RedrivePolicy=redrive), mapping()
    )

    assert found(report) == expected
    for item in report.findings:
        assert item.severity == ("error" if item.rule_id.endswith("SP12") else "advisory")


def test_max_receive_count_is_not_judged_for_a_worker_fleet_or_an_unconsumed_queue() -> None:
    redrive = {**REDRIVE_5, "maxReceiveCount": 1}

    assert found(judged(DLQ_14_DAYS, queue(RedrivePolicy=redrive), worker_role(QUEUE_ARN))) == []
    assert found(judged(DLQ_14_DAYS, queue(RedrivePolicy=redrive))) == []


# --- SP14 and SP15: every redrive, consumed or not ----------------------------------------


def test_dlq_retention_and_type_are_judged_without_a_consumer_and_titled_for_their_problem() -> (
    None
):
    short = judged(queue("Dlq"), queue(RedrivePolicy=REDRIVE_5))
    assert found(short) == [("SP14", "Queue")]
    assert "4 days, no longer than this queue (4 days)" in short.findings[0].detail
    assert "onsum" not in short.findings[0].rule.name

    fifo_into_standard = judged(DLQ_14_DAYS, queue(FifoQueue=True, RedrivePolicy=REDRIVE_5))
    assert found(fifo_into_standard) == [("SP15", "Queue")]
    assert "onsum" not in fifo_into_standard.findings[0].rule.name

    fifo_short = judged(
        queue("Dlq", FifoQueue=True), queue(FifoQueue=True, RedrivePolicy=REDRIVE_5)
    )
    assert found(fifo_short) == []  # a FIFO queue's enqueue time is reset when moved


# --- SP16: SQS targets without a DLQ -------------------------------------------------------


def rule_target(**target: Any) -> dict[str, Any]:
    return {
        "Rule": {
            "Type": "AWS::Events::Rule",
            "Properties": {
                "EventPattern": {"source": ["shop"]},
                "Targets": [{"Arn": QUEUE_ARN, "Id": "Queue", **target}],
            },
        }
    }


def test_an_eventbridge_sqs_target_without_a_dlq() -> None:
    policy = queue_policy(
        allow(
            "events.amazonaws.com",
            "sqs:SendMessage",
            QUEUE_ARN,
            ArnEquals={"aws:SourceArn": {"Fn::GetAtt": ["Rule", "Arn"]}},
        )
    )
    report = judged(queue(), policy, rule_target())
    assert found(report) == [("SP16", "Rule")]
    (finding,) = report.findings
    assert (finding.severity, finding.location, finding.remedies) == (
        "advisory",
        "Properties/Targets/0",
        ("rule",),
    )

    with_dlq = rule_target(DeadLetterConfig={"Arn": {"Fn::GetAtt": ["Dlq", "Arn"]}})
    dlq_policy = queue_policy(
        allow(
            "events.amazonaws.com",
            "sqs:SendMessage",
            {"Fn::GetAtt": ["Dlq", "Arn"]},
            ArnEquals={"aws:SourceArn": {"Fn::GetAtt": ["Rule", "Arn"]}},
        ),
        queue_id="Dlq",
    )
    assert found(judged(queue(), queue("Dlq"), policy, dlq_policy, with_dlq)) == []


def test_a_lambda_target_without_a_dlq_is_no_sqs_finding() -> None:
    target = {"Fn::GetAtt": ["Function", "Arn"]}
    rule = {
        "Rule": {
            "Type": "AWS::Events::Rule",
            "Properties": {
                "ScheduleExpression": "rate(1 hour)",
                "Targets": [{"Arn": target, "Id": "F"}],
            },
        }
    }
    assert found(judged(FUNCTION, rule)) == []


# --- SP17: instance tags in metadata --------------------------------------------------------


def launch_template(
    *, tags_in_metadata: Any = "enabled", keys: tuple[str, ...] = ()
) -> dict[str, Any]:
    data: dict[str, Any] = {"MetadataOptions": {"InstanceMetadataTags": tags_in_metadata}}
    if keys:
        data["TagSpecifications"] = [
            {"ResourceType": "volume", "Tags": [{"Key": "vol ume", "Value": "x"}]},
            {"ResourceType": "instance", "Tags": [{"Key": k, "Value": "x"} for k in keys]},
        ]
    return {
        "Template": {"Type": "AWS::EC2::LaunchTemplate", "Properties": {"LaunchTemplateData": data}}
    }


def group(*tags: tuple[str, Any], mixed: bool = False) -> dict[str, Any]:
    reference = {"LaunchTemplateId": {"Ref": "Template"}, "Version": "1"}
    properties: dict[str, Any] = {
        "MinSize": "0",
        "MaxSize": "2",
        "Tags": [{"Key": k, "Value": "x", "PropagateAtLaunch": p} for k, p in tags],
    }
    if mixed:
        properties["MixedInstancesPolicy"] = {
            "LaunchTemplate": {"LaunchTemplateSpecification": reference}
        }
    else:
        properties["LaunchTemplate"] = reference
    return {"Group": {"Type": "AWS::AutoScaling::AutoScalingGroup", "Properties": properties}}


@pytest.mark.parametrize(
    "key",
    ["cost center", "team/owner", ".", "..", "_index", "owner#1", "café"],
)
def test_tag_keys_ec2_refuses_with_tags_in_metadata(key: str) -> None:
    report = judged(launch_template(keys=("Name", key)))

    assert found(report) == [("SP17", "Template")]
    assert f"{key!r} from its TagSpecifications/1" in report.findings[0].detail
    assert report.findings[0].severity == "error"


@pytest.mark.parametrize(
    "key", ["Name", "aws:cloudformation:stack-name", "cost-center", "a+b=c.d,e_f:g@h", "..."]
)
def test_tag_keys_ec2_accepts(key: str) -> None:
    assert found(judged(launch_template(keys=(key,)))) == []


def test_a_groups_propagated_tags_count_and_only_those() -> None:
    template = launch_template()

    assert found(judged(template, group(("team/owner", True)))) == [("SP17", "Template")]
    assert found(judged(template, group(("team/owner", "true"), mixed=True))) == [
        ("SP17", "Template")
    ]
    assert found(judged(template, group(("team/owner", False)))) == []


def test_nothing_without_tags_in_metadata_or_with_keys_known_at_deploy() -> None:
    assert found(judged(launch_template(tags_in_metadata="disabled", keys=("cost center",)))) == []
    assert found(judged(launch_template(tags_in_metadata=None, keys=("cost center",)))) == []
    unknown = launch_template()
    unknown["Template"]["Properties"]["LaunchTemplateData"]["TagSpecifications"] = [
        {"ResourceType": "instance", "Tags": [{"Key": {"Ref": "TagKey"}, "Value": "x"}]}
    ]
    assert found(judged(unknown)) == []


# --- SP18: EventBridge on a key, only under source conditions ----------------------------


def events_key(*statements: dict[str, Any]) -> dict[str, Any]:
    root = {
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }
    return {
        "Key": {
            "Type": "AWS::KMS::Key",
            "Properties": {"KeyPolicy": {"Statement": [root, *statements]}},
        }
    }


KMS_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey*"]


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
        {"ArnEquals": {"aws:SourceArn": f"arn:aws:events:us-east-1:{ACCOUNT}:rule/Orders"}},
    ],
    ids=["SourceAccount", "SourceArn"],
)
def test_eventbridge_allowed_only_under_source_keys(condition: dict[str, Any]) -> None:
    report = judged(events_key(allow("events.amazonaws.com", KMS_ACTIONS, "*", **condition)))

    assert found(report) == [("SP18", "Key")]
    assert report.findings[0].location == "Properties/KeyPolicy/Statement/1"
    assert report.findings[0].severity == "error"


def test_eventbridge_also_allowed_without_source_keys_is_fine() -> None:
    conditioned = allow(
        "events.amazonaws.com", KMS_ACTIONS, "*", StringEquals={"aws:SourceAccount": ACCOUNT}
    )
    plain = allow("events.amazonaws.com", ["kms:Decrypt", "kms:GenerateDataKey"], "*")

    assert found(judged(events_key(conditioned, plain))) == []
    assert found(judged(events_key(plain))) == []
    sns_only = allow(
        "sns.amazonaws.com", KMS_ACTIONS, "*", StringEquals={"aws:SourceAccount": ACCOUNT}
    )
    assert found(judged(events_key(sns_only))) == []


# --- SP19 and SP20: topics of another Region -----------------------------------------------


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (f"arn:aws:sns:us-west-2:{ACCOUNT}:ops", [("SP19", "Alarm")]),
        ({"Fn::Sub": "arn:aws:sns:eu-west-1:${AWS::AccountId}:ops"}, [("SP19", "Alarm")]),
        (
            {
                "Fn::Join": [
                    ":",
                    ["arn", {"Ref": "AWS::Partition"}, "sns", "ap-south-1", ACCOUNT, "ops"],
                ]
            },
            [("SP19", "Alarm")],
        ),
        (f"arn:aws:sns:us-east-1:{ACCOUNT}:ops", []),
        ({"Fn::Sub": "arn:aws:sns:${AWS::Region}:${AWS::AccountId}:ops"}, []),
        ({"Ref": "TopicArnParameter"}, []),
        ("arn:aws:automate:us-west-2:ec2:stop", []),
    ],
    ids=["literal", "sub", "join", "same-region", "own-region", "parameter", "not-sns"],
)
def test_an_alarm_action_to_a_topic_of_another_region(action: Any, expected: list[Any]) -> None:
    alarm = {
        "Alarm": {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {"OKActions": [action], "Threshold": 1},
        }
    }
    report = judged(alarm)

    assert found(report) == expected
    if expected:
        assert report.findings[0].location == "Properties/OKActions/0"


def test_an_environment_agnostic_alarm_is_not_judged() -> None:
    alarm = {
        "Alarm": {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {"AlarmActions": [f"arn:aws:sns:us-west-2:{ACCOUNT}:ops"]},
        }
    }
    template = {"Resources": alarm}

    assert check(Assembly([StackTemplate("App", template)])).findings == []


def test_group_notifications_to_a_topic_of_another_region_are_an_advisory() -> None:
    def notifying(topic: str) -> dict[str, Any]:
        return {
            "Group": {
                "Type": "AWS::AutoScaling::AutoScalingGroup",
                "Properties": {
                    "MinSize": "0",
                    "MaxSize": "1",
                    "NotificationConfigurations": [
                        {
                            "TopicARN": topic,
                            "NotificationTypes": ["autoscaling:EC2_INSTANCE_LAUNCH"],
                        }
                    ],
                },
            }
        }

    report = judged(notifying(f"arn:aws:sns:us-west-2:{ACCOUNT}:ops"))
    assert [(f.rule_id, f.severity) for f in report.findings] == [("SqsPatterns-SP20", "advisory")]
    assert found(judged(notifying(f"arn:aws:sns:us-east-1:{ACCOUNT}:ops"))) == []
