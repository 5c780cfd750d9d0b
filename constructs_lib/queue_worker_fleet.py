"""`QueueWorkerFleet`: EC2 Auto Scaling workers that consume a queue.

The instances run the library's worker (`constructs_lib/runtime/worker.py`),
shipped as an S3 asset and started by systemd (`_worker_user_data`); the
group scales on the instances the work needs: what arrives and what waits
(`_fleet_scaling_policies`; AWS's guide's backlog per instance stays selectable).
The options are one `QueueWorkerFleetOptions`, whose rule table needs no Stack.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from aws_cdk import Annotations, ArnFormat, Duration, Stack
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3_assets as s3_assets
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from constructs_lib import _aws, defaults
from constructs_lib._alarm_topics import (
    allow_auto_scaling_notifications,
    check_notification_topic,
    topic_region_problems,
)
from constructs_lib._alarms import notify
from constructs_lib._deprecation import aliases
from constructs_lib._fleet_scaling_policies import (
    ArrivalsAndBacklogPolicies,
    ArrivalsAndBacklogScaling,
    BacklogPerInstanceScaling,
    QueueDepthStepScaling,
    default_queue_depth_steps,
    message_age_datapoints,
    message_age_problems,
    message_age_scale_out,
    scale_from_zero,
)
from constructs_lib._instance_tags import check_instance_tag_keys
from constructs_lib._metrics import QueueMetrics, desired_capacity, in_service_instances
from constructs_lib._monitoring import Graph, PatternView, queue_view
from constructs_lib._nag import acknowledge_nag_finding, nag_rendering
from constructs_lib._queue_facts import QueueFacts
from constructs_lib._queues import AnyQueue, QueueRef
from constructs_lib._sources import refuse_queue_location
from constructs_lib._tree import adopt, path_of
from constructs_lib._validation import (
    OptionRules,
    OptionValidator,
    number,
    options_from,
    seconds_of,
)
from constructs_lib._worker_endpoints import WORKER_VPC_ENDPOINTS, worker_vpc_endpoints
from constructs_lib._worker_user_data import (
    INSTANCE_HANDLER_DIR,
    WORKER_CODE_DIR,
    WORKER_CODE_EXCLUDES,
    worker_user_data,
)
from constructs_lib.errors import OptionProblem
from constructs_lib.fleet_sizing import (
    ARRIVALS_AND_BACKLOG_TARGET,
    BACKLOG_PER_INSTANCE_EXPRESSION,
    SCALE_FROM_ZERO_EXPRESSION,
    backlog_per_instance_target,
    drain_seconds,
    instances_needed_per_instance_expression,
)
from constructs_lib.option_codes import OptionCode
from constructs_lib.runtime.worker_settings import HANDLER_RULE, HANDLER_SPEC, WorkerSettings
from constructs_lib.secure_queue import SecureQueue
from constructs_lib.services.workers import EC2
from constructs_lib.stack_limits import register_pattern

__all__ = [
    "BACKLOG_PER_INSTANCE_EXPRESSION",
    "DRAIN_HOOK_NAME",
    "SCALE_FROM_ZERO_EXPRESSION",
    "WORKER_VPC_ENDPOINTS",
    "FleetScalingPolicy",
    "QueueWorkerFleet",
    "QueueWorkerFleetOptions",
]

#: The lifecycle hook's name; fixed because the instances' user data names it
#: and a generated name would make the launch template depend on the group.
DRAIN_HOOK_NAME = "queue-worker-drain"

#: Names this module had, kept as deprecated aliases (CHANGELOG.md, issue 22):
#: ``WorkerScaling`` chose the fleet's scaling policy, which its new name says.
__getattr__ = aliases(
    __name__,
    {
        "ASSET_EXCLUDES": "constructs_lib.defaults:ASSET_EXCLUDES",
        "WorkerScaling": "constructs_lib.queue_worker_fleet:FleetScalingPolicy",
    },
)

#: Why a queue of another account or region is refused: the worker could poll it,
#: but the fleet's scaling could not see it.
_METRICS_ELSEWHERE = (
    "the fleet scales on the queue's AWS/SQS metrics, which CloudWatch keeps in the "
    "queue's own account and region; this stack's alarms and scaling policies would "
    "never see them and the fleet would never scale. Deploy the fleet there"
)
_BACKLOG_OPTIONS = ("acceptable_latency", "average_processing_time")
#: The modes that take the two options above.
_TRACKING_MODES = ("ARRIVALS_AND_BACKLOG", "BACKLOG_PER_INSTANCE")


class FleetScalingPolicy(enum.Enum):
    """Which scaling policy the fleet follows its queue with (``scaling=``); the
    policies themselves are built by `constructs_lib._fleet_scaling_policies`,
    their arithmetic is `constructs_lib.fleet_sizing`."""

    #: The default: the instances the work needs, from what arrives
    #: (``NumberOfMessagesSent`` x average processing time) and what waits
    #: (the visible backlog, to be gone within acceptable latency + warm-up).
    #: Target tracking scales out to it; ``ExactCapacity`` alarms set it from
    #: zero and in. Holds the latency at steady load without a sawtooth.
    ARRIVALS_AND_BACKLOG = "arrivals-and-backlog"
    #: Target tracking on visible messages / in-service instances (AWS's
    #: guide "Scaling policy based on Amazon SQS"): target = acceptable
    #: latency / average processing time. Measures waiting, not load: a fleet
    #: that keeps up has no backlog and scales in until messages wait again.
    BACKLOG_PER_INSTANCE = "backlog-per-instance"
    #: Step scaling on the number of visible messages (``queue_depth_steps``).
    QUEUE_DEPTH_STEPS = "queue-depth-steps"


if TYPE_CHECKING:
    WorkerScaling = FleetScalingPolicy  # its name until issue 22 (deprecated)


@dataclass(frozen=True)
class QueueWorkerFleetOptions:
    """`QueueWorkerFleet`'s options but what it wires (queue, network, image,
    topics), with its rule table: ``problems`` needs no Stack."""

    handler: str
    handler_code_path: str | None = None
    min_capacity: int = defaults.WORKER_MIN_CAPACITY
    max_capacity: int = defaults.WORKER_MAX_CAPACITY
    scaling: FleetScalingPolicy = FleetScalingPolicy.ARRIVALS_AND_BACKLOG
    acceptable_latency: Duration | None = None
    average_processing_time: Duration | None = None
    queue_depth_steps: Sequence[autoscaling.ScalingInterval] | None = None
    message_age_scale_out_threshold: Duration = defaults.WORKER_MESSAGE_AGE_SCALE_OUT_THRESHOLD
    instance_warmup: Duration = defaults.WORKER_INSTANCE_WARMUP
    new_instances_protected_from_scale_in: bool = False
    drain_timeout: Duration = defaults.WORKER_DRAIN_TIMEOUT
    worker_batch_size: int = defaults.WORKER_RECEIVE_BATCH_SIZE
    worker_concurrency: int = defaults.WORKER_CONCURRENCY
    heartbeat_visibility: Duration = defaults.WORKER_HEARTBEAT_VISIBILITY
    vpc_endpoints: bool = False

    @property
    def latency_seconds(self) -> float:
        """``acceptable_latency`` in seconds (the default if unset)."""
        return seconds_of(self.acceptable_latency or defaults.WORKER_ACCEPTABLE_LATENCY) or 0

    @property
    def processing_seconds(self) -> float:
        """``average_processing_time`` in seconds (the default if unset)."""
        processing = self.average_processing_time or defaults.WORKER_AVERAGE_PROCESSING_TIME
        return seconds_of(processing) or 0

    @property
    def backlog_target(self) -> float:
        """Acceptable backlog per instance: latency / processing time (defaults if unset)."""
        return backlog_per_instance_target(self.latency_seconds, self.processing_seconds)

    @property
    def scaling_mode(
        self,
    ) -> ArrivalsAndBacklogScaling | BacklogPerInstanceScaling | QueueDepthStepScaling:
        if self.scaling is FleetScalingPolicy.ARRIVALS_AND_BACKLOG:
            warmup = seconds_of(self.instance_warmup) or 0
            return ArrivalsAndBacklogScaling(self.latency_seconds, self.processing_seconds, warmup)
        if self.scaling is FleetScalingPolicy.BACKLOG_PER_INSTANCE:
            return BacklogPerInstanceScaling(self.backlog_target)
        return QueueDepthStepScaling(self.queue_depth_steps or default_queue_depth_steps())

    def problems(self) -> list[OptionProblem]:
        v = OptionRules()
        v.check(
            bool(HANDLER_SPEC.match(self.handler)),
            "handler",
            self.handler,
            HANDLER_RULE,
            code=OptionCode.FLEET_HANDLER_SPEC,
        )
        if self.handler_code_path is not None:
            v.check(
                Path(self.handler_code_path).is_dir(),
                "handler_code_path",
                self.handler_code_path,
                "must be an existing folder",
                code=OptionCode.FLEET_HANDLER_CODE_PATH_MISSING,
            )
        self._check_capacity(v)
        self._check_scaling(v)
        v.duration_range(
            "drain_timeout",
            self.drain_timeout,
            *_aws.AUTOSCALING_LIFECYCLE_HEARTBEAT_RANGE_SECONDS,
            code=OptionCode.FLEET_DRAIN_TIMEOUT_OUT_OF_RANGE,
        )
        v.int_range(
            "worker_batch_size",
            self.worker_batch_size,
            *_aws.SQS_RECEIVE_BATCH_SIZE_RANGE,
            code=OptionCode.FLEET_WORKER_BATCH_SIZE_OUT_OF_RANGE,
        )
        v.check(
            self.worker_concurrency >= 1,
            "worker_concurrency",
            self.worker_concurrency,
            "must be at least 1",
            code=OptionCode.FLEET_WORKER_CONCURRENCY_BELOW_ONE,
        )
        v.duration_range(
            "heartbeat_visibility",
            self.heartbeat_visibility,
            *defaults.WORKER_HEARTBEAT_VISIBILITY_RANGE_SECONDS,
            code=OptionCode.FLEET_HEARTBEAT_VISIBILITY_OUT_OF_RANGE,
        )
        return v.problems

    def _check_capacity(self, v: OptionRules) -> None:
        low, high = self.min_capacity, self.max_capacity
        for option, value in (("min_capacity", low), ("max_capacity", high)):
            v.int_range(
                option,
                value,
                *defaults.WORKER_CAPACITY_RANGE,
                code=OptionCode.FLEET_CAPACITY_OUT_OF_RANGE,
            )
        if isinstance(low, int) and isinstance(high, int):
            v.check(
                low <= high,
                "max_capacity",
                high,
                f"must be at least min_capacity ({low})",
                code=OptionCode.FLEET_MAX_CAPACITY_BELOW_MIN,
            )
            v.check(
                high >= 1,
                "max_capacity",
                high,
                "must be at least 1",
                code=OptionCode.FLEET_MAX_CAPACITY_ZERO,
            )

    def _check_scaling(self, v: OptionRules) -> None:
        backlog = self.scaling.name in _TRACKING_MODES
        for option in (*_BACKLOG_OPTIONS, "message_age_scale_out_threshold"):
            if backlog or option not in _BACKLOG_OPTIONS:
                v.positive_seconds(
                    option,
                    seconds_of(getattr(self, option)),
                    code=OptionCode.FLEET_SCALING_DURATION_NOT_POSITIVE,
                )
        # CloudWatch thresholds and the group's warm-up are whole seconds
        v.whole_seconds("message_age_scale_out_threshold", self.message_age_scale_out_threshold)
        v.whole_seconds("instance_warmup", self.instance_warmup)
        steps = self.queue_depth_steps
        if backlog:
            v.check(
                steps is None,
                "queue_depth_steps",
                "given",
                f"is used only with scaling=QUEUE_DEPTH_STEPS, not {self.scaling.name}",
                code=OptionCode.FLEET_STEPS_WITHOUT_STEP_SCALING,
            )
            return
        for option in _BACKLOG_OPTIONS:
            seconds = seconds_of(getattr(self, option))
            v.check(
                getattr(self, option) is None,
                option,
                f"{number(seconds)} seconds" if seconds is not None else "given",
                "is used only with scaling=ARRIVALS_AND_BACKLOG or BACKLOG_PER_INSTANCE, "
                f"not {self.scaling.name}",
                code=OptionCode.FLEET_BACKLOG_OPTION_WITHOUT_TRACKING,
            )
        if steps is not None:
            v.check(
                len(steps) >= 2,
                "queue_depth_steps",
                f"{len(steps)} step(s)",
                "needs at least 2 steps (one to scale in, one to scale out)",
                code=OptionCode.FLEET_TOO_FEW_STEPS,
            )


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

      - ``ARRIVALS_AND_BACKLOG`` (default): the instances the work needs,
        ``(sent + visible x 60 / drain) / (60 / average_processing_time)``
        (``NumberOfMessagesSent`` and ``ApproximateNumberOfMessagesVisible``
        of one minute; drain = ``acceptable_latency`` + ``instance_warmup``):
        ``ArrivalsAndBacklogScaling``, target tracking on that per in-service
        instance with target 1, scale-out only (L1: the L2 accepts no metric
        math); ``SetCapacity`` (``SetCapacity2``... above 20 instances:
        AWS's 20 steps per policy), ``ExactCapacity`` step policies that
        ``ScaleFromZeroAlarm`` (``min_capacity`` 0: none in service, work
        waiting) and ``ScaleInAlarm`` (a whole instance spare in the busiest
        minute of five) invoke; ``ScaleToZero`` + ``ScaleToZeroAlarm``
        (``min_capacity`` 0: no work for 15 minutes);
      - ``BACKLOG_PER_INSTANCE`` (AWS's guide) -> ``BacklogPerInstanceScaling``,
        a target-tracking policy on the metric-math expression
        ``visible / max(inService, 1)`` with target ``acceptable_latency /
        average_processing_time``, plus ``ScaleFromZero`` + ``ScaleFromZeroAlarm``
        when ``min_capacity`` is 0 (+1 instance when messages wait and none
        is in service: target tracking multiplies the current capacity, so
        it never leaves 0 alone);
      - ``QUEUE_DEPTH_STEPS`` -> ``QueueDepthScaling``, step scaling on
        ``ApproximateNumberOfMessagesVisible`` with ``queue_depth_steps``,
        plus the same ``ScaleFromZero`` when ``min_capacity`` is 0;

    - ``MessageAgeScaleOut`` + ``MessageAgeAlarm``: +1 instance while the
      oldest message is older than ``message_age_scale_out_threshold`` for
      ``message_age_datapoints`` minutes running: one more than a single
      poison message can hold the age there (AWS stops counting a
      standard-queue message at its third receive; FIFO counts it until the
      DLQ), so one bad message adds no worker (`fleet_sizing.age_alarm_datapoints`).

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
    :param scaling: default ``FleetScalingPolicy.ARRIVALS_AND_BACKLOG``.
    :param acceptable_latency: ``ARRIVALS_AND_BACKLOG`` and
        ``BACKLOG_PER_INSTANCE``: how long a message may wait; default
        ``defaults.WORKER_ACCEPTABLE_LATENCY`` (10 s).
    :param average_processing_time: ``ARRIVALS_AND_BACKLOG`` and
        ``BACKLOG_PER_INSTANCE``: one instance's time per message (its
        throughput: with 10 handler threads, a tenth of one message's time);
        default ``defaults.WORKER_AVERAGE_PROCESSING_TIME`` (100 ms).
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
    :param vpc_endpoints: default False. True gives ``vpc`` the endpoints the
        workers need where their subnets have no internet route
        (`WORKER_VPC_ENDPOINTS`, each with its reason): the S3 gateway
        endpoint ``S3`` (code assets, Amazon Linux's package repositories)
        and the interface endpoints ``SqsEndpoint`` and ``AutoScalingEndpoint``
        (private DNS, open to the workers' security group only). They are the
        VPC's children, shared by every fleet in it: one the VPC already has
        is reused. The group waits for them (DependsOn), so no instance boots
        before it can reach its code.
    :param notifications_topic: Auto Scaling launch/terminate notifications;
        default none. An encrypted topic of this app gets a key-policy statement
        for Auto Scaling's service-linked role (by ``aws:PrincipalArn``, see
        `AlarmTopic`); an imported one a warning.
    :param alarm_topic: receives the message-age alarm; default none. Made able
        to receive it as `SecureQueue` does with its ``alarm_topic``.
    :raises ConstructOptionError: for any invalid option, all listed together.

    Attributes: ``queue`` (the ``sqs.IQueue``) and ``secure_queue`` (the
    SecureQueue passed in, else None), ``security_group``, ``role``,
    ``worker_code``, ``handler_code``, ``worker_settings``, ``user_data``,
    ``launch_template``, ``auto_scaling_group``, ``drain_hook``,
    ``drain_policy``, ``scaling``, ``backlog_target``,
    ``backlog_scaling_policy`` or ``queue_depth_scaling``,
    ``scale_from_zero_alarm``, ``message_age_alarm``,
    ``message_age_datapoints``, ``vpc_endpoints``, ``alarms``.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        queue: AnyQueue,
        vpc: ec2.IVpc,
        handler: str,
        handler_code_path: str | None = None,
        vpc_subnets: ec2.SubnetSelection | None = None,
        instance_type: ec2.InstanceType | None = None,
        machine_image: ec2.IMachineImage | None = None,
        min_capacity: int = defaults.WORKER_MIN_CAPACITY,
        max_capacity: int = defaults.WORKER_MAX_CAPACITY,
        scaling: FleetScalingPolicy = FleetScalingPolicy.ARRIVALS_AND_BACKLOG,
        acceptable_latency: Duration | None = None,
        average_processing_time: Duration | None = None,
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
        vpc_endpoints: bool = False,
        notifications_topic: sns.ITopic | None = None,
        alarm_topic: sns.ITopic | None = None,
    ) -> None:
        options = options_from(QueueWorkerFleetOptions, locals())
        super().__init__(scope, construct_id)
        adopt(self, scope, construct_id)
        register_pattern(self)  # counted in the stack's resource-quota check
        source = QueueRef(queue)
        self._validate(options, source, notifications_topic, alarm_topic)
        self.queue: sqs.IQueue = source.queue
        self.secure_queue: SecureQueue | None = source.secure_queue
        self.scaling: FleetScalingPolicy = scaling
        self.min_capacity: int = min_capacity
        self.max_capacity: int = max_capacity
        self.security_group: ec2.SecurityGroup = self._security_group(vpc)
        self.role: iam.Role = self._instance_role()
        self._ship_the_worker(options, source.facts)
        self.launch_template: ec2.LaunchTemplate = self._launch_template(
            instance_type, machine_image
        )
        self.auto_scaling_group: autoscaling.AutoScalingGroup = self._group(
            vpc, vpc_subnets, options, notifications_topic
        )
        check_instance_tag_keys(self, self.launch_template, self.auto_scaling_group)
        self.drain_hook: autoscaling.LifecycleHook = self._drain_hook(drain_timeout)
        self.drain_policy: iam.Policy = self._drain_policy()
        self._bind_scaling(options)
        self._scale_out_alarms(options, source.facts, alarm_topic)
        #: the VPC endpoints the workers use (``vpc_endpoints=True``), else empty
        self.vpc_endpoints: list[ec2.IVpcEndpoint] = self._vpc_endpoints(vpc, options)

    @property
    def alarms(self) -> list[cloudwatch.Alarm]:
        """The alarms this construct created (they scale the workers; ``alarm_topic``
        receives the message-age one)."""
        scaling = self.arrivals_and_backlog.alarms if self.arrivals_and_backlog else []
        found = [self.message_age_alarm, self.scale_from_zero_alarm, *scaling]
        return list(dict.fromkeys(a for a in found if a is not None))

    # --- the dashboard (PatternDashboard) -------------------------------------

    def dashboard_view(self, period: Duration) -> PatternView:
        """The consumed queue, the group's capacity and its backlog per instance."""
        return PatternView(
            kind="QueueWorkerFleet",
            path=path_of(self),
            description=f"EC2 workers ({self.min_capacity} to {self.max_capacity}) consume "
            f"the queue and scale on it ({self.scaling.name}).",
            queues=(
                queue_view(
                    QueueRef(self.secure_queue or self.queue),
                    "consumed queue",
                    age_alarms=[self.message_age_alarm],
                ),
            ),
            graphs=(self._capacity_graph(period), self._backlog_graph(period)),
            alarms=tuple(self.alarms),
        )

    def _capacity_graph(self, period: Duration) -> Graph:
        group = self.auto_scaling_group.auto_scaling_group_name
        bounds = [cloudwatch.HorizontalAnnotation(value=self.max_capacity, label="max_capacity")]
        if self.min_capacity > 0:
            bounds.append(
                cloudwatch.HorizontalAnnotation(value=self.min_capacity, label="min_capacity")
            )
        return Graph(
            "Instances: in service vs desired",
            (
                in_service_instances(group, period, label="In service"),
                desired_capacity(group, period, label="Desired"),
            ),
            tuple(bounds),
        )

    def _backlog_graph(self, period: Duration) -> Graph:
        group = self.auto_scaling_group.auto_scaling_group_name
        if self.scaling is FleetScalingPolicy.ARRIVALS_AND_BACKLOG:
            needed = cloudwatch.MathExpression(
                expression=self._instances_needed_expression,
                using_metrics={
                    "sent": QueueMetrics(self.queue).sent_messages(period),
                    "visible": QueueMetrics(self.queue).visible_messages(
                        statistic=cloudwatch.Stats.SUM, period=period
                    ),
                    "inService": in_service_instances(group, period),
                },
                label="Instances the work needs per in-service instance",
                period=period,
            )
            target = cloudwatch.HorizontalAnnotation(
                value=ARRIVALS_AND_BACKLOG_TARGET, label="target: as many as the work needs"
            )
            return Graph("Instances needed per in-service instance vs target", (needed,), (target,))
        backlog = cloudwatch.MathExpression(
            expression=BACKLOG_PER_INSTANCE_EXPRESSION,
            using_metrics={
                "visible": QueueMetrics(self.queue).visible_messages(
                    statistic=cloudwatch.Stats.SUM, period=period
                ),
                "inService": in_service_instances(group, period),
            },
            label="Visible messages per in-service instance",
            period=period,
        )
        if self.scaling is not FleetScalingPolicy.BACKLOG_PER_INSTANCE:
            return Graph(f"Backlog per instance (no target: {self.scaling.name})", (backlog,))
        target = cloudwatch.HorizontalAnnotation(
            value=self.backlog_target, label="target: acceptable latency / processing time"
        )
        return Graph("Backlog per instance vs target", (backlog,), (target,))

    # --- the builders --------------------------------------------------------

    def _validate(
        self,
        options: QueueWorkerFleetOptions,
        source: QueueRef,
        notifications_topic: sns.ITopic | None,
        alarm_topic: sns.ITopic | None,
    ) -> None:
        """The options, the queue and the topics, before anything is built: all
        problems, one error."""
        v = OptionValidator(self)
        v.extend(options.problems())
        for option, topic in (
            ("notifications_topic", notifications_topic),
            ("alarm_topic", alarm_topic),
        ):
            check_notification_topic(v, option, topic)
            v.extend(topic_region_problems(self, option, topic))
        v.extend(message_age_problems(source.facts, options.message_age_scale_out_threshold))
        refuse_queue_location(
            v,
            "queue",
            source,
            source.location(self),
            other_account=_METRICS_ELSEWHERE,
            other_region=_METRICS_ELSEWHERE,
        )
        v.raise_if_any()

    def _security_group(self, vpc: ec2.IVpc) -> ec2.SecurityGroup:
        group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=vpc,
            description=f"{path_of(self)}: no inbound; HTTPS out to AWS APIs",
            allow_all_outbound=False,
        )
        group.add_egress_rule(
            ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "HTTPS to SQS, S3 and Auto Scaling"
        )
        return group

    def _vpc_endpoints(
        self, vpc: ec2.IVpc, options: QueueWorkerFleetOptions
    ) -> list[ec2.IVpcEndpoint]:
        if not options.vpc_endpoints:
            return []
        endpoints = worker_vpc_endpoints(vpc, self.security_group)
        # Without this CloudFormation may start instances before the endpoints
        # exist: their user data cannot fetch the code, and fails for good.
        self.auto_scaling_group.node.add_dependency(*endpoints)
        return endpoints

    def _instance_role(self) -> iam.Role:
        role = iam.Role(
            self,
            "InstanceRole",
            assumed_by=iam.ServicePrincipal(EC2.principal),
            description=f"Workers of {path_of(self)}: consume one queue, nothing else",
        )
        self.queue.grant_consume_messages(role)
        return role

    def _ship_the_worker(self, options: QueueWorkerFleetOptions, queue: QueueFacts) -> None:
        """The code assets, the settings and the user data that starts the worker."""
        self.worker_code: s3_assets.Asset = s3_assets.Asset(
            self, "WorkerCode", path=str(WORKER_CODE_DIR), exclude=WORKER_CODE_EXCLUDES
        )
        self.handler_code: s3_assets.Asset | None = (
            s3_assets.Asset(
                self, "HandlerCode", path=options.handler_code_path, exclude=defaults.ASSET_EXCLUDES
            )
            if options.handler_code_path is not None
            else None
        )
        self._let_instances_read_the_code()
        self.worker_settings: WorkerSettings = self._worker_settings(options, queue)
        self.user_data: ec2.UserData = worker_user_data(
            self.worker_settings,
            worker_code=self.worker_code,
            handler_code=self.handler_code,
            drain_timeout_seconds=int(options.drain_timeout.to_seconds()),
        )

    def _let_instances_read_the_code(self) -> None:
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

    def _worker_settings(
        self, options: QueueWorkerFleetOptions, queue: QueueFacts
    ) -> WorkerSettings:
        # The group's name is not among the settings: the group is built from
        # the launch template that holds them, so naming it would be a cycle;
        # the worker reads it from the instance metadata tags.
        visibility = queue.visibility_timeout_seconds
        return WorkerSettings(
            queue_url=self.queue.queue_url,
            handler=options.handler,
            region=Stack.of(self).region,
            handler_path=(INSTANCE_HANDLER_DIR,),
            batch_size=options.worker_batch_size,
            concurrency=options.worker_concurrency,
            visibility_timeout_seconds=int(visibility) if visibility is not None else None,
            heartbeat_visibility_seconds=int(options.heartbeat_visibility.to_seconds()),
            lifecycle_hook_name=DRAIN_HOOK_NAME,
        )

    def _launch_template(
        self, instance_type: ec2.InstanceType | None, machine_image: ec2.IMachineImage | None
    ) -> ec2.LaunchTemplate:
        return ec2.LaunchTemplate(
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

    def _group(
        self,
        vpc: ec2.IVpc,
        vpc_subnets: ec2.SubnetSelection | None,
        options: QueueWorkerFleetOptions,
        notifications_topic: sns.ITopic | None,
    ) -> autoscaling.AutoScalingGroup:
        group = autoscaling.AutoScalingGroup(
            self,
            "AutoScalingGroup",
            vpc=vpc,
            vpc_subnets=vpc_subnets,
            launch_template=self.launch_template,
            min_capacity=options.min_capacity,
            max_capacity=options.max_capacity,
            group_metrics=[autoscaling.GroupMetrics.all()],
            default_instance_warmup=options.instance_warmup,
            new_instances_protected_from_scale_in=(
                options.new_instances_protected_from_scale_in or None
            ),
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
        return group

    def _drain_hook(self, drain_timeout: Duration) -> autoscaling.LifecycleHook:
        return autoscaling.LifecycleHook(
            self,
            "DrainHook",
            auto_scaling_group=self.auto_scaling_group,
            lifecycle_transition=autoscaling.LifecycleTransition.INSTANCE_TERMINATING,
            lifecycle_hook_name=DRAIN_HOOK_NAME,
            heartbeat_timeout=drain_timeout,
            default_result=autoscaling.DefaultResult.CONTINUE,
        )

    def _drain_policy(self) -> iam.Policy:
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
        policy = iam.Policy(
            self,
            "DrainPolicy",
            roles=[self.role],
            statements=[
                iam.PolicyStatement(
                    actions=["autoscaling:CompleteLifecycleAction"], resources=[group_arn]
                )
            ],
        )
        acknowledge_nag_finding(
            self,
            policy,
            f"AwsSolutions-IAM5[Resource::{nag_rendering(self, group_arn)}]",
            "The one wildcard is the group's id, which AWS generates and no attribute "
            "returns; the group's name pins the resource to this fleet's own group.",
            "constructs_lib:QueueWorkerFleet:NagFindingNotAcknowledged",
        )
        return policy

    def _scale_out_alarms(
        self, options: QueueWorkerFleetOptions, queue: QueueFacts, alarm_topic: sns.ITopic | None
    ) -> None:
        #: ``min_capacity`` 0: the alarm that starts workers when none is in service
        self.scale_from_zero_alarm: cloudwatch.Alarm | None = (
            self.arrivals_and_backlog.scale_from_zero_alarm
            if self.arrivals_and_backlog is not None
            else scale_from_zero(self)
            if options.min_capacity == 0
            else None
        )
        threshold = options.message_age_scale_out_threshold
        #: Consecutive one-minute periods the age must stay above the
        #: threshold: more than one poison message can hold it there.
        self.message_age_datapoints: int = message_age_datapoints(self, queue, threshold)
        self.message_age_alarm: cloudwatch.Alarm = message_age_scale_out(
            self, threshold, self.message_age_datapoints
        )
        notify(self, alarm_topic, [self.message_age_alarm])

    def _bind_scaling(self, options: QueueWorkerFleetOptions) -> None:
        self.backlog_target: float = options.backlog_target
        #: ``ARRIVALS_AND_BACKLOG``: its target-tracking policy, ``SetCapacity``
        #: policies and alarms
        self.arrivals_and_backlog: ArrivalsAndBacklogPolicies | None = None
        self.backlog_scaling_policy: autoscaling.CfnScalingPolicy | None = None
        self.queue_depth_scaling: autoscaling.StepScalingPolicy | None = None
        self._instances_needed_expression = instances_needed_per_instance_expression(
            drain_seconds(options.latency_seconds, seconds_of(options.instance_warmup) or 0),
            options.processing_seconds,
        )
        mode = options.scaling_mode
        if isinstance(mode, ArrivalsAndBacklogScaling):
            self.arrivals_and_backlog = mode.bind(self)
        elif isinstance(mode, BacklogPerInstanceScaling):
            self.backlog_scaling_policy = mode.bind(self)
        else:
            self.queue_depth_scaling = mode.bind(self)
