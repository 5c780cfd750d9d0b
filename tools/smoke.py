"""Smoke checks of the deployed example app, run by `tools.deploy_local`.

Each check drives one pattern through the deployed resources with boto3 and
raises AssertionError (with what it saw) when the pattern misbehaves. The
checks find resources by construct path, so they survive logical-id changes.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from constructs_lib.services.cloudwatch import CLOUDWATCH
from constructs_lib.services.sns import SNS
from constructs_lib_testing.queues import (
    drain,
    poison_until_dead_lettered,
    queue_attributes,
)
from constructs_lib_testing.queues import receive_all as receive_from_queue
from constructs_lib_testing.strict import StrictAccount, active_account
from tools.local_deployment import LocalDeployment

REPO_ROOT = Path(__file__).resolve().parent.parent

SmokeCheck = Callable[[LocalDeployment], None]
SMOKE_CHECKS: list[tuple[str, SmokeCheck]] = []


def smoke_check(name: str) -> Callable[[SmokeCheck], SmokeCheck]:
    def register(function: SmokeCheck) -> SmokeCheck:
        SMOKE_CHECKS.append((name, function))
        return function

    return register


def receive_all(sqs: Any, queue_url: str, expected: int, *, timeout: float = 10.0) -> list[Any]:
    """Receives (and deletes) until ``expected`` messages arrived or time is up."""
    return receive_from_queue(
        sqs,
        queue_url,
        until=expected,
        timeout_seconds=timeout,
        wait_seconds=1,
        MessageAttributeNames=["All"],
        AttributeNames=["All"],
    )


# --- Buffering: a standard SecureQueue ---------------------------------------


@smoke_check("Buffering: jobs queue is encrypted and TLS-only, with a DLQ")
def jobs_queue_is_secure(deployment: LocalDeployment) -> None:
    sqs = deployment.account.client("sqs")
    attributes = queue_attributes(sqs, deployment.physical_id("Buffering/Jobs/Queue"))
    assert attributes.get("SqsManagedSseEnabled") == "true", attributes
    statements = json.loads(attributes["Policy"])["Statement"]
    assert any(
        s["Effect"] == "Deny" and s["Condition"]["Bool"]["aws:SecureTransport"] == "false"
        for s in statements
    ), statements
    redrive = json.loads(attributes["RedrivePolicy"])
    assert redrive["maxReceiveCount"] == 5, redrive


@smoke_check("Buffering: a message goes in and comes out once")
def jobs_round_trip(deployment: LocalDeployment) -> None:
    sqs = deployment.account.client("sqs")
    url = deployment.physical_id("Buffering/Jobs/Queue")
    drain(sqs, url)
    bodies = {f"job-{i}-{uuid.uuid4()}" for i in range(5)}
    for body in bodies:
        sqs.send_message(QueueUrl=url, MessageBody=body)
    received = [m["Body"] for m in receive_all(sqs, url, expected=len(bodies))]
    assert sorted(received) == sorted(bodies), received


@smoke_check("Buffering: a poison message reaches the DLQ after 5 receives")
def jobs_poison_message(deployment: LocalDeployment) -> None:
    sqs = deployment.account.client("sqs")
    url = deployment.physical_id("Buffering/Jobs/Queue")
    dlq_url = deployment.physical_id("Buffering/Jobs/DeadLetterQueue")
    drain(sqs, url)
    drain(sqs, dlq_url)
    body = f"poison-{uuid.uuid4()}"
    sqs.send_message(QueueUrl=url, MessageBody=body)
    receives = poison_until_dead_lettered(sqs, url, dlq_url, body)
    assert receives == 5, f"moved after {receives} receives, expected 5"


@smoke_check("Buffering: DLQ redrive moves the dead-lettered message back to its queue")
def jobs_dlq_redrive(deployment: LocalDeployment) -> None:
    from constructs_lib.runtime import redrive

    sqs = deployment.account.client("sqs")
    url = deployment.physical_id("Buffering/Jobs/Queue")
    dlq_url = deployment.physical_id("Buffering/Jobs/DeadLetterQueue")
    drain(sqs, url)
    body = f"redrive-{uuid.uuid4()}"
    sqs.send_message(QueueUrl=dlq_url, MessageBody=body)
    # No long polling: the DLQ holds one message, visible at once; three empty
    # receives (redrive's own rule) end the run without waiting a second each.
    result = redrive(sqs, dlq_url, wait_time_seconds=0)
    assert result.ok and result.moved >= 1, result
    back = [m["Body"] for m in receive_all(sqs, url, expected=result.moved)]
    assert body in back, back
    left = sqs.get_queue_attributes(
        QueueUrl=dlq_url, AttributeNames=["ApproximateNumberOfMessages"]
    )
    assert left["Attributes"]["ApproximateNumberOfMessages"] == "0", left


@smoke_check("Buffering: the fleet's worker drains jobs, the invalid one to the DLQ")
def jobs_worker(deployment: LocalDeployment) -> None:
    from constructs_lib.runtime.worker import QueueWorker, load_handler

    sqs = deployment.account.client("sqs")
    url = deployment.physical_id("Buffering/Jobs/Queue")
    dlq_url = deployment.physical_id("Buffering/Jobs/DeadLetterQueue")
    drain(sqs, url)
    drain(sqs, dlq_url)
    handler = load_handler("jobs_handler:handle", [str(REPO_ROOT / "handlers" / "jobs")])
    jobs = [json.dumps({"job_id": f"job-{i}"}) for i in range(25)]
    for start in range(0, len(jobs), 10):
        entries = [{"Id": str(n), "MessageBody": b} for n, b in enumerate(jobs[start : start + 10])]
        sqs.send_message_batch(QueueUrl=url, Entries=entries)
    sqs.send_message(QueueUrl=url, MessageBody="not a job")
    # The worker logs each failure of the invalid job; the report says enough.
    logging.getLogger("queue_worker").setLevel(logging.ERROR)
    processed = 0
    for _ in range(20):  # each run drains until its first empty receive
        stats = QueueWorker(
            queue_url=url,
            handler=handler,
            sqs_client=sqs,
            wait_time_seconds=0,
            failure_visibility_timeout_seconds=0,  # retry the invalid job at once
        ).run(stop_when_idle=True)
        processed += stats.processed
        if stats.received == 0:
            break
    assert processed == len(jobs), processed
    dead = [m["Body"] for m in receive_all(sqs, dlq_url, expected=1)]
    assert dead == ["not a job"], dead


# --- OrderedProcessing: a FIFO SecureQueue with a customer-managed key ----------


def pause_consumers(deployment: LocalDeployment, queue_url: str) -> list[str]:
    """Disables the Lambda event-source mappings of a queue; returns their ids.

    In AWS the consumer would take the check's messages; moto tries to invoke
    the function (it needs Docker), receives the messages and returns them,
    which spoils the check's counts and order.
    """
    arn = queue_attributes(deployment.account.client("sqs"), queue_url)["QueueArn"]
    aws_lambda = deployment.account.client("lambda")
    ids = [
        m["UUID"]
        for m in aws_lambda.list_event_source_mappings(EventSourceArn=arn)["EventSourceMappings"]
    ]
    for mapping_id in ids:
        aws_lambda.update_event_source_mapping(UUID=mapping_id, Enabled=False)
    return ids


def resume_consumers(deployment: LocalDeployment, mapping_ids: list[str]) -> None:
    aws_lambda = deployment.account.client("lambda")
    for mapping_id in mapping_ids:
        aws_lambda.update_event_source_mapping(UUID=mapping_id, Enabled=True)


@smoke_check("OrderedProcessing: FIFO keeps order per group and drops duplicates")
def payments_fifo_order(deployment: LocalDeployment) -> None:
    sqs = deployment.account.client("sqs")
    url = deployment.physical_id("OrderedProcessing/Payments/Queue")
    paused = pause_consumers(deployment, url)
    try:
        _payments_fifo_order(deployment, sqs, url)
    finally:
        resume_consumers(deployment, paused)


def _payments_fifo_order(deployment: LocalDeployment, sqs: Any, url: str) -> None:
    drain(sqs, url)
    attributes = queue_attributes(sqs, url)
    assert attributes.get("KmsMasterKeyId"), "payments queue is not KMS-encrypted"
    run = uuid.uuid4().hex[:8]
    for group in ("acct-1", "acct-2"):
        for step in range(4):
            sqs.send_message(
                QueueUrl=url, MessageBody=f"{run}:{group}:{step}", MessageGroupId=group
            )
    # content-based deduplication: the same body again is dropped
    sqs.send_message(QueueUrl=url, MessageBody=f"{run}:acct-1:0", MessageGroupId="acct-1")
    received = [m["Body"] for m in receive_all(sqs, url, expected=8)]
    assert len(received) == 8, received
    for group in ("acct-1", "acct-2"):
        steps = [int(b.rsplit(":", 1)[1]) for b in received if f":{group}:" in b]
        assert steps == [0, 1, 2, 3], (group, steps)


@smoke_check(
    "OrderedProcessing: the Powertools handler applies payments, the invalid one to the DLQ"
)
def payments_handler(deployment: LocalDeployment) -> None:
    from constructs_lib_testing.lambda_sqs import play_event_source_mapping
    from handlers.payments import index as payments

    sqs = deployment.account.client("sqs")
    url = deployment.physical_id("OrderedProcessing/Payments/Queue")
    dlq_url = deployment.physical_id("OrderedProcessing/Payments/DeadLetterQueue")
    logging.getLogger("payments").setLevel(logging.ERROR)  # it logs the invalid payment
    paused = pause_consumers(deployment, url)  # moto cannot run the function itself
    try:
        drain(sqs, url)
        drain(sqs, dlq_url)
        run = uuid.uuid4().hex[:8]
        good = [
            {"payment_id": f"{run}-{account}-{n}", "account": account, "amount_cents": 100 * n}
            for account in ("acct-1", "acct-2")
            for n in range(1, 4)
        ]
        poison = {"payment_id": f"{run}-bad", "account": "acct-9", "amount_cents": -1}
        for payment in [*good, poison]:
            sqs.send_message(
                QueueUrl=url, MessageBody=json.dumps(payment), MessageGroupId=payment["account"]
            )
        applied: list[Any] = []
        original, payments.apply_payment = payments.apply_payment, applied.append
        try:
            # VisibilityTimeout=0 on each receive: a reported failure is visible
            # again at once (as after its timeout) and FIFO keeps its place in
            # the group, so the poison message's five receives need no waiting.
            play_event_source_mapping(sqs, url, payments.handler, visibility_timeout=0)
        finally:
            payments.apply_payment = original
        for account in ("acct-1", "acct-2"):  # every payment once, in order per account
            in_order = [g["payment_id"] for g in good if g["account"] == account]
            assert [p.payment_id for p in applied if p.account == account] == in_order, applied
        assert len(applied) == len(good), applied
        dead = [json.loads(m["Body"]) for m in receive_all(sqs, dlq_url, expected=1)]
        assert dead == [poison], dead
    finally:
        resume_consumers(deployment, paused)


# --- Decoupling: an SNS topic fanning out to filtered queues ---------------------


@smoke_check("Decoupling: each queue receives exactly what its filter admits, raw")
def orders_fanout(deployment: LocalDeployment) -> None:
    sns = deployment.account.client("sns")
    sqs = deployment.account.client("sqs")
    topic_arn = deployment.physical_id("Decoupling/Orders/Topic")
    urls = {
        name: deployment.physical_id(f"Decoupling/{name}/Queue")
        for name in ("Billing", "Shipping", "Analytics")
    }
    for url in urls.values():
        drain(sqs, url)
    run = uuid.uuid4().hex[:8]
    orders = [
        ("placed", {"status": "new"}, "order_placed"),
        ("paid-physical", {"status": "paid", "physical": True}, "order_paid"),
        ("paid-digital", {"status": "paid"}, "order_paid"),
        ("cancelled", {"status": "cancelled"}, "order_cancelled"),
    ]
    for name, body, event_type in orders:
        sns.publish(
            TopicArn=topic_arn,
            Message=json.dumps(body | {"order": f"{run}-{name}"}),
            MessageAttributes={"event_type": {"DataType": "String", "StringValue": event_type}},
        )
    expected = {
        "Billing": {"placed", "cancelled"},
        "Shipping": {"paid-physical"},
        "Analytics": {name for name, _, _ in orders},
    }
    for queue, names in expected.items():
        received = receive_all(sqs, urls[queue], expected=len(names), timeout=3.0)
        got = {json.loads(m["Body"])["order"].removeprefix(f"{run}-") for m in received}
        assert got == names, (queue, got)


# --- ServerlessWorkflow: S3, EventBridge and Scheduler into queues ----------------


@smoke_check("ServerlessWorkflow: only matching uploads reach the ingest queue")
def uploads_to_ingest(deployment: LocalDeployment) -> None:
    from urllib.parse import unquote_plus

    s3 = deployment.account.client("s3")
    sqs = deployment.account.client("sqs")
    bucket = deployment.physical_id("ServerlessWorkflow/Uploads/Bucket")
    url = deployment.physical_id("ServerlessWorkflow/Ingest/Queue")
    drain(sqs, url)  # also the s3:TestEvent S3 sends when the notification is set
    run = uuid.uuid4().hex[:8]
    for key in (f"incoming/{run}.csv", f"incoming/{run}.json", f"other/{run}.csv"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"id\n1\n")
    received = receive_all(sqs, url, expected=1, timeout=3.0)
    keys = [
        unquote_plus(r["s3"]["object"]["key"])
        for m in received
        for r in json.loads(m["Body"]).get("Records", [])
    ]
    assert keys == [f"incoming/{run}.csv"], keys


@smoke_check("ServerlessWorkflow: an order event arrives in the jobs queue, transformed")
def order_event_to_jobs(deployment: LocalDeployment) -> None:
    events = deployment.account.client("events")
    sqs = deployment.account.client("sqs")
    url = deployment.physical_id("ServerlessWorkflow/Jobs/Queue")
    drain(sqs, url)
    order_id = uuid.uuid4().int % 10**9  # a number: moto crashes on unquoted strings
    for detail_type in ("OrderPlaced", "OrderShipped"):
        events.put_events(
            Entries=[
                {
                    "Source": "shop.orders",
                    "DetailType": detail_type,
                    "Detail": json.dumps({"order_id": order_id}),
                }
            ]
        )
    bodies = [json.loads(m["Body"]) for m in receive_all(sqs, url, expected=1, timeout=3.0)]
    assert bodies == [{"job": "fulfil-order", "order_id": order_id}], bodies


@smoke_check("ServerlessWorkflow: the nightly schedule targets the jobs queue")
def nightly_schedule(deployment: LocalDeployment) -> None:
    # moto stores schedules but never runs them: check what would run.
    name = deployment.physical_id("ServerlessWorkflow/NightlyReport/Schedule")
    schedule = deployment.account.client("scheduler").get_schedule(Name=name)
    url = deployment.physical_id("ServerlessWorkflow/Jobs/Queue")
    arn = queue_attributes(deployment.account.client("sqs"), url)["QueueArn"]
    assert schedule["Target"]["Arn"] == arn, schedule["Target"]
    assert schedule["ScheduleExpressionTimezone"] == "Europe/Berlin", schedule
    assert json.loads(schedule["Target"]["Input"])["job"] == "nightly-report", schedule


# --- The strict account: alarms, scaling, notifications, schedules, drops ----------

#: Smoke check name -> the open defect of the example app it fails on (XFAIL).
KNOWN_DEFECTS: dict[str, str] = {}
#: Buffering's fleet: 30 s acceptable latency, 250 ms per message, the default warm-up.
JOBS_LATENCY, JOBS_PROCESSING, JOBS_WARMUP = 30, 0.25, 180
BACKLOG = 600


def strict_of(deployment: LocalDeployment) -> StrictAccount:
    account = deployment.strict or active_account()
    if account is None:
        raise AssertionError("the strict local account is not active; these checks need it")
    return account


def desired_capacity_of(deployment: LocalDeployment) -> int:
    name = deployment.physical_id("Buffering/Workers/AutoScalingGroup/ASG")
    groups = deployment.account.client("autoscaling").describe_auto_scaling_groups(
        AutoScalingGroupNames=[name]
    )["AutoScalingGroups"]
    return int(groups[0]["DesiredCapacity"])


@smoke_check(
    "Buffering: a backlog sets the fleet's desired capacity to the instances the work needs"
)
def backlog_scales_out(deployment: LocalDeployment) -> None:
    import math

    from constructs_lib.fleet_sizing import drain_seconds, instances_needed

    strict = strict_of(deployment)
    sqs = deployment.account.client("sqs")
    url = deployment.physical_id("Buffering/Jobs/Queue")
    drain(sqs, url)
    # CloudWatch's minutes start on the clock's minute: sends that cross one
    # are two datapoints. The backlog is meant as one minute's arrivals (and
    # the earlier checks' messages as none of them).
    strict.skip_to_minute_start()
    before = desired_capacity_of(deployment)
    for start in range(0, BACKLOG, 10):
        entries = [{"Id": str(n), "MessageBody": f"backlog-{start + n}"} for n in range(10)]
        sqs.send_message_batch(QueueUrl=url, Entries=entries)
    # minute 1: no worker in service, 600 sent and waiting -> ScaleFromZeroAlarm
    # sets the capacity the work needs in one step (SetCapacity, ExactCapacity)
    events = strict.advance(minutes=1)
    needed = instances_needed(
        sent_per_minute=BACKLOG, visible_messages=BACKLOG,
        acceptable_latency_seconds=drain_seconds(JOBS_LATENCY, JOBS_WARMUP),
        average_processing_seconds=JOBS_PROCESSING,
    )  # fmt: skip
    after = desired_capacity_of(deployment)
    assert (before, after) == (0, math.ceil(needed)), (before, after, events)


@smoke_check("Buffering: a drained queue lowers the fleet's desired capacity to its minimum")
def drained_scales_in(deployment: LocalDeployment) -> None:
    strict = strict_of(deployment)
    sqs = deployment.account.client("sqs")
    sqs.purge_queue(QueueUrl=deployment.physical_id("Buffering/Jobs/Queue"))
    # the scale-in alarm (five-minute periods) keeps one instance; after 15
    # minutes with nothing arriving or waiting, ScaleToZero empties the fleet
    events = strict.advance(minutes=20)
    assert desired_capacity_of(deployment) == 0, events


DLQ_NOTIFICATION_CHECK = (
    "Buffering: a poison message's DLQ alarm notifies a queue subscribed to the operations topic"
)


@smoke_check(DLQ_NOTIFICATION_CHECK)
def dlq_alarm_notifies_operations(deployment: LocalDeployment) -> None:
    strict = strict_of(deployment)
    sqs = deployment.account.client("sqs")
    url = deployment.physical_id("Buffering/Jobs/Queue")
    dlq_url = deployment.physical_id("Buffering/Jobs/DeadLetterQueue")
    inbox, subscription = operations_inbox(deployment)
    try:
        drain(sqs, url)  # the previous check purged it (SQS allows one purge a minute)
        drain(sqs, dlq_url)
        body = f"poison-{uuid.uuid4()}"
        sqs.send_message(QueueUrl=url, MessageBody=body)
        poison_until_dead_lettered(sqs, url, dlq_url, body)
        events = strict.advance(minutes=1)
        dlq_name = dlq_url.rsplit("/", 1)[1]
        alarm_lines = [e for e in events if "DeadLetterQueueAlarm" in e or dlq_name in e]
        assert any("-> ALARM" in e for e in alarm_lines), events
        notes = [json.loads(m["Body"]) for m in receive_all(sqs, inbox, expected=1, timeout=2)]
        fired = [n for n in notes if n.get("NewStateValue") == "ALARM"]
        refused = [str(d) for d in strict.drops if d.producer == CLOUDWATCH.principal]
        assert fired, f"no alarm notification arrived; refused: {refused}"
    finally:
        drain(sqs, dlq_url)
        deployment.account.client("sns").unsubscribe(SubscriptionArn=subscription)
        sqs.delete_queue(QueueUrl=inbox)  # not part of any stack: destroy would leave it


def operations_inbox(deployment: LocalDeployment) -> tuple[str, str]:
    """A queue subscribed to the Operations topic, as an operator's would be:
    (queue URL, subscription ARN)."""
    sqs = deployment.account.client("sqs")
    topic = deployment.physical_id("Buffering/Operations/Topic")
    url = sqs.create_queue(QueueName="smoke-operations-inbox")["QueueUrl"]
    arn = queue_attributes(sqs, url)["QueueArn"]
    allow_topic = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": SNS.principal},
                "Action": "sqs:SendMessage",
                "Resource": arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": topic}},
            }
        ],
    }
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(allow_topic)})
    subscription = deployment.account.client("sns").subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": "true"}
    )["SubscriptionArn"]
    drain(sqs, url)
    return str(url), str(subscription)


@smoke_check(
    "ServerlessWorkflow: the nightly schedule, fired, sends through its role to the jobs queue"
)
def nightly_schedule_fires(deployment: LocalDeployment) -> None:
    from constructs_lib_testing.local_account import LOCAL_ACCOUNT_ID

    strict = strict_of(deployment)
    sqs = deployment.account.client("sqs")
    url = deployment.physical_id("ServerlessWorkflow/Jobs/Queue")
    drain(sqs, url)
    name = deployment.physical_id("ServerlessWorkflow/NightlyReport/Schedule")
    delivered = strict.fire_schedule(
        name, account_id=LOCAL_ACCOUNT_ID, region=deployment.account.region
    )
    bodies = [json.loads(m["Body"]) for m in receive_all(sqs, url, expected=1, timeout=2)]
    assert delivered and [b.get("job") for b in bodies] == ["nightly-report"], (
        delivered,
        bodies,
        [str(d) for d in strict.drops],
    )


@smoke_check("every delivery AWS would make was made: no unexpected drops")
def no_unexpected_drops(deployment: LocalDeployment) -> None:
    drops = [str(d) for d in strict_of(deployment).take_drops()]
    assert not drops, "\n".join(drops)
