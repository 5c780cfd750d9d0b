"""The simulator against answers computed by hand and AWS's worked example.

Each case is small enough to follow minute by minute; the comments give the
arithmetic. Timings: a decision at the end of minute m sees the datapoint of
minute m - 1 (one-minute metric delay); a launched instance is InService 60 s
later and takes messages after its warm-up.
"""

from __future__ import annotations

import pytest

from constructs_lib import defaults
from constructs_lib.simulation import (
    FleetModel,
    SimulationInputError,
    SimulationSettings,
    constant_arrivals,
    fleet_from_options,
    simulate_fleet,
    spike_arrivals,
)

#: So slow that the workers never lower the backlog during a test.
NEVER = 10**6


def desired_by_minute(fleet: FleetModel, arrivals: list[int], **settings: object) -> list[int]:
    result = simulate_fleet(fleet, arrivals, SimulationSettings(**settings))  # type: ignore[arg-type]
    return [m.desired for m in result.minutes]


def test_aws_worked_example_1500_messages_on_10_instances_scale_to_15() -> None:
    # "Scaling policy based on Amazon SQS": 10 s acceptable latency, 0.1 s per
    # message -> target 100; 1,500 visible on 10 instances -> 150 per instance
    # -> 15 instances. The high alarm needs 3 datapoints (minutes 0-2), seen
    # at the end of minute 3.
    fleet = fleet_from_options(
        min_capacity=10, max_capacity=20, acceptable_latency_seconds=10,
        average_processing_seconds=0.1,
    )  # fmt: skip
    assert fleet.tracking[0].target == 100
    desired = desired_by_minute(
        fleet, [1500] + [0] * 5, processing_seconds=NEVER, initial_capacity=10
    )
    assert desired == [10, 10, 10, 15, 15, 15]


def test_scale_from_zero_takes_detection_launch_and_warm_up() -> None:
    # 60 messages in minute 0, none in service: the scale-from-zero alarm sees
    # minute 0 at the end of minute 1 (t=120 s) and adds one instance; it is
    # InService at 180 s and takes messages after its 120 s warm-up, at 300 s.
    # The first message waited 300 s. The alarm stays in ALARM while the
    # instance is pending, but the warming instance counts: still 1.
    fleet = fleet_from_options(
        acceptable_latency_seconds=600, average_processing_seconds=1, instance_warmup_seconds=120
    )
    result = simulate_fleet(
        fleet, [60] + [0] * 9, SimulationSettings(processing_seconds=1, launch_seconds=60)
    )
    assert [m.desired for m in result.minutes] == [0] + [1] * 9
    assert result.peak_latency_seconds == 300
    assert [m.working for m in result.minutes][:6] == [0, 0, 0, 0, 1, 1]  # from 300 s
    assert sum(m.processed for m in result.minutes) == 60


def test_an_inactive_queue_delays_scale_from_zero_by_15_minutes() -> None:
    # SQS: a queue inactive for six hours gets its metrics up to 15 minutes
    # late once active again. Minutes 0-14 have no SQS datapoint; minute 15 is
    # seen at the end of minute 16 (t=1020 s); InService 1080 s, warm 1200 s.
    fleet = fleet_from_options(
        acceptable_latency_seconds=6000, average_processing_seconds=1, instance_warmup_seconds=120
    )
    result = simulate_fleet(
        fleet,
        [60] + [0] * 24,
        SimulationSettings(processing_seconds=1, queue_idle_minutes_before=6 * 60),
    )
    assert [m.desired for m in result.minutes].index(1) == 16
    assert result.peak_latency_seconds == 1200
    assert "15 minutes late" in result.events[0]


def test_scale_in_waits_for_15_low_datapoints() -> None:
    # 5 instances and an empty queue: backlog 0 < 90 % of the target from
    # minute 0; the 15th low datapoint (minute 14) is seen at the end of
    # minute 15: down to the minimum. Instance-minutes: 5 x 16.
    fleet = fleet_from_options(min_capacity=0, max_capacity=10)
    result = simulate_fleet(
        fleet, [0] * 20, SimulationSettings(processing_seconds=0.1, initial_capacity=5)
    )
    assert [m.desired for m in result.minutes] == [5] * 15 + [0] * 5
    assert result.instance_minutes == 80


def test_the_age_step_adds_one_instance_per_launch_and_warm_up() -> None:
    # Buffering's queue (5-minute visibility timeout, 5 receives): the age
    # alarm needs 7 datapoints above 300 s. One message at second 0, never
    # processed: its age passes 300 s at the end of minute 5 (360 s); minutes
    # 5-11 are seen at the end of minute 12 -> 2. The new instance is warming
    # until 60 + 180 s after its launch, so the next +1 comes 4 minutes later.
    fleet = fleet_from_options(
        min_capacity=1, max_capacity=4, acceptable_latency_seconds=NEVER,
        average_processing_seconds=1, visibility_timeout_seconds=300,
    )  # fmt: skip
    assert fleet.steps[0].alarm.evaluation_periods == 7
    desired = desired_by_minute(fleet, [1] + [0] * 23, processing_seconds=NEVER)
    assert desired.index(2) == 12
    assert desired.index(3) == 16
    assert desired.index(4) == 20
    assert desired[-1] == 4  # max_capacity


def test_an_age_held_above_the_threshold_briefly_fires_one_period_alarms_only() -> None:
    # One instance takes 480 s per message: the message sent at second 0 is
    # taken at 479 s. Its age is above 300 s at the ends of minutes 5 and 6
    # only (360 s, 420 s): a one-period alarm (SecureQueue's 30 s visibility
    # timeout) fires and adds an instance; Buffering's 7-period alarm does not.
    def peak(visibility: float) -> int:
        fleet = fleet_from_options(
            min_capacity=1, max_capacity=4, acceptable_latency_seconds=NEVER,
            average_processing_seconds=1, visibility_timeout_seconds=visibility,
        )  # fmt: skip
        result = simulate_fleet(fleet, [1] + [0] * 20, SimulationSettings(processing_seconds=480))
        return max(m.desired for m in result.minutes)

    assert peak(visibility=30) == 2
    assert peak(visibility=300) == 1


def test_options_default_to_the_constructs_defaults() -> None:
    fleet = fleet_from_options()
    seconds = defaults.WORKER_ACCEPTABLE_LATENCY.to_seconds()
    processing = defaults.WORKER_AVERAGE_PROCESSING_TIME.to_milliseconds() / 1000
    assert (fleet.min_capacity, fleet.max_capacity) == (
        defaults.WORKER_MIN_CAPACITY,
        defaults.WORKER_MAX_CAPACITY,
    )
    assert fleet.tracking[0].target == seconds / processing
    assert fleet.warmup_seconds == defaults.WORKER_INSTANCE_WARMUP.to_seconds()
    age = fleet.steps[-1].alarm
    assert age.threshold == defaults.WORKER_MESSAGE_AGE_SCALE_OUT_THRESHOLD.to_seconds()
    # SecureQueue's 30 s visibility timeout, 5 receives: a poison message is at
    # most a minute old when it stops counting -> 1 period
    assert age.evaluation_periods == 1


def test_a_spike_the_fleet_cannot_absorb_leaves_a_backlog_it_then_drains() -> None:
    fleet = fleet_from_options(
        max_capacity=20, acceptable_latency_seconds=30, average_processing_seconds=0.25,
        visibility_timeout_seconds=300,
    )  # fmt: skip
    arrivals = spike_arrivals(600, factor=10, start=30, duration=10, minutes=120)
    result = simulate_fleet(fleet, arrivals, SimulationSettings(processing_seconds=0.25))
    # 20 instances take 20 x 4 x 60 = 4,800 a minute; the spike brings 6,000
    assert result.peak_in_service == 20
    assert result.peak_backlog > 10 * 1_200
    assert result.left_waiting == 0
    assert sum(m.processed for m in result.minutes) == sum(arrivals)
    assert result.minutes_above_acceptable > 0


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"processing_seconds": 0}, "processing_seconds=0: must be more than 0"),
        ({"processing_seconds": 1, "launch_seconds": -1}, "launch_seconds=-1"),
        ({"processing_seconds": 1, "tracking_low_datapoints": 0}, "tracking_low_datapoints=0"),
    ],
)
def test_bad_settings_are_refused_by_name(settings: dict[str, float], message: str) -> None:
    with pytest.raises(SimulationInputError, match=message):
        SimulationSettings(**settings)  # type: ignore[arg-type]


def test_bad_fleet_options_are_refused_by_name() -> None:
    with pytest.raises(SimulationInputError, match="min_capacity=5, max_capacity=2"):
        fleet_from_options(min_capacity=5, max_capacity=2)
    with pytest.raises(SimulationInputError, match="acceptable_latency_seconds=0"):
        fleet_from_options(acceptable_latency_seconds=0)


def test_constant_load_within_capacity_keeps_latency_low() -> None:
    fleet = fleet_from_options(min_capacity=2, max_capacity=10)  # target 100
    result = simulate_fleet(
        fleet, constant_arrivals(600, minutes=30), SimulationSettings(processing_seconds=0.1)
    )
    # 2 instances take 1,200 a minute; 600 arrive evenly: nothing waits a second
    assert result.peak_latency_seconds <= 1
    assert result.minutes_above_acceptable == 0
    assert result.instance_minutes == 60
