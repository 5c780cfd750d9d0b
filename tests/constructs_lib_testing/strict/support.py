"""Small builders for the strict account's tests: queues, topics and keys made with boto3."""

from __future__ import annotations

import json
from typing import Any

import boto3

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"


def client(service: str) -> Any:
    return boto3.client(service, region_name=REGION)


def queue(
    name: str, *, policy: dict[str, Any] | None = None, key: str | None = None, **attributes: str
) -> tuple[str, str]:
    """(url, arn) of a new queue with the given policy and encryption key."""
    sqs = client("sqs")
    if policy is not None:
        attributes["Policy"] = json.dumps(policy)
    if key is not None:
        attributes["KmsMasterKeyId"] = key
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
    return url, arn["QueueArn"]


def allow_service(service: str, action: str, resource: str, source_arn: str) -> dict[str, Any]:
    """The statement aws-cdk writes for a service producer (scoped by aws:SourceArn)."""
    return {
        "Sid": f"Allow{service.split('.')[0].capitalize()}",
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": action,
        "Resource": resource,
        "Condition": {"ArnLike": {"aws:SourceArn": source_arn}},
    }


def policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def key(*service_principals: str) -> str:
    """A customer-managed key: the account root, plus data-key use for each service."""
    statements = [
        {
            "Sid": "Root",
            "Effect": "Allow",
            "Principal": {"AWS": ROOT},
            "Action": "kms:*",
            "Resource": "*",
        }
    ] + [
        {
            "Sid": f"Use{s.split('.')[0]}",
            "Effect": "Allow",
            "Principal": {"Service": s},
            "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
            "Resource": "*",
        }
        for s in service_principals
    ]
    return str(
        client("kms").create_key(Policy=json.dumps(policy(*statements)))["KeyMetadata"]["Arn"]
    )


def bodies(url: str) -> list[str]:
    """Every message now in the queue (received with VisibilityTimeout=0, not deleted)."""
    sqs = client("sqs")
    found = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
    return [m["Body"] for m in found.get("Messages", [])]
