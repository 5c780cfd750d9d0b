"""The example app's topology written in plain aws-cdk-lib L2 code, no constructs_lib.

What a careful user would write by hand for the same resources: each queue with
a DLQ, TLS-only, long polling and two alarms; the same topic, subscriptions,
bucket, rule and schedule; a dashboard with the same graphs per queue.
tests/benchmarks/test_plain_topology.py checks that every stack here has the
same resource types and counts as the library's, so the synth-time comparison
is like for like. Stacks of the example app without a plain twin here are left
out of the comparison (and named in its output): Buffering and
OrderedProcessing carry a worker fleet (VPC, Auto Scaling group, launch
template, scaling policies, hooks) and a Lambda consumer, whose plain twins
are not written yet.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from aws_cdk import Aws, Duration, Stack, TimeZone
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as scheduler_targets
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from constructs import Construct


def queue_with_dlq(
    scope: Construct,
    construct_id: str,
    *,
    fifo: bool = False,
    key: kms.IKey | None = None,
    **queue_props: Any,
) -> sqs.Queue:
    encryption = sqs.QueueEncryption.KMS if key else sqs.QueueEncryption.SQS_MANAGED
    dlq = sqs.Queue(
        scope,
        f"{construct_id}Dlq",
        fifo=fifo or None,
        retention_period=Duration.days(14),
        enforce_ssl=True,
        encryption=encryption,
        encryption_master_key=key,
    )
    queue = sqs.Queue(
        scope,
        construct_id,
        fifo=fifo or None,
        receive_message_wait_time=Duration.seconds(20),
        enforce_ssl=True,
        encryption=encryption,
        encryption_master_key=key,
        dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=5),
        **queue_props,
    )
    cloudwatch.Alarm(
        scope,
        f"{construct_id}DlqAlarm",
        metric=dlq.metric_approximate_number_of_messages_visible(period=Duration.minutes(1)),
        threshold=0,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluation_periods=1,
    )
    cloudwatch.Alarm(
        scope,
        f"{construct_id}AgeAlarm",
        metric=queue.metric_approximate_age_of_oldest_message(period=Duration.minutes(1)),
        threshold=900,
        evaluation_periods=1,
    )
    return queue


def queue_widgets(scope: Construct, queue: sqs.Queue) -> list[list[cloudwatch.IWidget]]:
    """What PatternDashboard draws for a queue: depth, age, DLQ depth, rates,
    time to drain, and the queue's two alarms."""
    minute = Duration.minutes(1)
    dlq = queue.dead_letter_queue.queue if queue.dead_letter_queue else queue
    name = queue.node.id
    sent = queue.metric_number_of_messages_sent(period=minute, statistic="Sum")
    deleted = queue.metric_number_of_messages_deleted(period=minute, statistic="Sum")
    visible = queue.metric_approximate_number_of_messages_visible(period=minute)
    drain = (
        "IF(FILL(deleted, 0) > FILL(sent, 0), "
        "visible * PERIOD(visible) / (FILL(deleted, 0) - FILL(sent, 0)))"
    )
    math = cloudwatch.MathExpression
    graphs = [
        (f"{name}: depth", [visible, queue.metric_approximate_number_of_messages_not_visible()]),
        (f"{name}: age", [queue.metric_approximate_age_of_oldest_message(period=minute)]),
        (f"{name}: DLQ", [dlq.metric_approximate_number_of_messages_visible(period=minute)]),
        (
            f"{name}: sent vs deleted",
            [
                math(expression="sent / PERIOD(sent)", using_metrics={"sent": sent}, period=minute),
                math(
                    expression="deleted / PERIOD(deleted)",
                    using_metrics={"deleted": deleted},
                    period=minute,
                ),
            ],
        ),
        (
            f"{name}: time to drain",
            [
                math(
                    expression=drain,
                    using_metrics={"visible": visible, "sent": sent, "deleted": deleted},
                    period=minute,
                )
            ],
        ),
    ]
    widgets: list[cloudwatch.IWidget] = [
        cloudwatch.GraphWidget(title=title, left=metrics) for title, metrics in graphs
    ]
    alarms = [
        cast(cloudwatch.Alarm, scope.node.find_child(f"{name}{a}"))
        for a in ("DlqAlarm", "AgeAlarm")
    ]
    return [widgets, [cloudwatch.AlarmStatusWidget(alarms=alarms)]]


def dashboard(stack: Stack, queues: list[sqs.Queue]) -> None:
    board = cloudwatch.Dashboard(stack, "Dashboard", start="-PT3H")
    for queue in queues:
        for row in queue_widgets(stack, queue):
            board.add_widgets(*row)


def decoupling(stack: Stack) -> None:
    billing = queue_with_dlq(stack, "Billing", visibility_timeout=Duration.minutes(2))
    shipping = queue_with_dlq(stack, "Shipping", visibility_timeout=Duration.minutes(2))
    analytics = queue_with_dlq(stack, "Analytics")
    key = kms.Key(stack, "OrdersKey", enable_key_rotation=True)
    topic = sns.Topic(stack, "Orders", master_key=key, enforce_ssl=True)
    undeliverable = queue_with_dlq(stack, "Undeliverable")
    string = sns.SubscriptionFilter.string_filter
    for queue, attribute_filter, body_filter in (
        (billing, {"event_type": string(allowlist=["order_placed", "order_cancelled"])}, None),
        (
            shipping,
            None,
            {
                "status": sns.FilterOrPolicy.filter(string(allowlist=["paid"])),
                "physical": sns.FilterOrPolicy.filter(sns.SubscriptionFilter.exists_filter()),
            },
        ),
        (analytics, None, None),
    ):
        topic.add_subscription(
            subscriptions.SqsSubscription(
                queue,
                raw_message_delivery=True,
                filter_policy=attribute_filter,
                filter_policy_with_message_body=body_filter,
                dead_letter_queue=undeliverable,
            )
        )
    dashboard(stack, [billing, shipping, analytics, undeliverable])


def serverless_workflow(stack: Stack) -> None:
    ingest = queue_with_dlq(stack, "Ingest", visibility_timeout=Duration.minutes(5))
    logs = s3.Bucket(
        stack,
        "AccessLogs",
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        versioned=True,
        lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(90))],
    )
    name = f"plain-uploads-{Aws.ACCOUNT_ID}-{Aws.REGION}"
    uploads = s3.Bucket(
        stack,
        "Uploads",
        bucket_name=name,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        versioned=True,
        server_access_logs_bucket=logs,
        server_access_logs_prefix="access-logs/",
    )
    ingest.add_to_resource_policy(
        iam.PolicyStatement(
            actions=["sqs:SendMessage"],
            principals=[iam.ServicePrincipal("s3.amazonaws.com")],
            resources=[ingest.queue_arn],
            conditions={
                "ArnEquals": {"aws:SourceArn": f"arn:{Aws.PARTITION}:s3:::{name}"},
                "StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID},
            },
        )
    )
    # L1 for a native notification: the L2 only offers a custom resource.
    cast(s3.CfnBucket, uploads.node.default_child).notification_configuration = {
        "queueConfigurations": [
            {
                "event": "s3:ObjectCreated:*",
                "queue": ingest.queue_arn,
                "filter": {
                    "s3Key": {
                        "rules": [
                            {"name": "prefix", "value": "incoming/"},
                            {"name": "suffix", "value": ".csv"},
                        ]
                    }
                },
            }
        ]
    }

    jobs = queue_with_dlq(stack, "Jobs", visibility_timeout=Duration.minutes(15))
    schedule_dlq = queue_with_dlq(stack, "ScheduleDlq")
    scheduler.Schedule(
        stack,
        "NightlyReport",
        schedule=scheduler.ScheduleExpression.cron(
            hour="2", minute="0", time_zone=TimeZone.EUROPE_BERLIN
        ),
        time_window=scheduler.TimeWindow.flexible(Duration.minutes(15)),
        target=scheduler_targets.SqsSendMessage(
            jobs,
            input=scheduler.ScheduleTargetInput.from_object(
                {
                    "job": "nightly-report",
                    "scheduled_time": scheduler.ContextAttribute.scheduled_time,
                }
            ),
            dead_letter_queue=schedule_dlq,
            retry_attempts=185,
            max_event_age=Duration.hours(24),
        ),
    )
    rule_dlq = queue_with_dlq(stack, "RuleDlq")
    events.Rule(
        stack,
        "OrderEvents",
        event_pattern=events.EventPattern(source=["shop.orders"], detail_type=["OrderPlaced"]),
        targets=[
            targets.SqsQueue(
                jobs,
                message=events.RuleTargetInput.from_object(
                    {
                        "job": "fulfil-order",
                        "order_id": events.EventField.from_path("$.detail.order_id"),
                    }
                ),
                dead_letter_queue=rule_dlq,
                retry_attempts=185,
                max_event_age=Duration.hours(24),
            )
        ],
    )
    dashboard(stack, [ingest, jobs, schedule_dlq, rule_dlq])


#: Plain twin of each example stack, by stack name.
PLAIN_STACKS: dict[str, Callable[[Stack], None]] = {
    "Decoupling": decoupling,
    "ServerlessWorkflow": serverless_workflow,
}
