"""A FIFO delay queue with DynamoDB (serverless-patterns, sqs-fifo-delayed-queue-dynamodb).

The original: FIFO queues with content-based deduplication, a FIFO DLQ
after 5 receives, an L1-style ``EventSourceMapping`` with partial batch
responses (the handler returns unexpired messages as failures on purpose),
a DLQ depth alarm to a topic with SNS's default policy, and a table named
``DelayFifoQueueCustomerTable`` that ``dynamodb.Table`` keeps on destroy.
"""

from __future__ import annotations

from aws_cdk import App, Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.corpus import (
    MAY_FAIL,
    SERVERLESS_PATTERNS,
    SERVERLESS_PATTERNS_COMMIT,
    Judged,
    Source,
    function,
)

SOURCE = Source(SERVERLESS_PATTERNS, "sqs-fifo-delayed-queue-dynamodb", SERVERLESS_PATTERNS_COMMIT)
ON_ORIGINAL = ("SP9",)


def _fifo(stack: Stack, name: str, **options: object) -> sqs.Queue:
    return sqs.Queue(
        stack,
        name,
        fifo=True,
        content_based_deduplication=True,
        visibility_timeout=Duration.seconds(60),
        **options,  # type: ignore[arg-type]
    )


def build(app: App) -> None:
    stack = Stack(app, "DelayQueue")
    dlq = _fifo(stack, "DelayDlq")
    delay = _fifo(
        stack, "Delay", dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=5)
    )
    downstream = _fifo(stack, "Downstream")
    table = dynamodb.Table(
        stack,
        "Customers",
        table_name="delay-queue-customers",
        partition_key=dynamodb.Attribute(name="customer_id", type=dynamodb.AttributeType.STRING),
        time_to_live_attribute="ttl",
    )
    processor = function(stack, "Processor", code=MAY_FAIL)
    downstream.grant_send_messages(processor)
    table.grant_read_write_data(processor)
    delay.grant_consume_messages(processor)
    lambda_.EventSourceMapping(
        stack,
        "ProcessorMapping",
        event_source_arn=delay.queue_arn,
        target=processor,
        batch_size=10,
        report_batch_item_failures=True,
    )
    alarm = cloudwatch.Alarm(
        stack,
        "DlqNotEmpty",
        metric=dlq.metric_approximate_number_of_messages_visible(),
        threshold=0,
        evaluation_periods=1,
    )
    alarm.add_alarm_action(actions.SnsAction(sns.Topic(stack, "DlqAlerts")))


JUDGED = (
    Judged(
        "SP9",
        "DelayQueue/Customers/Resource",
        True,
        "a table named at synth and kept on destroy: the next deploy finds the name taken",
    ),
)
