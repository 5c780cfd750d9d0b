"""The metrics the library's alarms and scaling policies read, computed from moto's state.

CloudWatch receives ``AWS/SQS`` metrics once a minute; the strict account takes
one sample per minute of its clock (`sample_all`) and aggregates the samples
of a period by statistic, as CloudWatch does. Sampled:

- ``AWS/SQS`` ``ApproximateNumberOfMessagesVisible``,
  ``ApproximateNumberOfMessagesNotVisible``, ``ApproximateNumberOfMessagesDelayed``,
  ``ApproximateAgeOfOldestMessage`` (by ``QueueName``);
- ``AWS/AutoScaling`` ``GroupInServiceInstances``, ``GroupDesiredCapacity``
  (by ``AutoScalingGroupName``).

Any other metric has no data (the alarm's ``TreatMissingData`` decides).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from moto.autoscaling.models import autoscaling_backends
from moto.sqs.models import sqs_backends

from constructs_lib.metric_math import Value


@dataclass(frozen=True)
class MetricKey:
    account: str
    region: str
    namespace: str
    name: str
    dimensions: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, account: str, region: str, namespace: str, name: str,
           dimensions: Mapping[str, str]) -> MetricKey:  # fmt: skip
        return cls(account, region, namespace, name, tuple(sorted(dimensions.items())))


class MetricStatError(ValueError):
    """A statistic the strict account does not compute (percentiles, for one)."""


#: metric -> [(time, value)], one sample per minute of the account's clock
_SAMPLES: dict[MetricKey, list[tuple[float, float]]] = defaultdict(list)


def reset_samples() -> None:
    _SAMPLES.clear()


def record_sample(key: MetricKey, at: float) -> None:
    """Take this minute's sample of ``key`` (once per minute, however often asked)."""
    samples = _SAMPLES[key]
    if samples and samples[-1][0] == at:
        return
    value = current_value(key, at)
    if value is not None:
        samples.append((at, value))


def datapoint(key: MetricKey, statistic: str, period: int, at: float) -> Value:
    """The period ending at ``at`` aggregated by ``statistic``; None when it has no sample."""
    values = [v for t, v in _SAMPLES.get(key, []) if at - period < t <= at]
    if not values:
        return None
    aggregate = _STATISTICS.get(statistic)
    if aggregate is None:
        raise MetricStatError(f"statistic {statistic!r} is not computed; use {sorted(_STATISTICS)}")
    return aggregate(values)


_STATISTICS: dict[str, Callable[[list[float]], float]] = {
    "Sum": sum,
    "Average": lambda vs: sum(vs) / len(vs),
    "Maximum": max,
    "Minimum": min,
    "SampleCount": lambda vs: float(len(vs)),
}


def current_value(key: MetricKey, at: float) -> Value:
    """The metric now, from moto's state; None when there is no such metric or resource."""
    dims = dict(key.dimensions)
    if key.namespace == "AWS/SQS" and "QueueName" in dims:
        queue = sqs_backends[key.account][key.region].queues.get(dims["QueueName"])
        return None if queue is None else _queue_metric(queue, key.name, at)
    if key.namespace == "AWS/AutoScaling" and "AutoScalingGroupName" in dims:
        backend = autoscaling_backends[key.account][key.region]
        group = backend.autoscaling_groups.get(dims["AutoScalingGroupName"])
        return None if group is None else _group_metric(group, key.name)
    return None


def _queue_metric(queue: Any, name: str, at: float) -> Value:
    if name == "ApproximateNumberOfMessagesVisible":
        return float(queue.approximate_number_of_messages)
    if name == "ApproximateNumberOfMessagesNotVisible":
        return float(queue.approximate_number_of_messages_not_visible)
    if name == "ApproximateNumberOfMessagesDelayed":
        return float(queue.approximate_number_of_messages_delayed)
    if name == "ApproximateAgeOfOldestMessage":
        sent = [m.sent_timestamp for m in queue._messages if m.sent_timestamp]
        return max(0.0, at - min(sent) / 1000) if sent else 0.0
    return None


def _group_metric(group: Any, name: str) -> Value:
    if name == "GroupInServiceInstances":
        return float(len(group.active_instances()))
    if name == "GroupDesiredCapacity":
        return float(group.desired_capacity or 0)
    return None
