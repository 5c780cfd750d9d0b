"""What AWS documents about SQS and the services around it, as plain values.

One home for the facts both sides apply: the constructs when they validate
their options at synth, and SqsPatternChecks (`constructs_lib.checks`) when it
judges any app's templates. What one delivering service does (its principal,
the keys it sends, whether it can use ``alias/aws/sqs``) is its description in
`constructs_lib.services`. Standard library only: the checks run without
aws-cdk-lib's Node process, so `constructs_lib.defaults` (which builds
``Duration`` objects) derives its values from here, not the other way round.
"""

from __future__ import annotations

#: SQS's default visibility timeout, when a queue sets none (CreateQueue).
SQS_DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 30

#: SQS's default message retention period: 4 days.
SQS_DEFAULT_RETENTION_SECONDS = 345_600

# --- the bounds AWS puts on what the constructs configure (their validators
# --- enforce these; moved here from `defaults` in issue 22) ------------------

#: SQS (CreateQueue attributes, RedrivePolicy, SendMessage): maxReceiveCount
#: 1 to 1,000; VisibilityTimeout 0 to 43,200 s (12 hours);
#: MessageRetentionPeriod 60 s to 1,209,600 s (14 days); DelaySeconds 0 to 900;
#: ReceiveMessageWaitTimeSeconds 0 to 20; MaximumMessageSize 1,024 to
#: 1,048,576 bytes; a queue name at most 80 characters; a message group id
#: at most 128; ReceiveMessage takes at most 10 messages.
SQS_MAX_RECEIVE_COUNT_RANGE = (1, 1_000)
SQS_VISIBILITY_TIMEOUT_RANGE_SECONDS = (0, 43_200)
SQS_RETENTION_PERIOD_RANGE_SECONDS = (60, 1_209_600)
SQS_DELIVERY_DELAY_RANGE_SECONDS = (0, 900)
SQS_RECEIVE_WAIT_TIME_RANGE_SECONDS = (0, 20)
SQS_MESSAGE_SIZE_RANGE_BYTES = (1_024, 1_048_576)
SQS_QUEUE_NAME_MAX_LENGTH = 80
SQS_MESSAGE_GROUP_ID_MAX_LENGTH = 128
SQS_RECEIVE_BATCH_SIZE_RANGE = (1, 10)

#: EventBridge and EventBridge Scheduler targets (RetryPolicy): an event is
#: retried for 60 s to 24 hours, 0 to 185 times. EventBridge's SqsParameters
#: take message group ids of at most 100 characters (SQS itself: 128).
#: Scheduler's flexible time window is 1 to 1,440 minutes.
TARGET_MAX_EVENT_AGE_RANGE_SECONDS = (60, 86_400)
TARGET_RETRY_ATTEMPTS_RANGE = (0, 185)
EVENTBRIDGE_MESSAGE_GROUP_ID_MAX_LENGTH = 100
SCHEDULER_FLEXIBLE_TIME_WINDOW_RANGE_SECONDS = (60, 86_400)

#: S3 event notifications: a key-name filter (prefix or suffix) of at most
#: 1,024 characters.
S3_KEY_FILTER_MAX_LENGTH = 1_024

#: Lambda's SQS event-source mapping: a batch of 1 to 10,000 records from a
#: standard queue, 1 to 10 from a FIFO queue; above 10 it needs a batching
#: window of at least 1 s; the window is 0 to 300 s; maximum concurrency
#: 2 to 1,000.
LAMBDA_SQS_BATCH_SIZE_RANGE_STANDARD = (1, 10_000)
LAMBDA_SQS_BATCH_SIZE_RANGE_FIFO = (1, 10)
LAMBDA_SQS_BATCH_SIZE_WITHOUT_WINDOW_MAX = 10
LAMBDA_SQS_BATCHING_WINDOW_RANGE_SECONDS = (0, 300)
LAMBDA_SQS_MAX_CONCURRENCY_RANGE = (2, 1_000)

#: EC2 Auto Scaling lifecycle hooks (PutLifecycleHook): a heartbeat timeout
#: of 30 to 7,200 seconds.
AUTOSCALING_LIFECYCLE_HEARTBEAT_RANGE_SECONDS = (30, 7_200)

#: CloudWatch alarms: the periods an alarm evaluates, times its period, cover
#: at most one day.
CLOUDWATCH_ALARM_EVALUATION_RANGE_SECONDS = 86_400

#: Lambda's default function timeout, when a function sets none.
LAMBDA_DEFAULT_TIMEOUT_SECONDS = 3

#: Records per invocation of an SQS event-source mapping that sets none.
LAMBDA_DEFAULT_BATCH_SIZE = 10

#: Lambda developer guide ("Using Lambda with Amazon SQS"): the queue's
#: visibility timeout should be at least six times the function timeout (plus
#: the batching window), so that Lambda can retry a throttled batch before its
#: messages become visible again.
LAMBDA_VISIBILITY_TIMEOUT_FACTOR = 6

#: Provisioned mode of an SQS event-source mapping (Lambda API reference,
#: ``ProvisionedPollerConfig``; CloudFormation's schema of
#: ``AWS::Lambda::EventSourceMapping`` agrees): for SQS the minimum event
#: pollers are 2..200 (default 2), the maximum 2..10,000 (default 200). Kafka
#: sources have other ranges (maximum 2,000), which is all aws-cdk-lib's
#: ``EventSourceMapping`` admits.
SQS_MINIMUM_POLLERS_RANGE = (2, 200)
SQS_MAXIMUM_POLLERS_RANGE = (2, 10_000)
SQS_DEFAULT_MINIMUM_POLLERS = 2
SQS_DEFAULT_MAXIMUM_POLLERS = 200

#: CloudWatch dashboards ("Dashboard Body Structure and Syntax",
#: AWS::CloudWatch::Dashboard): at most 500 widgets; an alarm status widget
#: lists 1 to 100 alarm ARNs; a name is 1-255 letters, digits, '-' and '_'.
#: Dashboards are global to the account, not regional.
DASHBOARD_MAX_WIDGETS = 500
ALARM_STATUS_WIDGET_ALARMS_RANGE = (1, 100)
DASHBOARD_NAME_MAX_LENGTH = 255
#: A period of a standard-resolution metric (every AWS/SQS, AWS/Lambda and
#: AWS/AutoScaling metric) is a multiple of 60 seconds (GetMetricData).
STANDARD_RESOLUTION_PERIOD_SECONDS = 60

#: The AWS-managed keys of SQS and SNS. Their key policies cannot be changed and
#: admit only principals of the account calling through the service.
AWS_MANAGED_SQS_KEY_ALIAS = "alias/aws/sqs"
AWS_MANAGED_SNS_KEY_ALIAS = "alias/aws/sns"


def lambda_minimum_visibility_timeout(function_timeout: float, batching_window: float) -> float:
    """The least visibility timeout a queue consumed by a Lambda function needs (seconds)."""
    return LAMBDA_VISIBILITY_TIMEOUT_FACTOR * function_timeout + batching_window


#: Lambda developer guide ("Creating and configuring an Amazon SQS event source
#: mapping"): "Set the maxReceiveCount on the source queue's redrive policy to
#: at least 5", so that throttled batches are not sent to the dead-letter
#: queue unprocessed (the older guide: "to avoid sending messages to the dead
#: letter queue due to throttling").
LAMBDA_MIN_RECOMMENDED_MAX_RECEIVE_COUNT = 5

#: EC2 User Guide, "Tag your Amazon EC2 resources" (tag restrictions): "If you
#: enable instance tags in instance metadata, instance tag keys can only use
#: letters (a-z, A-Z), numbers (0-9), and the following characters:
#: + - = . , _ : @. Instance tag keys can't contain spaces or /, and can't
#: comprise only . (one period), .. (two periods), or _index." ("Work with
#: instance tags in instance metadata": "Non-compliance will result in failed
#: launches for new instances".)
INSTANCE_METADATA_TAG_KEY_RULE = (
    '"If you enable instance tags in instance metadata, instance tag keys can only use '
    "letters (a-z, A-Z), numbers (0-9), and the following characters: + - = . , _ : @. "
    "Instance tag keys can't contain spaces or /, and can't comprise only . (one period), "
    '.. (two periods), or _index" ("Non-compliance will result in failed launches for new '
    'instances"; EC2 User Guide, "Tag your Amazon EC2 resources")'
)
INSTANCE_METADATA_TAG_KEY_CHARACTERS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-=.,_:@"
)
INSTANCE_METADATA_TAG_KEYS_REFUSED = frozenset({".", "..", "_index"})


def instance_metadata_tag_key_problem(key: str) -> str | None:
    """Why EC2 refuses ``key`` as an instance tag when tags are in metadata, or None."""
    if key in INSTANCE_METADATA_TAG_KEYS_REFUSED:
        return f"is {key!r}, which EC2 refuses"
    refused = sorted(set(key) - INSTANCE_METADATA_TAG_KEY_CHARACTERS)
    if not refused:
        return None
    named = ", ".join("a space" if c == " " else repr(c) for c in refused)
    return f"contains {named}"
