"""`BucketToQueue`: S3 object events of one bucket, filtered by key, into a queue."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

import jsii
from aws_cdk import (
    Annotations,
    Aws,
    Duration,
    IStableStringProducer,
    Lazy,
    RemovalPolicy,
    Stack,
    Token,
)
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct, IDependable

from constructs_lib import _aws, defaults
from constructs_lib._monitoring import PatternView, delivery_view
from constructs_lib._queue_facts import QueueFacts
from constructs_lib._queues import AnyQueue, QueueRef
from constructs_lib._sources import grant_service_key_use, reject_aws_managed_key
from constructs_lib._tree import adopt, path_of
from constructs_lib._validation import OptionRules, OptionValidator, options_from
from constructs_lib.acknowledgments import skip_checkov
from constructs_lib.errors import OptionProblem
from constructs_lib.option_codes import OptionCode
from constructs_lib.secure_queue import SecureQueue
from constructs_lib.services.s3 import S3
from constructs_lib.stack_limits import register_pattern

_S3 = "S3"
_DEFAULT_EVENT_TYPES = defaults.BUCKET_EVENT_TYPES
_S3_PRINCIPAL = S3.principal
_BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")

#: CloudFormation names an unnamed bucket ``<stack>-<logical id>-<12 random>``,
#: lower case, at most 63 characters. ``<stack>-<logical id>`` is kept whole up
#: to 50 characters (63 less the tail and its hyphen); 49 leaves one of margin.
_WHOLE_NAME_PREFIX_MAX = 49
#: Past that, CloudFormation cuts both parts (each keeps at least 24 characters
#: in the names observed); the pattern keeps this many of each and lets ``*``
#: stand for the rest, so that the exact split does not matter.
_TRUNCATED_PART_LENGTH = 20

#: aws-cdk-lib's feature flag for S3 access-log delivery. Without it a log
#: bucket gets the legacy ACL (LogDeliveryWrite, ObjectWriter) instead of a
#: bucket policy scoped to the source bucket and account; set in this
#: construct's own context, so a bare App() gets the same as the example app.
_ACCESS_LOGS_USE_BUCKET_POLICY = "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy"

#: The S3 event names behind aws-cdk's enum (its Python members carry only
#: their own names; the L1 notification needs the S3 ones).
S3_EVENT_NAMES: dict[s3.EventType, str] = {
    s3.EventType.OBJECT_CREATED: "s3:ObjectCreated:*",
    s3.EventType.OBJECT_CREATED_PUT: "s3:ObjectCreated:Put",
    s3.EventType.OBJECT_CREATED_POST: "s3:ObjectCreated:Post",
    s3.EventType.OBJECT_CREATED_COPY: "s3:ObjectCreated:Copy",
    s3.EventType.OBJECT_CREATED_COMPLETE_MULTIPART_UPLOAD: (
        "s3:ObjectCreated:CompleteMultipartUpload"
    ),
    s3.EventType.OBJECT_REMOVED: "s3:ObjectRemoved:*",
    s3.EventType.OBJECT_REMOVED_DELETE: "s3:ObjectRemoved:Delete",
    s3.EventType.OBJECT_REMOVED_DELETE_MARKER_CREATED: "s3:ObjectRemoved:DeleteMarkerCreated",
    s3.EventType.OBJECT_RESTORE_POST: "s3:ObjectRestore:Post",
    s3.EventType.OBJECT_RESTORE_COMPLETED: "s3:ObjectRestore:Completed",
    s3.EventType.OBJECT_RESTORE_DELETE: "s3:ObjectRestore:Delete",
    s3.EventType.REDUCED_REDUNDANCY_LOST_OBJECT: "s3:ReducedRedundancyLostObject",
    s3.EventType.REPLICATION_OPERATION_FAILED_REPLICATION: (
        "s3:Replication:OperationFailedReplication"
    ),
    s3.EventType.REPLICATION_OPERATION_MISSED_THRESHOLD: "s3:Replication:OperationMissedThreshold",
    s3.EventType.REPLICATION_OPERATION_REPLICATED_AFTER_THRESHOLD: (
        "s3:Replication:OperationReplicatedAfterThreshold"
    ),
    s3.EventType.REPLICATION_OPERATION_NOT_TRACKED: "s3:Replication:OperationNotTracked",
    s3.EventType.LIFECYCLE_EXPIRATION: "s3:LifecycleExpiration:*",
    s3.EventType.LIFECYCLE_EXPIRATION_DELETE: "s3:LifecycleExpiration:Delete",
    s3.EventType.LIFECYCLE_EXPIRATION_DELETE_MARKER_CREATED: (
        "s3:LifecycleExpiration:DeleteMarkerCreated"
    ),
    s3.EventType.LIFECYCLE_TRANSITION: "s3:LifecycleTransition",
    s3.EventType.INTELLIGENT_TIERING: "s3:IntelligentTiering",
    s3.EventType.OBJECT_TAGGING: "s3:ObjectTagging:*",
    s3.EventType.OBJECT_TAGGING_PUT: "s3:ObjectTagging:Put",
    s3.EventType.OBJECT_TAGGING_DELETE: "s3:ObjectTagging:Delete",
    s3.EventType.OBJECT_ACL_PUT: "s3:ObjectAcl:Put",
    s3.EventType.OBJECT_RESTORE: "s3:ObjectRestore:*",
    s3.EventType.REPLICATION: "s3:Replication:*",
}


@dataclass(frozen=True)
class BucketToQueueOptions:
    """`BucketToQueue`'s options but its queue, with its rule table (no Stack needed)."""

    bucket: s3.IBucket | None = None
    event_types: Sequence[s3.EventType] | None = None
    prefix: str | None = None
    suffix: str | None = None
    bucket_name: str | None = None
    versioned: bool = defaults.BUCKET_VERSIONED
    access_logs_enabled: bool = defaults.ACCESS_LOGS_ENABLED
    access_logs_bucket: s3.IBucket | None = None

    @property
    def resolved_event_types(self) -> list[s3.EventType]:
        return list(self.event_types if self.event_types is not None else _DEFAULT_EVENT_TYPES)

    def queue_problems(self, queue: QueueFacts) -> list[OptionProblem]:
        """What S3 cannot notify: a FIFO queue, a queue on alias/aws/sqs."""
        v = OptionRules()
        v.check(
            not queue.fifo,
            "queue",
            queue.path,
            "must be a standard queue: S3 event notifications cannot be sent to a FIFO queue",
            code=OptionCode.S3_FIFO_QUEUE,
        )
        reject_aws_managed_key(v, "queue", queue, _S3)
        return v.problems

    def problems(self) -> list[OptionProblem]:
        v = OptionRules()
        values = [S3_EVENT_NAMES[e] for e in self.resolved_event_types]
        v.check(
            bool(values),
            "event_types",
            values,
            "must name at least one event type",
            code=OptionCode.S3_NO_EVENT_TYPES,
        )
        v.check(
            len(set(values)) == len(values) and not _overlapping(values),
            "event_types",
            values,
            "must not overlap (e.g. s3:ObjectCreated:* already covers "
            "s3:ObjectCreated:Put): S3 refuses overlapping configurations",
            code=OptionCode.S3_EVENT_TYPES_OVERLAP,
        )
        for option, value in (("prefix", self.prefix), ("suffix", self.suffix)):
            v.length(
                option, value, _aws.S3_KEY_FILTER_MAX_LENGTH, code=OptionCode.S3_KEY_FILTER_LENGTH
            )
        v.only_when_created(
            "bucket",
            self.bucket,
            resource="bucket",
            options=[
                ("bucket_name", self.bucket_name, None),
                ("versioned", self.versioned, defaults.BUCKET_VERSIONED),
                ("access_logs_enabled", self.access_logs_enabled, defaults.ACCESS_LOGS_ENABLED),
                ("access_logs_bucket", self.access_logs_bucket, None),
            ],
            code=OptionCode.S3_BUCKET_OPTIONS_WITH_GIVEN_BUCKET,
        )
        self._check_bucket_name(v)
        v.requires_enabled(
            "access_logs_enabled",
            self.access_logs_enabled,
            given_option="access_logs_bucket",
            given=self.access_logs_bucket,
            code=OptionCode.S3_ACCESS_LOGS_DISABLED_BUT_BUCKET_GIVEN,
        )
        return v.problems

    def _check_bucket_name(self, v: OptionRules) -> None:
        name = self.bucket_name
        if name is None:
            return
        if Token.is_unresolved(name):
            v.fail(
                "bucket_name",
                name,
                "must be known at synth: the queue policy names the bucket before it exists",
                code=OptionCode.S3_BUCKET_NAME_UNRESOLVED,
            )
            return
        v.check(
            bool(_BUCKET_NAME.match(name)) and ".." not in name,
            "bucket_name",
            name,
            "must be 3 to 63 lowercase letters, digits, '.' and '-', starting and "
            "ending with a letter or digit",
            code=OptionCode.S3_BUCKET_NAME_INVALID,
        )


class BucketToQueue(Construct):
    """S3 object events (object-created by default) of one bucket into a queue.

    What it creates (child ids are part of the contract):

    - ``Bucket`` (unless ``bucket`` is given): blocks public access, denies
      requests without TLS, SSE-S3, ACLs off, versioned with old versions
      expiring after ``defaults.BUCKET_NONCURRENT_VERSION_EXPIRATION`` (30
      days), access logs into ``AccessLogsBucket``. It carries the
      notification in its own ``NotificationConfiguration``: no custom
      resource, no Lambda function.
    - ``AccessLogsBucket``: the access-log target (same protections, also
      versioned; logs expire after ``defaults.ACCESS_LOGS_RETENTION``, 90
      days; a checkov skip of CKV_AWS_18 with its reason), unless
      ``access_logs_bucket`` is given or ``access_logs_enabled=False``.
    - a statement in the queue's policy allowing ``sqs:SendMessage`` to
      ``s3.amazonaws.com`` only from this bucket's names (``aws:SourceArn``, see
      below) and this account (``aws:SourceAccount``), and for a
      customer-managed key the same in the key's policy.

    Why the bucket is named by CloudFormation, and how the policy names it: S3
    checks the queue policy when the notification is written, so the policy
    must exist before the bucket; a policy naming the bucket through a
    reference would depend on the bucket: a cycle. A fixed name breaks the
    cycle but not ``cdk destroy`` followed by ``cdk deploy``: the bucket is
    retained (``RemovalPolicy.RETAIN``, so no object is ever deleted with the
    stack) and the next create of the same name fails with
    ``BucketAlreadyExists``. So the bucket has no name in the template;
    CloudFormation generates ``<stack>-<logical id>-<random>`` (lower case) at
    each create, and the policy admits that prefix with ``ArnLike`` on
    ``aws:SourceArn`` (``arn:aws:s3:::<stack>-<logical id>-*``) together with
    ``StringEquals`` on ``aws:SourceAccount``. Past 49 characters of
    ``<stack>-<logical id>`` CloudFormation cuts both parts to fit 63 (AWS does
    not document how); the pattern then keeps the first 20 characters of each
    with ``*`` after each. In a nested stack, whose own name is generated, the
    pattern is ``*-<logical id, 20 characters>*``. A replacement (a new logical
    id) gets a new name; the old bucket is retained with its objects.
    ``bucket_name`` fixes the name instead (matched exactly with
    ``ArnEquals``); a warning then says that destroy-then-deploy fails.

    An existing ``bucket`` cannot carry a CloudFormation notification, so it
    gets aws-cdk's ``add_event_notification``: a Lambda-backed custom resource
    (one function, role and policy per stack; cdk-nag reports IAM4 on it). A
    warning says so. Its queue and key statements are this construct's own,
    scoped to the bucket and its account (aws-cdk's ``SqsDestination`` grants
    S3 the key without a condition).

    The construct sets ``@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy`` in
    its own context, so that access logs reach ``AccessLogsBucket`` through a
    scoped bucket policy, not an ACL, in any app (a bare ``App()`` included).

    Rejected at synth: a FIFO queue (S3 cannot notify a FIFO queue); a queue
    on alias/aws/sqs (S3 would drop every event); a queue in another region
    than the bucket (S3 notifies only queues of the bucket's region); no event
    types or overlapping ones (S3 refuses the configuration); a prefix or
    suffix over 1,024 characters; a bad ``bucket_name``; created-bucket
    options together with ``bucket``. An imported queue (this account or
    another) gets a warning with the statement its owner must add.

    Example::

        uploads = BucketToQueue(
            self, "Uploads", queue=ingest, prefix="incoming/", suffix=".csv"
        )
        uploads.bucket.grant_put(uploader_role)

    :param queue: a standard SecureQueue or ``sqs.IQueue`` (not alias/aws/sqs).
    :param bucket: an existing bucket. Default: create one.
    :param event_types: default ``defaults.BUCKET_EVENT_TYPES``
        (``s3.EventType.OBJECT_CREATED``).
    :param prefix: object-key prefix filter. Default: none.
    :param suffix: object-key suffix filter. Default: none.
    :param bucket_name: created bucket only; fixes its name (see above).
        Default: generated by CloudFormation at each create.
    :param versioned: created bucket only. Default ``defaults.BUCKET_VERSIONED``.
    :param access_logs_enabled: created bucket only. Default
        ``defaults.ACCESS_LOGS_ENABLED`` (True).
    :param access_logs_bucket: created bucket only; where access logs go.
        Default: a created ``AccessLogsBucket``.
    :raises ConstructOptionError: for any invalid option, all listed together.

    Attributes: ``queue`` (the ``sqs.IQueue``) and ``secure_queue`` (the
    SecureQueue passed in, else None), ``bucket``, ``bucket_name`` (created
    bucket), ``access_logs_bucket``, ``event_types``.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        queue: AnyQueue,
        bucket: s3.IBucket | None = None,
        event_types: Sequence[s3.EventType] | None = None,
        prefix: str | None = None,
        suffix: str | None = None,
        bucket_name: str | None = None,
        versioned: bool = defaults.BUCKET_VERSIONED,
        access_logs_enabled: bool = defaults.ACCESS_LOGS_ENABLED,
        access_logs_bucket: s3.IBucket | None = None,
    ) -> None:
        options = options_from(BucketToQueueOptions, locals())
        super().__init__(scope, construct_id)
        adopt(self, scope, construct_id)
        self.node.set_context(_ACCESS_LOGS_USE_BUCKET_POLICY, True)  # before any child
        register_pattern(self)  # counted in the stack's resource-quota check
        target = QueueRef(queue)
        self._validate(target, options)
        self._target = target
        self.queue: sqs.IQueue = target.queue
        self.secure_queue: SecureQueue | None = target.secure_queue
        self.event_types: list[s3.EventType] = options.resolved_event_types
        self.access_logs_bucket: s3.IBucket | None = None
        if bucket is not None:
            self.bucket: s3.IBucket = bucket
            self._notify_existing_bucket(bucket, prefix, suffix)
        else:
            self.bucket = self._create_bucket(
                bucket_name, versioned, access_logs_enabled, access_logs_bucket
            )
            self._notify_created_bucket(prefix, suffix)

    def dashboard_view(self, period: Duration) -> PatternView:
        """The target queue (`PatternDashboard`); S3 notifications have no DLQ."""
        return delivery_view(
            "BucketToQueue",
            path_of(self),
            "S3 sends an event for each matching object to the queue; S3 event "
            "notifications have no dead-letter queue and no delivery metrics.",
            self._target,
        )

    # --- created bucket: native NotificationConfiguration ---------------------

    def _create_bucket(
        self,
        bucket_name: str | None,
        versioned: bool,
        access_logs_enabled: bool,
        access_logs_bucket: s3.IBucket | None,
    ) -> s3.Bucket:
        if access_logs_enabled:
            self.access_logs_bucket = access_logs_bucket or self._create_access_logs_bucket()
        bucket = s3.Bucket(
            self,
            "Bucket",
            bucket_name=bucket_name,
            # Deleting the stack never deletes uploads; the generated name lets
            # the same stack be created again beside the retained bucket.
            removal_policy=RemovalPolicy.RETAIN,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            versioned=versioned,
            lifecycle_rules=(
                [
                    s3.LifecycleRule(
                        id="ExpireOldVersions",
                        noncurrent_version_expiration=(
                            defaults.BUCKET_NONCURRENT_VERSION_EXPIRATION
                        ),
                    )
                ]
                if versioned
                else None
            ),
            server_access_logs_bucket=self.access_logs_bucket,
            server_access_logs_prefix="access-logs/" if self.access_logs_bucket else None,
        )
        #: The bucket's name: ``bucket_name``, or a reference to the generated one.
        self.bucket_name: str = bucket_name or bucket.bucket_name
        if bucket_name is not None:
            self._warn_fixed_name(bucket_name)
        return bucket

    def _warn_fixed_name(self, bucket_name: str) -> None:
        Annotations.of(self).add_warning_v2(
            "constructs_lib:BucketToQueue:FixedBucketName",
            f"bucket_name={bucket_name!r} fixes the name. The bucket is retained when "
            "the stack is deleted (its objects are kept), so deploying this stack again "
            "after `cdk destroy` fails with BucketAlreadyExists until that bucket is "
            "deleted by hand, and a change that replaces the bucket fails the same way. "
            "Leave bucket_name unset to let CloudFormation generate a new name at each "
            "create.",
        )

    def _create_access_logs_bucket(self) -> s3.Bucket:
        logs = s3.Bucket(
            self,
            "AccessLogsBucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            # S3 writes access logs only into SSE-S3 buckets.
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            # Logs are written once; versioning keeps a deleted log recoverable
            # until the lifecycle rule expires it.
            versioned=True,
            # ACLs off: logs arrive through the bucket policy aws-cdk-lib writes
            # (scoped to the source bucket and account), never an ACL grant;
            # see _ACCESS_LOGS_USE_BUCKET_POLICY.
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ExpireLogs",
                    expiration=defaults.ACCESS_LOGS_RETENTION,
                    noncurrent_version_expiration=defaults.ACCESS_LOGS_RETENTION,
                )
            ],
        )
        # cdk-nag's S1 already exempts a log target bucket; checkov's CKV_AWS_18
        # does not, so the template says why for checkov and anyone reading it.
        skip_checkov(
            logs,
            {
                "CKV_AWS_18": "This is the access-log target bucket; logging it "
                "would need another log bucket, which would need one in turn."
            },
        )
        return logs

    def _notify_created_bucket(self, prefix: str | None, suffix: str | None) -> None:
        stack = Stack.of(self)
        cfn_bucket = cast(s3.CfnBucket, self.bucket.node.default_child)
        # The policy names the bucket without a reference to it (see the class
        # docstring): by its fixed name, or by the pattern of generated names.
        fixed = not Token.is_unresolved(self.bucket_name)
        name_or_pattern = self.bucket_name if fixed else Lazy.string(_NamePattern(cfn_bucket))
        policy = self._allow_s3_to_send(
            "ArnEquals" if fixed else "ArnLike",
            f"arn:{Aws.PARTITION}:s3:::{name_or_pattern}",
            stack.account,
        )
        shown = self.bucket_name if fixed else generated_name_pattern(stack, cfn_bucket)
        self._warn_if_policy_unmanaged(
            f"{'ArnEquals' if fixed else 'ArnLike'} aws:SourceArn "
            f'"arn:{_shown_partition(stack)}:s3:::{shown}"',
            stack.account,
        )

        # L1: the L2 Bucket only offers the custom-resource notification.
        key_filter = _key_filter(prefix, suffix)
        cfn_bucket.notification_configuration = s3.CfnBucket.NotificationConfigurationProperty(
            queue_configurations=[
                s3.CfnBucket.QueueConfigurationProperty(
                    event=S3_EVENT_NAMES[event],
                    queue=self.queue.queue_arn,
                    filter=key_filter,
                )
                for event in self.event_types
            ]
        )
        if policy is not None:
            cfn_bucket.node.add_dependency(policy)

    def _allow_s3_to_send(
        self, arn_operator: str, source_arn: str, source_account: str
    ) -> IDependable | None:
        """The queue-policy statement (and key grant) for S3, scoped to the bucket
        and its account; returns what the notification must wait for."""
        conditions: dict[str, object] = {
            arn_operator: {"aws:SourceArn": source_arn},
            "StringEquals": {"aws:SourceAccount": source_account},
        }
        principal = iam.ServicePrincipal(_S3_PRINCIPAL)
        queue = self.queue
        result = queue.add_to_resource_policy(
            iam.PolicyStatement(
                actions=["sqs:SendMessage"],
                principals=[principal],
                resources=[queue.queue_arn],
                conditions=conditions,
            )
        )
        grant_service_key_use(self._target, principal, conditions)
        return result.policy_dependable

    # --- existing bucket: aws-cdk's custom resource ---------------------------

    def _notify_existing_bucket(
        self, bucket: s3.IBucket, prefix: str | None, suffix: str | None
    ) -> None:
        destination = _ScopedQueueDestination(
            self.queue.queue_arn,
            lambda: self._allow_s3_to_send("ArnLike", bucket.bucket_arn, bucket.env.account),
        )
        filters = (
            [s3.NotificationKeyFilter(prefix=prefix, suffix=suffix)] if (prefix or suffix) else []
        )
        for event in self.event_types:
            bucket.add_event_notification(event, destination, *filters)
        name = bucket.bucket_name
        self._warn_if_policy_unmanaged(
            f'ArnEquals aws:SourceArn "arn:{_shown_partition(Stack.of(self))}:s3:::{name}"'
            if _known(name)
            else f"aws:SourceArn = the ARN of {path_of(bucket)}",
            bucket.env.account,
        )
        Annotations.of(self).add_warning_v2(
            "constructs_lib:BucketToQueue:CustomResource",
            f"{path_of(bucket)} is an existing bucket, so its notification is set by "
            "aws-cdk's Lambda-backed custom resource (Custom::S3BucketNotifications: "
            "a function, role and policy; cdk-nag IAM4). Let BucketToQueue create "
            "the bucket to avoid it.",
        )

    def _warn_if_policy_unmanaged(self, source_arn_condition: str, source_account: str) -> None:
        """An imported queue's policy is not this stack's: say what it must allow.

        S3 checks the destination when the notification is written, so without
        that statement the deployment fails; S3 sends to another account's
        queue only when that queue's policy allows it.
        """
        if self._target.facts.built_here:
            return
        owner = self.queue.env.account
        whose = (
            f"is a queue of account {owner}: its queue policy is not managed here, so its "
            "owner must allow"
            if _known(owner, source_account) and owner != source_account
            else "is imported: its queue policy is not managed here and must itself allow"
        )
        account = source_account if _known(source_account) else "<this account>"
        Annotations.of(self).add_warning_v2(
            "constructs_lib:Sources:QueuePolicyUnmanaged",
            f"{self._target.path} {whose} sqs:SendMessage to the service principal "
            f"{_S3_PRINCIPAL} with {source_arn_condition} and StringEquals "
            f'aws:SourceAccount "{account}"; for a queue encrypted with a customer-managed '
            "key, its key policy must allow kms:GenerateDataKey and kms:Decrypt to "
            f"{_S3_PRINCIPAL} likewise. S3 checks this when the notification is written: "
            "without it the deployment fails.",
        )

    def _validate(self, target: QueueRef, options: BucketToQueueOptions) -> None:
        v = OptionValidator(self)
        v.extend(options.queue_problems(target.facts))
        self._check_same_region(v, target, options.bucket)
        self._check_cross_account_reference(v, target)
        v.extend(options.problems())
        v.raise_if_any()

    def _check_same_region(
        self, v: OptionValidator, queue: QueueRef, bucket: s3.IBucket | None
    ) -> None:
        """S3 notifies only a queue in the bucket's region.

        Otherwise S3 refuses the configuration at deploy ("InvalidArgument: The
        notification destination service region is not valid for the bucket
        location constraint"). A region known only at deploy is left to it.
        """
        queue_region = queue.queue.env.region
        bucket_region = (bucket or Stack.of(self)).env.region
        known = [r for r in (queue_region, bucket_region) if _known(r)]
        if len(known) == 2 and queue_region != bucket_region:
            v.fail(
                "queue",
                queue.path,
                f"is in region {queue_region}, the bucket in {bucket_region}: S3 sends "
                "event notifications only to a queue in the bucket's region",
                code=OptionCode.S3_QUEUE_IN_OTHER_REGION,
            )
        elif len(known) == 1:
            Annotations.of(self).add_warning_v2(
                "constructs_lib:BucketToQueue:RegionUnknown",
                f"{queue.path} and the bucket must be in one region, and only "
                f"{known[0]} is known at synth: deploy this stack to {known[0]}: S3 sends "
                "event notifications only to a queue in the bucket's region.",
            )

    def _check_cross_account_reference(self, v: OptionValidator, queue: QueueRef) -> None:
        """A queue built in another account's stack is referenced by its name.

        CloudFormation cannot pass a value between accounts, so aws-cdk-lib
        builds the queue's ARN from its physical name, which must be explicit
        (or ``PhysicalName.GENERATE_IF_NEEDED``); otherwise it raises its raw
        CannotUseCrossEnvironment at synth. Resolving the ARN here asks it.
        """
        built = queue.queue
        here, there = Stack.of(self), Stack.of(built)
        if not isinstance(built, sqs.Queue) or not _known(here.account, there.account):
            return
        if here.account == there.account:
            return
        try:
            here.resolve(built.queue_arn)
        except RuntimeError as err:  # jsii's form of aws-cdk-lib's error
            if "cross-environment" not in str(err):
                raise
            v.fail(
                "queue",
                queue.path,
                f"is in stack {there.stack_name} of account {there.account} and has no "
                "queue_name: a template names another account's queue only by an explicit "
                "name. Give the queue a queue_name, or import it by ARN in this stack "
                "(sqs.Queue.from_queue_arn; a warning then says what its owner must allow)",
                code=OptionCode.S3_QUEUE_OF_OTHER_ACCOUNT_WITHOUT_NAME,
            )


def generated_name_pattern(stack: Stack, bucket: s3.CfnBucket) -> str:
    """The names CloudFormation may generate for ``bucket``, as an IAM pattern.

    ``<stack>-<logical id>-*`` in lower case; past 49 characters for the two
    parts, 20 characters of each followed by ``*``; in a stack whose own name
    is generated (a nested stack), ``*-<logical id, 20 characters>*``.
    """
    logical_id = str(stack.resolve(bucket.logical_id)).lower()
    stack_name = stack.stack_name
    if Token.is_unresolved(stack_name):
        return f"*-{logical_id[:_TRUNCATED_PART_LENGTH]}*"
    stack_name = stack_name.lower()
    if len(stack_name) + 1 + len(logical_id) <= _WHOLE_NAME_PREFIX_MAX:
        return f"{stack_name}-{logical_id}-*"
    keep = _TRUNCATED_PART_LENGTH
    return f"{stack_name[:keep]}*-{logical_id[:keep]}*"


@jsii.implements(IStableStringProducer)
class _NamePattern:
    """`generated_name_pattern`, computed at synth: a logical id overridden
    after construction (a refactoring that keeps its bucket) is the one named."""

    def __init__(self, bucket: s3.CfnBucket) -> None:
        self._bucket = bucket

    def produce(self) -> str:
        return generated_name_pattern(Stack.of(self._bucket), self._bucket)


@jsii.implements(s3.IBucketNotificationDestination)
class _ScopedQueueDestination:
    """The queue as the destination of an existing bucket's notification.

    aws-cdk-lib's ``SqsDestination`` grants S3 the queue's customer-managed key
    with no condition at all, and its queue statement has no
    ``aws:SourceAccount``; this one scopes both to the bucket and its account.
    """

    def __init__(self, queue_arn: str, grant: Callable[[], IDependable | None]) -> None:
        self._queue_arn = queue_arn
        self._grant = grant
        self._config: s3.BucketNotificationDestinationConfig | None = None

    def bind(self, scope: Construct, bucket: object) -> s3.BucketNotificationDestinationConfig:
        if self._config is None:  # bound once per event type: grant once
            policy = self._grant()
            self._config = s3.BucketNotificationDestinationConfig(
                arn=self._queue_arn,
                type=s3.BucketNotificationDestinationType.QUEUE,
                dependencies=[policy] if policy is not None else None,
            )
        return self._config


def _known(*values: str) -> bool:
    """True when every value is concrete at synth (no token)."""
    return not any(Token.is_unresolved(value) for value in values)


def _shown_partition(stack: Stack) -> str:
    return stack.partition if _known(stack.partition) else "<partition>"


def _overlapping(values: Sequence[str]) -> bool:
    """True when a wildcard event (``s3:ObjectCreated:*``) covers another one."""
    for wildcard in (x for x in values if x.endswith(":*")):
        family = wildcard[:-1]
        if any(other != wildcard and other.startswith(family) for other in values):
            return True
    return False


def _key_filter(
    prefix: str | None, suffix: str | None
) -> s3.CfnBucket.NotificationFilterProperty | None:
    rules = [
        s3.CfnBucket.FilterRuleProperty(name=name, value=value)
        for name, value in (("prefix", prefix), ("suffix", suffix))
        if value
    ]
    if not rules:
        return None
    return s3.CfnBucket.NotificationFilterProperty(
        s3_key=s3.CfnBucket.S3KeyFilterProperty(rules=rules)
    )
