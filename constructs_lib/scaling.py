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

It also answers what one poison message (a message no handler can ever
process) does to the fleet's message-age scale-out, from what AWS documents:

- ``ApproximateAgeOfOldestMessage`` (SQS developer guide, "Available
  CloudWatch metrics"): on a **standard** queue a message received three or
  more times without a delete is moved to the back of the queue and no longer
  counted; a **FIFO** queue never reorders, so the message counts until it is
  moved to the DLQ after ``maxReceiveCount`` receives;
- a CloudWatch alarm invokes its Auto Scaling action once a minute while it
  stays in ALARM; a step-scaling policy does not count instances still
  warming up, so the same step adds one instance per warm-up, not per minute.

Example (the Buffering stack before issue 9: 5-minute visibility timeout,
5 receives, 5-minute threshold, 1 evaluation period, 3-minute warm-up)::

    poison_message_scale_out(visibility_timeout_seconds=300, max_receive_count=5,
                             fifo=False, threshold_seconds=300,
                             datapoints_to_alarm=1, period_seconds=60,
                             instance_warmup_seconds=180)                 # 2
    age_alarm_datapoints(visibility_timeout_seconds=300, max_receive_count=5,
                         fifo=False, threshold_seconds=300,
                         period_seconds=60)                                # 7
"""

from __future__ import annotations

import math
from fractions import Fraction

__all__ = [
    "AGE_METRIC_RECEIVE_LIMIT",
    "BACKLOG_PER_INSTANCE_EXPRESSION",
    "SCALE_FROM_ZERO_EXPRESSION",
    "age_alarm_datapoints",
    "age_breaching_periods",
    "backlog_per_instance",
    "backlog_per_instance_target",
    "desired_capacity",
    "poison_message_peak_age",
    "poison_message_scale_out",
]

#: On a standard queue, SQS stops counting a message in
#: ``ApproximateAgeOfOldestMessage`` once it was received this many times
#: without a delete (it moves it to the back of the queue).
AGE_METRIC_RECEIVE_LIMIT = 3

#: The metric math of `QueueWorkerFleet`'s policies, over the query ids
#: ``visible`` (``ApproximateNumberOfMessagesVisible``) and ``inService``
#: (``GroupInServiceInstances``). Backlog per instance: ``IF`` keeps the
#: divisor at least 1 so an idle group (0 in service) still reports its
#: backlog instead of no data.
BACKLOG_PER_INSTANCE_EXPRESSION = "visible / IF(FILL(inService, 0) > 0, FILL(inService, 0), 1)"
#: 1 when messages wait and no instance is in service, else 0.
SCALE_FROM_ZERO_EXPRESSION = "IF(FILL(inService, 0) == 0 AND visible > 0, 1, 0)"


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


# --- one poison message and the message-age scale-out ---------------------------


def poison_message_peak_age(
    *, visibility_timeout_seconds: float, max_receive_count: int | None, fifo: bool
) -> float:
    """The highest ``ApproximateAgeOfOldestMessage`` one never-deleted message causes.

    The message is received as soon as it is visible (workers poll all the
    time) and fails every time, so receive ``n`` happens ``(n - 1)`` visibility
    timeouts after it was sent. It stops counting at its third receive on a
    standard queue (AWS's note on the metric), or when it goes to the DLQ,
    the receive after ``max_receive_count``; whichever comes first.

    :param max_receive_count: the redrive policy's; None for a queue without
        a DLQ (a FIFO message then blocks its group and counts forever:
        the result is ``math.inf``).
    """
    _check_non_negative(visibility_timeout_seconds=visibility_timeout_seconds)
    if max_receive_count is not None and max_receive_count < 1:
        raise ValueError(f"max_receive_count={max_receive_count!r}: must be at least 1")
    counted_receives = [] if fifo else [AGE_METRIC_RECEIVE_LIMIT - 1]
    if max_receive_count is not None:
        counted_receives.append(max_receive_count)
    if not counted_receives:
        return math.inf
    return min(counted_receives) * visibility_timeout_seconds


def age_breaching_periods(
    *, peak_age_seconds: float, threshold_seconds: float, period_seconds: int
) -> float:
    """How many alarm periods can see an age that rises to a peak above the threshold.

    The age grows one second per second from the threshold to the peak, a
    window of ``peak - threshold`` seconds; a window that long touches at most
    ``ceil(window / period) + 1`` periods (it may start late in one). An
    upper bound, which is what a guard against scaling needs.
    """
    _check_non_negative(threshold_seconds=threshold_seconds)
    if period_seconds <= 0:
        raise ValueError(f"period_seconds={period_seconds!r}: must be more than 0")
    window = peak_age_seconds - threshold_seconds
    if window <= 0:
        return 0
    if math.isinf(window):
        return math.inf
    return math.ceil(window / period_seconds) + 1


def age_alarm_datapoints(
    *,
    visibility_timeout_seconds: float,
    max_receive_count: int | None,
    fifo: bool,
    threshold_seconds: float,
    period_seconds: int,
) -> float:
    """Consecutive breaching periods the age alarm needs so one poison message never fires it.

    One more than the periods a single poison message can breach; 1 when it
    cannot reach the threshold at all. ``math.inf`` when no number is enough
    (a FIFO queue without a DLQ).
    """
    peak = poison_message_peak_age(
        visibility_timeout_seconds=visibility_timeout_seconds,
        max_receive_count=max_receive_count,
        fifo=fifo,
    )
    return (
        age_breaching_periods(
            peak_age_seconds=peak,
            threshold_seconds=threshold_seconds,
            period_seconds=period_seconds,
        )
        + 1
    )


def poison_message_scale_out(
    *,
    visibility_timeout_seconds: float,
    max_receive_count: int | None,
    fifo: bool,
    threshold_seconds: float,
    datapoints_to_alarm: int,
    period_seconds: int,
    instance_warmup_seconds: float,
) -> float:
    """How many instances one poison message adds through the age alarm (at most).

    The alarm is in ALARM while its last ``datapoints_to_alarm`` periods all
    breach; it invokes the +1 step once a minute meanwhile, and a step
    adds an instance only when the previous one has warmed up.
    ``math.inf`` when the alarm never leaves ALARM (a FIFO queue without DLQ).
    """
    if datapoints_to_alarm < 1:
        raise ValueError(f"datapoints_to_alarm={datapoints_to_alarm!r}: must be at least 1")
    _check_non_negative(instance_warmup_seconds=instance_warmup_seconds)
    peak = poison_message_peak_age(
        visibility_timeout_seconds=visibility_timeout_seconds,
        max_receive_count=max_receive_count,
        fifo=fifo,
    )
    breaching = age_breaching_periods(
        peak_age_seconds=peak, threshold_seconds=threshold_seconds, period_seconds=period_seconds
    )
    if math.isinf(breaching):
        return math.inf
    periods_in_alarm = max(0, int(breaching) - datapoints_to_alarm + 1)
    invocations = periods_in_alarm * period_seconds // _ALARM_ACTION_INTERVAL_SECONDS
    added, ready_at = 0, 0.0
    for minute in range(invocations):
        now = minute * _ALARM_ACTION_INTERVAL_SECONDS
        if now >= ready_at:
            added += 1
            ready_at = now + instance_warmup_seconds
    return added


#: CloudWatch invokes an alarm's Auto Scaling action once a minute while it
#: stays in ALARM, whatever the alarm's period.
_ALARM_ACTION_INTERVAL_SECONDS = 60


def _check_non_negative(**values: float) -> None:
    for name, value in values.items():
        if value < 0:
            raise ValueError(f"{name}={value!r}: must not be negative")
