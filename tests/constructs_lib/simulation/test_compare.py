"""Judging a run against the goals, and the other tools' rules the comparison runs."""

from __future__ import annotations

import pytest

from constructs_lib.simulation import SimulationSettings, constant_arrivals, simulate_fleet
from constructs_lib.simulation.compare import compare, ideal_instance_minutes, judge, settled
from constructs_lib.simulation.fleet import fleet_from_options
from constructs_lib.simulation.peers import ecs_patterns_fleet, keda_fleet


def test_the_ideal_is_the_work_with_one_instance_in_a_minute_with_arrivals() -> None:
    # 60 at 0.25 s is a quarter of an instance (counted as 1); 1,200 is 5; 300 is 1.25
    assert ideal_instance_minutes([60, 0, 1200, 300], 0.25) == 1 + 0 + 5 + 1.25
    assert ideal_instance_minutes([60, 0, 1200, 300], 0.25, whole=True) == 1 + 0 + 5 + 2


def test_a_minute_is_settled_20_minutes_after_the_load_last_changed() -> None:
    flags = settled([5] * 25 + [7] * 25)
    assert flags.index(True) == 20
    assert flags[25:45] == [False] * 20 and flags[45] is True
    assert not any(settled([0] * 30))  # nothing ever arrived: no change, nothing settled


def test_judge_counts_late_settled_minutes_cost_and_changes() -> None:
    fleet = fleet_from_options(scaling="backlog-per-instance", acceptable_latency_seconds=30,
                               average_processing_seconds=0.25, max_capacity=20)  # fmt: skip
    arrivals = constant_arrivals(600, minutes=90)
    result = simulate_fleet(fleet, arrivals, SimulationSettings(processing_seconds=0.25))
    report = judge(result, arrivals)
    assert report.minutes_late == result.minutes_above_acceptable
    assert report.settled_minutes == 70
    assert report.ideal_instance_minutes == 90 * 2.5
    assert report.whole_instance_ideal == 90 * 3
    assert report.cost_ratio == pytest.approx(result.instance_minutes / 225)
    desired = [m.desired for m in result.minutes]
    changes = sum(1 for a, b in zip([0, *desired], desired, strict=False) if a != b)
    assert report.capacity_changes == changes


def test_the_ecs_patterns_way_scales_on_cpu_only_when_the_handler_burns_it() -> None:
    # 1,200 a minute at 0.25 s: 5 instances of work. CPU-bound, the 50 % target
    # asks for 10; an I/O-bound handler (20 % CPU) stays under 50 % on 1
    # instance and only the visible-message steps add capacity.
    fleet = ecs_patterns_fleet(max_capacity=20)
    arrivals = constant_arrivals(1200, minutes=60)
    cpu_bound = simulate_fleet(fleet, arrivals, SimulationSettings(
        processing_seconds=0.25, acceptable_latency_seconds=30))  # fmt: skip
    io_bound = simulate_fleet(fleet, arrivals, SimulationSettings(
        processing_seconds=0.25, acceptable_latency_seconds=30, cpu_share=0.2))  # fmt: skip
    assert cpu_bound.minutes[-1].desired == 10
    assert io_bound.minutes_above_acceptable > cpu_bound.minutes_above_acceptable


def test_the_keda_way_counts_in_flight_messages_per_instance() -> None:
    fleet = keda_fleet(acceptable_latency_seconds=30, average_processing_seconds=0.25,
                       max_capacity=20)  # fmt: skip
    assert fleet.tracking[0].target == 120
    names = [q["MetricStat"]["Metric"]["MetricName"] for q in fleet.tracking[0].queries
             if "MetricStat" in q]  # fmt: skip
    assert "ApproximateNumberOfMessagesNotVisible" in names


def test_compare_judges_every_fleet_against_one_acceptable_latency() -> None:
    default = fleet_from_options(acceptable_latency_seconds=30, average_processing_seconds=0.25,
                                 max_capacity=20)  # fmt: skip
    fleets = [("default", default), ("ecs", ecs_patterns_fleet(max_capacity=20))]
    settings = SimulationSettings(processing_seconds=0.25)
    runs = compare(fleets, constant_arrivals(600, minutes=40), settings)
    assert [r.result.acceptable_latency_seconds for r in runs] == [30, 30]
