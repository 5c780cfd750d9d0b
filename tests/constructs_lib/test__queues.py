"""QueueRef: the one queue reference type, and the facts it reads at synth."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import Duration, Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sqs as sqs

from constructs_lib import SecureQueue
from constructs_lib._queue_facts import QueueFacts
from constructs_lib._queues import QueueRef
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
    assert QueueRef(build(new_stack())).facts.aws_managed_key is expected


def test_queue_and_key_of_a_secure_queue_and_a_plain_queue() -> None:
    stack: Stack = new_stack()
    secure = SecureQueue(stack, "S", encryption=sqs.QueueEncryption.KMS)
    ref = QueueRef(secure)
    assert (ref.queue, ref.secure_queue, ref.customer_key) == (
        secure.queue,
        secure,
        secure.encryption_key,
    )
    assert (
        QueueRef(SecureQueue(stack, "M", encryption=sqs.QueueEncryption.KMS_MANAGED)).customer_key
        is None
    )
    plain = sqs.Queue(stack, "P")
    assert (QueueRef(plain).queue, QueueRef(plain).secure_queue) == (plain, None)
    assert QueueRef(plain).customer_key is None


def test_the_facts_of_a_secure_queue_a_plain_queue_and_an_imported_one() -> None:
    stack = new_stack()
    secure = SecureQueue(
        stack,
        "S",
        fifo=True,
        content_based_deduplication=True,
        visibility_timeout=Duration.minutes(2),
        max_receive_count=3,
    )
    assert QueueRef(secure).facts == QueueFacts(
        path="Test/S",
        fifo=True,
        visibility_timeout_seconds=120,
        content_based_deduplication=True,
        redrive_known=True,
        max_receive_count=3,
        secure=True,
        built_here=True,
    )
    plain = QueueRef(sqs.Queue(stack, "P")).facts  # SQS's own defaults, no DLQ
    assert (plain.visibility_timeout_seconds, plain.redrive_known, plain.max_receive_count) == (
        30,
        True,
        None,
    )
    imported = QueueRef(sqs.Queue.from_queue_arn(stack, "I", QUEUE_ARN)).facts
    assert imported == QueueFacts(path="Test/I")
