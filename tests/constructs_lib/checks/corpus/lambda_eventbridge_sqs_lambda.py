"""Lambda -> EventBridge -> SQS -> Lambda.

serverless-patterns, lambda-eventbridge-sqs-lambda-cdk-python.

The original: three L1 ``CfnRule`` targets into three queues, each with the
same dead-letter queue; every queue (and the DLQ) granted to
``events.amazonaws.com`` by ``grant_send_messages(ServicePrincipal(...))``
with no condition; each queue read, one message at a time, by a function
(AWS Solutions Constructs' SqsToLambda over the existing queue), and none of
the three queues has a redrive policy.
"""

from __future__ import annotations

from aws_cdk import App, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.corpus import (
    MAY_FAIL,
    SERVERLESS_PATTERNS,
    SERVERLESS_PATTERNS_COMMIT,
    Judged,
    Source,
    function,
)

SOURCE = Source(
    SERVERLESS_PATTERNS, "lambda-eventbridge-sqs-lambda-cdk-python", SERVERLESS_PATTERNS_COMMIT
)
ON_ORIGINAL = ("SP3", "SP3", "SP3", "SP3", "SP5", "SP5", "SP5")

CHANNELS = {"Email": 5, "Sftp": 2, "Partner": 3}


def build(app: App) -> None:
    stack = Stack(app, "Channels")
    dlq = sqs.Queue(stack, "Undelivered")
    events_principal = iam.ServicePrincipal("events.amazonaws.com")
    for name, concurrency in CHANNELS.items():
        queue = sqs.Queue(stack, f"{name}Queue")
        events.CfnRule(
            stack,
            f"{name}Rule",
            event_pattern={"source": ["content-generator"], "detail": {"channel": [name]}},
            targets=[
                events.CfnRule.TargetProperty(
                    arn=queue.queue_arn,
                    id=f"{name}-target",
                    dead_letter_config=events.CfnRule.DeadLetterConfigProperty(arn=dlq.queue_arn),
                )
            ],
        )
        queue.grant_send_messages(events_principal)
        processor = function(stack, f"{name}Processor", code=MAY_FAIL)
        processor.add_event_source(
            sources.SqsEventSource(queue, batch_size=1, max_concurrency=concurrency)
        )
    dlq.grant_send_messages(events_principal)


def _unscoped(queue: str) -> Judged:
    return Judged(
        "SP3",
        f"Channels/{queue}/Policy/Resource",
        True,
        "grant_send_messages(ServicePrincipal) lets events.amazonaws.com send for any rule of "
        "any account (advisory: a confused-deputy risk)",
    )


JUDGED = (
    *(_unscoped(f"{name}Queue") for name in CHANNELS),
    _unscoped("Undelivered"),
    *(
        Judged(
            "SP5",
            f"Channels/{name}Queue/Resource",
            True,
            "a consumed queue without a DLQ (the rule target's DLQ catches EventBridge's failures, "
            "not the consumer's)",
        )
        for name in CHANNELS
    ),
)
