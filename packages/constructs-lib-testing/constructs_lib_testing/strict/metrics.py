"""The metrics the library's alarms and scaling policies read, computed from moto's state.

CloudWatch receives ``AWS/SQS`` metrics once a minute; the strict account takes
one sample per minute of its clock (`sample_all`) and aggregates the samples
of a period by statistic, as CloudWatch does. Sampled:

- ``AWS/SQS`` ``ApproximateNumberOfMessagesVisible``,
  ``ApproximateNumberOfMessagesNotVisible``, ``ApproximateNumberOfMessagesDelayed``,
  ``ApproximateAgeOfOldestMessage`` (by ``QueueName``), and
  ``NumberOfMessagesSent``: the messages sent to the queue in the minute
  (``SendMessage``, ``SendMessageBatch`` and every service delivery; not the
  ones a redrive policy moves to a DLQ, which SQS does not count either:
  "if a message is sent to a dead-letter queue as a result of a failed
  processing attempt, it isn't captured by this metric");
- ``AWS/AutoScaling`` ``GroupInServiceInstances``, ``GroupDesiredCapacity``
  (by ``AutoScalingGroupName``).

Any other metric has no data (the alarm's ``TreatMissingData`` decides).

`script` replaces what the account's state says with a scripted value per
minute (one mapping of ``(namespace, metric name)`` to a value, for every
dimension), so the same trace can be replayed here and in the fleet
simulator (`constructs_lib.simulation.replay_metrics`).
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
#: (account, region, queue name) -> the times messages were sent to it
_SENT: dict[tuple[str, str, str], list[float]] = defaultdict(list)
#: this minute's scripted values by (namespace, metric name), when a trace is replayed
_SCRIPT: list[Mapping[tuple[str, str], Value]] = []
MINUTE = 60


def reset_samples() -> None:
    _SAMPLES.clear()
    _SENT.clear()
    _SCRIPT.clear()


def script(values: Mapping[tuple[str, str], Value] | None) -> None:
    """This minute's metrics are ``values`` (None: the account's state again).

    A metric named in ``values`` takes its value whatever its dimensions;
    ``None`` there means no datapoint. Others come from the state.
    """
    _SCRIPT.clear()
    if values is not None:
        _SCRIPT.append(values)


def count_sent(account: str, region: str, queue_name: str, at: float) -> None:
    """One message sent to the queue at ``at`` (the account's clock)."""
    _SENT[(account, region, queue_name)].append(at)


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
    """The metric now, from moto's state (or the script); None when there is no such
    metric or resource."""
    if _SCRIPT and (key.namespace, key.name) in _SCRIPT[0]:
        return _SCRIPT[0][(key.namespace, key.name)]
    dims = dict(key.dimensions)
    if key.namespace == "AWS/SQS" and key.name == "NumberOfMessagesSent" and "QueueName" in dims:
        sent = _SENT.get((key.account, key.region, dims["QueueName"]), [])
        return float(sum(1 for t in sent if at - MINUTE < t <= at))
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
