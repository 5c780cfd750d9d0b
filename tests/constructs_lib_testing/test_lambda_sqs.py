"""The in-process event-source mapping: deletes successes, leaves failures to redrive."""

from __future__ import annotations

import json
from typing import Any

import boto3

from constructs_lib_testing.lambda_sqs import play_event_source_mapping, sqs_event


def _queues() -> tuple[Any, str, str]:
    sqs = boto3.client("sqs", region_name="us-east-1")
    dlq = sqs.create_queue(QueueName="dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2})
    queue = sqs.create_queue(QueueName="work", Attributes={"RedrivePolicy": redrive})["QueueUrl"]
    return sqs, queue, dlq


def test_reported_failures_are_retried_then_dead_lettered(moto: None) -> None:
    sqs, queue, dlq = _queues()
    for body in ("ok-1", "bad", "ok-2"):
        sqs.send_message(QueueUrl=queue, MessageBody=body)
    seen: list[str] = []

    def handler(event: dict[str, Any], _context: Any) -> dict[str, Any]:
        records = event["Records"]
        assert all(r["eventSource"] == "aws:sqs" and r["awsRegion"] == "us-east-1" for r in records)
        seen.extend(r["body"] for r in records)
        failed = [r["messageId"] for r in records if r["body"] == "bad"]
        return {"batchItemFailures": [{"itemIdentifier": i} for i in failed]}

    run = play_event_source_mapping(sqs, queue, handler, visibility_timeout=0)

    assert sorted(b for b in seen if b != "bad") == ["ok-1", "ok-2"]
    assert seen.count("bad") == 2  # maxReceiveCount, then SQS moved it
    assert run.deleted == 2 and run.reported_failures == 2
    dead = sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=0)["Messages"]
    assert [m["Body"] for m in dead] == ["bad"]


def test_a_raising_handler_returns_the_whole_batch(moto: None) -> None:
    sqs, queue, dlq = _queues()
    sqs.send_message(QueueUrl=queue, MessageBody="boom")

    def handler(_event: dict[str, Any], _context: Any) -> None:
        raise RuntimeError("function error")

    run = play_event_source_mapping(sqs, queue, handler, visibility_timeout=0)
    assert run.function_errors == 2 and run.deleted == 0
    assert sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=0)["Messages"][0]["Body"] == "boom"


def test_sqs_event_carries_the_queue_arn_and_body_digest() -> None:
    message = {"MessageId": "m", "ReceiptHandle": "r", "Body": "hi"}
    (record,) = sqs_event([message], "arn:aws:sqs:eu-west-1:123456789012:q")["Records"]
    assert record["eventSourceARN"] == "arn:aws:sqs:eu-west-1:123456789012:q"
    assert record["awsRegion"] == "eu-west-1"
    assert record["md5OfBody"] == "49f68a5c8493ec2c0bf489821c21fc3b"
