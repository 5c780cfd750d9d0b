"""Apps for the review's crafted changes: a plain aws-cdk-lib app and one of the constructs.

Each builder takes the change as keyword arguments (its default is BASE) and
synthesizes into a cloud assembly (``cdk.out`` with its manifest, as ``cdk
synth`` writes it), with CDK's built-in validation off to keep tests fast.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Duration, Environment, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs

from constructs_lib.review import Side
from constructs_lib.templates import load
from tests.conftest import ACCOUNT, REGION, bare_app

#: The account a crafted key policy admits besides its own.
PARTNER_ACCOUNT = "210987654321"


def side(outdir: Path, label: str) -> Side:
    return Side(label, load([outdir]))


def plain_app(
    outdir: Path,
    *,
    queue_id: str = "Jobs",
    ledger_fifo: bool = False,
    dead_letter_queue: bool = True,
    max_receive_count: int = 5,
    partner_may_decrypt: bool = False,
    order_filter: bool = True,
    alarm_threshold: int = 300,
    visibility_seconds: int = 60,
    visibility_in_minutes: bool = False,
    audit_scoped_to_rule: bool = True,
    audit_subscribed: bool = False,
    worker_consumes: bool = True,
    jobs_sse_sqs: bool = False,
) -> Path:
    """Orders (SNS) -> Jobs (SQS, KMS, DLQ) -> Worker (Lambda); a rule -> Audit; Ledger."""
    app = bare_app(outdir=str(outdir))
    stack = Stack(app, "Plain", env=Environment(account=ACCOUNT, region=REGION))
    key = kms.Key(stack, "Key", enable_key_rotation=True)
    if partner_may_decrypt:
        key.add_to_resource_policy(
            iam.PolicyStatement(
                principals=[iam.AccountPrincipal(PARTNER_ACCOUNT)],
                actions=["kms:Decrypt"],
                resources=["*"],
            )
        )
    dlq = sqs.Queue(stack, "JobsDlq", encryption=sqs.QueueEncryption.KMS, encryption_master_key=key)
    visibility = (
        Duration.minutes(visibility_seconds // 60)
        if visibility_in_minutes
        else Duration.seconds(visibility_seconds)
    )
    jobs = sqs.Queue(
        stack,
        queue_id,
        visibility_timeout=visibility,
        encryption=sqs.QueueEncryption.SQS_MANAGED if jobs_sse_sqs else sqs.QueueEncryption.KMS,
        encryption_master_key=None if jobs_sse_sqs else key,
        dead_letter_queue=(
            sqs.DeadLetterQueue(queue=dlq, max_receive_count=max_receive_count)
            if dead_letter_queue
            else None
        ),
    )
    sqs.Queue(stack, "Ledger", fifo=ledger_fifo or None)
    orders = sns.Topic(stack, "Orders")
    orders.add_subscription(
        subscriptions.SqsSubscription(
            jobs,
            raw_message_delivery=True,
            filter_policy=(
                {"type": sns.SubscriptionFilter.string_filter(allowlist=["order"])}
                if order_filter
                else None
            ),
        )
    )
    worker = lambda_.Function(
        stack,
        "Worker",
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return None\n"),
        timeout=Duration.seconds(10),
    )
    if worker_consumes:
        worker.add_event_source(
            sources.SqsEventSource(jobs, batch_size=10, report_batch_item_failures=True)
        )
    rule = events.Rule(stack, "Hourly", schedule=events.Schedule.rate(Duration.hours(1)))
    audit = sqs.Queue(stack, "Audit")
    # the target written by hand: aws-cdk-lib's SqsQueue target writes its own statement
    rule_resource = rule.node.default_child
    assert isinstance(rule_resource, events.CfnRule)
    rule_resource.add_property_override("Targets", [{"Id": "Audit", "Arn": audit.queue_arn}])
    audit.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal("events.amazonaws.com")],
            actions=["sqs:SendMessage"],
            resources=[audit.queue_arn],
            conditions=(
                {"ArnEquals": {"aws:SourceArn": rule.rule_arn}} if audit_scoped_to_rule else None
            ),
        )
    )
    if audit_subscribed:
        orders.add_subscription(subscriptions.SqsSubscription(audit, raw_message_delivery=True))
    cloudwatch.Alarm(
        stack,
        "JobsAge",
        metric=jobs.metric_approximate_age_of_oldest_message(period=Duration.minutes(1)),
        threshold=alarm_threshold,
        evaluation_periods=1,
    )
    app.synth()
    return outdir


def constructs_app(
    outdir: Path,
    *,
    billing_id: str = "Billing",
    billing_filter: bool = True,
    max_receive_count: int = 5,
    partner_may_send: bool = False,
    subscription_dead_letter_queue: bool = True,
    slow_consumer: bool = False,
) -> Path:
    """A TopicFanout of orders into the SecureQueue Billing (with its DLQ)."""
    from constructs_lib import FanoutSubscription, SecureQueue, TopicFanout

    app = bare_app(outdir=str(outdir))
    stack = Stack(app, "Patterns", env=Environment(account=ACCOUNT, region=REGION))
    billing = SecureQueue(stack, billing_id, max_receive_count=max_receive_count)
    if partner_may_send:
        billing.queue.grant_send_messages(iam.AccountPrincipal(PARTNER_ACCOUNT))
    if slow_consumer:  # a plain function reading the SecureQueue, slower than its visibility
        reader = lambda_.Function(
            stack,
            "Invoicer",
            runtime=lambda_.Runtime.PYTHON_3_12,
            handler="index.handler",
            code=lambda_.Code.from_inline("def handler(event, context):\n    return None\n"),
            timeout=Duration.minutes(1),
        )
        reader.add_event_source(
            sources.SqsEventSource(billing.queue, report_batch_item_failures=True)
        )
    TopicFanout(
        stack,
        "Orders",
        subscription_dead_letter_queue_enabled=subscription_dead_letter_queue,
        queues=[
            FanoutSubscription(
                id="BillingSubscription",
                queue=billing,
                filter_policy=(
                    {"type": sns.SubscriptionFilter.string_filter(allowlist=["invoice"])}
                    if billing_filter
                    else None
                ),
            )
        ],
    )
    app.synth()
    return outdir
