"""Amazon EventBridge Pipes: a pipe reads its source and delivers to its target, as its role.

A pipe polls its source (an SQS queue, a DynamoDB or Kinesis stream) and
sends what passes its filter to its target; "EventBridge Pipes uses the IAM
role that you specify on the pipe for enrichment and target calls" (EventBridge
user guide, "Event source permissions for Amazon EventBridge Pipes"). So it
is a consumer of its source queue and a role-based producer into its target.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from constructs_lib.services._evidence import as_role
from constructs_lib.services._model import (
    AS_ROLE,
    CONSUMER,
    DELIVERY,
    QUEUE,
    SELF,
    TOPIC,
    Behaviour,
    Evidence,
    LeftOut,
    Link,
    Service,
    dead_letter,
    mapping,
)

PIPE_TYPE = "AWS::Pipes::Pipe"
TABLE_TYPE = "AWS::DynamoDB::Table"
STREAM_TYPE = "AWS::Kinesis::Stream"

#: SourceParameters' key per source kind, and which of them take a pipe dead-letter queue.
#: The limits PipeToQueue validates, each from the EventBridge Pipes API reference or
#: user guide (quoted where the construct uses them):
#: ``StartingPosition`` of a stream source: "Valid Values: TRIM_HORIZON | LATEST" (DynamoDB;
#: Kinesis adds AT_TIMESTAMP with a timestamp, which the construct does not offer);
STARTING_POSITIONS = ("LATEST", "TRIM_HORIZON")
#: "Amazon SQS queue | 10": an SQS target's largest batch ("you can't configure a pipe
#: with a larger batch size than the target supports", "Batching and concurrency");
SQS_TARGET_BATCH_SIZE_RANGE = (1, 10)
#: ``MaximumBatchingWindowInSeconds``: "Minimum value of 0. Maximum value of 300.";
BATCHING_WINDOW_RANGE_SECONDS = (0, 300)
#: ``MaximumRecordAgeInSeconds`` (streams): "Minimum value of -1. Maximum value of
#: 604800." (-1: infinite, which the construct does not offer: a poison record would
#: hold its shard until the stream drops it);
MAX_RECORD_AGE_RANGE_SECONDS = (60, 604_800)
#: ``MaximumRetryAttempts`` (streams): "Minimum value of -1. Maximum value of 10000."
#: (-1: infinite, not offered, for the same reason);
RETRY_ATTEMPTS_RANGE = (0, 10_000)
#: ``FilterCriteria.Filters``: "Maximum number of 5 items"; ``Filter.Pattern``: "Maximum
#: length of 4096".
MAX_FILTERS = 5
MAX_FILTER_PATTERN_LENGTH = 4_096
#: ``PipeTargetSqsQueueParameters.MessageDeduplicationId``: "Maximum length of 100."
MESSAGE_DEDUPLICATION_ID_MAX_LENGTH = 100

SOURCE_PARAMETERS = {
    "sqs": "SqsQueueParameters",
    "dynamodb": "DynamoDBStreamParameters",
    "kinesis": "KinesisStreamParameters",
}
STREAM_SOURCES = ("dynamodb", "kinesis")

PERMISSIONS = Evidence(
    "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-permissions.html",
    "To make API calls on the resources that you own, EventBridge Pipes needs appropriate "
    "permission. EventBridge Pipes uses the IAM role that you specify on the pipe for "
    "enrichment and target calls using the IAM principal pipes.amazonaws.com.",
)
ERROR_HANDLING = Evidence(
    "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-pipes-error-troubleshooting.html",
    "A pipe inherits dead-letter queue (DLQ) behavior from the source. If the source Amazon "
    "SQS queue has a configured DLQ, messages are automatically delivered there after the "
    "configured number of attempts. For stream sources, such as DynamoDB and Kinesis streams, "
    "you can configure a DLQ for the pipe and route events.",
)
_NO_TRUST_KEYS = (
    "AWS documents no source keys in the AssumeRole request of EventBridge Pipes (its "
    "permissions page names the principal only)"
)


def pipe(props: Mapping[str, Any]) -> Iterator[Link]:
    """The source -> the pipe (a consumer), the pipe -> its target, and -> its DLQ."""
    parameters, role = mapping(props.get("SourceParameters")), props.get("RoleArn")
    kinds = [mapping(parameters.get(key)) for key in SOURCE_PARAMETERS.values()]
    batch = next((k["BatchSize"] for k in kinds if k.get("BatchSize") is not None), None)
    source_filter = parameters.get("FilterCriteria")
    words = (f"batch {batch}" if batch is not None else "", "filtered" if source_filter else "")
    yield Link(CONSUMER, SELF, "Properties/Source", source=props.get("Source"), role=role,
               filter=source_filter, label=", ".join(x for x in words if x))  # fmt: skip
    target = mapping(props.get("TargetParameters"))
    group = mapping(target.get("SqsQueueParameters")).get("MessageGroupId")
    label = "input transformed" if target.get("InputTemplate") else ""
    yield Link(DELIVERY, props.get("Target"), "Properties/Target", role=role, group_id=group,
               filter=source_filter, settings=target, label=label)  # fmt: skip
    for kind in STREAM_SOURCES:
        key = SOURCE_PARAMETERS[kind]
        yield from dead_letter(
            mapping(parameters.get(key)).get("DeadLetterConfig"),
            f"Properties/SourceParameters/{key}/DeadLetterConfig",
            role=role,
            target_types=(QUEUE, TOPIC),
        )


PRINCIPAL = "pipes.amazonaws.com"

PIPES = Service(
    "pipes", "EventBridge Pipes", PRINCIPAL, AS_ROLE, "EventBridge pipe",
    readers={PIPE_TYPE: pipe},
    nodes={PIPE_TYPE: "pipe"},
    source_nodes={TABLE_TYPE: "table", STREAM_TYPE: "stream"},
    deliveries=(
        as_role("pipes-sqs",
                "EventBridge pipe -> SQS queue (and the pipe's DLQ), as its role; its reads of "
                "an SQS source, the same role's requests",
                PRINCIPAL, (),
                (LeftOut("aws:SourceArn", _NO_TRUST_KEYS, PERMISSIONS),
                 LeftOut("aws:SourceAccount", _NO_TRUST_KEYS, PERMISSIONS)),
                action="sqs:SendMessage (and sqs:ReceiveMessage, sqs:DeleteMessage, "
                "sqs:GetQueueAttributes on an SQS source)"),
    ),
    behaviours=(
        Behaviour("pipes-source-dead-letters", "refuses",
                  "a pipe with an SQS source has no dead-letter queue of its own: what it cannot "
                  "deliver stays in the source queue, whose redrive policy moves it to the "
                  "source's dead-letter queue; a stream source's failed records go to the "
                  "pipe's DLQ",
                  ERROR_HANDLING),
    ),
    # "all principals in the account (that are authorized to use Amazon SQS)": the role is one
    can_use_aws_managed_sqs_key=True,
    # PipeTargetSqsQueueParameters (EventBridge Pipes API reference): MessageGroupId,
    # "The FIFO message group ID to use as the target. ... Maximum length of 100."
    message_group_id_max_length=100,
    no_fair_queues="EventBridge Pipes documents its SQS target's MessageGroupId as 'The "
    "FIFO message group ID' (PipeTargetSqsQueueParameters; no fair-queue support)",
)  # fmt: skip
