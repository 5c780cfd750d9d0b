"""The shared queue-target helpers of the source constructs."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sqs as sqs

from constructs_lib import SecureQueue
from constructs_lib._sources import key_of, queue_of, uses_aws_managed_key
from tests.sources_synth import new_stack

QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:q"
CMK_ARN = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.mark.parametrize(
    ("build", "expected"),
    [
        (lambda s: SecureQueue(s, "Q"), False),
        (lambda s: SecureQueue(s, "Q", encryption=sqs.QueueEncryption.KMS), False),
        (lambda s: SecureQueue(s, "Q", encryption=sqs.QueueEncryption.KMS_MANAGED), True),
        (lambda s: sqs.Queue(s, "Q", encryption=sqs.QueueEncryption.KMS_MANAGED), True),
        (lambda s: sqs.Queue(s, "Q", encryption=sqs.QueueEncryption.SQS_MANAGED), False),
        (
            lambda s: sqs.Queue(
                s,
                "Q",
                encryption=sqs.QueueEncryption.KMS,
                encryption_master_key=kms.Alias.from_alias_name(s, "A", "alias/aws/sqs"),
            ),
            True,
        ),
        (
            lambda s: sqs.Queue.from_queue_attributes(
                s, "Q", queue_arn=QUEUE_ARN, key_arn="arn:aws:kms:us-east-1:1:alias/aws/sqs"
            ),
            True,
        ),
        (
            lambda s: sqs.Queue.from_queue_attributes(s, "Q", queue_arn=QUEUE_ARN, key_arn=CMK_ARN),
            False,
        ),
        (lambda s: sqs.Queue.from_queue_arn(s, "Q", QUEUE_ARN), False),  # cannot tell
    ],
    ids=[
        "secure-sse-sqs",
        "secure-cmk",
        "secure-aws-managed",
        "queue-kms-managed",
        "queue-sse-sqs",
        "queue-with-alias",
        "imported-alias-arn",
        "imported-cmk",
        "imported-no-key",
    ],
)
def test_uses_aws_managed_key(build: Any, expected: bool) -> None:
    assert uses_aws_managed_key(build(new_stack())) is expected


def test_queue_and_key_of_a_secure_queue_and_a_plain_queue() -> None:
    stack: Stack = new_stack()
    secure = SecureQueue(stack, "S", encryption=sqs.QueueEncryption.KMS)
    assert queue_of(secure) is secure.queue
    assert key_of(secure) is secure.encryption_key
    managed = SecureQueue(stack, "M", encryption=sqs.QueueEncryption.KMS_MANAGED)
    assert key_of(managed) is None
    plain = sqs.Queue(stack, "P")
    assert queue_of(plain) is plain and key_of(plain) is None
