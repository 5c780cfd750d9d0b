"""The stable code of every option rule: what `OptionProblem.code` holds.

A problem's message says what is wrong in words, and its wording may improve
from one release to the next; its code does not change. Match codes, not
prose (aws-cdk's ``core/lib/errors.ts`` does the same)::

    try:
        LambdaQueueConsumer(self, "Consumer", queue=jobs, function=handler)
    except ConstructOptionError as err:
        assert OptionCode.SQS_VISIBILITY_BELOW_SIX_TIMES_TIMEOUT in err.codes

A code is the member's name (``OptionCode.X == "X"``), so plain strings match
too. Codes are only ever added: a rule that goes away keeps its code retired,
never reused. `RULES` says what each code means and which constructs check it;
``python -m constructs_lib.option_codes docs/option-codes.md`` writes the
reference from it (a test keeps the two equal).

Standard library only: importing it costs nothing.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

__all__ = ["RULES", "OptionCode", "Rule", "reference"]


class OptionCode(StrEnum):
    """The code of one option rule. Its value is its name, written out so that
    the string users match is in plain sight."""

    # Shared by several constructs.
    DURATION_NOT_WHOLE_SECONDS = "DURATION_NOT_WHOLE_SECONDS"
    QUEUE_IN_OTHER_ACCOUNT = "QUEUE_IN_OTHER_ACCOUNT"
    QUEUE_IN_OTHER_REGION = "QUEUE_IN_OTHER_REGION"
    SQS_AWS_MANAGED_KEY_UNUSABLE = "SQS_AWS_MANAGED_KEY_UNUSABLE"
    SNS_AWS_MANAGED_KEY_UNUSABLE = "SNS_AWS_MANAGED_KEY_UNUSABLE"
    TOPIC_IN_OTHER_REGION = "TOPIC_IN_OTHER_REGION"

    # SecureQueue (and every SecureQueueOptions of a created DLQ).
    SQS_MAX_RECEIVE_COUNT_OUT_OF_RANGE = "SQS_MAX_RECEIVE_COUNT_OUT_OF_RANGE"
    SQS_VISIBILITY_TIMEOUT_OUT_OF_RANGE = "SQS_VISIBILITY_TIMEOUT_OUT_OF_RANGE"
    SQS_RETENTION_PERIOD_OUT_OF_RANGE = "SQS_RETENTION_PERIOD_OUT_OF_RANGE"
    SQS_DELIVERY_DELAY_OUT_OF_RANGE = "SQS_DELIVERY_DELAY_OUT_OF_RANGE"
    SQS_RECEIVE_WAIT_TIME_OUT_OF_RANGE = "SQS_RECEIVE_WAIT_TIME_OUT_OF_RANGE"
    SQS_MAX_MESSAGE_SIZE_OUT_OF_RANGE = "SQS_MAX_MESSAGE_SIZE_OUT_OF_RANGE"
    SQS_AGE_ALARM_THRESHOLD_NOT_POSITIVE = "SQS_AGE_ALARM_THRESHOLD_NOT_POSITIVE"
    SQS_AGE_ALARM_THRESHOLD_NOT_BELOW_RETENTION = "SQS_AGE_ALARM_THRESHOLD_NOT_BELOW_RETENTION"
    SQS_CONTENT_DEDUPLICATION_FIFO_ONLY = "SQS_CONTENT_DEDUPLICATION_FIFO_ONLY"
    SQS_HIGH_THROUGHPUT_FIFO_ONLY = "SQS_HIGH_THROUGHPUT_FIFO_ONLY"
    SQS_FIFO_QUEUE_NAME_WITHOUT_SUFFIX = "SQS_FIFO_QUEUE_NAME_WITHOUT_SUFFIX"
    SQS_STANDARD_QUEUE_NAME_WITH_FIFO_SUFFIX = "SQS_STANDARD_QUEUE_NAME_WITH_FIFO_SUFFIX"
    SQS_QUEUE_NAME_CHARACTERS = "SQS_QUEUE_NAME_CHARACTERS"
    SQS_QUEUE_NAME_NO_ROOM_FOR_DLQ_SUFFIX = "SQS_QUEUE_NAME_NO_ROOM_FOR_DLQ_SUFFIX"
    SQS_QUEUE_NAME_TOO_LONG = "SQS_QUEUE_NAME_TOO_LONG"
    SQS_DLQ_GIVEN_BUT_DISABLED = "SQS_DLQ_GIVEN_BUT_DISABLED"
    SQS_DLQ_TYPE_MISMATCH = "SQS_DLQ_TYPE_MISMATCH"
    SQS_UNENCRYPTED_REFUSED = "SQS_UNENCRYPTED_REFUSED"
    SQS_KEY_WITHOUT_KMS_ENCRYPTION = "SQS_KEY_WITHOUT_KMS_ENCRYPTION"

    # AlarmTopic.
    ALARM_TOPIC_NAME_FIFO = "ALARM_TOPIC_NAME_FIFO"

    # TopicFanout.
    SNS_TOPIC_OPTIONS_WITH_GIVEN_TOPIC = "SNS_TOPIC_OPTIONS_WITH_GIVEN_TOPIC"
    SNS_CONTENT_DEDUPLICATION_FIFO_ONLY = "SNS_CONTENT_DEDUPLICATION_FIFO_ONLY"
    SNS_TOPIC_NAME_FIFO_SUFFIX = "SNS_TOPIC_NAME_FIFO_SUFFIX"
    SNS_TOPIC_NAME_INVALID = "SNS_TOPIC_NAME_INVALID"
    SNS_QUEUE_TYPE_MISMATCH = "SNS_QUEUE_TYPE_MISMATCH"
    SNS_SUBSCRIPTION_DLQ_DISABLED_BUT_CONFIGURED = "SNS_SUBSCRIPTION_DLQ_DISABLED_BUT_CONFIGURED"
    SNS_SUBSCRIPTION_DLQ_OPTIONS_WITH_GIVEN_DLQ = "SNS_SUBSCRIPTION_DLQ_OPTIONS_WITH_GIVEN_DLQ"
    SNS_SUBSCRIPTION_ID_NOT_UNIQUE = "SNS_SUBSCRIPTION_ID_NOT_UNIQUE"
    SNS_TWO_FILTER_SCOPES = "SNS_TWO_FILTER_SCOPES"

    # EventRuleToQueue and ScheduleToQueue: the target and its DLQ.
    TARGET_MESSAGE_GROUP_ID_REQUIRED = "TARGET_MESSAGE_GROUP_ID_REQUIRED"
    TARGET_MESSAGE_GROUP_ID_FIFO_ONLY = "TARGET_MESSAGE_GROUP_ID_FIFO_ONLY"
    TARGET_MESSAGE_GROUP_ID_LENGTH = "TARGET_MESSAGE_GROUP_ID_LENGTH"
    TARGET_MAX_EVENT_AGE_OUT_OF_RANGE = "TARGET_MAX_EVENT_AGE_OUT_OF_RANGE"
    TARGET_RETRY_ATTEMPTS_OUT_OF_RANGE = "TARGET_RETRY_ATTEMPTS_OUT_OF_RANGE"
    TARGET_DLQ_DISABLED_BUT_CONFIGURED = "TARGET_DLQ_DISABLED_BUT_CONFIGURED"
    TARGET_DLQ_OPTIONS_WITH_GIVEN_DLQ = "TARGET_DLQ_OPTIONS_WITH_GIVEN_DLQ"
    TARGET_DLQ_NOT_STANDARD = "TARGET_DLQ_NOT_STANDARD"

    # EventRuleToQueue.
    EVENTS_PATTERN_EMPTY = "EVENTS_PATTERN_EMPTY"
    EVENTS_KEY_FOR_QUEUE_OF_THIS_ACCOUNT = "EVENTS_KEY_FOR_QUEUE_OF_THIS_ACCOUNT"
    EVENTS_KEY_DIFFERS_FROM_QUEUE_KEY = "EVENTS_KEY_DIFFERS_FROM_QUEUE_KEY"

    # ScheduleToQueue.
    SCHEDULER_END_NOT_AFTER_START = "SCHEDULER_END_NOT_AFTER_START"
    SCHEDULER_FLEXIBLE_WINDOW_OUT_OF_RANGE = "SCHEDULER_FLEXIBLE_WINDOW_OUT_OF_RANGE"
    SCHEDULER_FLEXIBLE_WINDOW_NOT_WHOLE_MINUTES = "SCHEDULER_FLEXIBLE_WINDOW_NOT_WHOLE_MINUTES"
    SCHEDULER_IMPORTED_FIFO_QUEUE = "SCHEDULER_IMPORTED_FIFO_QUEUE"
    SCHEDULER_FIFO_WITHOUT_CONTENT_DEDUPLICATION = "SCHEDULER_FIFO_WITHOUT_CONTENT_DEDUPLICATION"

    # PipeToQueue.
    PIPES_ONE_SOURCE = "PIPES_ONE_SOURCE"
    PIPES_TABLE_WITHOUT_STREAM = "PIPES_TABLE_WITHOUT_STREAM"
    PIPES_TARGET_IS_SOURCE = "PIPES_TARGET_IS_SOURCE"
    PIPES_BATCH_SIZE_OUT_OF_RANGE = "PIPES_BATCH_SIZE_OUT_OF_RANGE"
    PIPES_BATCHING_WINDOW_OUT_OF_RANGE = "PIPES_BATCHING_WINDOW_OUT_OF_RANGE"
    PIPES_TOO_MANY_FILTERS = "PIPES_TOO_MANY_FILTERS"
    PIPES_FILTER_PATTERN_INVALID = "PIPES_FILTER_PATTERN_INVALID"
    PIPES_DEDUPLICATION_ID_FIFO_ONLY = "PIPES_DEDUPLICATION_ID_FIFO_ONLY"
    PIPES_DEDUPLICATION_ID_REQUIRED = "PIPES_DEDUPLICATION_ID_REQUIRED"
    PIPES_DEDUPLICATION_ID_LENGTH = "PIPES_DEDUPLICATION_ID_LENGTH"
    PIPES_STARTING_POSITION_REQUIRED = "PIPES_STARTING_POSITION_REQUIRED"
    PIPES_MAX_RECORD_AGE_OUT_OF_RANGE = "PIPES_MAX_RECORD_AGE_OUT_OF_RANGE"
    PIPES_RETRY_ATTEMPTS_OUT_OF_RANGE = "PIPES_RETRY_ATTEMPTS_OUT_OF_RANGE"
    PIPES_STREAM_OPTION_WITH_QUEUE_SOURCE = "PIPES_STREAM_OPTION_WITH_QUEUE_SOURCE"
    PIPES_DLQ_DISABLED_BUT_CONFIGURED = "PIPES_DLQ_DISABLED_BUT_CONFIGURED"
    PIPES_DLQ_OPTIONS_WITH_GIVEN_DLQ = "PIPES_DLQ_OPTIONS_WITH_GIVEN_DLQ"

    # BucketToQueue.
    S3_FIFO_QUEUE = "S3_FIFO_QUEUE"
    S3_NO_EVENT_TYPES = "S3_NO_EVENT_TYPES"
    S3_EVENT_TYPES_OVERLAP = "S3_EVENT_TYPES_OVERLAP"
    S3_KEY_FILTER_LENGTH = "S3_KEY_FILTER_LENGTH"
    S3_BUCKET_OPTIONS_WITH_GIVEN_BUCKET = "S3_BUCKET_OPTIONS_WITH_GIVEN_BUCKET"
    S3_ACCESS_LOGS_DISABLED_BUT_BUCKET_GIVEN = "S3_ACCESS_LOGS_DISABLED_BUT_BUCKET_GIVEN"
    S3_BUCKET_NAME_UNRESOLVED = "S3_BUCKET_NAME_UNRESOLVED"
    S3_BUCKET_NAME_INVALID = "S3_BUCKET_NAME_INVALID"
    S3_QUEUE_IN_OTHER_REGION = "S3_QUEUE_IN_OTHER_REGION"
    S3_QUEUE_OF_OTHER_ACCOUNT_WITHOUT_NAME = "S3_QUEUE_OF_OTHER_ACCOUNT_WITHOUT_NAME"

    # LambdaQueueConsumer.
    SQS_VISIBILITY_BELOW_SIX_TIMES_TIMEOUT = "SQS_VISIBILITY_BELOW_SIX_TIMES_TIMEOUT"
    LAMBDA_BATCH_SIZE_OUT_OF_RANGE = "LAMBDA_BATCH_SIZE_OUT_OF_RANGE"
    LAMBDA_BATCH_SIZE_NEEDS_BATCHING_WINDOW = "LAMBDA_BATCH_SIZE_NEEDS_BATCHING_WINDOW"
    LAMBDA_BATCHING_WINDOW_OUT_OF_RANGE = "LAMBDA_BATCHING_WINDOW_OUT_OF_RANGE"
    LAMBDA_BATCHING_WINDOW_ON_FIFO = "LAMBDA_BATCHING_WINDOW_ON_FIFO"
    LAMBDA_BATCHING_WINDOW_TOO_SHORT = "LAMBDA_BATCHING_WINDOW_TOO_SHORT"
    LAMBDA_MAX_CONCURRENCY_OUT_OF_RANGE = "LAMBDA_MAX_CONCURRENCY_OUT_OF_RANGE"
    LAMBDA_MAX_CONCURRENCY_WITH_PROVISIONED_POLLERS = (
        "LAMBDA_MAX_CONCURRENCY_WITH_PROVISIONED_POLLERS"
    )
    LAMBDA_MINIMUM_POLLERS_OUT_OF_RANGE = "LAMBDA_MINIMUM_POLLERS_OUT_OF_RANGE"
    LAMBDA_MAXIMUM_POLLERS_OUT_OF_RANGE = "LAMBDA_MAXIMUM_POLLERS_OUT_OF_RANGE"
    LAMBDA_MAXIMUM_POLLERS_BELOW_MINIMUM = "LAMBDA_MAXIMUM_POLLERS_BELOW_MINIMUM"
    LAMBDA_ALARM_THRESHOLD_NEGATIVE = "LAMBDA_ALARM_THRESHOLD_NEGATIVE"
    LAMBDA_AGE_THRESHOLD_WITH_SECURE_QUEUE = "LAMBDA_AGE_THRESHOLD_WITH_SECURE_QUEUE"

    # QueueWorkerFleet.
    FLEET_HANDLER_SPEC = "FLEET_HANDLER_SPEC"
    FLEET_HANDLER_CODE_PATH_MISSING = "FLEET_HANDLER_CODE_PATH_MISSING"
    FLEET_CAPACITY_OUT_OF_RANGE = "FLEET_CAPACITY_OUT_OF_RANGE"
    FLEET_MAX_CAPACITY_BELOW_MIN = "FLEET_MAX_CAPACITY_BELOW_MIN"
    FLEET_MAX_CAPACITY_ZERO = "FLEET_MAX_CAPACITY_ZERO"
    FLEET_SCALING_DURATION_NOT_POSITIVE = "FLEET_SCALING_DURATION_NOT_POSITIVE"
    FLEET_STEPS_WITHOUT_STEP_SCALING = "FLEET_STEPS_WITHOUT_STEP_SCALING"
    FLEET_BACKLOG_OPTION_WITHOUT_TRACKING = "FLEET_BACKLOG_OPTION_WITHOUT_TRACKING"
    FLEET_TOO_FEW_STEPS = "FLEET_TOO_FEW_STEPS"
    FLEET_AGE_THRESHOLD_TOO_LOW_FOR_POISON_MESSAGES = (
        "FLEET_AGE_THRESHOLD_TOO_LOW_FOR_POISON_MESSAGES"
    )
    FLEET_DRAIN_TIMEOUT_OUT_OF_RANGE = "FLEET_DRAIN_TIMEOUT_OUT_OF_RANGE"
    FLEET_WORKER_BATCH_SIZE_OUT_OF_RANGE = "FLEET_WORKER_BATCH_SIZE_OUT_OF_RANGE"
    FLEET_WORKER_CONCURRENCY_BELOW_ONE = "FLEET_WORKER_CONCURRENCY_BELOW_ONE"
    FLEET_HEARTBEAT_VISIBILITY_OUT_OF_RANGE = "FLEET_HEARTBEAT_VISIBILITY_OUT_OF_RANGE"

    # PatternDashboard.
    DASHBOARD_NAME_INVALID = "DASHBOARD_NAME_INVALID"
    DASHBOARD_PERIOD_NOT_WHOLE_MINUTES = "DASHBOARD_PERIOD_NOT_WHOLE_MINUTES"
    DASHBOARD_TIME_RANGE_NOT_WHOLE_MINUTES = "DASHBOARD_TIME_RANGE_NOT_WHOLE_MINUTES"
    DASHBOARD_TOO_MANY_WIDGETS = "DASHBOARD_TOO_MANY_WIDGETS"
    DASHBOARD_PATTERN_TWICE = "DASHBOARD_PATTERN_TWICE"
    DASHBOARD_NOT_A_PATTERN = "DASHBOARD_NOT_A_PATTERN"


@dataclass(frozen=True)
class Rule:
    """What one code means: the constructs that check it and the rule, in a line."""

    constructs: str
    rule: str


_SQS_KEY_SERVICES = "SNS, S3 and EventBridge"
_TARGETS = "EventRuleToQueue, ScheduleToQueue"
_SECURE_QUEUE = "SecureQueue, `SecureQueueOptions`"

C = OptionCode
#: Every code, in the order of the reference.
RULES: dict[OptionCode, Rule] = {
    C.DURATION_NOT_WHOLE_SECONDS: Rule(
        "every construct with a duration option",
        "A duration CloudFormation takes in whole seconds (a visibility timeout, a "
        "threshold, a warm-up) is a fraction of a second.",
    ),
    C.QUEUE_IN_OTHER_ACCOUNT: Rule(
        "ScheduleToQueue, LambdaQueueConsumer, QueueWorkerFleet, TopicFanout",
        "The queue (or subscription DLQ) is in another account, which the service "
        "cannot reach or whose metrics this account cannot see.",
    ),
    C.QUEUE_IN_OTHER_REGION: Rule(
        "EventRuleToQueue, ScheduleToQueue, LambdaQueueConsumer, QueueWorkerFleet, TopicFanout",
        "The queue (or subscription DLQ) is in another Region than the stack.",
    ),
    C.SQS_AWS_MANAGED_KEY_UNUSABLE: Rule(
        "TopicFanout, EventRuleToQueue, BucketToQueue",
        f"A queue or DLQ that {_SQS_KEY_SERVICES} write into is encrypted with "
        "`alias/aws/sqs`, whose key policy those services cannot use.",
    ),
    C.SNS_AWS_MANAGED_KEY_UNUSABLE: Rule(
        "AlarmTopic, and every `alarm_topic` / `notifications_topic`",
        "A topic that CloudWatch alarms or Auto Scaling notify is encrypted with "
        "`alias/aws/sns`, whose key policy admits only principals of the account.",
    ),
    C.TOPIC_IN_OTHER_REGION: Rule(
        "every `alarm_topic` / `notifications_topic`",
        "An alarm or notification topic is in another Region than the stack: "
        "CloudWatch and Auto Scaling notify topics of their own Region only.",
    ),
    # SecureQueue
    C.SQS_MAX_RECEIVE_COUNT_OUT_OF_RANGE: Rule(
        _SECURE_QUEUE, "`max_receive_count` is not a whole number from 1 to 1000."
    ),
    C.SQS_VISIBILITY_TIMEOUT_OUT_OF_RANGE: Rule(
        _SECURE_QUEUE, "`visibility_timeout` is outside 0 seconds to 12 hours."
    ),
    C.SQS_RETENTION_PERIOD_OUT_OF_RANGE: Rule(
        _SECURE_QUEUE, "`retention_period` is outside 60 seconds to 14 days."
    ),
    C.SQS_DELIVERY_DELAY_OUT_OF_RANGE: Rule(
        _SECURE_QUEUE, "`delivery_delay` is outside 0 to 900 seconds."
    ),
    C.SQS_RECEIVE_WAIT_TIME_OUT_OF_RANGE: Rule(
        _SECURE_QUEUE, "`receive_message_wait_time` is outside 0 to 20 seconds."
    ),
    C.SQS_MAX_MESSAGE_SIZE_OUT_OF_RANGE: Rule(
        _SECURE_QUEUE,
        "`max_message_size_bytes` is outside 1,024 to 1,048,576 bytes.",
    ),
    C.SQS_AGE_ALARM_THRESHOLD_NOT_POSITIVE: Rule(
        _SECURE_QUEUE, "`oldest_message_age_alarm_threshold` is not above 0."
    ),
    C.SQS_AGE_ALARM_THRESHOLD_NOT_BELOW_RETENTION: Rule(
        _SECURE_QUEUE,
        "`oldest_message_age_alarm_threshold` is not shorter than `retention_period`: "
        "the alarm could never fire.",
    ),
    C.SQS_CONTENT_DEDUPLICATION_FIFO_ONLY: Rule(
        _SECURE_QUEUE, "`content_based_deduplication` on a standard queue."
    ),
    C.SQS_HIGH_THROUGHPUT_FIFO_ONLY: Rule(
        _SECURE_QUEUE, "`high_throughput_fifo` on a standard queue."
    ),
    C.SQS_FIFO_QUEUE_NAME_WITHOUT_SUFFIX: Rule(
        _SECURE_QUEUE, "A FIFO queue's `queue_name` does not end in `.fifo`."
    ),
    C.SQS_STANDARD_QUEUE_NAME_WITH_FIFO_SUFFIX: Rule(
        _SECURE_QUEUE, "A standard queue's `queue_name` ends in `.fifo`."
    ),
    C.SQS_QUEUE_NAME_CHARACTERS: Rule(
        _SECURE_QUEUE,
        "`queue_name` holds characters other than letters, digits, `-` and `_`.",
    ),
    C.SQS_QUEUE_NAME_NO_ROOM_FOR_DLQ_SUFFIX: Rule(
        _SECURE_QUEUE,
        "`queue_name` leaves no room for the created DLQ's `-dlq` suffix within 80 characters.",
    ),
    C.SQS_QUEUE_NAME_TOO_LONG: Rule(_SECURE_QUEUE, "`queue_name` is longer than 80 characters."),
    C.SQS_DLQ_GIVEN_BUT_DISABLED: Rule(
        _SECURE_QUEUE,
        "`dead_letter_queue` is given with `dead_letter_queue_enabled=False`.",
    ),
    C.SQS_DLQ_TYPE_MISMATCH: Rule(
        _SECURE_QUEUE,
        "`dead_letter_queue` is FIFO for a standard queue or standard for a FIFO one.",
    ),
    C.SQS_UNENCRYPTED_REFUSED: Rule(
        _SECURE_QUEUE, "`encryption=UNENCRYPTED`: a SecureQueue is always encrypted."
    ),
    C.SQS_KEY_WITHOUT_KMS_ENCRYPTION: Rule(
        _SECURE_QUEUE,
        "`queue_encryption_key` is given with an `encryption` other than `KMS`.",
    ),
    # AlarmTopic
    C.ALARM_TOPIC_NAME_FIFO: Rule(
        "AlarmTopic", "`topic_name` ends in `.fifo`: CloudWatch alarms cannot notify FIFO topics."
    ),
    # TopicFanout
    C.SNS_TOPIC_OPTIONS_WITH_GIVEN_TOPIC: Rule(
        "TopicFanout",
        "Options of a created topic (`fifo`, `topic_name`, `content_based_deduplication`, "
        "`topic_encryption_key`) beside an existing `topic`.",
    ),
    C.SNS_CONTENT_DEDUPLICATION_FIFO_ONLY: Rule(
        "TopicFanout", "`content_based_deduplication` on a standard topic."
    ),
    C.SNS_TOPIC_NAME_FIFO_SUFFIX: Rule(
        "TopicFanout",
        "A FIFO topic's `topic_name` does not end in `.fifo`, or a standard topic's does.",
    ),
    C.SNS_TOPIC_NAME_INVALID: Rule(
        "TopicFanout",
        "`topic_name` is not 1 to 256 letters, digits, `-` and `_` (plus `.fifo`).",
    ),
    C.SNS_QUEUE_TYPE_MISMATCH: Rule(
        "TopicFanout",
        "A subscribed queue or the subscription DLQ is not of the topic's type "
        "(FIFO with FIFO, standard with standard).",
    ),
    C.SNS_SUBSCRIPTION_DLQ_DISABLED_BUT_CONFIGURED: Rule(
        "TopicFanout",
        "`subscription_dead_letter_queue` or its options are given with "
        "`subscription_dead_letter_queue_enabled=False`.",
    ),
    C.SNS_SUBSCRIPTION_DLQ_OPTIONS_WITH_GIVEN_DLQ: Rule(
        "TopicFanout",
        "`subscription_dead_letter_queue_options` beside an existing "
        "`subscription_dead_letter_queue`.",
    ),
    C.SNS_SUBSCRIPTION_ID_NOT_UNIQUE: Rule(
        "TopicFanout",
        "A subscription's `id` is used twice, or is one of the fan-out's own child ids.",
    ),
    C.SNS_TWO_FILTER_SCOPES: Rule(
        "TopicFanout",
        "A subscription has both `filter_policy` and `filter_policy_with_message_body`.",
    ),
    # EventRuleToQueue and ScheduleToQueue
    C.TARGET_MESSAGE_GROUP_ID_REQUIRED: Rule(
        f"{_TARGETS}, PipeToQueue",
        "The target queue is FIFO and `message_group_id` is not given.",
    ),
    C.TARGET_MESSAGE_GROUP_ID_FIFO_ONLY: Rule(
        "ScheduleToQueue, PipeToQueue",
        "`message_group_id` for a standard queue, which the service cannot send to "
        "as a fair queue.",
    ),
    C.TARGET_MESSAGE_GROUP_ID_LENGTH: Rule(
        f"{_TARGETS}, PipeToQueue",
        "`message_group_id` is longer than the service takes (EventBridge 100, "
        "Scheduler 128, Pipes 100 characters) or empty.",
    ),
    C.TARGET_MAX_EVENT_AGE_OUT_OF_RANGE: Rule(
        _TARGETS, "`max_event_age` is outside 60 seconds to 24 hours."
    ),
    C.TARGET_RETRY_ATTEMPTS_OUT_OF_RANGE: Rule(_TARGETS, "`retry_attempts` is outside 0 to 185."),
    C.TARGET_DLQ_DISABLED_BUT_CONFIGURED: Rule(
        _TARGETS,
        "`target_dead_letter_queue` or its options are given with "
        "`target_dead_letter_queue_enabled=False`.",
    ),
    C.TARGET_DLQ_OPTIONS_WITH_GIVEN_DLQ: Rule(
        _TARGETS,
        "`target_dead_letter_queue_options` beside an existing `target_dead_letter_queue`.",
    ),
    C.TARGET_DLQ_NOT_STANDARD: Rule(
        _TARGETS,
        "The target DLQ (given or to create) is FIFO: the services dead-letter "
        "into standard queues only.",
    ),
    # EventRuleToQueue
    C.EVENTS_PATTERN_EMPTY: Rule("EventRuleToQueue", "`event_pattern` sets no field."),
    C.EVENTS_KEY_FOR_QUEUE_OF_THIS_ACCOUNT: Rule(
        "EventRuleToQueue",
        "`queue_encryption_key` for a queue of this account (it is for a queue of "
        "another account only).",
    ),
    C.EVENTS_KEY_DIFFERS_FROM_QUEUE_KEY: Rule(
        "EventRuleToQueue", "`queue_encryption_key` differs from the key the queue names."
    ),
    # ScheduleToQueue
    C.SCHEDULER_END_NOT_AFTER_START: Rule("ScheduleToQueue", "`end` is not after `start`."),
    C.SCHEDULER_FLEXIBLE_WINDOW_OUT_OF_RANGE: Rule(
        "ScheduleToQueue", "`flexible_time_window` is outside 1 minute to 24 hours."
    ),
    C.SCHEDULER_FLEXIBLE_WINDOW_NOT_WHOLE_MINUTES: Rule(
        "ScheduleToQueue", "`flexible_time_window` is not a whole number of minutes."
    ),
    C.SCHEDULER_IMPORTED_FIFO_QUEUE: Rule(
        "ScheduleToQueue",
        "An imported FIFO queue: its content-based deduplication, which Scheduler "
        "needs, cannot be checked.",
    ),
    C.SCHEDULER_FIFO_WITHOUT_CONTENT_DEDUPLICATION: Rule(
        "ScheduleToQueue",
        "A FIFO queue without content-based deduplication: Scheduler sends no deduplication id.",
    ),
    # PipeToQueue
    C.PIPES_ONE_SOURCE: Rule(
        "PipeToQueue",
        "Not exactly one of `source_queue`, `source_table`, `source_stream` is given.",
    ),
    C.PIPES_TABLE_WITHOUT_STREAM: Rule("PipeToQueue", "`source_table` has no DynamoDB stream."),
    C.PIPES_TARGET_IS_SOURCE: Rule("PipeToQueue", "`queue` is `source_queue`."),
    C.PIPES_BATCH_SIZE_OUT_OF_RANGE: Rule(
        "PipeToQueue", "`batch_size` is outside 1 to 10 (an SQS target's largest batch)."
    ),
    C.PIPES_BATCHING_WINDOW_OUT_OF_RANGE: Rule(
        "PipeToQueue", "`maximum_batching_window` is outside 0 to 300 seconds."
    ),
    C.PIPES_TOO_MANY_FILTERS: Rule("PipeToQueue", "`filter_patterns` has more than 5 patterns."),
    C.PIPES_FILTER_PATTERN_INVALID: Rule(
        "PipeToQueue", "A filter pattern is empty or longer than 4,096 characters as JSON."
    ),
    C.PIPES_DEDUPLICATION_ID_FIFO_ONLY: Rule(
        "PipeToQueue", "`message_deduplication_id` for a standard queue."
    ),
    C.PIPES_DEDUPLICATION_ID_REQUIRED: Rule(
        "PipeToQueue",
        "A FIFO queue without content-based deduplication (or imported) and no "
        "`message_deduplication_id`.",
    ),
    C.PIPES_DEDUPLICATION_ID_LENGTH: Rule(
        "PipeToQueue", "`message_deduplication_id` is empty or longer than 100 characters."
    ),
    C.PIPES_STARTING_POSITION_REQUIRED: Rule(
        "PipeToQueue", "A stream source without `starting_position` `LATEST` or `TRIM_HORIZON`."
    ),
    C.PIPES_MAX_RECORD_AGE_OUT_OF_RANGE: Rule(
        "PipeToQueue", "`max_record_age` is outside 60 seconds to 7 days."
    ),
    C.PIPES_RETRY_ATTEMPTS_OUT_OF_RANGE: Rule(
        "PipeToQueue", "`retry_attempts` is outside 0 to 10,000."
    ),
    C.PIPES_STREAM_OPTION_WITH_QUEUE_SOURCE: Rule(
        "PipeToQueue",
        "An option of a stream source (`starting_position`, `max_record_age`, "
        "`retry_attempts`, the pipe DLQ's) with a queue source.",
    ),
    C.PIPES_DLQ_DISABLED_BUT_CONFIGURED: Rule(
        "PipeToQueue",
        "`pipe_dead_letter_queue` or its options are given with "
        "`pipe_dead_letter_queue_enabled=False`.",
    ),
    C.PIPES_DLQ_OPTIONS_WITH_GIVEN_DLQ: Rule(
        "PipeToQueue",
        "`pipe_dead_letter_queue_options` beside an existing `pipe_dead_letter_queue`.",
    ),
    # BucketToQueue
    C.S3_FIFO_QUEUE: Rule("BucketToQueue", "The queue is FIFO: S3 notifies standard queues only."),
    C.S3_NO_EVENT_TYPES: Rule("BucketToQueue", "`event_types` is empty."),
    C.S3_EVENT_TYPES_OVERLAP: Rule(
        "BucketToQueue", "`event_types` repeat or overlap (`s3:ObjectCreated:*` and a Put)."
    ),
    C.S3_KEY_FILTER_LENGTH: Rule(
        "BucketToQueue", "`prefix` or `suffix` is empty or longer than 1,024 characters."
    ),
    C.S3_BUCKET_OPTIONS_WITH_GIVEN_BUCKET: Rule(
        "BucketToQueue",
        "Options of a created bucket (`bucket_name`, `versioned`, access logs) beside "
        "an existing `bucket`.",
    ),
    C.S3_ACCESS_LOGS_DISABLED_BUT_BUCKET_GIVEN: Rule(
        "BucketToQueue", "`access_logs_bucket` is given with `access_logs_enabled=False`."
    ),
    C.S3_BUCKET_NAME_UNRESOLVED: Rule(
        "BucketToQueue",
        "`bucket_name` is a token: the queue policy must name the bucket before it exists.",
    ),
    C.S3_BUCKET_NAME_INVALID: Rule("BucketToQueue", "`bucket_name` breaks S3's naming rules."),
    C.S3_QUEUE_IN_OTHER_REGION: Rule(
        "BucketToQueue", "The queue is in another Region than the bucket."
    ),
    C.S3_QUEUE_OF_OTHER_ACCOUNT_WITHOUT_NAME: Rule(
        "BucketToQueue",
        "A queue of another account's stack has no `queue_name`, by which alone a "
        "template can name it.",
    ),
    # LambdaQueueConsumer
    C.SQS_VISIBILITY_BELOW_SIX_TIMES_TIMEOUT: Rule(
        "LambdaQueueConsumer",
        "The queue's visibility timeout is below 6 x the function timeout + the "
        "batching window (Lambda's guide).",
    ),
    C.LAMBDA_BATCH_SIZE_OUT_OF_RANGE: Rule(
        "LambdaQueueConsumer",
        "`batch_size` is outside 1 to 10,000 (standard queue) or 1 to 10 (FIFO queue).",
    ),
    C.LAMBDA_BATCH_SIZE_NEEDS_BATCHING_WINDOW: Rule(
        "LambdaQueueConsumer", "`batch_size` above 10 without a `max_batching_window`."
    ),
    C.LAMBDA_BATCHING_WINDOW_OUT_OF_RANGE: Rule(
        "LambdaQueueConsumer", "`max_batching_window` is outside 0 to 300 seconds."
    ),
    C.LAMBDA_BATCHING_WINDOW_ON_FIFO: Rule(
        "LambdaQueueConsumer", "`max_batching_window` for a FIFO queue."
    ),
    C.LAMBDA_BATCHING_WINDOW_TOO_SHORT: Rule(
        "LambdaQueueConsumer",
        "`max_batching_window` below 1 second with a `batch_size` above 10.",
    ),
    C.LAMBDA_MAX_CONCURRENCY_OUT_OF_RANGE: Rule(
        "LambdaQueueConsumer", "`max_concurrency` is outside 2 to 1,000."
    ),
    C.LAMBDA_MAX_CONCURRENCY_WITH_PROVISIONED_POLLERS: Rule(
        "LambdaQueueConsumer",
        "`max_concurrency` beside `minimum_pollers`/`maximum_pollers` (provisioned mode).",
    ),
    C.LAMBDA_MINIMUM_POLLERS_OUT_OF_RANGE: Rule(
        "LambdaQueueConsumer", "`minimum_pollers` is outside 2 to 200."
    ),
    C.LAMBDA_MAXIMUM_POLLERS_OUT_OF_RANGE: Rule(
        "LambdaQueueConsumer", "`maximum_pollers` is outside 2 to 10,000."
    ),
    C.LAMBDA_MAXIMUM_POLLERS_BELOW_MINIMUM: Rule(
        "LambdaQueueConsumer", "`maximum_pollers` is below `minimum_pollers`."
    ),
    C.LAMBDA_ALARM_THRESHOLD_NEGATIVE: Rule(
        "LambdaQueueConsumer",
        "`errors_alarm_threshold` or `throttles_alarm_threshold` is negative.",
    ),
    C.LAMBDA_AGE_THRESHOLD_WITH_SECURE_QUEUE: Rule(
        "LambdaQueueConsumer",
        "`oldest_message_age_alarm_threshold` with a SecureQueue, whose own age alarm "
        "the consumer reuses.",
    ),
    # QueueWorkerFleet
    C.FLEET_HANDLER_SPEC: Rule("QueueWorkerFleet", "`handler` is not `module:function`."),
    C.FLEET_HANDLER_CODE_PATH_MISSING: Rule(
        "QueueWorkerFleet", "`handler_code_path` is not an existing folder."
    ),
    C.FLEET_CAPACITY_OUT_OF_RANGE: Rule(
        "QueueWorkerFleet", "`min_capacity` or `max_capacity` is outside 0 to 10,000."
    ),
    C.FLEET_MAX_CAPACITY_BELOW_MIN: Rule(
        "QueueWorkerFleet", "`max_capacity` is below `min_capacity`."
    ),
    C.FLEET_MAX_CAPACITY_ZERO: Rule("QueueWorkerFleet", "`max_capacity` is 0."),
    C.FLEET_SCALING_DURATION_NOT_POSITIVE: Rule(
        "QueueWorkerFleet",
        "`acceptable_latency`, `average_processing_time` or "
        "`message_age_scale_out_threshold` is not above 0.",
    ),
    C.FLEET_STEPS_WITHOUT_STEP_SCALING: Rule(
        "QueueWorkerFleet",
        "`queue_depth_steps` with a `scaling` other than `QUEUE_DEPTH_STEPS`.",
    ),
    C.FLEET_BACKLOG_OPTION_WITHOUT_TRACKING: Rule(
        "QueueWorkerFleet",
        "`acceptable_latency` or `average_processing_time` with `scaling=QUEUE_DEPTH_STEPS`.",
    ),
    C.FLEET_TOO_FEW_STEPS: Rule("QueueWorkerFleet", "`queue_depth_steps` has fewer than 2 steps."),
    C.FLEET_AGE_THRESHOLD_TOO_LOW_FOR_POISON_MESSAGES: Rule(
        "QueueWorkerFleet",
        "`message_age_scale_out_threshold` is so low against the queue's visibility "
        "timeout and receives that the alarm would need more than a day of datapoints.",
    ),
    C.FLEET_DRAIN_TIMEOUT_OUT_OF_RANGE: Rule(
        "QueueWorkerFleet", "`drain_timeout` is outside 30 seconds to 2 hours."
    ),
    C.FLEET_WORKER_BATCH_SIZE_OUT_OF_RANGE: Rule(
        "QueueWorkerFleet", "`worker_batch_size` is outside 1 to 10."
    ),
    C.FLEET_WORKER_CONCURRENCY_BELOW_ONE: Rule(
        "QueueWorkerFleet", "`worker_concurrency` is below 1."
    ),
    C.FLEET_HEARTBEAT_VISIBILITY_OUT_OF_RANGE: Rule(
        "QueueWorkerFleet", "`heartbeat_visibility` is outside 1 second to 12 hours."
    ),
    # PatternDashboard
    C.DASHBOARD_NAME_INVALID: Rule(
        "PatternDashboard", "`dashboard_name` is not 1 to 255 letters, digits, `-` or `_`."
    ),
    C.DASHBOARD_PERIOD_NOT_WHOLE_MINUTES: Rule(
        "PatternDashboard", "`period` is not a whole number of minutes."
    ),
    C.DASHBOARD_TIME_RANGE_NOT_WHOLE_MINUTES: Rule(
        "PatternDashboard", "`time_range` is not a whole number of minutes."
    ),
    C.DASHBOARD_TOO_MANY_WIDGETS: Rule(
        "PatternDashboard", "The patterns need more than CloudWatch's 500 widgets."
    ),
    C.DASHBOARD_PATTERN_TWICE: Rule("PatternDashboard", "A pattern is given twice."),
    C.DASHBOARD_NOT_A_PATTERN: Rule(
        "PatternDashboard",
        "A value is neither a queue nor an object with `dashboard_view` (`DashboardPattern`).",
    ),
}


def reference() -> str:
    """docs/option-codes.md: every code, its constructs and its rule."""
    lines = [
        "# Option codes",
        "",
        "<!-- Written by `python -m constructs_lib.option_codes docs/option-codes.md`;",
        "     tests/constructs_lib/test_option_codes.py keeps it equal to the code. -->",
        "",
        "Every `OptionProblem` the library raises (in a `ConstructOptionError`) carries",
        "one of these codes in `code`, beside its message. The message may be reworded",
        "from one release to the next; the code stays. Match codes, not messages:",
        "",
        "```python",
        "from constructs_lib import ConstructOptionError, OptionCode, SecureQueue",
        "",
        "try:",
        '    SecureQueue(stack, "Orders", max_receive_count=0)',
        "except ConstructOptionError as err:",
        "    assert err.codes == [OptionCode.SQS_MAX_RECEIVE_COUNT_OUT_OF_RANGE]",
        "```",
        "",
        "A code is only ever added; the code of a rule that is dropped is retired and",
        "never reused. `problem.option` says which option (a nested one as",
        "`target_dead_letter_queue_options.max_receive_count`).",
        "",
        "| code | checked by | the rule |",
        "| --- | --- | --- |",
    ]
    lines += [f"| `{code}` | {rule.constructs} | {rule.rule} |" for code, rule in RULES.items()]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Writes `reference` into the file named by the one argument."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(
            "usage: python -m constructs_lib.option_codes <docs/option-codes.md>", file=sys.stderr
        )
        return 2
    Path(args[0]).write_text(reference())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
