"""Use case: ordered processing.

Payments of one account must be handled in order and exactly once: a FIFO
queue with content-based deduplication, high-throughput mode (ordering per
message group), a FIFO DLQ, encrypted with a customer-managed KMS key.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Duration, Stack
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from constructs_lib import SecureQueue


class OrderedProcessingStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.payments = SecureQueue(
            self,
            "Payments",
            fifo=True,
            queue_name="payments.fifo",
            content_based_deduplication=True,
            high_throughput_fifo=True,
            encryption=sqs.QueueEncryption.KMS,
            visibility_timeout=Duration.minutes(1),
        )
