"""`QueueWorkerFleet`: EC2 Auto Scaling workers that consume a queue.

The instances run the library's worker (`constructs_lib/runtime/worker.py`),
shipped as an S3 asset and started by systemd; the group scales on the
queue's backlog per instance, following AWS's guide "Scaling policy based on
Amazon SQS".
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from pathlib import Path

from aws_cdk import (
    Acknowledgment,
    Annotations,
    ArnFormat,
    Duration,
    Stack,
    Token,
    Validations,
)
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cloudwatch_actions
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3_assets as s3_assets
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from constructs_lib import defaults
from constructs_lib._alarm_topics import (
    allow_alarms,
    allow_auto_scaling_notifications,
    check_notification_topic,
)
from constructs_lib._queues import ConsumedQueue, consumed_queue
from constructs_lib._sources import queue_location, refuse_queue_location
from constructs_lib._validation import OptionValidator, number, seconds_of
from constructs_lib.runtime.worker_settings import HANDLER_SPEC, WorkerSettings
from constructs_lib.scaling import (
    BACKLOG_PER_INSTANCE_EXPRESSION,
    SCALE_FROM_ZERO_EXPRESSION,
    age_alarm_datapoints,
    backlog_per_instance_target,
)
from constructs_lib.secure_queue import SecureQueue
from constructs_lib.stack_limits import register_pattern

#: The folder whose worker is shipped to every instance (nothing else of it).
WORKER_CODE_DIR = Path(__file__).resolve().parent / "runtime"
#: The folder holds other runtime tools too (the DLQ redrive): ship the
#: worker and the settings it shares with this construct, nothing else.
WORKER_CODE_EXCLUDES = ["*", "!worker.py", "!worker_settings.py"]
#: Where the user data unpacks the worker and the handler on the instance.
INSTANCE_WORKER_DIR = "/opt/queue-worker"
INSTANCE_HANDLER_DIR = "/opt/queue-worker/handler"
#: The lifecycle hook's name; fixed because the instances' user data names it
#: and a generated name would make the launch template depend on the group.
DRAIN_HOOK_NAME = "queue-worker-drain"
#: CloudWatch evaluates one-minute alarms over at most a day.
MAX_AGE_ALARM_PERIODS = 1_440
#: Files an asset folder must not carry (they change the asset hash).
ASSET_EXCLUDES = ["__pycache__", "*.pyc", ".pytest_cache"]


#: Why a queue of another account or region is refused: the worker could poll it,
#: but the fleet's scaling could not see it.
_METRICS_ELSEWHERE = (
    "the fleet scales on the queue's AWS/SQS metrics, which CloudWatch keeps in the "
    "queue's own account and region; this stack's alarms and scaling policies would "
    "never see them and the fleet would never scale. Deploy the fleet there"
)


class WorkerScaling(enum.Enum):
    """How the fleet follows the queue."""

    #: Target tracking on visible messages / in-service instances (AWS's
    #: recommendation): target = acceptable latency / average processing time.
    BACKLOG_PER_INSTANCE = "backlog-per-instance"
    #: Step scaling on the number of visible messages (``queue_depth_steps``).
    QUEUE_DEPTH_STEPS = "queue-depth-steps"


class QueueWorkerFleet(Construct):
    """An Auto Scaling group of workers that consume one queue.

    What it creates (child ids are part of the contract):

    - ``SecurityGroup``: no inbound rule at all; outbound HTTPS only (SQS,
      S3, Auto Scaling APIs — directly or through VPC endpoints);
    - ``InstanceRole``: may consume this queue only (``grant_consume_messages``,
      plus ``kms:Decrypt`` on its key when it has a customer-managed one),
      read the worker's code assets, and complete the drain lifecycle action
      of its own group (``DrainPolicy``);
    - ``WorkerCode`` (and ``HandlerCode`` when ``handler_code_path`` is given):
      S3 assets the user data downloads and unpacks into ``/opt/queue-worker``;
    - ``LaunchTemplate``: the latest Amazon Linux 2023 AMI (resolved from its
      public SSM parameter at deploy time), IMDSv2 required, instance
      metadata tags on (the worker reads its group's name from them, the
      ``aws:autoscaling:groupName`` tag, through IMDSv2),
      detailed monitoring, an encrypted gp3 root volume, no key pair, no
      public IP; its user data installs boto3, unpacks the code, writes
      ``worker_settings`` (a `WorkerSettings`, the one object both sides
      share) as the environment file and starts the worker as a systemd
      service (``queue-worker``) with a dynamic, unprivileged user;
    - ``AutoScalingGroup``: ``min_capacity``..``max_capacity``, all group
      metrics enabled (the scaling math needs ``GroupInServiceInstances``),
      default instance warm-up ``instance_warmup``, notifications to
      ``notifications_topic``;
    - ``DrainHook``: an ``INSTANCE_TERMINATING`` lifecycle hook: on scale-in
      the worker sees its target lifecycle state turn ``Terminated``, stops
      receiving, finishes its in-flight messages, returns the unstarted ones
      and completes the action; after ``drain_timeout`` the instance goes
      anyway (messages still in flight then reappear after their visibility
      timeout: delayed, not lost);
    - scaling, per ``scaling``:

      - ``BACKLOG_PER_INSTANCE`` (default) -> ``BacklogPerInstanceScaling``, a
        target-tracking policy on the metric-math expression
        ``visible / max(inService, 1)`` with target ``acceptable_latency /
        average_processing_time`` (L1: the L2 accepts no metric math);
      - ``QUEUE_DEPTH_STEPS`` -> ``QueueDepthScaling``, step scaling on
        ``ApproximateNumberOfMessagesVisible`` with ``queue_depth_steps``;

    - ``ScaleFromZero`` + ``ScaleFromZeroAlarm`` when ``min_capacity`` is 0:
      +1 instance when messages wait and no instance is in service (target
      tracking multiplies the current capacity, so it never leaves 0 alone);
    - ``MessageAgeScaleOut`` + ``MessageAgeAlarm``: +1 instance while the
      oldest message is older than ``message_age_scale_out_threshold`` for
      ``message_age_datapoints`` minutes running: one more than a single
      poison message can hold the age there (AWS stops counting a
      standard-queue message at its third receive; FIFO counts it until the
      DLQ), so one bad message adds no worker (`scaling.age_alarm_datapoints`).

    The queue's own alarms are the `SecureQueue`'s; ``alarm_topic`` receives
    the message-age alarm too.

    Example::

        jobs = SecureQueue(self, "Jobs", visibility_timeout=Duration.minutes(5))
        QueueWorkerFleet(
            self, "Workers", queue=jobs, vpc=vpc,
            handler="jobs_handler:handle", handler_code_path="workers/jobs",
            acceptable_latency=Duration.seconds(30),
            average_processing_time=Duration.millis(250),   # target 120
            max_capacity=20, notifications_topic=ops_topic,
        )

    :param queue: a `SecureQueue` or any ``sqs.IQueue``.
    :param vpc: where the instances run.
    :param handler: the message handler, ``"module:function"``; called with
        one ``WorkerMessage`` per message, raising means failed.
    :param handler_code_path: a local folder holding the handler's module,
        shipped as an asset; default none (the module is already on the AMI).
    :param vpc_subnets: default CDK's choice: private subnets with egress,
        else isolated ones.
    :param instance_type: default ``defaults.WORKER_INSTANCE_TYPE`` (t3.micro).
    :param machine_image: default the latest Amazon Linux 2023.
    :param min_capacity: default ``defaults.WORKER_MIN_CAPACITY`` (0).
    :param max_capacity: default ``defaults.WORKER_MAX_CAPACITY`` (10).
    :param scaling: default ``WorkerScaling.BACKLOG_PER_INSTANCE``.
    :param acceptable_latency: how long a message may wait; default
        ``defaults.WORKER_ACCEPTABLE_LATENCY`` (10 s).
    :param average_processing_time: per message; default
        ``defaults.WORKER_AVERAGE_PROCESSING_TIME`` (100 ms) -> target 100.
    :param queue_depth_steps: for ``QUEUE_DEPTH_STEPS`` only; default
        ``defaults.WORKER_QUEUE_DEPTH_STEPS`` (below 1 -> -1, from 100 -> +1,
        from 500 -> +3).
    :param message_age_scale_out_threshold: whole seconds; default
        ``defaults.WORKER_MESSAGE_AGE_SCALE_OUT_THRESHOLD`` (5 min).
    :param instance_warmup: whole seconds; default ``defaults.WORKER_INSTANCE_WARMUP`` (3 min).
    :param new_instances_protected_from_scale_in: default False. True keeps
        every new instance out of scale-in until you remove its protection.
    :param drain_timeout: default ``defaults.WORKER_DRAIN_TIMEOUT`` (5 min); 30 s..2 h.
    :param worker_batch_size: messages per receive; default 10; 1..10.
    :param worker_concurrency: handler threads per instance; default 10.
    :param heartbeat_visibility: default ``defaults.WORKER_HEARTBEAT_VISIBILITY`` (60 s).
    :param notifications_topic: Auto Scaling launch/terminate notifications;
        default none. An encrypted topic of this app gets a key-policy statement
        for Auto Scaling's service-linked role (by ``aws:PrincipalArn``, see
        `AlarmTopic`); an imported one a warning.
    :param alarm_topic: receives the message-age alarm; default none. Made able
        to receive it as `SecureQueue` does with its ``alarm_topic``.
    :raises ConstructOptionError: for any invalid option, all listed together.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        queue: SecureQueue | sqs.IQueue,
        vpc: ec2.IVpc,
        handler: str,
        handler_code_path: str | None = None,
        vpc_subnets: ec2.SubnetSelection | None = None,
        instance_type: ec2.InstanceType | None = None,
        machine_image: ec2.IMachineImage | None = None,
        min_capacity: int = defaults.WORKER_MIN_CAPACITY,
        max_capacity: int = defaults.WORKER_MAX_CAPACITY,
        scaling: WorkerScaling = WorkerScaling.BACKLOG_PER_INSTANCE,
        acceptable_latency: Duration = defaults.WORKER_ACCEPTABLE_LATENCY,
        average_processing_time: Duration = defaults.WORKER_AVERAGE_PROCESSING_TIME,
        queue_depth_steps: Sequence[autoscaling.ScalingInterval] | None = None,
        message_age_scale_out_threshold: Duration = (
            defaults.WORKER_MESSAGE_AGE_SCALE_OUT_THRESHOLD
        ),
        instance_warmup: Duration = defaults.WORKER_INSTANCE_WARMUP,
        new_instances_protected_from_scale_in: bool = False,
        drain_timeout: Duration = defaults.WORKER_DRAIN_TIMEOUT,
        worker_batch_size: int = defaults.WORKER_RECEIVE_BATCH_SIZE,
        worker_concurrency: int = defaults.WORKER_CONCURRENCY,
        heartbeat_visibility: Duration = defaults.WORKER_HEARTBEAT_VISIBILITY,
        notifications_topic: sns.ITopic | None = None,
        alarm_topic: sns.ITopic | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        register_pattern(self)  # counted in the stack's resource-quota check
        source = consumed_queue(queue)
        self._validate(
            handler=handler,
            handler_code_path=handler_code_path,
            min_capacity=min_capacity,
            max_capacity=max_capacity,
            scaling=scaling,
            acceptable_latency=acceptable_latency,
            average_processing_time=average_processing_time,
            queue_depth_steps=queue_depth_steps,
            message_age_scale_out_threshold=message_age_scale_out_threshold,
            instance_warmup=instance_warmup,
            drain_timeout=drain_timeout,
            worker_batch_size=worker_batch_size,
            worker_concurrency=worker_concurrency,
            heartbeat_visibility=heartbeat_visibility,
        )
        wiring = OptionValidator(self)
        check_notification_topic(wiring, "notifications_topic", notifications_topic)
        check_notification_topic(wiring, "alarm_topic", alarm_topic)
        refuse_queue_location(
            wiring,
            "queue",
            source.queue,
            queue_location(self, source.queue),
            other_account=_METRICS_ELSEWHERE,
            other_region=_METRICS_ELSEWHERE,
        )
        wiring.raise_if_any()
        self.queue: sqs.IQueue = source.queue
        self.scaling: WorkerScaling = scaling

        self.security_group: ec2.SecurityGroup = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=vpc,
            description=f"{self.node.path}: no inbound; HTTPS out to AWS APIs",
            allow_all_outbound=False,
        )
        self.security_group.add_egress_rule(
            ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "HTTPS to SQS, S3 and Auto Scaling"
        )

        self.role: iam.Role = iam.Role(
            self,
            "InstanceRole",
            assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
            description=f"Workers of {self.node.path}: consume one queue, nothing else",
        )
        source.queue.grant_consume_messages(self.role)

        self.worker_code: s3_assets.Asset = s3_assets.Asset(
            self, "WorkerCode", path=str(WORKER_CODE_DIR), exclude=WORKER_CODE_EXCLUDES
        )
        self.handler_code: s3_assets.Asset | None = None
        if handler_code_path is not None:
            self.handler_code = s3_assets.Asset(
                self, "HandlerCode", path=handler_code_path, exclude=ASSET_EXCLUDES
            )
        # Not Asset.grant_read: that allows s3:GetObject*/List* on the whole
        # assets bucket; the instances need exactly their own objects.
        self.role.add_to_principal_policy(
            iam.PolicyStatement(
                actions=["s3:GetObject"],
                resources=[
                    asset.bucket.arn_for_objects(asset.s3_object_key)
                    for asset in (self.worker_code, self.handler_code)
                    if asset is not None
                ],
            )
        )

        visibility = source.visibility_timeout_seconds
        # The group's name is not among the settings: the group is built from
        # the launch template that holds them, so naming it would be a cycle;
        # the worker reads it from the instance metadata tags.
        self.worker_settings: WorkerSettings = WorkerSettings(
            queue_url=self.queue.queue_url,
            handler=handler,
            region=Stack.of(self).region,
            handler_path=(INSTANCE_HANDLER_DIR,),
            batch_size=worker_batch_size,
            concurrency=worker_concurrency,
            visibility_timeout_seconds=int(visibility) if visibility is not None else None,
            heartbeat_visibility_seconds=int(heartbeat_visibility.to_seconds()),
            lifecycle_hook_name=DRAIN_HOOK_NAME,
        )
        self.user_data: ec2.UserData = self._user_data(drain_timeout)
        self.launch_template: ec2.LaunchTemplate = ec2.LaunchTemplate(
            self,
            "LaunchTemplate",
            machine_image=machine_image or ec2.MachineImage.latest_amazon_linux2023(),
            instance_type=instance_type or ec2.InstanceType(defaults.WORKER_INSTANCE_TYPE),
            role=self.role,
            security_group=self.security_group,
            user_data=self.user_data,
            require_imdsv2=True,
            instance_metadata_tags=True,
            detailed_monitoring=True,
            associate_public_ip_address=False,
            block_devices=[
                ec2.BlockDevice(
                    device_name="/dev/xvda",
                    volume=ec2.BlockDeviceVolume.ebs(
                        defaults.WORKER_ROOT_VOLUME_SIZE_GIB,
                        encrypted=True,
                        volume_type=ec2.EbsDeviceVolumeType.GP3,
                        delete_on_termination=True,
                    ),
                )
            ],
        )
        self.auto_scaling_group: autoscaling.AutoScalingGroup = autoscaling.AutoScalingGroup(
            self,
            "AutoScalingGroup",
            vpc=vpc,
            vpc_subnets=vpc_subnets,
            launch_template=self.launch_template,
            min_capacity=min_capacity,
            max_capacity=max_capacity,
            group_metrics=[autoscaling.GroupMetrics.all()],
            default_instance_warmup=instance_warmup,
            new_instances_protected_from_scale_in=new_instances_protected_from_scale_in or None,
            notifications=(
                [autoscaling.NotificationConfiguration(topic=notifications_topic)]
                if notifications_topic is not None
                else None
            ),
        )
        if notifications_topic is not None:
            allow_auto_scaling_notifications(self, notifications_topic)
        else:
            Annotations.of(self).add_warning_v2(
                "constructs_lib:QueueWorkerFleet:NoNotifications",
                "no notifications_topic: launches, terminations and failed launches of "
                "the workers are not notified.",
            )
        self.drain_hook: autoscaling.LifecycleHook = autoscaling.LifecycleHook(
            self,
            "DrainHook",
            auto_scaling_group=self.auto_scaling_group,
            lifecycle_transition=autoscaling.LifecycleTransition.INSTANCE_TERMINATING,
            lifecycle_hook_name=DRAIN_HOOK_NAME,
            heartbeat_timeout=drain_timeout,
            default_result=autoscaling.DefaultResult.CONTINUE,
        )
        # A policy of its own, not the role's default one: it names the group,
        # and the group (through its launch template) already needs the role.
        # The group's ARN holds an id AWS generates (no GetAtt gives it): the
        # name pins the resource to this group, the id stays a wildcard.
        group_arn = Stack.of(self).format_arn(
            service="autoscaling",
            resource="autoScalingGroup",
            resource_name=(
                f"*:autoScalingGroupName/{self.auto_scaling_group.auto_scaling_group_name}"
            ),
            arn_format=ArnFormat.COLON_RESOURCE_NAME,
        )
        # A policy of its own, not the role's default one: it names the group,
        # and the group (through its launch template) already needs the role.
        self.drain_policy: iam.Policy = iam.Policy(
            self,
            "DrainPolicy",
            roles=[self.role],
            statements=[
                iam.PolicyStatement(
                    actions=["autoscaling:CompleteLifecycleAction"], resources=[group_arn]
                )
            ],
        )
        _acknowledge_nag_finding(
            self,
            self.drain_policy,
            f"AwsSolutions-IAM5[Resource::{_nag_rendering(self, group_arn)}]",
            "The one wildcard is the group's id, which AWS generates and no attribute "
            "returns; the group's name pins the resource to this fleet's own group.",
        )

        self.backlog_target: float = backlog_per_instance_target(
            _fractional_seconds(acceptable_latency) or 0,
            _fractional_seconds(average_processing_time) or 0,
        )
        self.backlog_scaling_policy: autoscaling.CfnScalingPolicy | None = None
        self.queue_depth_scaling: autoscaling.StepScalingPolicy | None = None
        if scaling is WorkerScaling.BACKLOG_PER_INSTANCE:
            self.backlog_scaling_policy = self._backlog_policy()
        else:
            self.queue_depth_scaling = self.auto_scaling_group.scale_on_metric(
                "QueueDepthScaling",
                metric=source.queue.metric_approximate_number_of_messages_visible(
                    period=defaults.ALARM_PERIOD, statistic=cloudwatch.Stats.MAXIMUM
                ),
                scaling_steps=list(queue_depth_steps or _default_steps()),
                adjustment_type=autoscaling.AdjustmentType.CHANGE_IN_CAPACITY,
            )

        self.scale_from_zero_alarm: cloudwatch.Alarm | None = None
        if min_capacity == 0:
            self.scale_from_zero_alarm = self._scale_from_zero()

        age_action = autoscaling.StepScalingAction(
            self,
            "MessageAgeScaleOut",
            auto_scaling_group=self.auto_scaling_group,
            adjustment_type=autoscaling.AdjustmentType.CHANGE_IN_CAPACITY,
            metric_aggregation_type=autoscaling.MetricAggregationType.MAXIMUM,
        )
        age_action.add_adjustment(adjustment=1, lower_bound=0)
        #: Consecutive one-minute periods the age must stay above the
        #: threshold: more than one poison message can hold it there.
        self.message_age_datapoints: int = self._message_age_datapoints(
            source, message_age_scale_out_threshold
        )
        sustained = (
            f" for {self.message_age_datapoints} minutes running"
            if self.message_age_datapoints > 1
            else ""
        )
        self.message_age_alarm: cloudwatch.Alarm = cloudwatch.Alarm(
            self,
            "MessageAgeAlarm",
            alarm_description=(
                f"{self.node.path}: the oldest message is older than "
                f"{message_age_scale_out_threshold.to_human_string()}{sustained}; "
                "adding a worker."
            ),
            metric=source.queue.metric_approximate_age_of_oldest_message(
                period=defaults.ALARM_PERIOD, statistic=cloudwatch.Stats.MAXIMUM
            ),
            threshold=message_age_scale_out_threshold.to_seconds(),
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=self.message_age_datapoints,
            datapoints_to_alarm=(
                self.message_age_datapoints if self.message_age_datapoints > 1 else None
            ),
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        self.message_age_alarm.add_alarm_action(cloudwatch_actions.AutoScalingAction(age_action))
        if alarm_topic is not None:
            allow_alarms(self, alarm_topic)
            self.message_age_alarm.add_alarm_action(cloudwatch_actions.SnsAction(alarm_topic))

    # --- internals -----------------------------------------------------------

    def _message_age_datapoints(self, source: ConsumedQueue, threshold: Duration) -> int:
        """How long the age alarm waits so that one poison message adds no worker.

        See `constructs_lib.scaling.age_alarm_datapoints` for AWS's rules. A
        queue whose visibility timeout or redrive is unknown here (imported)
        keeps one period, with a warning.
        """
        known, max_receive_count = _redrive_of(source.queue)
        visibility = source.visibility_timeout_seconds
        threshold_seconds = seconds_of(threshold)
        if not known or visibility is None or threshold_seconds is None:
            Annotations.of(self).add_warning_v2(
                "constructs_lib:QueueWorkerFleet:AgeAlarmPoisonUnknown",
                "the queue's visibility timeout or redrive policy is unknown at synth: "
                "the message-age scale-out fires after one minute above the threshold, "
                "so one poison message can add workers (see the README, "
                "'One poison message').",
            )
            return 1
        needed = age_alarm_datapoints(
            visibility_timeout_seconds=visibility,
            max_receive_count=max_receive_count,
            fifo=source.fifo,
            threshold_seconds=threshold_seconds,
            period_seconds=int(defaults.ALARM_PERIOD.to_seconds()),
        )
        if math.isinf(needed):
            Annotations.of(self).add_warning_v2(
                "constructs_lib:QueueWorkerFleet:FifoWithoutDeadLetterQueue",
                "a FIFO queue without a dead-letter queue: one poison message blocks its "
                "group and keeps the oldest message's age rising, and the message-age "
                "scale-out adds a worker every warm-up up to max_capacity.",
            )
            return 1
        self._check_age_alarm_range(int(needed), visibility, max_receive_count, threshold_seconds)
        return int(needed)

    def _check_age_alarm_range(
        self, needed: int, visibility: float, max_receive_count: int | None, threshold: float
    ) -> None:
        v = OptionValidator(self)
        v.check(
            needed <= MAX_AGE_ALARM_PERIODS,
            "message_age_scale_out_threshold",
            f"{number(threshold)} seconds",
            f"is too low for a {number(visibility)}-second visibility timeout and "
            f"{max_receive_count} receives: one poison message would keep the age above it "
            f"for {needed - 2} minutes, longer than CloudWatch's one-day evaluation range",
        )
        v.raise_if_any()

    def _metric_queries(self) -> tuple[cloudwatch.Metric, cloudwatch.Metric]:
        visible = self.queue.metric_approximate_number_of_messages_visible(
            period=defaults.ALARM_PERIOD, statistic=cloudwatch.Stats.SUM
        )
        in_service = cloudwatch.Metric(
            namespace="AWS/AutoScaling",
            metric_name="GroupInServiceInstances",
            dimensions_map={
                "AutoScalingGroupName": self.auto_scaling_group.auto_scaling_group_name
            },
            period=defaults.ALARM_PERIOD,
            statistic=cloudwatch.Stats.AVERAGE,
        )
        return visible, in_service

    def _backlog_policy(self) -> autoscaling.CfnScalingPolicy:
        P = autoscaling.CfnScalingPolicy

        def stat(
            query_id: str, namespace: str, name: str, dims: dict[str, str], s: str
        ) -> autoscaling.CfnScalingPolicy.TargetTrackingMetricDataQueryProperty:
            return P.TargetTrackingMetricDataQueryProperty(
                id=query_id,
                return_data=False,
                metric_stat=P.TargetTrackingMetricStatProperty(
                    stat=s,
                    metric=P.MetricProperty(
                        namespace=namespace,
                        metric_name=name,
                        dimensions=[
                            P.MetricDimensionProperty(name=k, value=v) for k, v in dims.items()
                        ],
                    ),
                ),
            )

        # L1: the L2's scale_to_track_metric refuses metric math (FACTS.md).
        return P(
            self,
            "BacklogPerInstanceScaling",
            auto_scaling_group_name=self.auto_scaling_group.auto_scaling_group_name,
            policy_type="TargetTrackingScaling",
            target_tracking_configuration=P.TargetTrackingConfigurationProperty(
                target_value=self.backlog_target,
                customized_metric_specification=P.CustomizedMetricSpecificationProperty(
                    metrics=[
                        stat(
                            "visible",
                            "AWS/SQS",
                            "ApproximateNumberOfMessagesVisible",
                            {"QueueName": self.queue.queue_name},
                            "Sum",
                        ),
                        stat(
                            "inService",
                            "AWS/AutoScaling",
                            "GroupInServiceInstances",
                            {
                                "AutoScalingGroupName": (
                                    self.auto_scaling_group.auto_scaling_group_name
                                )
                            },
                            "Average",
                        ),
                        P.TargetTrackingMetricDataQueryProperty(
                            id="backlogPerInstance",
                            label="Visible messages per in-service instance",
                            # max(inService, 1): no division by zero when idle
                            expression=BACKLOG_PER_INSTANCE_EXPRESSION,
                            return_data=True,
                        ),
                    ]
                ),
            ),
        )

    def _scale_from_zero(self) -> cloudwatch.Alarm:
        visible, in_service = self._metric_queries()
        action = autoscaling.StepScalingAction(
            self,
            "ScaleFromZero",
            auto_scaling_group=self.auto_scaling_group,
            adjustment_type=autoscaling.AdjustmentType.CHANGE_IN_CAPACITY,
            metric_aggregation_type=autoscaling.MetricAggregationType.MAXIMUM,
        )
        # Repeated breaches within one step make one scaling activity while
        # the new instance warms up, so +1 is not applied again and again.
        action.add_adjustment(adjustment=1, lower_bound=0)
        alarm = cloudwatch.Alarm(
            self,
            "ScaleFromZeroAlarm",
            alarm_description=(
                f"{self.node.path}: messages wait and no worker is in service; adding one."
            ),
            metric=cloudwatch.MathExpression(
                expression=SCALE_FROM_ZERO_EXPRESSION,
                using_metrics={"visible": visible, "inService": in_service},
                label="Messages wait and no worker is in service",
                period=defaults.ALARM_PERIOD,
            ),
            threshold=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(cloudwatch_actions.AutoScalingAction(action))
        return alarm

    def _user_data(self, drain_timeout: Duration) -> ec2.UserData:
        user_data = ec2.UserData.for_linux()
        user_data.add_commands(
            "set -euo pipefail",
            # boto3 from the distribution's repositories (S3-hosted for AL2023)
            "dnf install -y python3-boto3",
            f"mkdir -p {INSTANCE_HANDLER_DIR}",
        )
        worker_zip = user_data.add_s3_download_command(
            bucket=self.worker_code.bucket,
            bucket_key=self.worker_code.s3_object_key,
            local_file="/tmp/queue-worker.zip",
        )
        user_data.add_commands(f"python3 -m zipfile -e {worker_zip} {INSTANCE_WORKER_DIR}")
        if self.handler_code is not None:
            handler_zip = user_data.add_s3_download_command(
                bucket=self.handler_code.bucket,
                bucket_key=self.handler_code.s3_object_key,
                local_file="/tmp/queue-handler.zip",
            )
            user_data.add_commands(f"python3 -m zipfile -e {handler_zip} {INSTANCE_HANDLER_DIR}")
        env_lines = "\n".join(f"{k}={v}" for k, v in self.worker_settings.to_environment().items())
        # systemd waits for the drain: one long poll (20 s) plus the drain time
        stop_timeout = int(drain_timeout.to_seconds()) + 30
        unit = "\n".join(
            [
                "[Unit]",
                "Description=SQS queue worker (constructs_lib)",
                "Wants=network-online.target",
                "After=network-online.target",
                "[Service]",
                "EnvironmentFile=/etc/queue-worker.env",
                f"ExecStart=/usr/bin/python3 {INSTANCE_WORKER_DIR}/worker.py",
                "DynamicUser=yes",
                "KillSignal=SIGTERM",
                f"TimeoutStopSec={stop_timeout}",
                "Restart=on-failure",
                "RestartSec=5",
                "[Install]",
                "WantedBy=multi-user.target",
            ]
        )
        user_data.add_commands(
            f"cat > /etc/queue-worker.env <<'ENV'\n{env_lines}\nENV",
            f"cat > /etc/systemd/system/queue-worker.service <<'UNIT'\n{unit}\nUNIT",
            "systemctl daemon-reload",
            "systemctl enable --now queue-worker",
        )
        return user_data

    def _validate(
        self,
        *,
        handler: str,
        handler_code_path: str | None,
        min_capacity: int,
        max_capacity: int,
        scaling: WorkerScaling,
        acceptable_latency: Duration,
        average_processing_time: Duration,
        queue_depth_steps: Sequence[autoscaling.ScalingInterval] | None,
        message_age_scale_out_threshold: Duration,
        instance_warmup: Duration,
        drain_timeout: Duration,
        worker_batch_size: int,
        worker_concurrency: int,
        heartbeat_visibility: Duration,
    ) -> None:
        v = OptionValidator(self)
        v.check(
            bool(HANDLER_SPEC.match(handler)),
            "handler",
            handler,
            "must be 'module:function', e.g. 'jobs_handler:handle'",
        )
        if handler_code_path is not None:
            v.check(
                Path(handler_code_path).is_dir(),
                "handler_code_path",
                handler_code_path,
                "must be an existing folder",
            )
        v.int_range("min_capacity", min_capacity, *defaults.WORKER_CAPACITY_RANGE)
        v.int_range("max_capacity", max_capacity, *defaults.WORKER_CAPACITY_RANGE)
        if isinstance(min_capacity, int) and isinstance(max_capacity, int):
            v.check(
                min_capacity <= max_capacity,
                "max_capacity",
                max_capacity,
                f"must be at least min_capacity ({min_capacity})",
            )
            v.check(max_capacity >= 1, "max_capacity", max_capacity, "must be at least 1")
        for option, duration in (
            ("acceptable_latency", acceptable_latency),
            ("average_processing_time", average_processing_time),
            ("message_age_scale_out_threshold", message_age_scale_out_threshold),
        ):
            seconds = _fractional_seconds(duration)
            v.check(
                seconds is None or seconds > 0,
                option,
                f"{number(seconds)} seconds" if seconds is not None else None,
                "must be more than 0 seconds",
            )
        # CloudWatch thresholds and the group's warm-up are whole seconds
        v.whole_seconds("message_age_scale_out_threshold", message_age_scale_out_threshold)
        v.whole_seconds("instance_warmup", instance_warmup)
        if scaling is not WorkerScaling.QUEUE_DEPTH_STEPS:
            v.check(
                queue_depth_steps is None,
                "queue_depth_steps",
                "given",
                f"is used only with scaling=QUEUE_DEPTH_STEPS, not {scaling.name}",
            )
        elif queue_depth_steps is not None:
            v.check(
                len(queue_depth_steps) >= 2,
                "queue_depth_steps",
                f"{len(queue_depth_steps)} step(s)",
                "needs at least 2 steps (one to scale in, one to scale out)",
            )
        v.duration_range(
            "drain_timeout", drain_timeout, *defaults.WORKER_DRAIN_TIMEOUT_RANGE_SECONDS
        )
        v.int_range(
            "worker_batch_size", worker_batch_size, *defaults.WORKER_RECEIVE_BATCH_SIZE_RANGE
        )
        v.check(
            worker_concurrency >= 1, "worker_concurrency", worker_concurrency, "must be at least 1"
        )
        v.duration_range(
            "heartbeat_visibility",
            heartbeat_visibility,
            1,
            defaults.VISIBILITY_TIMEOUT_RANGE_SECONDS[1],
        )
        v.raise_if_any()


def _acknowledge_nag_finding(
    scope: Construct, policy: iam.Policy, rule_id: str, reason: str
) -> None:
    """Acknowledge a cdk-nag finding on ``policy``, or warn where aws-cdk-lib cannot.

    ``rule_id`` is in cdk-nag 3's own form (``AwsSolutions-IAM5[Resource::<arn>]``,
    no ``AwsSolutions::`` namespace), which aws-cdk-lib accepts from 2.252 on as
    long as the ARN holds no ``::``. An env-agnostic stack's ARN does
    (``<AWS::Region>``), and aws-cdk-lib before 2.269 refuses every such id: the
    finding cannot be acknowledged there, so a warning says what to do instead
    of failing the user's synth.
    """
    try:
        Validations.of(policy).acknowledge(Acknowledgment(id=rule_id, reason=reason))
    except RuntimeError as error:
        if "InvalidValidationId" not in str(error):
            raise
        Annotations.of(scope).add_warning_v2(
            "constructs_lib:QueueWorkerFleet:NagFindingNotAcknowledged",
            f"this aws-cdk-lib cannot acknowledge the cdk-nag finding {rule_id} ({reason}) "
            "because the id holds '::'. If you run cdk-nag, give the stack an account and "
            "region, or use aws-cdk-lib 2.269.0 or later.",
        )


def _nag_rendering(scope: Construct, value: str) -> str:
    """A token-bearing string as cdk-nag prints it in a finding's id.

    cdk-nag shows ``Ref``s as ``<LogicalId>`` (pseudo parameters as
    ``<AWS::Region>``) and ``Fn::GetAtt`` as ``<LogicalId.Attribute>``; an
    acknowledgment must repeat that id exactly.
    """

    def render(part: object) -> str:
        if isinstance(part, str):
            return part
        if isinstance(part, dict) and "Ref" in part:
            return f"<{part['Ref']}>"
        if isinstance(part, dict) and "Fn::GetAtt" in part:
            return f"<{'.'.join(part['Fn::GetAtt'])}>"
        if isinstance(part, dict) and "Fn::Join" in part:
            separator, parts = part["Fn::Join"]
            return str(separator).join(render(p) for p in parts)
        raise ValueError(f"cannot render {part!r} as cdk-nag does")

    return render(Stack.of(scope).resolve(value))


def _redrive_of(queue: sqs.IQueue) -> tuple[bool, int | None]:
    """(known, max receive count or None without a DLQ) of the consumed queue.

    A queue built in this app carries its redrive policy in the L2; an
    imported one does not, and then nothing is known.
    """
    if not isinstance(queue, sqs.Queue):
        return False, None
    dead_letter = queue.dead_letter_queue
    if dead_letter is None:
        return True, None
    if Token.is_unresolved(dead_letter.max_receive_count):
        return False, None
    return True, int(dead_letter.max_receive_count)


def _fractional_seconds(duration: Duration) -> float | None:
    """Seconds, millisecond-exact (``to_seconds`` refuses 250 ms); None if a token."""
    if duration.is_unresolved():
        return None
    return duration.to_milliseconds() / 1000


def _default_steps() -> list[autoscaling.ScalingInterval]:
    return [
        autoscaling.ScalingInterval(lower=lower, upper=upper, change=change)
        for lower, upper, change in defaults.WORKER_QUEUE_DEPTH_STEPS
    ]
