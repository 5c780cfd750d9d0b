"""The simulator against answers computed by hand and AWS's worked example.

Each case is small enough to follow minute by minute; the comments give the
arithmetic. Timings: a decision at the end of minute m sees the datapoint of
minute m - 1 (one-minute metric delay); a launched instance is InService 60 s
later and takes messages after its warm-up.
"""

from __future__ import annotations

import pytest

from constructs_lib import defaults
from constructs_lib.fleet_sizing import instances_needed_per_instance_expression
from constructs_lib.simulation import (
    AlarmRule,
    FleetModel,
    SimulationInputError,
    SimulationSettings,
    StepPolicy,
    TrackingPolicy,
    constant_arrivals,
    fleet_from_options,
    replay_metrics,
    simulate_fleet,
    spike_arrivals,
)

#: So slow that the workers never lower the backlog during a test.
NEVER = 10**6
VISIBLE_NAME = "ApproximateNumberOfMessagesVisible"
#: AWS's guide's policy, which the first tests follow minute by minute.
BACKLOG = "backlog-per-instance"


def desired_by_minute(fleet: FleetModel, arrivals: list[int], **settings: object) -> list[int]:
    result = simulate_fleet(fleet, arrivals, SimulationSettings(**settings))  # type: ignore[arg-type]
    return [m.desired for m in result.minutes]


def test_aws_worked_example_1500_messages_on_10_instances_scale_to_15() -> None:
    # "Scaling policy based on Amazon SQS": 10 s acceptable latency, 0.1 s per
    # message -> target 100; 1,500 visible on 10 instances -> 150 per instance
    # -> 15 instances. The high alarm needs 3 datapoints (minutes 0-2), seen
    # at the end of minute 3.
    fleet = fleet_from_options(
        scaling=BACKLOG, min_capacity=10, max_capacity=20, acceptable_latency_seconds=10,
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
        scaling=BACKLOG, acceptable_latency_seconds=600, average_processing_seconds=1,
        instance_warmup_seconds=120,
    )  # fmt: skip
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
    fleet = fleet_from_options(scaling=BACKLOG, min_capacity=0, max_capacity=10)
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
        scaling=BACKLOG, min_capacity=1, max_capacity=4, acceptable_latency_seconds=NEVER,
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
    warmup = defaults.WORKER_INSTANCE_WARMUP.to_seconds()
    assert (fleet.min_capacity, fleet.max_capacity) == (
        defaults.WORKER_MIN_CAPACITY,
        defaults.WORKER_MAX_CAPACITY,
    )
    # the default policy: arrivals and backlog, drained within latency + warm-up
    assert fleet.tracking[0].name == "ArrivalsAndBacklogScaling"
    assert fleet.tracking[0].target == 1
    expected = instances_needed_per_instance_expression(seconds + warmup, processing)
    assert fleet.tracking[0].queries[-1]["Expression"] == expected
    backlog = fleet_from_options(scaling=BACKLOG)
    assert backlog.tracking[0].target == seconds / processing
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


# --- the default policy: arrivals and backlog ---------------------------------------
# Buffering's numbers: 30 s acceptable latency + 180 s warm-up = 210 s to drain
# a backlog, 0.25 s per message = 240 messages a minute per instance. The
# instances the work needs: (sent + visible x 60 / 210) / 240.
BUFFERING = {
    "acceptable_latency_seconds": 30,
    "average_processing_seconds": 0.25,
    "max_capacity": 20,
}


def test_scale_from_zero_sets_the_capacity_the_work_needs_in_one_step() -> None:
    # 2,400 arrive in minute 0 and nobody takes them: sent 2,400, visible
    # 2,400 -> (2,400 + 2,400 x 60 / 210) / 240 = 12.86 -> 13 instances at the
    # end of minute 1 (the datapoint of minute 0, seen a minute late), not 1.
    fleet = fleet_from_options(**BUFFERING)
    desired = desired_by_minute(fleet, [2400] + [0] * 4, processing_seconds=NEVER)
    assert desired == [0, 13, 13, 13, 13]


def test_scale_in_sets_the_capacity_of_the_busiest_minute_of_five() -> None:
    # 10 warm instances, 600 a minute (2.5 instances of work), nothing waits.
    # The scale-in alarm's first five-minute period (minutes 0-4) is seen at
    # the end of minute 5: 10 - 2.5 >= 1 spare -> exactly ceil(2.5) = 3, in
    # one step, and no further change (3 - 2.5 < 1).
    fleet = fleet_from_options(**BUFFERING)
    result = simulate_fleet(
        fleet, [600] * 30, SimulationSettings(processing_seconds=0.25, initial_capacity=10)
    )
    assert [m.desired for m in result.minutes] == [10] * 5 + [3] * 25
    assert result.minutes_above_acceptable == 0


def test_an_idle_fleet_goes_to_zero_after_15_minutes() -> None:
    # One instance, no work: the scale-in alarm never takes the last one; the
    # scale-to-zero alarm's 15th idle datapoint (minute 14) is seen at 15.
    fleet = fleet_from_options(**BUFFERING)
    for start in (1, 6):
        desired = desired_by_minute(
            fleet, [0] * 20, processing_seconds=0.25, initial_capacity=start
        )
        assert desired[14:16] == [1, 0] and desired[-1] == 0
    assert desired[:6] == [6] * 5 + [1]  # 6 spare instances: down to 1 after five minutes


def test_a_load_of_exactly_whole_instances_keeps_exactly_that_many() -> None:
    # The defaults (10 s, 0.1 s -> 600 a minute per instance) at 600 a minute:
    # exactly 1 instance of work. (600 + 0) / 600 is 1, not above the target,
    # so target tracking never adds a second; after the start-up the fleet
    # holds 1 instance and no message waits.
    fleet = fleet_from_options()
    result = simulate_fleet(fleet, [600] * 120, SimulationSettings(processing_seconds=0.1))
    late = [m for m in result.minutes[20:] if m.latency_seconds > 10]
    assert not late
    assert {m.desired for m in result.minutes[20:]} == {1}


@pytest.mark.parametrize(
    ("per_minute", "instances"), [(60, 1), (600, 3), (2400, 10), (4000, 17), (6000, 20)]
)
def test_steady_loads_settle_at_the_work_rounded_up(per_minute: int, instances: int) -> None:
    # Buffering's fleet from zero settles at ceil(arrivals x 0.25 / 60)
    # instances, with no late minute and no capacity change. 6,000 a minute
    # needs 25: the whole fleet, and it stays late (overload). 4,000 (16.7
    # instances) takes longer to settle: the 3.3 instances to spare drain the
    # start-up backlog at 800 a minute, so it settles after 40 minutes, not 20.
    fleet = fleet_from_options(**BUFFERING)
    result = simulate_fleet(
        fleet,
        constant_arrivals(per_minute, minutes=120),
        SimulationSettings(processing_seconds=0.25),
    )
    steady = result.minutes[20 if per_minute < 4000 else 45 :]
    assert {m.desired for m in steady} == {instances}
    if per_minute * 0.25 / 60 <= 20:
        assert all(m.latency_seconds <= 30 for m in steady)


def test_target_tracking_scales_in_only_when_every_policy_is_ready() -> None:
    # EC2 Auto Scaling: with several target-tracking policies it "will scale
    # in only if all of the target tracking policies (with the scale-in
    # portion enabled) are ready to scale in". Two policies on the same
    # in-service count: one low for 15 minutes, the other at its target.
    base = fleet_from_options(scaling=BACKLOG, max_capacity=10)
    low = base.tracking[0]
    at_target = TrackingPolicy(
        name="InServiceAtTarget",
        queries=(
            {
                "Id": "m1",
                "ReturnData": True,
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AWS/AutoScaling",
                        "MetricName": "GroupInServiceInstances",
                    },
                    "Stat": "Average",
                    "Period": 60,
                },
            },
        ),
        target=5,
        warmup_seconds=180,
    )
    both = FleetModel(min_capacity=0, max_capacity=10, warmup_seconds=180,
                      tracking=(low, at_target))  # fmt: skip
    alone = FleetModel(min_capacity=0, max_capacity=10, warmup_seconds=180, tracking=(low,))
    settings = {"processing_seconds": 0.1, "initial_capacity": 5, "acceptable_latency_seconds": 10}
    assert desired_by_minute(alone, [0] * 20, **settings)[-1] == 0
    assert desired_by_minute(both, [0] * 20, **settings)[-1] == 5


def test_a_five_minute_alarm_decides_on_the_five_minutes_aggregated() -> None:
    # A step alarm on the Sum of NumberOfMessagesSent over 5 minutes, above
    # 250: 60 a minute is 300 per period. Its first period (minutes 0-4) is
    # seen at the end of minute 5; the alarm adds one instance then, and its
    # next evaluation is five minutes later.
    sent = {"Id": "m1", "ReturnData": True, "MetricStat": {
        "Metric": {"Namespace": "AWS/SQS", "MetricName": "NumberOfMessagesSent"},
        "Stat": "Sum", "Period": 300}}  # fmt: skip
    alarm = AlarmRule("SentAlarm", (sent,), 250, "GreaterThanThreshold", 1)
    step = StepPolicy("AddOne", alarm, "ChangeInCapacity",
                      ({"MetricIntervalLowerBound": 0, "ScalingAdjustment": 1},), 0)  # fmt: skip
    fleet = FleetModel(min_capacity=0, max_capacity=5, warmup_seconds=0, steps=(step,))
    desired = desired_by_minute(
        fleet, [60] * 12, processing_seconds=NEVER, acceptable_latency_seconds=60
    )
    assert desired == [0] * 5 + [1] * 5 + [2] * 2


def test_replay_decides_on_a_scripted_trace() -> None:
    # The same decisions without the queue model: minute m decides on trace[m].
    fleet = fleet_from_options(**BUFFERING)
    sent, visible = ("AWS/SQS", "NumberOfMessagesSent"), ("AWS/SQS", VISIBLE_NAME)
    idle = {sent: 0.0, visible: 0.0, ("AWS/AutoScaling", "GroupInServiceInstances"): 0.0,
            ("AWS/SQS", "ApproximateAgeOfOldestMessage"): 0.0}  # fmt: skip
    busy = {**idle, sent: 2400.0, visible: 2400.0}
    replayed = replay_metrics(fleet, [idle, busy, idle])
    assert [m.desired for m in replayed] == [0, 13, 13]
    assert replayed[1].alarm_states["ScaleFromZeroAlarm"] == "ALARM"
    assert replayed[2].alarm_states["ScaleFromZeroAlarm"] == "OK"
    assert replayed[2].alarm_states["ArrivalsAndBacklogScaling AlarmHigh"] == "OK"
