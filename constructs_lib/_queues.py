"""What the consumer constructs need to know about the queue they consume.

Both accept a `SecureQueue` (and then use its DLQ, alarms and settings) or any
``sqs.IQueue`` (then they know less, and say so with warnings).
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Token
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sqs as sqs

from constructs_lib import defaults
from constructs_lib.secure_queue import SecureQueue


@dataclass(frozen=True)
class ConsumedQueue:
    """The queue to consume, with what can be read of it at synth."""

    queue: sqs.IQueue
    secure_queue: SecureQueue | None
    #: Seconds, or None when unknown (imported queue) or an unresolved token.
    visibility_timeout_seconds: float | None

    @property
    def fifo(self) -> bool:
        return bool(self.queue.fifo)

    @property
    def oldest_message_age_alarm(self) -> cloudwatch.Alarm | None:
        return self.secure_queue.oldest_message_age_alarm if self.secure_queue else None


def consumed_queue(queue: SecureQueue | sqs.IQueue) -> ConsumedQueue:
    if isinstance(queue, SecureQueue):
        return ConsumedQueue(queue.queue, queue, _visibility_seconds(queue.queue))
    return ConsumedQueue(queue, None, _visibility_seconds(queue))


def _visibility_seconds(queue: sqs.IQueue) -> float | None:
    # The L2 keeps the visibility timeout only in its L1 (CfnQueue); an
    # imported queue has none, and then the value is unknown here.
    cfn = queue.node.default_child if isinstance(queue, sqs.Queue) else None
    if not isinstance(cfn, sqs.CfnQueue):
        return None
    value = cfn.visibility_timeout
    if value is None:
        return defaults.VISIBILITY_TIMEOUT.to_seconds()  # SQS's own default
    if Token.is_unresolved(value):
        return None
    return float(value)
