"""The scaling calculator against AWS's worked example and its own invariants."""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from constructs_lib.fleet_sizing import (
    MAX_ALARM_ACTIONS,
    MAX_STEP_ADJUSTMENTS,
    age_alarm_datapoints,
    age_breaching_periods,
    backlog_per_instance,
    backlog_per_instance_target,
    desired_capacity,
    drain_seconds,
    idle_expression,
    instances_needed,
    instances_needed_per_instance_expression,
    poison_message_peak_age,
    poison_message_scale_out,
    set_capacity_from_zero_expression,
    set_capacity_in_expression,
    set_capacity_steps,
)
from constructs_lib.metric_math import evaluate_expression


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


# --- one poison message and the message-age scale-out ----------------------------
# AWS, "Available CloudWatch metrics for Amazon SQS": on a standard queue a
# message received three or more times without a delete no longer counts in
# ApproximateAgeOfOldestMessage; a FIFO queue counts it until it goes to the DLQ.


@pytest.mark.parametrize(
    ("max_receive_count", "fifo", "peak"),
    [
        (5, False, 600),  # third receive at 2 x 300 s: no longer counted
        (1, False, 300),  # to the DLQ on its second receive, before the third
        (2, False, 600),
        (5, True, 1500),  # FIFO: counted until the DLQ takes it after 5 receives
        (None, False, 600),  # no DLQ: a standard queue still stops counting it
        (None, True, math.inf),  # no DLQ on FIFO: it blocks its group for good
    ],
)
def test_poison_message_peak_age(max_receive_count: int | None, fifo: bool, peak: float) -> None:
    assert (
        poison_message_peak_age(
            visibility_timeout_seconds=300, max_receive_count=max_receive_count, fifo=fifo
        )
        == peak
    )


def test_breaching_periods_bound_the_window_above_the_threshold() -> None:
    # 300 s above a 300-s threshold can touch 6 one-minute periods
    assert (
        age_breaching_periods(peak_age_seconds=600, threshold_seconds=300, period_seconds=60) == 6
    )
    assert (
        age_breaching_periods(peak_age_seconds=300, threshold_seconds=300, period_seconds=60) == 0
    )
    assert age_breaching_periods(peak_age_seconds=60, threshold_seconds=300, period_seconds=60) == 0


@pytest.mark.parametrize(
    ("fifo", "added"),
    [
        # visibility 5 min, 5 receives, threshold 5 min, 1 period, warm-up 3 min:
        # standard: 6 minutes in ALARM, one +1 per warm-up -> at 0 and 3 minutes
        (False, 2),
        # FIFO: counted for 25 minutes, above 5 for 20 (21 periods) -> 7
        (True, 7),
    ],
    ids=["standard", "fifo"],
)
def test_one_poison_message_scaled_out_the_old_buffering_fleet(fifo: bool, added: int) -> None:
    assert (
        poison_message_scale_out(
            visibility_timeout_seconds=300,
            max_receive_count=5,
            fifo=fifo,
            threshold_seconds=300,
            datapoints_to_alarm=1,
            period_seconds=60,
            instance_warmup_seconds=180,
        )
        == added
    )


@given(
    visibility=st.integers(min_value=0, max_value=43_200),
    receives=st.one_of(st.none(), st.integers(min_value=1, max_value=1000)),
    fifo=st.booleans(),
    threshold=st.integers(min_value=1, max_value=86_400),
    warmup=st.integers(min_value=0, max_value=3_600),
)
def test_the_computed_datapoints_keep_one_poison_message_from_scaling(
    visibility: int, receives: int | None, fifo: bool, threshold: int, warmup: int
) -> None:
    needed = age_alarm_datapoints(
        visibility_timeout_seconds=visibility,
        max_receive_count=receives,
        fifo=fifo,
        threshold_seconds=threshold,
        period_seconds=60,
    )
    if math.isinf(needed):
        assert fifo and receives is None
        return
    settings = {
        "visibility_timeout_seconds": visibility,
        "max_receive_count": receives,
        "fifo": fifo,
        "threshold_seconds": threshold,
        "period_seconds": 60,
        "instance_warmup_seconds": warmup,
    }
    assert poison_message_scale_out(datapoints_to_alarm=int(needed), **settings) == 0
    if needed > 1:  # and it is the least that does
        assert poison_message_scale_out(datapoints_to_alarm=int(needed) - 1, **settings) >= 1


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: poison_message_peak_age(
                visibility_timeout_seconds=-1, max_receive_count=5, fifo=False
            ),
            "visibility_timeout_seconds=-1: must not be negative",
        ),
        (
            lambda: poison_message_peak_age(
                visibility_timeout_seconds=30, max_receive_count=0, fifo=False
            ),
            "max_receive_count=0: must be at least 1",
        ),
        (
            lambda: age_breaching_periods(
                peak_age_seconds=60, threshold_seconds=30, period_seconds=0
            ),
            "period_seconds=0: must be more than 0",
        ),
        (
            lambda: poison_message_scale_out(
                visibility_timeout_seconds=30,
                max_receive_count=5,
                fifo=False,
                threshold_seconds=30,
                datapoints_to_alarm=0,
                period_seconds=60,
                instance_warmup_seconds=60,
            ),
            "datapoints_to_alarm=0: must be at least 1",
        ),
    ],
)
def test_poison_arithmetic_rejects_bad_inputs(call: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


# --- the default policy: the instances the work needs --------------------------------


def test_instances_needed_keeps_up_with_arrivals_and_drains_the_backlog() -> None:
    # 600 a minute at 0.25 s: 2.5 instances; 120 waiting, to be gone in 30 s: +1
    assert instances_needed(sent_per_minute=600, visible_messages=120,
                            acceptable_latency_seconds=30,
                            average_processing_seconds=0.25) == 3.5  # fmt: skip
    # exact for exact loads: 600 a minute at 0.1 s is 1 instance, not 1.0000000000000002
    assert instances_needed(sent_per_minute=600, visible_messages=0,
                            acceptable_latency_seconds=10,
                            average_processing_seconds=0.1) == 1  # fmt: skip
    with pytest.raises(ValueError, match="sent_per_minute=-1"):
        instances_needed(sent_per_minute=-1, visible_messages=0, acceptable_latency_seconds=1,
                         average_processing_seconds=1)  # fmt: skip


@pytest.mark.parametrize(
    ("sent", "visible", "in_service"), [(600, 0, 3), (600, 120, 2), (0, 0, 0), (2400, 1500, 7)]
)
def test_the_expressions_are_the_arithmetic(sent: float, visible: float, in_service: float) -> None:
    drain = drain_seconds(30, 180)
    needed = instances_needed(sent_per_minute=sent, visible_messages=visible,
                              acceptable_latency_seconds=drain,
                              average_processing_seconds=0.25)  # fmt: skip
    values = {"sent": sent, "visible": visible, "inService": in_service}
    per_instance = evaluate_expression(
        instances_needed_per_instance_expression(drain, 0.25), values
    )
    assert per_instance == pytest.approx(needed / max(in_service, 1))
    from_zero = evaluate_expression(set_capacity_from_zero_expression(drain, 0.25), values)
    assert from_zero == (math.ceil(round(needed, 9)) if in_service == 0 and needed else -1)
    scale_in = evaluate_expression(set_capacity_in_expression(drain, 0.25), values)
    spare = in_service - needed >= 1 and in_service > 1
    assert scale_in == (max(1, math.ceil(round(needed, 9))) if spare else -1)
    idle = evaluate_expression(idle_expression(drain, 0.25), values)
    assert idle == (1 if in_service > 0 and needed == 0 else 0)


@pytest.mark.parametrize("max_capacity", [1, 3, 20, 21, 45, 96, 97, 200, 10_000])
def test_set_capacity_steps_never_set_less_than_the_work_and_keep_aws_quotas(
    max_capacity: int,
) -> None:
    policies = set_capacity_steps(max_capacity)
    assert 1 <= len(policies) <= MAX_ALARM_ACTIONS
    assert all(len(steps) <= MAX_STEP_ADJUSTMENTS for steps in policies)
    for needed in sorted({1, 2, 19, 20, 21, 50, 96, 97, 150, max_capacity} & set(
            range(1, max_capacity + 1))):  # fmt: skip
        # each policy sets its step's capacity; Auto Scaling takes the largest
        chosen = max(_set_by(steps, needed) for steps in policies)
        assert needed <= chosen <= max_capacity
        if max_capacity <= 96:
            assert chosen == needed  # exact
    for steps in policies:  # contiguous, the last one unbounded (AWS's rules)
        assert all(a[1] == b[0] for a, b in itertools.pairwise(steps))
        assert steps[-1][1] is None


def _set_by(steps: list[tuple[int, int | None, int]], value: int) -> int:
    return next(
        capacity for lower, upper, capacity in steps
        if lower <= value and (upper is None or value < upper)
    )  # fmt: skip
