"""The fleet under a load, second by second for the queue, minute by minute for scaling.

Inside each minute, messages arrive and in-service instances that are ready
take them oldest first, one per processing time each. At the end of each
minute SQS and Auto Scaling publish one datapoint (`_Sample`); the alarms and
policies then decide on the datapoint ``metric_delay_minutes`` old, with the
rules of `constructs_lib.aws_scaling_model`, and the group launches or
terminates instances. `constructs_lib.simulation.report` states every
assumption with its source.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from constructs_lib.aws_scaling_model import (
    TRACKING_HIGH_DATAPOINTS,
    TRACKING_LOW_DATAPOINTS,
    bounded_capacity,
    decide_state,
    step_for,
    step_policy_capacity,
    tracking_alarm_states,
    tracking_capacity,
    tracking_direction,
    tracking_policy_capacity,
)
from constructs_lib.metric_math import Value, evaluate_queries
from constructs_lib.simulation.errors import SimulationInputError
from constructs_lib.simulation.fleet import (
    AUTOSCALING,
    CPU,
    DELETED,
    DESIRED,
    EC2,
    IN_SERVICE,
    NOT_VISIBLE,
    OLDEST_AGE,
    RECEIVED,
    SENT,
    SQS,
    VISIBLE,
    FleetModel,
    MetricName,
    StepPolicy,
)

__all__ = [
    "MinuteRecord",
    "ReplayMinute",
    "SimulationResult",
    "SimulationSettings",
    "replay_metrics",
    "simulate_fleet",
]

MINUTE = 60
#: CloudWatch keeps a queue's metrics while it is active: it holds messages or
#: an API action touched it in the last six hours. Activated again, its
#: metrics come up to 15 minutes late (SQS Developer Guide).
INACTIVE_AFTER_SECONDS = 6 * 3600
REACTIVATION_DELAY_MINUTES = 15
#: Instances present before the simulation: launched long before minute 0.
_LONG_AGO = -(10**9)
#: A sample: one minute's datapoint of each metric, None where none was published.
Sample = Mapping[MetricName, Value]


@dataclass(frozen=True)
class SimulationSettings:
    """What the template and the options do not say: the workload and the model's timings.

    :param processing_seconds: how long one instance takes per message, on
        average (AWS's definition behind the backlog target).
    :param acceptable_latency_seconds: the wait counted as too long; default
        the fleet's ``acceptable_latency``, else its target x processing time.
    :param launch_seconds: from launch to ``InService`` (AWS gives no figure).
    :param worker_start_seconds: from ``InService`` to the first message taken;
        default the group's warm-up.
    :param metric_delay_minutes: how old the newest datapoint an alarm sees is.
    :param tracking_high_datapoints: datapoints above the target that scale out.
    :param tracking_low_datapoints: datapoints below 90 % of it that scale in.
    :param initial_capacity: instances in service and warm at minute 0;
        default the group's minimum.
    :param queue_idle_minutes_before: minutes the queue had no message and
        no API call before minute 0 (six hours or more: it is inactive).
    :param cpu_share: the part of a message's processing time the instance's
        CPU is busy (1: CPU-bound, the best case for CPU-based scaling; an
        I/O-bound handler waits on the network and is far lower).
    :param messages_in_flight_per_busy_instance: messages a fully busy
        instance holds received but not deleted (the worker's receive batch,
        10), for ``ApproximateNumberOfMessagesNotVisible``.
    """

    processing_seconds: float
    acceptable_latency_seconds: float | None = None
    launch_seconds: int = 60
    worker_start_seconds: int | None = None
    metric_delay_minutes: int = 1
    tracking_high_datapoints: int = TRACKING_HIGH_DATAPOINTS
    tracking_low_datapoints: int = TRACKING_LOW_DATAPOINTS
    initial_capacity: int | None = None
    queue_idle_minutes_before: int = 0
    cpu_share: float = 1.0
    messages_in_flight_per_busy_instance: int = 10

    def __post_init__(self) -> None:
        if self.processing_seconds <= 0:
            raise SimulationInputError(
                f"processing_seconds={self.processing_seconds!r}: must be more than 0"
            )
        for name in (
            "launch_seconds",
            "metric_delay_minutes",
            "queue_idle_minutes_before",
            "messages_in_flight_per_busy_instance",
        ):
            if getattr(self, name) < 0:
                raise SimulationInputError(f"{name}={getattr(self, name)!r}: must not be negative")
        for name in ("tracking_high_datapoints", "tracking_low_datapoints"):
            if getattr(self, name) < 1:
                raise SimulationInputError(f"{name}={getattr(self, name)!r}: must be at least 1")
        if not 0 <= self.cpu_share <= 1:
            raise SimulationInputError(f"cpu_share={self.cpu_share!r}: must be from 0 to 1")
        optional = ("acceptable_latency_seconds", "worker_start_seconds", "initial_capacity")
        for name in optional:
            value = getattr(self, name)
            if value is not None and value < 0:
                raise SimulationInputError(f"{name}={value!r}: must not be negative")


@dataclass(frozen=True)
class MinuteRecord:
    """One simulated minute, as the plot and the table read it."""

    minute: int
    arrivals: int
    processed: int
    #: visible messages at the end of the minute
    backlog: int
    #: the longest wait of a message taken in the minute or still waiting at its end
    latency_seconds: int
    in_service: int
    #: in service and taking messages
    working: int
    #: desired capacity after the minute's scaling decision
    desired: int
    #: every alarm's state after the minute's evaluation: the step policies'
    #: alarms by name, and each target-tracking policy's two alarms as
    #: ``<policy> AlarmHigh`` / ``<policy> AlarmLow``
    alarm_states: Mapping[str, str] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class SimulationResult:
    fleet: FleetModel
    settings: SimulationSettings
    acceptable_latency_seconds: float
    minutes: tuple[MinuteRecord, ...]
    #: what scaled and why, one line each, in order
    events: tuple[str, ...]
    #: seconds instances existed, from launch (or minute 0) to termination (or the end)
    instance_seconds: int

    @property
    def peak_latency_seconds(self) -> int:
        return max((m.latency_seconds for m in self.minutes), default=0)

    @property
    def minutes_above_acceptable(self) -> int:
        return sum(m.latency_seconds > self.acceptable_latency_seconds for m in self.minutes)

    @property
    def instance_minutes(self) -> float:
        return self.instance_seconds / MINUTE

    @property
    def peak_in_service(self) -> int:
        return max((m.in_service for m in self.minutes), default=0)

    @property
    def peak_backlog(self) -> int:
        return max((m.backlog for m in self.minutes), default=0)

    @property
    def left_waiting(self) -> int:
        return self.minutes[-1].backlog if self.minutes else 0

    @property
    def capacity_changes(self) -> int:
        """How often the desired capacity changed (scaling activities)."""
        desired = [self.minutes[0].desired] if self.minutes else []
        desired += [m.desired for m in self.minutes]
        return sum(1 for before, after in itertools.pairwise(desired) if before != after)


@dataclass(frozen=True)
class ReplayMinute:
    """What the fleet's alarms and policies decided on one minute of a scripted trace."""

    minute: int
    desired: int
    alarm_states: Mapping[str, str]


def simulate_fleet(
    fleet: FleetModel, arrivals: Sequence[int], settings: SimulationSettings
) -> SimulationResult:
    """Run ``fleet`` under ``arrivals`` (messages per minute), one minute per entry.

    Example::

        fleet = fleet_from_options(acceptable_latency_seconds=30,
                                   average_processing_seconds=0.25, max_capacity=20)
        result = simulate_fleet(fleet, spike_arrivals(600, factor=10, start=20,
                                                      duration=10, minutes=120),
                                SimulationSettings(processing_seconds=0.25))
        result.peak_latency_seconds, result.instance_minutes
    """
    if not arrivals or any(count < 0 for count in arrivals):
        raise SimulationInputError("arrivals: need at least one minute, no negative count")
    run = _Run(fleet, settings, _acceptable_latency(fleet, settings))
    for minute, count in enumerate(arrivals):
        run.minute(minute, int(count))
    return run.result()


def replay_metrics(
    fleet: FleetModel,
    trace: Sequence[Sample],
    *,
    initial_capacity: int | None = None,
    launch_seconds: int = 0,
    metric_delay_minutes: int = 0,
) -> list[ReplayMinute]:
    """The fleet's alarms and policies on a scripted metric trace, no queue model.

    Minute ``m`` decides on ``trace[m - metric_delay_minutes]`` (one sample
    per minute: each metric's one-minute datapoint, None for none); the
    desired capacity and every alarm's state after each minute. A sample
    without ``GroupInServiceInstances`` takes the desired capacity as it was
    when the minute began (instances in service as soon as they are asked
    for, as moto's groups are). The strict local account replays the same
    trace through the deployed template (`constructs_lib_testing.strict`), so
    the two implementations can be compared minute by minute. An instance
    counts as warming from its launch plus ``launch_seconds`` for the
    policy's warm-up.
    """
    desired = bounded_capacity(
        fleet.min_capacity if initial_capacity is None else initial_capacity,
        fleet.min_capacity,
        fleet.max_capacity,
    )
    launches: list[tuple[int, int]] = []

    def warming(at: int, warmup: float) -> int:
        return sum(n for launched, n in launches if at < launched + launch_seconds + warmup)

    decider = _Decider(fleet, warming)
    samples: list[_Sample] = []
    replayed = []
    for minute, values in enumerate(trace):
        in_service = {(AUTOSCALING, IN_SERVICE): float(desired)}
        samples.append(_Sample({**in_service, **values}))
        now = (minute + 1) * MINUTE
        new = decider.decide(minute, samples, minute - metric_delay_minutes, now, desired)
        if new is not None and new != desired:
            if new > desired:
                launches.append((now, new - desired))
            desired = new
        replayed.append(ReplayMinute(minute, desired, decider.alarm_states()))
    return replayed


def _acceptable_latency(fleet: FleetModel, settings: SimulationSettings) -> float:
    if settings.acceptable_latency_seconds is not None:
        return settings.acceptable_latency_seconds
    if fleet.acceptable_latency_seconds is not None:
        return fleet.acceptable_latency_seconds
    backlog = [p for p in fleet.tracking if p.tracks_backlog_per_instance]
    if len(fleet.tracking) == 1 and backlog:
        return backlog[0].target * settings.processing_seconds
    raise SimulationInputError(
        "acceptable latency: give it (the fleet has no single backlog target to derive it from)"
    )


class _Queue:
    """Waiting messages, oldest first, as [arrival second, count] cohorts."""

    def __init__(self) -> None:
        self._cohorts: deque[list[int]] = deque()
        self.size = 0

    def add(self, second: int, count: int) -> None:
        self._cohorts.append([second, count])
        self.size += count

    def take(self, count: int, now: int) -> int:
        """Take ``count`` oldest messages; the longest wait among them."""
        longest = now - self._cohorts[0][0]
        self.size -= count
        while count:
            cohort = self._cohorts[0]
            taken = min(count, cohort[1])
            cohort[1] -= taken
            count -= taken
            if not cohort[1]:
                self._cohorts.popleft()
        return longest

    def oldest_age(self, now: int) -> int:
        return now - self._cohorts[0][0] if self._cohorts else 0


@dataclass
class _Instance:
    launched: int
    in_service_at: int
    warm_at: int
    ready_at: int


class _Sample:
    """One minute's datapoints, by (namespace, metric name); None where none was published."""

    def __init__(self, values: Sample) -> None:
        self.values = values

    def in_service(self) -> int:
        return int(self.values.get((AUTOSCALING, IN_SERVICE)) or 0)

    def stat(self, stat: Mapping[str, Any]) -> Value:
        metric = stat["Metric"]
        value = self.values.get((metric["Namespace"], metric["MetricName"]))
        if value is not None and stat["Stat"] == "SampleCount":
            return 1.0  # one sample a minute
        return value


_AGGREGATES: dict[str, Callable[[list[float]], float]] = {
    "Sum": sum,
    "Average": lambda values: sum(values) / len(values),
    "Maximum": max,
    "Minimum": min,
    "SampleCount": lambda values: float(len(values)),
}


class _Window:
    """Several minutes' samples as one datapoint of a longer period, by statistic."""

    def __init__(self, samples: Sequence[_Sample]) -> None:
        self.samples = samples

    def stat(self, stat: Mapping[str, Any]) -> Value:
        values = [v for s in self.samples if (v := s.stat({**stat, "Stat": "Sum"})) is not None]
        return _AGGREGATES[stat["Stat"]](values) if values else None


class _Decider:
    """A fleet's alarms and policies, deciding once a minute on the datapoint they see.

    The same for the simulated queue (`_Run`) and for a scripted trace
    (`replay_metrics`). ``warming(at, warm-up)`` counts the instances still
    warming up for a policy's warm-up.
    """

    def __init__(self, fleet: FleetModel, warming: Callable[[int, float], int],
                 settings: SimulationSettings | None = None) -> None:  # fmt: skip
        self.fleet = fleet
        self.warming = warming
        self.high = settings.tracking_high_datapoints if settings else TRACKING_HIGH_DATAPOINTS
        self.low = settings.tracking_low_datapoints if settings else TRACKING_LOW_DATAPOINTS
        self.step_history: list[list[Value]] = [[] for _ in fleet.steps]
        self.step_states = ["INSUFFICIENT_DATA" for _ in fleet.steps]
        self.tracking_history: list[list[Value]] = [[] for _ in fleet.tracking]
        self.events: list[str] = []

    def alarm_states(self) -> dict[str, str]:
        steps = zip(self.fleet.steps, self.step_states, strict=True)
        states = {step.alarm.name: state for step, state in steps}
        for policy, history in zip(self.fleet.tracking, self.tracking_history, strict=True):
            high, low = tracking_alarm_states(
                history, policy.target, high_datapoints=self.high, low_datapoints=self.low
            )
            states[f"{policy.name} AlarmHigh"] = high
            states[f"{policy.name} AlarmLow"] = low
        return states

    def decide(self, minute: int, samples: Sequence[_Sample], seen: int, now: int,
               desired: int) -> int | None:  # fmt: skip
        """The new desired capacity, or None when no policy acts.

        Every policy that acts asks for a capacity; the group takes the
        largest, within its bounds (EC2 Auto Scaling, "Multiple scaling
        policies"). Target tracking scales in only when every target-tracking
        policy with scale-in enabled is ready to (the user guide's
        considerations for several target-tracking policies).
        """
        sample = samples[seen] if seen >= 0 else None
        wanted: list[tuple[int, str]] = []
        for index, step in enumerate(self.fleet.steps):
            period = step.alarm.period_minutes
            if period == 1:
                wanted += self._step(index, step, sample, now, minute, desired)
            elif seen >= 0 and (seen + 1) % period == 0:
                # A longer period gets its datapoint when it ends (CloudWatch
                # aggregates its minutes by each query's statistic).
                window = _Window(samples[max(0, seen - period + 1) : seen + 1])
                wanted += self._step(index, step, window, now, minute, desired)
        wanted += self._tracking(sample, now, desired)
        if not wanted:
            return None
        capacity, cause = max(wanted)
        new = bounded_capacity(capacity, self.fleet.min_capacity, self.fleet.max_capacity)
        if new != desired:
            self.events.append(f"minute {minute + 1}: desired {desired} -> {new} ({cause})")
        return new

    def _step(self, index: int, step: StepPolicy, sample: _Sample | _Window | None, now: int,
              minute: int, desired: int) -> list[tuple[int, str]]:  # fmt: skip
        value = evaluate_queries(step.alarm.queries, sample.stat) if sample else None
        history = self.step_history[index]
        history.append(value)
        old = self.step_states[index]
        new = decide_state(step.alarm, history[-step.alarm.evaluation_periods :], old)
        self.step_states[index] = new
        if new != old:
            self.events.append(f"minute {minute + 1}: alarm {step.alarm.name} {old} -> {new}")
        if new != "ALARM" or value is None:
            return []
        adjustment = step_for(step.steps, value - step.alarm.threshold)
        if adjustment is None:
            return []
        capacity = step_policy_capacity(
            adjustment_type=step.adjustment_type,
            adjustment=adjustment,
            desired=desired,
            warming=self.warming(now, step.warmup_seconds),
            min_magnitude=step.min_adjustment_magnitude,
        )
        change = (
            f"sets {adjustment}" if step.adjustment_type == "ExactCapacity" else f"{adjustment:+d}"
        )
        return [(capacity, f"{step.name} {change}")]

    def _tracking(self, sample: _Sample | None, now: int, desired: int) -> list[tuple[int, str]]:
        out: list[tuple[int, str]] = []
        scale_in: list[tuple[int, str]] = []
        not_ready_to_scale_in = False
        for index, policy in enumerate(self.fleet.tracking):
            value = evaluate_queries(policy.queries, sample.stat) if sample else None
            history = self.tracking_history[index]
            history.append(value)
            direction = tracking_direction(
                history,
                policy.target,
                scale_in=policy.scale_in,
                high_datapoints=self.high,
                low_datapoints=self.low,
            )
            if policy.scale_in and direction >= 0:
                not_ready_to_scale_in = True
            if not direction or sample is None:
                continue
            capacity = tracking_policy_capacity(
                direction=direction,
                desired=desired,
                # The in-service count the metric was computed over: AWS's "1,500
                # messages on 10 instances, target 100 -> 15 instances".
                proportional=tracking_capacity(value or 0, sample.in_service(), policy.target),
                warming=self.warming(now, policy.warmup_seconds),
            )
            cause = f"{policy.name}: {value:g} per instance, target {policy.target:g}"
            (out if direction > 0 else scale_in).append((capacity, cause))
        return out + ([] if not_ready_to_scale_in else scale_in)


class _Run:
    def __init__(self, fleet: FleetModel, settings: SimulationSettings, acceptable: float) -> None:
        self.fleet, self.settings, self.acceptable = fleet, settings, acceptable
        self.rate = 1 / Fraction(str(settings.processing_seconds))  # messages/s per instance
        self.credit = Fraction(0)
        self.queue = _Queue()
        initial = settings.initial_capacity
        self.desired = bounded_capacity(
            fleet.min_capacity if initial is None else initial,
            fleet.min_capacity,
            fleet.max_capacity,
        )
        self.instances = [self._instance(_LONG_AGO) for _ in range(self.desired)]
        self.instance_seconds = 0
        self.samples: list[_Sample] = []
        self.decider = _Decider(fleet, self._warming, settings)
        self.idle_seconds = settings.queue_idle_minutes_before * MINUTE
        self.sqs_silent_until = 0  # minutes before this have no SQS datapoint
        self.records: list[MinuteRecord] = []
        self.events: list[str] = []

    def _instance(self, launched: int) -> _Instance:
        in_service = launched + self.settings.launch_seconds
        start = self.settings.worker_start_seconds
        warmup = int(self.fleet.warmup_seconds)
        return _Instance(
            launched,
            in_service,
            in_service + warmup,
            in_service + (warmup if start is None else start),
        )

    # --- one minute --------------------------------------------------------------

    def minute(self, minute: int, arrivals: int) -> None:
        start, end = minute * MINUTE, (minute + 1) * MINUTE
        processed, longest_wait, touched = 0, 0, arrivals > 0 or self.queue.size > 0
        working_seconds = 0
        for second in range(start, end):
            arriving = (second - start + 1) * arrivals // MINUTE - (
                second - start
            ) * arrivals // MINUTE
            if arriving:
                self.queue.add(second, arriving)
            working = sum(1 for i in self.instances if i.ready_at <= second)
            working_seconds += working
            touched = touched or working > 0  # a worker polls: an API call
            taken, wait = self._process(working, second)
            processed += taken
            longest_wait = max(longest_wait, wait)
        self._publish(minute, end, touched, arrivals, processed, working_seconds)
        self._scale(minute, end)
        self.records.append(
            MinuteRecord(
                minute=minute,
                arrivals=arrivals,
                processed=processed,
                backlog=self.queue.size,
                latency_seconds=max(longest_wait, self.queue.oldest_age(end)),
                in_service=self._in_service(end),
                working=sum(1 for i in self.instances if i.ready_at <= end),
                desired=self.desired,
                alarm_states=self.decider.alarm_states(),
            )
        )

    def _process(self, working: int, second: int) -> tuple[int, int]:
        """(messages taken in this second, their longest wait); idle capacity is not banked."""
        self.credit += working * self.rate
        taken = min(int(self.credit), self.queue.size)
        wait = self.queue.take(taken, second) if taken else 0
        self.credit = self.credit - taken if self.queue.size else Fraction(0)
        return taken, wait

    def _in_service(self, at: int) -> int:
        return sum(1 for i in self.instances if i.in_service_at <= at)

    def _warming(self, at: int, warmup: float) -> int:
        return sum(1 for i in self.instances if at < i.in_service_at + warmup)

    def _publish(self, minute: int, end: int, touched: bool, arrivals: int, processed: int,
                 working_seconds: int) -> None:  # fmt: skip
        """This minute's datapoints; SQS publishes none for an inactive queue."""
        if touched:
            if self.idle_seconds >= INACTIVE_AFTER_SECONDS:
                self.sqs_silent_until = minute + REACTIVATION_DELAY_MINUTES
                self.events.append(
                    f"minute {minute}: the inactive queue is active again; its metrics come "
                    f"{REACTIVATION_DELAY_MINUTES} minutes late"
                )
            self.idle_seconds = 0
        else:
            self.idle_seconds += MINUTE
        sqs_silent = minute < self.sqs_silent_until or self.idle_seconds >= INACTIVE_AFTER_SECONDS
        # How busy the working instances were: the work done over the time they could work.
        busy = (
            min(1.0, processed * self.settings.processing_seconds / working_seconds)
            if working_seconds
            else None
        )
        working_now = sum(1 for i in self.instances if i.ready_at <= end)
        in_flight = (
            round(busy * working_now * self.settings.messages_in_flight_per_busy_instance)
            if busy is not None
            else 0
        )
        sqs: dict[MetricName, Value] = {
            (SQS, VISIBLE): float(self.queue.size),
            (SQS, OLDEST_AGE): float(self.queue.oldest_age(end)),
            (SQS, SENT): float(arrivals),
            (SQS, RECEIVED): float(processed),
            (SQS, DELETED): float(processed),
            (SQS, NOT_VISIBLE): float(min(in_flight, processed)),
        }
        values: dict[MetricName, Value] = {
            key: (None if sqs_silent else value) for key, value in sqs.items()
        }
        values[(AUTOSCALING, IN_SERVICE)] = float(self._in_service(end))
        values[(AUTOSCALING, DESIRED)] = float(self.desired)
        # Instances warming up are left out of the group's aggregated EC2 metrics.
        values[(EC2, CPU)] = None if busy is None else 100 * self.settings.cpu_share * busy
        self.samples.append(_Sample(values))

    # --- scaling -------------------------------------------------------------------

    def _scale(self, minute: int, now: int) -> None:
        seen = minute - self.settings.metric_delay_minutes
        new = self.decider.decide(minute, self.samples, seen, now, self.desired)
        self.events += self.decider.events
        self.decider.events.clear()
        if new is not None and new != self.desired:
            self._set_capacity(new, now)

    def _set_capacity(self, new: int, now: int) -> None:
        while len(self.instances) < new:
            self.instances.append(self._instance(now))
        while len(self.instances) > new:
            gone = self.instances.pop()  # the newest first (all warm: scale-in waits for it)
            self.instance_seconds += now - max(gone.launched, 0)
        self.desired = new

    def result(self) -> SimulationResult:
        end = len(self.records) * MINUTE
        running = sum(end - max(i.launched, 0) for i in self.instances)
        return SimulationResult(
            fleet=self.fleet,
            settings=self.settings,
            acceptable_latency_seconds=self.acceptable,
            minutes=tuple(self.records),
            events=tuple(self.events),
            instance_seconds=self.instance_seconds + running,
        )
