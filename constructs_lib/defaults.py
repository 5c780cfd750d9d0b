"""Every default the library applies, in one place.

Each construct's docstring names the constant it uses, and the README's option
tables are checked against these values by a test, so the three never drift.
"""

from __future__ import annotations

from aws_cdk import Duration

# --- SecureQueue -----------------------------------------------------------

#: How many receives without a delete before SQS moves a message to the DLQ.
#: AWS recommends at least 5 for Lambda consumers so that throttled batches are
#: not dead-lettered on their first retry.
MAX_RECEIVE_COUNT = 5

#: SQS's own default; consumers override it (Lambda needs >= 6 x its timeout).
VISIBILITY_TIMEOUT = Duration.seconds(30)

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

# --- AWS limits the validators enforce (not defaults, but named the same way) --

MAX_RECEIVE_COUNT_RANGE = (1, 1000)
VISIBILITY_TIMEOUT_RANGE_SECONDS = (0, 43_200)
RETENTION_PERIOD_RANGE_SECONDS = (60, 1_209_600)
DELIVERY_DELAY_RANGE_SECONDS = (0, 900)
RECEIVE_WAIT_TIME_RANGE_SECONDS = (0, 20)
MAX_MESSAGE_SIZE_RANGE_BYTES = (1_024, 1_048_576)
QUEUE_NAME_MAX_LENGTH = 80

# --- Stack limits (CloudFormation quotas the library checks at synth) ----------

#: CloudFormation's resources-per-stack quota; the context key
#: ``@aws-cdk/core:stackResourceLimit`` overrides it as it does for aws-cdk-lib
#: (0 turns the check off), e.g. after a quota increase.
STACK_RESOURCE_LIMIT = 500
