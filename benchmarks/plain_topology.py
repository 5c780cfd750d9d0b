"""The example app's topology written in plain aws-cdk-lib L2 code, no constructs_lib.

What a careful user would write by hand for the same resources: each queue with
a DLQ, TLS-only, long polling and two alarms; the same topic, subscriptions,
bucket, rule and schedule; a dashboard with the same graphs per queue.
tests/benchmarks/test_plain_topology.py checks that every stack here has the
same resource types and counts as the library's, so the synth-time comparison
is like for like. All four example stacks have a twin: Buffering's worker
fleet is written as a user would without the library (security group, role,
assets, user data, launch template, group, drain hook, the metric-math target
tracking as an L1, two step-scaling alarms, a dashboard with the fleet's
graphs), and OrderedProcessing's Lambda consumer as an ``SqsEventSource``, two
alarms and a dashboard with the function's and the mapping's graphs. It
borrows one value of the library, ``defaults.ASSET_EXCLUDES``, so that both
sides ship the same files.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from aws_cdk import Aws, Duration, RemovalPolicy, Stack, TimeZone
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as scheduler_targets
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from constructs_lib.defaults import ASSET_EXCLUDES
from stacks._paths import HANDLERS_DIR

#: The worker's own files, shipped as the fleet ships them.
WORKER_DIR = HANDLERS_DIR.parent / "constructs_lib" / "runtime"


def queue_with_dlq(
    scope: Construct,
    construct_id: str,
    *,
    fifo: bool = False,
    key: kms.IKey | None = None,
    alarm_topic: sns.ITopic | None = None,
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
    alarms = [
        cloudwatch.Alarm(
            scope,
            f"{construct_id}DlqAlarm",
            metric=dlq.metric_approximate_number_of_messages_visible(period=Duration.minutes(1)),
            threshold=0,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=1,
        ),
        cloudwatch.Alarm(
            scope,
            f"{construct_id}AgeAlarm",
            metric=queue.metric_approximate_age_of_oldest_message(period=Duration.minutes(1)),
            threshold=900,
            evaluation_periods=1,
        ),
    ]
    if alarm_topic is not None:
        for alarm in alarms:
            alarm.add_alarm_action(actions.SnsAction(alarm_topic))
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


def dashboard(
    stack: Stack,
    queues: list[sqs.Queue],
    graphs: Sequence[tuple[str, list[cloudwatch.IMetric]]] = (),
) -> None:
    """The dashboard PatternDashboard draws: each queue's rows, then a pattern's
    own ``graphs`` (title, metrics) in one row."""
    board = cloudwatch.Dashboard(stack, "Dashboard", start="-PT3H")
    for queue in queues:
        for row in queue_widgets(stack, queue):
            board.add_widgets(*row)
    if graphs:
        board.add_widgets(
            *(cloudwatch.GraphWidget(title=title, left=metrics) for title, metrics in graphs)
        )


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


def buffering(stack: Stack) -> None:
    topic = _operations_topic(stack)
    jobs = queue_with_dlq(stack, "Jobs", visibility_timeout=Duration.minutes(5), alarm_topic=topic)
    vpc = ec2.Vpc(
        stack,
        "Network",
        max_azs=2,
        nat_gateways=0,
        subnet_configuration=[
            ec2.SubnetConfiguration(
                name="Workers", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=24
            )
        ],
        gateway_endpoints={
            "S3": ec2.GatewayVpcEndpointOptions(service=ec2.GatewayVpcEndpointAwsService.S3)
        },
        flow_logs={"FlowLog": ec2.FlowLogOptions(traffic_type=ec2.FlowLogTrafficType.ALL)},
        restrict_default_security_group=False,
    )
    workers = ec2.SecurityGroup(stack, "WorkersSecurityGroup", vpc=vpc, allow_all_outbound=False)
    workers.add_egress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "HTTPS to AWS APIs")
    for endpoint_id, service in (
        ("SqsEndpoint", ec2.InterfaceVpcEndpointAwsService.SQS),
        ("AutoScalingEndpoint", ec2.InterfaceVpcEndpointAwsService.AUTOSCALING),
    ):
        endpoint = vpc.add_interface_endpoint(endpoint_id, service=service, open=False)
        endpoint.connections.allow_default_port_from(workers, "HTTPS from the workers")
    group = _worker_group(stack, vpc, workers, jobs, topic)
    _worker_scaling(stack, group, jobs)
    minute = Duration.minutes(1)
    dimensions = {"AutoScalingGroupName": group.auto_scaling_group_name}
    capacity = [
        cloudwatch.Metric(
            namespace="AWS/AutoScaling",
            metric_name=name,
            dimensions_map=dimensions,
            period=minute,
            statistic="Average",
        )
        for name in ("GroupInServiceInstances", "GroupDesiredCapacity")
    ]
    backlog = cloudwatch.MathExpression(
        expression="visible / IF(instances > 0, instances, 1)",
        using_metrics={
            "visible": jobs.metric_approximate_number_of_messages_visible(
                period=minute, statistic="Sum"
            ),
            "instances": capacity[0],
        },
        period=minute,
    )
    dashboard(
        stack,
        [jobs],
        [("Instances: in service vs desired", capacity), ("Backlog per instance", [backlog])],
    )


def _operations_topic(stack: Stack) -> sns.Topic:
    key = kms.Key(stack, "OperationsKey", enable_key_rotation=True)
    topic = sns.Topic(stack, "Operations", master_key=key, enforce_ssl=True)
    cloudwatch_principal = iam.ServicePrincipal("cloudwatch.amazonaws.com")
    topic.add_to_resource_policy(
        iam.PolicyStatement(
            actions=["sns:Publish"],
            principals=[cloudwatch_principal],
            resources=[topic.topic_arn],
            conditions={"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}},
        )
    )
    for principal, conditions in (
        (cloudwatch_principal, {"StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID}}),
        (
            iam.AnyPrincipal(),
            {
                "ArnLike": {
                    "aws:PrincipalArn": f"arn:{Aws.PARTITION}:iam::{Aws.ACCOUNT_ID}:role/"
                    "aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
                },
                "StringEquals": {
                    "kms:CallerAccount": Aws.ACCOUNT_ID,
                    "kms:ViaService": f"sns.{Aws.REGION}.amazonaws.com",
                },
            },
        ),
    ):
        key.add_to_resource_policy(
            iam.PolicyStatement(
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                principals=[principal],
                resources=["*"],
                conditions=conditions,
            )
        )
    return topic


def _worker_group(
    stack: Stack, vpc: ec2.Vpc, workers: ec2.SecurityGroup, jobs: sqs.Queue, topic: sns.Topic
) -> autoscaling.AutoScalingGroup:
    role = iam.Role(stack, "WorkerRole", assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"))
    jobs.grant_consume_messages(role)
    worker_code = s3_assets.Asset(
        stack, "WorkerCode", path=str(WORKER_DIR), exclude=["*", "!worker.py"]
    )
    handler_code = s3_assets.Asset(
        stack, "HandlerCode", path=str(HANDLERS_DIR / "jobs"), exclude=ASSET_EXCLUDES
    )
    role.add_to_principal_policy(
        iam.PolicyStatement(
            actions=["s3:GetObject"],
            resources=[
                asset.bucket.arn_for_objects(asset.s3_object_key)
                for asset in (worker_code, handler_code)
            ],
        )
    )
    user_data = ec2.UserData.for_linux()
    user_data.add_commands("set -euo pipefail", "dnf install -y python3-boto3")
    for asset, folder in ((worker_code, "/opt/queue-worker"), (handler_code, "/opt/handler")):
        local = user_data.add_s3_download_command(
            bucket=asset.bucket, bucket_key=asset.s3_object_key
        )
        user_data.add_commands(f"python3 -m zipfile -e {local} {folder}")
    user_data.add_commands(
        f"echo QUEUE_URL={jobs.queue_url} > /etc/queue-worker.env",
        "systemctl enable --now queue-worker",
    )
    template = ec2.LaunchTemplate(
        stack,
        "WorkerTemplate",
        machine_image=ec2.MachineImage.latest_amazon_linux2023(),
        instance_type=ec2.InstanceType("t3.micro"),
        role=role,
        security_group=workers,
        user_data=user_data,
        require_imdsv2=True,
        instance_metadata_tags=True,
        detailed_monitoring=True,
        associate_public_ip_address=False,
        block_devices=[
            ec2.BlockDevice(
                device_name="/dev/xvda",
                volume=ec2.BlockDeviceVolume.ebs(
                    8, encrypted=True, volume_type=ec2.EbsDeviceVolumeType.GP3
                ),
            )
        ],
    )
    group = autoscaling.AutoScalingGroup(
        stack,
        "Workers",
        vpc=vpc,
        launch_template=template,
        min_capacity=0,
        max_capacity=20,
        group_metrics=[autoscaling.GroupMetrics.all()],
        default_instance_warmup=Duration.minutes(3),
        notifications=[autoscaling.NotificationConfiguration(topic=topic)],
    )
    autoscaling.LifecycleHook(
        stack,
        "DrainHook",
        auto_scaling_group=group,
        lifecycle_transition=autoscaling.LifecycleTransition.INSTANCE_TERMINATING,
        lifecycle_hook_name="queue-worker-drain",
        heartbeat_timeout=Duration.minutes(5),
        default_result=autoscaling.DefaultResult.CONTINUE,
    )
    iam.Policy(
        stack,
        "DrainPolicy",
        roles=[role],
        statements=[
            iam.PolicyStatement(
                actions=["autoscaling:CompleteLifecycleAction"],
                resources=[
                    f"arn:{Aws.PARTITION}:autoscaling:{Aws.REGION}:{Aws.ACCOUNT_ID}:"
                    f"autoScalingGroup:*:autoScalingGroupName/{group.auto_scaling_group_name}"
                ],
            )
        ],
    )
    return group


def _worker_scaling(stack: Stack, group: autoscaling.AutoScalingGroup, jobs: sqs.Queue) -> None:
    P = autoscaling.CfnScalingPolicy
    name = group.auto_scaling_group_name

    def stat(
        query_id: str, namespace: str, metric: str, dimension: str, value: str, stat: str
    ) -> autoscaling.CfnScalingPolicy.TargetTrackingMetricDataQueryProperty:
        return P.TargetTrackingMetricDataQueryProperty(
            id=query_id,
            return_data=False,
            metric_stat=P.TargetTrackingMetricStatProperty(
                stat=stat,
                metric=P.MetricProperty(
                    namespace=namespace,
                    metric_name=metric,
                    dimensions=[P.MetricDimensionProperty(name=dimension, value=value)],
                ),
            ),
        )

    # The work in instances: (sent + visible x 60 / (30 s + 180 s warm-up)) / (60 / 0.25 s).
    needed = "(sent + visible * 60 / 210) / 240"
    # L1: the L2's scale_to_track_metric refuses metric math
    P(
        stack,
        "InstancesNeeded",
        auto_scaling_group_name=name,
        policy_type="TargetTrackingScaling",
        target_tracking_configuration=P.TargetTrackingConfigurationProperty(
            target_value=1,
            disable_scale_in=True,
            customized_metric_specification=P.CustomizedMetricSpecificationProperty(
                metrics=[
                    stat(
                        "sent",
                        "AWS/SQS",
                        "NumberOfMessagesSent",
                        "QueueName",
                        jobs.queue_name,
                        "Sum",
                    ),
                    stat(
                        "visible",
                        "AWS/SQS",
                        "ApproximateNumberOfMessagesVisible",
                        "QueueName",
                        jobs.queue_name,
                        "Sum",
                    ),
                    stat(
                        "inService",
                        "AWS/AutoScaling",
                        "GroupInServiceInstances",
                        "AutoScalingGroupName",
                        name,
                        "Average",
                    ),
                    P.TargetTrackingMetricDataQueryProperty(
                        id="neededPerInstance",
                        expression=f"{needed} / MAX([inService, 1])",
                        return_data=True,
                    ),
                ]
            ),
        ),
    )

    def work(minutes: int) -> dict[str, cloudwatch.IMetric]:
        period = Duration.minutes(minutes)
        most = "Sum" if minutes == 1 else "Maximum"
        return {
            "sent": jobs.metric_number_of_messages_sent(period=period, statistic=most),
            "visible": jobs.metric_approximate_number_of_messages_visible(
                period=period, statistic=most
            ),
            "inService": cloudwatch.Metric(
                namespace="AWS/AutoScaling",
                metric_name="GroupInServiceInstances",
                dimensions_map={"AutoScalingGroupName": name},
                period=period,
                statistic="Average" if minutes == 1 else "Minimum",
            ),
        }

    set_capacity = autoscaling.StepScalingAction(
        stack, "SetCapacity", auto_scaling_group=group,
        adjustment_type=autoscaling.AdjustmentType.EXACT_CAPACITY,
    )  # fmt: skip
    for n in range(1, 21):
        set_capacity.add_adjustment(
            adjustment=n, lower_bound=n, upper_bound=n + 1 if n < 20 else None
        )
    to_zero = autoscaling.StepScalingAction(
        stack, "ScaleToZero", auto_scaling_group=group,
        adjustment_type=autoscaling.AdjustmentType.EXACT_CAPACITY,
    )  # fmt: skip
    to_zero.add_adjustment(adjustment=0, lower_bound=0)
    age = autoscaling.StepScalingAction(
        stack, "MessageAgeAction", auto_scaling_group=group,
        adjustment_type=autoscaling.AdjustmentType.CHANGE_IN_CAPACITY,
    )  # fmt: skip
    age.add_adjustment(adjustment=1, lower_bound=0)
    for alarm_id, expression, minutes, threshold, periods, action in (
        ("ScaleFromZero", f"IF(inService == 0 AND ({needed}) > 0, CEIL({needed}), -1)", 1, 0, 1,
         set_capacity),
        ("ScaleIn", f"IF(inService - ({needed}) >= 1 AND inService > 1, "
         f"IF(({needed}) > 1, CEIL({needed}), 1), -1)", 5, 0, 1, set_capacity),
        ("ScaleToZero", f"IF(inService > 0 AND ({needed}) == 0, 1, 0)", 1, 1, 15, to_zero),
    ):  # fmt: skip
        cloudwatch.Alarm(
            stack,
            f"{alarm_id}Alarm",
            metric=cloudwatch.MathExpression(
                expression=expression,
                using_metrics=work(minutes),
                period=Duration.minutes(minutes),
            ),
            threshold=threshold,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=periods,
        ).add_alarm_action(actions.AutoScalingAction(action))
    cloudwatch.Alarm(
        stack,
        "MessageAgeAlarm",
        metric=jobs.metric_approximate_age_of_oldest_message(period=Duration.minutes(1)),
        threshold=300,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluation_periods=3,
    ).add_alarm_action(actions.AutoScalingAction(age))


def ordered_processing(stack: Stack) -> None:
    key = kms.Key(stack, "PaymentsKey", enable_key_rotation=True)
    payments = queue_with_dlq(
        stack,
        "Payments",
        fifo=True,
        key=key,
        queue_name="payments.fifo",
        content_based_deduplication=True,
        deduplication_scope=sqs.DeduplicationScope.MESSAGE_GROUP,
        fifo_throughput_limit=sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID,
        visibility_timeout=Duration.minutes(1),
    )
    log_group = logs.LogGroup(
        stack,
        "PaymentsLogs",
        retention=logs.RetentionDays.ONE_MONTH,
        removal_policy=RemovalPolicy.DESTROY,
    )
    role = iam.Role(stack, "PaymentsRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    log_group.grant_write(role)
    layer = lambda_.LayerVersion.from_layer_version_arn(
        stack,
        "Powertools",
        ssm.StringParameter.value_for_string_parameter(
            stack, "/aws/service/powertools/python/x86_64/python3.14/3.37.0"
        ),
    )
    handler = lambda_.Function(
        stack,
        "PaymentsHandler",
        runtime=lambda_.Runtime.PYTHON_3_14,
        handler="index.handler",
        code=lambda_.Code.from_asset(str(HANDLERS_DIR / "payments"), exclude=ASSET_EXCLUDES),
        layers=[layer],
        timeout=Duration.seconds(10),
        memory_size=256,
        role=role,
        log_group=log_group,
        environment={"POWERTOOLS_SERVICE_NAME": "payments"},
    )
    source = event_sources.SqsEventSource(
        payments,
        batch_size=10,
        max_concurrency=5,
        report_batch_item_failures=True,
        metrics_config=lambda_.MetricsConfig(metrics=[lambda_.MetricType.EVENT_COUNT]),
    )
    handler.add_event_source(source)
    for alarm_id, metric in (
        ("Errors", handler.metric_errors(period=Duration.minutes(1))),
        ("Throttles", handler.metric_throttles(period=Duration.minutes(1))),
    ):
        cloudwatch.Alarm(
            stack,
            f"Payments{alarm_id}Alarm",
            metric=metric,
            threshold=0,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=1,
        )
    minute = Duration.minutes(1)
    dashboard(
        stack,
        [payments],
        [
            (
                "Function errors and throttles",
                [
                    handler.metric_errors(period=minute, statistic="Sum"),
                    handler.metric_throttles(period=minute, statistic="Sum"),
                ],
            ),
            (
                "Concurrent executions",
                [handler.metric("ConcurrentExecutions", period=minute, statistic="Maximum")],
            ),
            (
                "Event-source mapping: messages (EventCount)",
                [
                    cloudwatch.Metric(
                        namespace="AWS/Lambda",
                        metric_name=f"{stage}EventCount",
                        dimensions_map={"EventSourceMappingUUID": source.event_source_mapping_id},
                        period=minute,
                        statistic="Sum",
                    )
                    for stage in ("Polled", "FilteredOut", "Invoked", "FailedInvoke", "Deleted")
                ],
            ),
        ],
    )


#: Plain twin of each example stack, by stack name.
PLAIN_STACKS: dict[str, Callable[[Stack], None]] = {
    "Buffering": buffering,
    "OrderedProcessing": ordered_processing,
    "Decoupling": decoupling,
    "ServerlessWorkflow": serverless_workflow,
}
