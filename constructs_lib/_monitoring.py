"""What an operator looks at for each pattern: the views `PatternDashboard` draws.

The contract between a pattern and the dashboard, public through
`constructs_lib.dashboard` (as cdk-monitoring-constructs' monitoring facades
are): a construct that has ``dashboard_view(period)`` (`SupportsDashboardView`)
describes itself as a `PatternView`: the queues it moves messages through
(each drawn the same way: depth, age, dead-letter queue, sent vs deleted,
time to drain), the dead-letter queues of its deliveries, the graphs only it
knows (a consumer's function or fleet) and its alarms. Every pattern of the
library implements it, and so can a user's own construct. The dashboard
renders views and imports no construct but `SecureQueue`; the metrics come
from `_metrics`. A construct knows which of its alarms belong on which graph,
so it passes them as annotations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol, runtime_checkable

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from constructs_lib._queues import AnyQueue, DeadLetterQueueRef, QueueRef
from constructs_lib._tree import id_of, path_of


@dataclass(frozen=True)
class Graph:
    """One graph of a pattern's own metrics: a line per metric, drawn with the
    dashboard's period (give the metrics ``period``)."""

    title: str
    metrics: Sequence[cloudwatch.IMetric]
    #: horizontal lines: alarm thresholds, bounds, targets
    annotations: Sequence[cloudwatch.HorizontalAnnotation] = ()
    #: the left axis' label
    unit: str = "count"

    def __post_init__(self) -> None:
        _freeze(self, "metrics", "annotations")


@dataclass(frozen=True)
class QueueView:
    """A queue the pattern moves messages through, with what is known of it."""

    #: what the queue is to the pattern ("consumed queue", "subscribed queue")
    role: str
    queue: sqs.IQueue
    #: its dead-letter queue, if one is known here (an imported queue's is not)
    dead_letter_queue: sqs.IQueue | None
    #: the alarms on it: drawn as lines on its graphs and shown in the alarm status
    age_alarms: Sequence[cloudwatch.Alarm] = ()
    dead_letter_alarms: Sequence[cloudwatch.Alarm] = ()

    #: the queue's construct id (its SecureQueue's), which graph titles show
    name: str = ""

    def __post_init__(self) -> None:
        _freeze(self, "age_alarms", "dead_letter_alarms")

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
    """A pattern, as its section of a dashboard shows it: a header (``kind``,
    ``path``, ``description``), a block of graphs per queue, one graph of the
    deliveries' dead-letter queues, a row of ``graphs``, and the status of
    ``alarms`` and of the queues' own alarms."""

    #: what the pattern is, for the header ("QueueWorkerFleet", "ThumbnailService")
    kind: str
    #: its construct path (``self.node.path``)
    path: str
    #: one sentence: what the pattern does, for the section's header
    description: str
    #: the queues it moves messages through (`queue_view`); a queue another
    #: pattern showed first is drawn once, there
    queues: Sequence[QueueView] = ()
    #: the dead-letter queues of its deliveries
    dead_letter_queues: Sequence[DeadLetterView] = ()
    #: the graphs only it knows, side by side in one row
    graphs: Sequence[Graph] = ()
    #: its own alarms, for the alarm status widget
    alarms: Sequence[cloudwatch.Alarm] = ()

    def __post_init__(self) -> None:
        _freeze(self, "queues", "dead_letter_queues", "graphs", "alarms")


@runtime_checkable
class SupportsDashboardView(Protocol):
    """What `PatternDashboard` draws besides queues: anything with ``dashboard_view``.

    Every pattern of the library has it; a construct of your own joins a
    dashboard by having it too (docs/constructs/pattern-dashboard.md, "Your
    own constructs on the dashboard"). ``period`` is the dashboard's: give it to your metrics.
    """

    def dashboard_view(self, period: Duration) -> PatternView: ...


def queue_view(
    queue: AnyQueue | QueueRef, role: str, *, age_alarms: Sequence[cloudwatch.Alarm] = ()
) -> QueueView:
    """The view of a queue: a SecureQueue's own alarms and DLQ, or what an
    ``sqs.Queue`` of this app says of its DLQ; ``age_alarms`` are the pattern's
    own alarms on the queue's age (a fleet's scale-out, a consumer's alarm).

    :param queue: a `SecureQueue` or any ``sqs.IQueue``.
    :param role: what the queue is to the pattern ("consumed queue"), for titles.
    """
    ref = queue if isinstance(queue, QueueRef) else QueueRef(queue)
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
    dead_letter_role: str = "target DLQ",
    alarms: Sequence[cloudwatch.Alarm] = (),
) -> PatternView:
    """A producer that delivers into one queue (EventBridge, Scheduler, Pipes, S3)."""
    return PatternView(
        kind=kind,
        path=path,
        description=description,
        queues=(queue_view(target, "target queue"),),
        dead_letter_queues=dead_letter_views(dead_letter_role, dead_letter_queue),
        alarms=tuple(alarms),
    )


class DeliveryIntoQueue(Construct):
    """Base of a construct whose service delivers into one queue and dead-letters
    what it cannot deliver into a DLQ the construct passes in or creates
    (EventRuleToQueue, ScheduleToQueue, PipeToQueue): its ``alarms`` and its
    dashboard view, written once.

    A subclass sets `DASHBOARD_KIND` and `DASHBOARD_DESCRIPTION` (and
    `DEAD_LETTER_ROLE` when its DLQ is not a target's), ``queue``,
    ``secure_queue`` and ``_dead_letter``.
    """

    DASHBOARD_KIND: ClassVar[str]
    DASHBOARD_DESCRIPTION: ClassVar[str]
    #: what the dashboard calls the DLQ
    DEAD_LETTER_ROLE: ClassVar[str] = "target DLQ"

    queue: sqs.IQueue
    secure_queue: AnyQueue | None
    _dead_letter: DeadLetterQueueRef

    @property
    def alarms(self) -> list[cloudwatch.Alarm]:
        """The alarms this construct created: those of the DLQ it created."""
        return self._dead_letter.alarms

    def dashboard_view(self, period: Duration) -> PatternView:
        """The queue and the DLQ (`PatternDashboard`)."""
        return delivery_view(
            self.DASHBOARD_KIND,
            path_of(self),
            self.DASHBOARD_DESCRIPTION,
            QueueRef(self.secure_queue or self.queue),
            dead_letter_queue=self._dead_letter.queue,
            dead_letter_role=self.DEAD_LETTER_ROLE,
            alarms=self.alarms,
        )


def _freeze(view: object, *fields: str) -> None:
    """Keeps a frozen view's sequences as tuples, whatever the caller passed."""
    for field in fields:
        object.__setattr__(view, field, tuple(getattr(view, field)))


def _unique(alarms: Sequence[cloudwatch.Alarm]) -> tuple[cloudwatch.Alarm, ...]:
    unique: list[cloudwatch.Alarm] = []
    for alarm in alarms:
        if not any(alarm is known for known in unique):
            unique.append(alarm)
    return tuple(unique)
