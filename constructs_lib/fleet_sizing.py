"""How many instances a queue's workers need: the arithmetic of sizing a fleet.

Pure Python, no AWS calls: the numbers a `QueueWorkerFleet` writes into its
policies, so that the capacity a test or an operator expects can be computed
and checked anywhere. (Until issue 22 this was ``constructs_lib.scaling``;
`constructs_lib.aws_scaling_model` is how AWS acts on such numbers,
`constructs_lib._fleet_scaling_policies` the fleet's policies as constructs,
`FleetScalingPolicy` the choice among them.)

The default policy (``FleetScalingPolicy.ARRIVALS_AND_BACKLOG``) measures the
load, not only the waiting: the instances the work needs are

    arrivals a minute x processing time / 60  +  backlog x processing time / acceptable latency

(keep up with what arrives; drain what waits within the acceptable
latency), from the queue's ``NumberOfMessagesSent`` and
``ApproximateNumberOfMessagesVisible``. Target tracking keeps that, per
in-service instance, at 1 (`ARRIVALS_AND_BACKLOG_TARGET`): at a steady load
the fleet settles at ``ceil(instances needed)``, where the metric stays at or
below the target and, rounded up, target tracking's scale-in asks for the
same capacity (no sawtooth). `instances_needed` is the arithmetic;
`instances_needed_expression` the same as CloudWatch metric math.

The previous policy (``FleetScalingPolicy.BACKLOG_PER_INSTANCE``) is AWS's guide
"Scaling policy based on Amazon SQS" (EC2 Auto Scaling User Guide):

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
    "ARRIVALS_AND_BACKLOG_TARGET",
    "BACKLOG_PER_INSTANCE_EXPRESSION",
    "MAX_ALARM_ACTIONS",
    "MAX_STEP_ADJUSTMENTS",
    "SCALE_FROM_ZERO_EXPRESSION",
    "SCALE_IN_PERIOD_MINUTES",
    "SCALE_TO_ZERO_MINUTES",
    "age_alarm_datapoints",
    "age_breaching_periods",
    "backlog_per_instance",
    "backlog_per_instance_target",
    "desired_capacity",
    "drain_seconds",
    "idle_expression",
    "instances_needed",
    "instances_needed_expression",
    "instances_needed_per_instance_expression",
    "poison_message_peak_age",
    "poison_message_scale_out",
    "set_capacity_from_zero_expression",
    "set_capacity_in_expression",
    "set_capacity_steps",
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


#: Target tracking keeps the instances needed per in-service instance at 1:
#: as many instances as the work needs, rounded up.
ARRIVALS_AND_BACKLOG_TARGET = 1.0
#: EC2 Auto Scaling quotas: "Step adjustments per step scaling policy: 20".
MAX_STEP_ADJUSTMENTS = 20
#: CloudWatch PutMetricAlarm: at most 5 actions per alarm state.
MAX_ALARM_ACTIONS = 5
#: The default policy's scale-in alarm looks at one period of this many
#: minutes (its busiest minute); its scale to zero waits this many idle minutes.
SCALE_IN_PERIOD_MINUTES = 5
SCALE_TO_ZERO_MINUTES = 15
#: The divisor of every per-instance expression: in-service instances, at
#: least 1, so an idle group (0 in service) still reports a value.
_IN_SERVICE_AT_LEAST_ONE = "IF(FILL(inService, 0) > 0, FILL(inService, 0), 1)"


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


# --- arrivals and backlog: the instances the work needs ----------------------------


def _rates(
    acceptable_latency_seconds: float, average_processing_seconds: float
) -> tuple[Fraction, Fraction]:
    """(backlog messages to drain per minute per waiting message, messages one
    instance handles per minute): ``60 / latency`` and ``60 / processing time``."""
    backlog_per_instance_target(acceptable_latency_seconds, average_processing_seconds)  # checks
    minute = Fraction(60)
    return (
        minute / _exact(acceptable_latency_seconds),
        minute / _exact(average_processing_seconds),
    )


def drain_seconds(acceptable_latency_seconds: float, instance_warmup_seconds: float) -> float:
    """How soon the default policy asks for a backlog to be gone: latency + warm-up.

    Instances added for a backlog start working only after their warm-up;
    asking for the backlog to be gone within the acceptable latency alone
    would launch, for every minute the new instances warm up, capacity that
    arrives when most of that backlog is already taken. Simulated
    (docs/constructs/queue-worker-fleet.md, "Scaling"): with the warm-up in,
    the steady loads of issue 19 cost 8 to 25 % less and recover from a step
    within a minute or two of the same time.
    """
    return acceptable_latency_seconds + instance_warmup_seconds


def instances_needed(
    *,
    sent_per_minute: float,
    visible_messages: float,
    acceptable_latency_seconds: float,
    average_processing_seconds: float,
) -> float:
    """The instances the work needs: keep up with arrivals, drain the backlog in time.

    ``sent_per_minute`` x processing time / 60 is the work arriving (one
    instance handles 60 / processing time messages a minute);
    ``visible_messages`` x processing time / acceptable latency drains what
    waits within the acceptable latency. Example: 600 messages a minute at
    0.25 s each and no backlog need 2.5 instances; 120 waiting add 1 more
    with a 30 s latency::

        instances_needed(sent_per_minute=600, visible_messages=120,
                         acceptable_latency_seconds=30, average_processing_seconds=0.25)  # 3.5
    """
    if sent_per_minute < 0 or visible_messages < 0:
        raise ValueError(
            f"sent_per_minute={sent_per_minute!r}, visible_messages={visible_messages!r}: "
            "must not be negative"
        )
    drain, per_instance = _rates(acceptable_latency_seconds, average_processing_seconds)
    needed = (_exact(sent_per_minute) + _exact(visible_messages) * drain) / per_instance
    return float(needed)


def _number(value: Fraction) -> str:
    """A metric-math number: exact when it has a short decimal form, else 12 digits."""
    if value.denominator == 1:
        return str(value.numerator)
    text = f"{float(value):.12g}"
    return text if "e" not in text else f"{float(value):.12f}".rstrip("0")


def instances_needed_expression(
    acceptable_latency_seconds: float, average_processing_seconds: float
) -> str:
    """`instances_needed` as metric math over the query ids ``sent`` and ``visible``.

    Dividing by the messages one instance handles a minute (not multiplying
    by the processing time) keeps exact loads exact: 600 a minute at 0.1 s is
    ``600 / 600``, 1, not 1.0000000000000002, which would read as above a
    target of 1.
    """
    drain, per_instance = _rates(acceptable_latency_seconds, average_processing_seconds)
    return f"(sent + visible * {_number(drain)}) / {_number(per_instance)}"


def instances_needed_per_instance_expression(
    acceptable_latency_seconds: float, average_processing_seconds: float
) -> str:
    """What the default policy tracks: instances needed / max(in-service, 1)."""
    needed = instances_needed_expression(acceptable_latency_seconds, average_processing_seconds)
    return f"{needed} / {_IN_SERVICE_AT_LEAST_ONE}"


def set_capacity_from_zero_expression(
    acceptable_latency_seconds: float, average_processing_seconds: float
) -> str:
    """The instances needed, rounded up, while none is in service and work waits; else -1.

    Target tracking multiplies the in-service capacity, so it cannot leave 0;
    this alarm sets the capacity the work needs in one step (`set_capacity_steps`)
    instead of one instance and a second round of detection, launch and
    warm-up for the rest.
    """
    needed = instances_needed_expression(acceptable_latency_seconds, average_processing_seconds)
    return f"IF(FILL(inService, 0) == 0 AND ({needed}) > 0, CEIL({needed}), -1)"


def set_capacity_in_expression(
    acceptable_latency_seconds: float, average_processing_seconds: float
) -> str:
    """The instances needed, rounded up and at least 1, while a whole instance is spare; else -1.

    The default policy's scale-in: target tracking's own scale-in is off (it
    waits for 15 low datapoints, as observed, and is undocumented); this
    alarm sets the capacity the work needs (``ExactCapacity``, so repeating it
    while the metrics catch up sets the same capacity again instead of
    removing more). At least 1: the fleet scales to zero through
    `idle_expression`, after a longer wait. The fleet evaluates it over a
    five-minute period with ``sent`` and ``visible`` at their highest minute
    and ``inService`` at its lowest: capacity goes only when the busiest
    minute of the period would not have needed it.
    """
    needed = instances_needed_expression(acceptable_latency_seconds, average_processing_seconds)
    return (
        f"IF(FILL(inService, 0) - ({needed}) >= 1 AND FILL(inService, 0) > 1, "
        f"IF(({needed}) > 1, CEIL({needed}), 1), -1)"
    )


def idle_expression(acceptable_latency_seconds: float, average_processing_seconds: float) -> str:
    """1 while instances are in service and no work arrives or waits, else 0."""
    needed = instances_needed_expression(acceptable_latency_seconds, average_processing_seconds)
    return f"IF(FILL(inService, 0) > 0 AND ({needed}) == 0, 1, 0)"


def set_capacity_steps(max_capacity: int) -> list[list[tuple[int, int | None, int]]]:
    """``ExactCapacity`` step policies over whole instances: ``(lower, upper, capacity)``.

    AWS allows 20 step adjustments per policy ("Step adjustments per step
    scaling policy: 20") and 5 actions per alarm, so larger fleets get several
    policies the same alarms invoke together; "Amazon EC2 Auto Scaling
    chooses the policy that provides the largest capacity", so each policy
    sets 1 below its own range and the one whose range holds the value wins.
    Exact from 1 to 96 instances; above that the last policy's steps grow
    geometrically and round up (never below the work).

    Example: ``set_capacity_steps(3)`` is ``[[(1, 2, 1), (2, 3, 2), (3, None, 3)]]``.
    """
    if max_capacity < 1:
        raise ValueError(f"max_capacity={max_capacity!r}: must be at least 1")
    policies: list[list[tuple[int, int | None, int]]] = []
    first = 1
    while first <= max_capacity and len(policies) < MAX_ALARM_ACTIONS:
        room = MAX_STEP_ADJUSTMENTS - (1 if policies else 0)
        last_policy = len(policies) == MAX_ALARM_ACTIONS - 1
        if last_policy and max_capacity - first + 1 > room:
            values = _geometric(first, max_capacity, room)
        else:
            values = list(range(first, min(max_capacity, first + room - 1) + 1))
        steps: list[tuple[int, int | None, int]] = [(1, first, 1)] if policies else []
        for index, value in enumerate(values):
            upper = values[index + 1] if index + 1 < len(values) else None
            # A range of whole values [value, upper) is set to its largest member.
            steps.append((value, upper, (upper - 1) if upper is not None else value))
        policies.append(steps)
        first = values[-1] + 1
    return policies


def _geometric(first: int, last: int, count: int) -> list[int]:
    """``count`` whole values from ``first`` to ``last``, in roughly constant ratios."""
    ratio = (last / first) ** (1 / (count - 1))
    chosen = {first, last}
    value = float(first)
    while len(chosen) < count:
        value *= ratio
        chosen.add(min(last, max(math.ceil(value), max(chosen - {last}) + 1)))
    return sorted(chosen)


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
