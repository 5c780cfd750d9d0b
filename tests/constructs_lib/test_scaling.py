"""The scaling calculator against AWS's worked example and its own invariants."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from constructs_lib.scaling import (
    backlog_per_instance,
    backlog_per_instance_target,
    desired_capacity,
)


def test_aws_guide_example_target_is_100() -> None:
    # "Scaling policy based on Amazon SQS": latency 10 s, 0.1 s per message.
    assert backlog_per_instance_target(10, 0.1) == 100


def test_aws_guide_example_1500_messages_on_10_instances_want_15() -> None:
    assert backlog_per_instance(1500, 10) == 150
    assert (
        desired_capacity(
            visible_messages=1500, in_service=10, target=100, min_capacity=0, max_capacity=20
        )
        == 15
    )


def test_desired_capacity_is_clamped_to_max() -> None:
    assert (
        desired_capacity(
            visible_messages=1500, in_service=10, target=100, min_capacity=0, max_capacity=12
        )
        == 12
    )


def test_empty_queue_goes_to_min() -> None:
    assert (
        desired_capacity(
            visible_messages=0, in_service=5, target=100, min_capacity=2, max_capacity=9
        )
        == 2
    )
    assert (
        desired_capacity(
            visible_messages=0, in_service=5, target=100, min_capacity=0, max_capacity=9
        )
        == 0
    )


def test_one_waiting_message_scales_from_zero_to_one() -> None:
    # Proportional target tracking would keep 0 * anything = 0 instances.
    assert backlog_per_instance(1, 0) == 1
    assert (
        desired_capacity(
            visible_messages=1, in_service=0, target=100, min_capacity=0, max_capacity=9
        )
        == 1
    )


def test_from_zero_a_large_backlog_asks_for_enough_instances() -> None:
    assert (
        desired_capacity(
            visible_messages=450, in_service=0, target=100, min_capacity=0, max_capacity=9
        )
        == 5
    )


@pytest.mark.parametrize(
    ("latency", "processing", "message"),
    [
        (0, 0.1, "acceptable_latency_seconds=0: must be more than 0"),
        (10, 0, "average_processing_seconds=0: must be more than 0"),
        (10, -1, "average_processing_seconds=-1: must be more than 0"),
    ],
)
def test_target_rejects_non_positive_inputs(
    latency: float, processing: float, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        backlog_per_instance_target(latency, processing)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {
                "visible_messages": 1,
                "in_service": 1,
                "target": 0,
                "min_capacity": 0,
                "max_capacity": 1,
            },
            "target=0: must be more than 0",
        ),
        (
            {
                "visible_messages": -1,
                "in_service": 1,
                "target": 1,
                "min_capacity": 0,
                "max_capacity": 1,
            },
            "must not be negative",
        ),
        (
            {
                "visible_messages": 1,
                "in_service": 1,
                "target": 1,
                "min_capacity": 3,
                "max_capacity": 2,
            },
            "need 0 <= min_capacity <= max_capacity",
        ),
    ],
)
def test_desired_capacity_rejects_bad_inputs(kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        desired_capacity(**kwargs)


def test_backlog_rejects_negative_counts() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        backlog_per_instance(1, -1)


@given(
    visible=st.integers(min_value=0, max_value=1_000_000),
    in_service=st.integers(min_value=0, max_value=500),
    target=st.integers(min_value=1, max_value=10_000),
    low=st.integers(min_value=0, max_value=50),
    extra=st.integers(min_value=0, max_value=500),
)
def test_desired_capacity_is_the_smallest_fleet_meeting_the_target(
    visible: int, in_service: int, target: int, low: int, extra: int
) -> None:
    high = low + extra
    wanted = desired_capacity(
        visible_messages=visible,
        in_service=in_service,
        target=target,
        min_capacity=low,
        max_capacity=high,
    )
    assert low <= wanted <= high
    unclamped = max(math.ceil(visible / target), 1 if visible else 0)
    if low <= unclamped <= high:
        assert wanted == unclamped
        if wanted > 0:
            # enough instances, and one fewer would not be enough
            assert visible / wanted <= target
            assert wanted == 1 or visible / (wanted - 1) > target
