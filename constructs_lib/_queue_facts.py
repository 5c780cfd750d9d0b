"""`QueueFacts`: what is known of a queue at synth, as plain values.

Apart from `constructs_lib._queues` (which reads them from any queue) so that
`SecureQueue` can state its own without importing the constructs that use it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class QueueFacts:
    """What is known of a queue at synth. None: unknown here (an imported queue,
    or a value known only at deploy time)."""

    #: the construct path, for messages
    path: str
    fifo: bool = False
    visibility_timeout_seconds: float | None = None
    content_based_deduplication: bool | None = None
    #: True when the redrive policy is known: then ``max_receive_count`` is its
    #: maxReceiveCount, or None for a queue without a DLQ
    redrive_known: bool = False
    max_receive_count: int | None = None
    #: encrypted with ``alias/aws/sqs``, as far as can be told
    aws_managed_key: bool = False
    #: a SecureQueue: it has its own DLQ and age alarms
    secure: bool = False
    #: an ``sqs.Queue`` of this app: its queue policy is written here
    built_here: bool = False
