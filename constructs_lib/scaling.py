"""The arithmetic of scaling a queue's workers on backlog per instance.

Pure Python, no AWS calls: the numbers that AWS's guide "Scaling policy based
on Amazon SQS" (EC2 Auto Scaling User Guide) works through, so that the target
a `QueueWorkerFleet` writes into its policy and the capacity a test or an
operator expects can be computed and checked anywhere.

- backlog per instance = ``ApproximateNumberOfMessagesVisible`` / in-service
  instances;
- acceptable backlog per instance (the target) = acceptable latency / average
  processing time of one message;
- desired capacity = the smallest number of instances whose backlog per
  instance does not exceed the target, clamped to the group's bounds.

Example (the guide's own numbers)::

    target = backlog_per_instance_target(10.0, 0.1)           # 100.0
    desired_capacity(visible_messages=1500, in_service=10,
                     target=target, min_capacity=0, max_capacity=20)  # 15
"""

from __future__ import annotations

import math
from fractions import Fraction

__all__ = [
    "backlog_per_instance",
    "backlog_per_instance_target",
    "desired_capacity",
]


def _exact(value: float) -> Fraction:
    # Decimal inputs such as 0.1 s are meant exactly: 10 / 0.1 is 100, not
    # 99.99999999999999 as binary floating point might have it.
    return Fraction(str(value))


def backlog_per_instance_target(
    acceptable_latency_seconds: float, average_processing_seconds: float
) -> float:
    """How many waiting messages one instance may have: latency / processing time.

    :raises ValueError: when either value is not positive.
    """
    if acceptable_latency_seconds <= 0:
        raise ValueError(
            f"acceptable_latency_seconds={acceptable_latency_seconds!r}: must be more than 0"
        )
    if average_processing_seconds <= 0:
        raise ValueError(
            f"average_processing_seconds={average_processing_seconds!r}: must be more than 0"
        )
    return float(_exact(acceptable_latency_seconds) / _exact(average_processing_seconds))


def backlog_per_instance(visible_messages: int, in_service: int) -> float:
    """The metric the fleet tracks; with no instance in service, the whole backlog.

    Dividing by zero instances is undefined, and CloudWatch metric math would
    return no data; the fleet's policy divides by ``max(in_service, 1)`` for
    the same reason, so a waiting message always shows up as backlog.
    """
    if visible_messages < 0 or in_service < 0:
        raise ValueError(
            f"visible_messages={visible_messages!r}, in_service={in_service!r}: "
            "must not be negative"
        )
    return visible_messages / max(in_service, 1)


def desired_capacity(
    *,
    visible_messages: int,
    in_service: int,
    target: float,
    min_capacity: int,
    max_capacity: int,
) -> int:
    """The instances needed so that backlog per instance <= target, within bounds.

    Target tracking computes ``ceil(in_service * metric / target)``, which for
    ``metric = visible / in_service`` is ``ceil(visible / target)``. With no
    instance in service that product is 0 however large the backlog, so the
    0-instance case is spelled out: any waiting message asks for at least one
    instance (the fleet's scale-from-zero policy does this in AWS).

    :raises ValueError: for a non-positive target, negative counts or
        ``min_capacity > max_capacity``.
    """
    if target <= 0:
        raise ValueError(f"target={target!r}: must be more than 0")
    if visible_messages < 0 or in_service < 0:
        raise ValueError(
            f"visible_messages={visible_messages!r}, in_service={in_service!r}: "
            "must not be negative"
        )
    if not 0 <= min_capacity <= max_capacity:
        raise ValueError(
            f"min_capacity={min_capacity!r}, max_capacity={max_capacity!r}: "
            "need 0 <= min_capacity <= max_capacity"
        )
    wanted = math.ceil(Fraction(visible_messages) / _exact(target))
    if visible_messages > 0:
        wanted = max(wanted, 1)
    return max(min_capacity, min(max_capacity, wanted))
