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

from constructs_lib.services._evidence import role_key_stage, secure
from constructs_lib.services._model import (
    AS_ROLE,
    CONSUMER,
    DEAD_LETTER,
    DELIVERY,
    KEY,
    QUEUE,
    RESOURCE,
    SELF,
    TOPIC,
    TRUST,
    Behaviour,
    Delivery,
    Evidence,
    LeftOut,
    Link,
    Service,
    Stage,
    mapping,
)

PIPE_TYPE = "AWS::Pipes::Pipe"
TABLE_TYPE = "AWS::DynamoDB::Table"
STREAM_TYPE = "AWS::Kinesis::Stream"

#: SourceParameters' key per source kind, and which of them take a pipe dead-letter queue.
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
    parameters = mapping(props.get("SourceParameters"))
    role = props.get("RoleArn")
    source_filter = parameters.get("FilterCriteria")
    batch = next(
        (mapping(parameters.get(k)).get("BatchSize") for k in SOURCE_PARAMETERS.values()
         if mapping(parameters.get(k)).get("BatchSize") is not None),
        None,
    )  # fmt: skip
    label = ", ".join(
        x
        for x in (f"batch {batch}" if batch is not None else "", source_filter and "filtered")
        if x
    )
    yield Link(
        CONSUMER,
        SELF,
        "Properties/Source",
        source=props.get("Source"),
        role=role,
        filter=source_filter,
        label=label,
    )
    target_parameters = mapping(props.get("TargetParameters"))
    yield Link(
        DELIVERY,
        props.get("Target"),
        "Properties/Target",
        role=role,
        group_id=mapping(target_parameters.get("SqsQueueParameters")).get("MessageGroupId"),
        filter=source_filter,
        settings=target_parameters,
        label="input transformed" if target_parameters.get("InputTemplate") else "",
    )
    for kind in STREAM_SOURCES:
        key = SOURCE_PARAMETERS[kind]
        dead_letter = mapping(mapping(parameters.get(key)).get("DeadLetterConfig")).get("Arn")
        if dead_letter is not None:
            yield Link(
                DEAD_LETTER,
                dead_letter,
                f"Properties/SourceParameters/{key}/DeadLetterConfig",
                target_types=(QUEUE, TOPIC),
                role=role,
                label="failed deliveries",
            )


PIPES = Service(
    id="pipes",
    name="EventBridge Pipes",
    principal="pipes.amazonaws.com",
    sends_as=AS_ROLE,
    producer="EventBridge pipe",
    readers={PIPE_TYPE: pipe},
    nodes={PIPE_TYPE: "pipe"},
    source_nodes={TABLE_TYPE: "table", STREAM_TYPE: "stream"},
    deliveries=(
        Delivery(
            "pipes-sqs",
            "EventBridge pipe -> SQS queue (and the pipe's DLQ), as its role; its reads of "
            "an SQS source, the same role's requests",
            "role",
            {
                TRUST: Stage(
                    "sts:AssumeRole (pipes.amazonaws.com)",
                    "the execution role's trust policy",
                    (secure(),),
                    (
                        LeftOut("aws:SourceArn", _NO_TRUST_KEYS, PERMISSIONS),
                        LeftOut("aws:SourceAccount", _NO_TRUST_KEYS, PERMISSIONS),
                    ),
                ),
                RESOURCE: Stage(
                    "sqs:SendMessage (and sqs:ReceiveMessage, sqs:DeleteMessage, "
                    "sqs:GetQueueAttributes on an SQS source)",
                    "the queue policy and the role's identity policies",
                    (secure(),),
                ),
                KEY: role_key_stage(),
            },
        ),
    ),
    behaviours=(
        Behaviour(
            "pipes-source-dead-letters",
            "refuses",
            "a pipe with an SQS source has no dead-letter queue of its own: what it cannot "
            "deliver stays in the source queue, whose redrive policy moves it to the source's "
            "dead-letter queue; a stream source's failed records go to the pipe's DLQ",
            ERROR_HANDLING,
        ),
    ),
    # "all principals in the account (that are authorized to use Amazon SQS)": the role is one
    can_use_aws_managed_sqs_key=True,
    # PipeTargetSqsQueueParameters (EventBridge Pipes API reference): MessageGroupId,
    # "The FIFO message group ID to use as the target. ... Maximum length of 100."
    message_group_id_max_length=100,
    no_fair_queues="EventBridge Pipes documents its SQS target's MessageGroupId as 'The "
    "FIFO message group ID' (PipeTargetSqsQueueParameters; no fair-queue support)",
)
