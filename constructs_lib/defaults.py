"""Every default the library applies, in one place: the library's choices.

Each construct's docstring names the constant it uses, and the option tables
of the construct pages (docs/constructs/) are checked against these values by
a test, so the three never drift.
What AWS itself defaults to and the bounds AWS sets come from
`constructs_lib._aws` (which SqsPatternChecks reads too), what the worker
assumes from `constructs_lib.runtime.worker_settings` (the settings contract
it shares with `QueueWorkerFleet`).
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_s3 as s3

from constructs_lib import _aws
from constructs_lib._deprecation import aliases
from constructs_lib.runtime import worker_settings

#: The AWS bounds this module held until issue 22 (old name -> its name in
#: `constructs_lib._aws`): facts about AWS, not the library's choices. The old
#: names are deprecated aliases.
_MOVED_TO_AWS = {
    "MAX_RECEIVE_COUNT_RANGE": "SQS_MAX_RECEIVE_COUNT_RANGE",
    "VISIBILITY_TIMEOUT_RANGE_SECONDS": "SQS_VISIBILITY_TIMEOUT_RANGE_SECONDS",
    "RETENTION_PERIOD_RANGE_SECONDS": "SQS_RETENTION_PERIOD_RANGE_SECONDS",
    "DELIVERY_DELAY_RANGE_SECONDS": "SQS_DELIVERY_DELAY_RANGE_SECONDS",
    "RECEIVE_WAIT_TIME_RANGE_SECONDS": "SQS_RECEIVE_WAIT_TIME_RANGE_SECONDS",
    "MAX_MESSAGE_SIZE_RANGE_BYTES": "SQS_MESSAGE_SIZE_RANGE_BYTES",
    "QUEUE_NAME_MAX_LENGTH": "SQS_QUEUE_NAME_MAX_LENGTH",
    "MAX_EVENT_AGE_RANGE_SECONDS": "TARGET_MAX_EVENT_AGE_RANGE_SECONDS",
    "RETRY_ATTEMPTS_RANGE": "TARGET_RETRY_ATTEMPTS_RANGE",
    "FLEXIBLE_TIME_WINDOW_RANGE_SECONDS": "SCHEDULER_FLEXIBLE_TIME_WINDOW_RANGE_SECONDS",
    "MESSAGE_GROUP_ID_MAX_LENGTH": "SQS_MESSAGE_GROUP_ID_MAX_LENGTH",
    "EVENTBRIDGE_MESSAGE_GROUP_ID_MAX_LENGTH": "EVENTBRIDGE_MESSAGE_GROUP_ID_MAX_LENGTH",
    "S3_KEY_FILTER_MAX_LENGTH": "S3_KEY_FILTER_MAX_LENGTH",
    "LAMBDA_BATCH_SIZE_RANGE_STANDARD": "LAMBDA_SQS_BATCH_SIZE_RANGE_STANDARD",
    "LAMBDA_BATCH_SIZE_RANGE_FIFO": "LAMBDA_SQS_BATCH_SIZE_RANGE_FIFO",
    "LAMBDA_BATCH_SIZE_WITHOUT_WINDOW_MAX": "LAMBDA_SQS_BATCH_SIZE_WITHOUT_WINDOW_MAX",
    "LAMBDA_BATCHING_WINDOW_RANGE_SECONDS": "LAMBDA_SQS_BATCHING_WINDOW_RANGE_SECONDS",
    "LAMBDA_MAX_CONCURRENCY_RANGE": "LAMBDA_SQS_MAX_CONCURRENCY_RANGE",
    "WORKER_DRAIN_TIMEOUT_RANGE_SECONDS": "AUTOSCALING_LIFECYCLE_HEARTBEAT_RANGE_SECONDS",
    "WORKER_RECEIVE_BATCH_SIZE_RANGE": "SQS_RECEIVE_BATCH_SIZE_RANGE",
}
__getattr__ = aliases(
    __name__, {old: f"constructs_lib._aws:{new}" for old, new in _MOVED_TO_AWS.items()}
)

# --- SecureQueue -----------------------------------------------------------

#: How many receives without a delete before SQS moves a message to the DLQ.
#: AWS recommends at least 5 for Lambda consumers so that throttled batches are
#: not dead-lettered on their first retry.
MAX_RECEIVE_COUNT = 5

#: SQS's own default; consumers override it (Lambda needs >= 6 x its timeout).
VISIBILITY_TIMEOUT = Duration.seconds(_aws.SQS_DEFAULT_VISIBILITY_TIMEOUT_SECONDS)

#: SQS's own default retention for the main queue.
RETENTION_PERIOD = Duration.days(4)

#: The DLQ keeps messages as long as SQS allows, so nothing expires before an
#: operator has looked at it. Mind that SQS keeps a message's original enqueue
#: timestamp when it is moved to a standard DLQ, so this must exceed the main
#: queue's retention.
DLQ_RETENTION_PERIOD = Duration.days(14)

#: No delivery delay.
DELIVERY_DELAY = Duration.seconds(0)

#: Long polling: one ReceiveMessage waits up to 20 s, which removes empty
#: responses (each of them is a billed request).
RECEIVE_MESSAGE_WAIT_TIME = Duration.seconds(20)

#: 256 KiB: the largest message SNS, EventBridge and S3 can deliver. SQS itself
#: accepts up to 1 MiB; raise it only for direct producers.
MAX_MESSAGE_SIZE_BYTES = 262_144

#: The "oldest message is too old" alarm fires above this age.
OLDEST_MESSAGE_AGE_ALARM_THRESHOLD = Duration.minutes(15)

#: Period of both queue alarms; SQS publishes its metrics every minute.
ALARM_PERIOD = Duration.minutes(1)

# --- Message sources (TopicFanout, EventRuleToQueue, ScheduleToQueue, BucketToQueue)

#: SNS -> SQS subscriptions deliver the published body as is, not wrapped in the
#: SNS JSON envelope, so consumers read what the producer sent.
RAW_MESSAGE_DELIVERY = True

#: Each fan-out gets a dead-letter queue for messages SNS cannot deliver to a
#: subscribed queue (deleted queue, missing key permission): without it SNS
#: drops them after its retries.
SUBSCRIPTION_DEAD_LETTER_QUEUE_ENABLED = True

#: EventBridge and EventBridge Scheduler keep retrying an undeliverable event
#: for at most this long (their own maximum, 24 h) ...
TARGET_MAX_EVENT_AGE = Duration.hours(24)

#: ... and at most this many times (their own maximum, 185).
TARGET_RETRY_ATTEMPTS = 185

#: Events EventBridge or Scheduler cannot deliver go to a dead-letter queue.
TARGET_DEAD_LETTER_QUEUE_ENABLED = True

#: Scheduler fires exactly at the scheduled time (no flexible window).
SCHEDULE_FLEXIBLE_TIME_WINDOW: Duration | None = None

#: The S3 events a BucketToQueue forwards: every object-created event.
BUCKET_EVENT_TYPES = (s3.EventType.OBJECT_CREATED,)

#: A created bucket keeps object versions, so an overwrite or a delete does not
#: lose the object a queued event points to ...
BUCKET_VERSIONED = True

#: ... and old versions expire after this long, so versioning stays cheap.
BUCKET_NONCURRENT_VERSION_EXPIRATION = Duration.days(30)

#: A created bucket writes server access logs into a created log bucket, whose
#: objects expire after this long.
ACCESS_LOGS_ENABLED = True
ACCESS_LOGS_RETENTION = Duration.days(90)


# --- LambdaQueueConsumer ----------------------------------------------------

#: Records per invocation. Lambda's own default for SQS; also the FIFO maximum.
LAMBDA_BATCH_SIZE = _aws.LAMBDA_DEFAULT_BATCH_SIZE

#: AWS's rule of thumb: the queue's visibility timeout should be at least six
#: times the function timeout (plus the batching window), so that Lambda can
#: retry a throttled batch before the messages become visible again.
LAMBDA_VISIBILITY_TIMEOUT_FACTOR = _aws.LAMBDA_VISIBILITY_TIMEOUT_FACTOR

#: Lambda's own default function timeout, assumed for an imported function
#: whose timeout the construct cannot read (override with ``function_timeout``).
LAMBDA_DEFAULT_FUNCTION_TIMEOUT = Duration.seconds(_aws.LAMBDA_DEFAULT_TIMEOUT_SECONDS)

#: The function-errors alarm fires when more than this many invocations fail
#: in one ``ALARM_PERIOD``.
LAMBDA_ERRORS_ALARM_THRESHOLD = 0

#: The throttles alarm fires when more than this many invocations are
#: throttled in one ``ALARM_PERIOD``.
LAMBDA_THROTTLES_ALARM_THRESHOLD = 0

#: The mapping publishes its ``EventCount`` metrics (``MetricsConfig``): how
#: many messages it polled, invoked the function with, filtered out (deleted
#: unseen), failed to invoke with, and deleted. With partial batch responses
#: (the default) a failed message is not a function error, so these counts are
#: the only record of what the mapping did with each message. They cost what
#: CloudWatch charges for metrics (at most 5 metrics per mapping, prorated by
#: the hour and charged only for hours in which the mapping publishes): about
#: US$1.50 a month for a mapping busy every hour, at the first tier's price.
LAMBDA_EVENT_COUNT_METRICS = True

# --- QueueWorkerFleet -------------------------------------------------------

#: Instance type of the workers: burstable, cheap, enough for I/O-bound work.
WORKER_INSTANCE_TYPE = "t3.micro"

#: Group size bounds. 0 lets an idle fleet cost nothing; the fleet scales
#: from 0 to 1 as soon as a message waits.
WORKER_MIN_CAPACITY = 0
WORKER_MAX_CAPACITY = 10

#: AWS's worked example in "Scaling policy based on Amazon SQS": a message may
#: wait 10 s and takes 0.1 s to process, so one instance may have a backlog
#: of 100 messages.
WORKER_ACCEPTABLE_LATENCY = Duration.seconds(10)
WORKER_AVERAGE_PROCESSING_TIME = Duration.millis(100)

#: Scale out by one instance when the oldest message is older than this.
WORKER_MESSAGE_AGE_SCALE_OUT_THRESHOLD = Duration.minutes(5)

#: How long a new instance needs (boot, install, start the worker) before its
#: metrics count; used as the group's default instance warm-up.
WORKER_INSTANCE_WARMUP = Duration.minutes(3)

#: How long an instance that is being scaled in may drain its in-flight
#: messages (the lifecycle hook's heartbeat timeout).
WORKER_DRAIN_TIMEOUT = Duration.minutes(5)

#: Encrypted gp3 root volume of each worker.
WORKER_ROOT_VOLUME_SIZE_GIB = 8

#: Messages per ReceiveMessage (the SQS maximum), threads per worker process,
#: and how much visibility a heartbeat adds to a message still in progress.
WORKER_RECEIVE_BATCH_SIZE = worker_settings.SQS_BATCH_LIMIT
WORKER_CONCURRENCY = worker_settings.SQS_BATCH_LIMIT
WORKER_HEARTBEAT_VISIBILITY = Duration.seconds(worker_settings.DEFAULT_HEARTBEAT_VISIBILITY_SECONDS)

#: Queue-depth step scaling (``FleetScalingPolicy.QUEUE_DEPTH_STEPS``) as
#: (lower, upper, instances added) over visible messages: an empty queue
#: removes one instance, from 100 adds one, from 500 adds three; between 1
#: and 99 nothing changes.
WORKER_QUEUE_DEPTH_STEPS: tuple[tuple[int | None, int | None, int], ...] = (
    (None, 0, -1),
    (100, 500, 1),
    (500, None, 3),
)

#: The library's own bounds of the fleet's options (not AWS's: those are in
#: `constructs_lib._aws`): a group of 0 to 10,000 instances, and a heartbeat
#: that adds at least a second of visibility, at most SQS's longest.
WORKER_CAPACITY_RANGE = (0, 10_000)
WORKER_HEARTBEAT_VISIBILITY_RANGE_SECONDS = (1, _aws.SQS_VISIBILITY_TIMEOUT_RANGE_SECONDS[1])

#: Never part of a code asset (the fleet's handler code, the example app's
#: Lambda code): bytecode and test caches differ from machine to machine and
#: would change the asset's hash, so a synth on another machine would deploy
#: new code for nothing.
ASSET_EXCLUDES = ["__pycache__", "*.pyc", ".pytest_cache"]

# --- PatternDashboard ---------------------------------------------------------

#: Each graph point covers one minute: SQS, Lambda and Auto Scaling publish
#: every minute and the library's alarms judge one-minute periods. CloudWatch
#: widens the period of a dashboard opened on a long time range; the rates and
#: the time to drain divide by PERIOD() and stay per second.
DASHBOARD_PERIOD = Duration.minutes(1)

#: The time range a dashboard opens on.
DASHBOARD_TIME_RANGE = Duration.hours(3)

# --- Stack limits (CloudFormation quotas the library checks at synth) ----------

#: CloudFormation's resources-per-stack quota; the context key
#: ``@aws-cdk/core:stackResourceLimit`` overrides it as it does for aws-cdk-lib
#: (0 turns the check off), e.g. after a quota increase.
STACK_RESOURCE_LIMIT = 500
