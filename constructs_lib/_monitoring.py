"""What an operator looks at for each pattern: the views `PatternDashboard` draws.

Each pattern construct describes itself with ``_dashboard_view(period)``, a
`PatternView`: the queues it moves messages through (each drawn the same way:
depth, age, dead-letter queue, sent vs deleted, time to drain), the dead-letter
queues of its deliveries, the graphs only it knows (a consumer's function or
fleet) and its alarms. The dashboard renders views and imports no construct
but `SecureQueue`; the metrics come from `_metrics`. A construct knows which
of its alarms belong on which graph, so it passes them as annotations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sqs as sqs

from constructs_lib._queues import QueueRef
from constructs_lib._tree import id_of


@dataclass(frozen=True)
class Graph:
    """One graph of a pattern's own metrics."""

    title: str
    metrics: tuple[cloudwatch.IMetric, ...]
    #: horizontal lines: alarm thresholds, bounds, targets
    annotations: tuple[cloudwatch.HorizontalAnnotation, ...] = ()
    #: the left axis' label
    unit: str = "count"


@dataclass(frozen=True)
class QueueView:
    """A queue the pattern moves messages through, with what is known of it."""

    #: what the queue is to the pattern ("consumed queue", "subscribed queue")
    role: str
    queue: sqs.IQueue
    #: its dead-letter queue, if one is known here (an imported queue's is not)
    dead_letter_queue: sqs.IQueue | None
    #: the alarms on it: drawn as lines on its graphs and shown in the alarm status
    age_alarms: tuple[cloudwatch.Alarm, ...] = ()
    dead_letter_alarms: tuple[cloudwatch.Alarm, ...] = ()

    #: the queue's construct id (its SecureQueue's), which graph titles show
    name: str = ""

    @property
    def alarms(self) -> tuple[cloudwatch.Alarm, ...]:
        return (*self.age_alarms, *self.dead_letter_alarms)

    @property
    def title(self) -> str:
        """ "Consumed queue Jobs": what the queue is, and which."""
        return f"{self.role[:1].upper()}{self.role[1:]} {self.name}".rstrip()


@dataclass(frozen=True)
class DeadLetterView:
    """A dead-letter queue of a delivery (SNS subscription, EventBridge or Scheduler
    target): what the service could not deliver waits there."""

    role: str
    queue: sqs.IQueue


@dataclass(frozen=True)
class PatternView:
    """A pattern, as its section of a dashboard shows it."""

    kind: str
    path: str
    #: one sentence: what the pattern does, for the section's header
    description: str
    queues: tuple[QueueView, ...] = ()
    dead_letter_queues: tuple[DeadLetterView, ...] = ()
    graphs: tuple[Graph, ...] = ()
    alarms: tuple[cloudwatch.Alarm, ...] = ()


class ViewedPattern(Protocol):
    """A construct `PatternDashboard` can draw."""

    def _dashboard_view(self, period: Duration) -> PatternView: ...


def queue_view(
    ref: QueueRef, role: str, *, age_alarms: Sequence[cloudwatch.Alarm] = ()
) -> QueueView:
    """The view of a queue: a SecureQueue's own alarms and DLQ, or what an
    ``sqs.Queue`` of this app says of its DLQ; ``age_alarms`` are the pattern's
    own alarms on the queue's age (a fleet's scale-out, a consumer's alarm)."""
    secure = ref.secure_queue
    if secure is not None:
        dlq_alarm = secure.dead_letter_queue_alarm
        return QueueView(
            role=role,
            queue=ref.queue,
            dead_letter_queue=secure.dead_letter_queue,
            age_alarms=_unique((secure.oldest_message_age_alarm, *age_alarms)),
            dead_letter_alarms=(dlq_alarm,) if dlq_alarm is not None else (),
            name=id_of(secure),
        )
    redrive = ref.queue.dead_letter_queue if isinstance(ref.queue, sqs.Queue) else None
    return QueueView(
        role=role,
        queue=ref.queue,
        dead_letter_queue=redrive.queue if redrive is not None else None,
        age_alarms=_unique(age_alarms),
        name=id_of(ref.queue),
    )


def dead_letter_views(role: str, queue: sqs.IQueue | None) -> tuple[DeadLetterView, ...]:
    return (DeadLetterView(role, queue),) if queue is not None else ()


def delivery_view(
    kind: str,
    path: str,
    description: str,
    target: QueueRef,
    *,
    dead_letter_queue: sqs.IQueue | None = None,
    alarms: Sequence[cloudwatch.Alarm] = (),
) -> PatternView:
    """A producer that delivers into one queue (EventBridge, Scheduler, S3)."""
    return PatternView(
        kind=kind,
        path=path,
        description=description,
        queues=(queue_view(target, "target queue"),),
        dead_letter_queues=dead_letter_views("target DLQ", dead_letter_queue),
        alarms=tuple(alarms),
    )


def _unique(alarms: Sequence[cloudwatch.Alarm]) -> tuple[cloudwatch.Alarm, ...]:
    unique: list[cloudwatch.Alarm] = []
    for alarm in alarms:
        if not any(alarm is known for known in unique):
            unique.append(alarm)
    return tuple(unique)
