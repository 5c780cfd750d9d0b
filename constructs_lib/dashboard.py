"""`PatternDashboard`: one CloudWatch dashboard for the library's patterns and yours.

Each pattern describes itself with ``dashboard_view(period)``, a `PatternView`
(the `SupportsDashboardView` protocol: every pattern of the library has it,
and any construct of yours can); this module lays the views out, one section
per pattern, and checks what CloudWatch refuses (more than 500 widgets, an
alarm status widget without alarms or with more than 100, a name CloudWatch
does not take, a period finer than the metrics). `Graph`, `QueueView`,
`DeadLetterView` and `queue_view` build a view.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from aws_cdk import Duration, Token
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from constructs_lib import _aws, defaults
from constructs_lib._alarms import annotation_of
from constructs_lib._metrics import QueueMetrics
from constructs_lib._monitoring import (
    DeadLetterView,
    Graph,
    PatternView,
    QueueView,
    SupportsDashboardView,
    queue_view,
)
from constructs_lib._queues import AnyQueue, QueueRef
from constructs_lib._tree import adopt
from constructs_lib._validation import (
    OptionRules,
    OptionValidator,
    number,
    options_from,
    raise_problems,
    seconds_of,
    shown,
)
from constructs_lib.errors import OptionProblem
from constructs_lib.option_codes import OptionCode
from constructs_lib.secure_queue import SecureQueue
from constructs_lib.stack_limits import register_pattern

__all__ = [
    "DashboardPattern",
    "DeadLetterView",
    "Graph",
    "PatternDashboard",
    "PatternDashboardOptions",
    "PatternView",
    "QueueView",
    "SupportsDashboardView",
    "queue_view",
]

#: What a dashboard draws: a queue, or anything with ``dashboard_view`` (every
#: pattern of the library, and your own constructs).
DashboardPattern = AnyQueue | SupportsDashboardView

_NAME_CHARS = re.compile(r"[A-Za-z0-9_-]+")
_PATTERNS = (
    "SecureQueue, sqs.IQueue, TopicFanout, EventRuleToQueue, ScheduleToQueue, "
    "BucketToQueue, LambdaQueueConsumer, QueueWorkerFleet or a construct with "
    "dashboard_view(period) (SupportsDashboardView)"
)
#: The dashboard grid is 24 units wide.
_FULL_WIDTH = 24
_GRAPH_HEIGHT = 6
_SECONDS = "seconds"


@dataclass(frozen=True)
class PatternDashboardOptions:
    """`PatternDashboard`'s options but the patterns, with their rule table."""

    dashboard_name: str | None = None
    period: Duration = defaults.DASHBOARD_PERIOD
    time_range: Duration = defaults.DASHBOARD_TIME_RANGE

    def problems(self) -> list[OptionProblem]:
        v = OptionRules()
        name = self.dashboard_name
        if name is not None and not Token.is_unresolved(name):
            v.check(
                len(name) <= _aws.DASHBOARD_NAME_MAX_LENGTH and bool(_NAME_CHARS.fullmatch(name)),
                "dashboard_name",
                name,
                f"must be 1 to {_aws.DASHBOARD_NAME_MAX_LENGTH} letters, digits, '-' or '_'",
                code=OptionCode.DASHBOARD_NAME_INVALID,
            )
        minute = _aws.STANDARD_RESOLUTION_PERIOD_SECONDS
        period = seconds_of(self.period)
        if period is not None:
            v.check(
                period >= minute and period % minute == 0,
                "period",
                f"{number(period)} seconds",
                "must be a whole number of minutes: SQS, Lambda and Auto Scaling publish "
                "one-minute metrics",
                code=OptionCode.DASHBOARD_PERIOD_NOT_WHOLE_MINUTES,
            )
        time_range = seconds_of(self.time_range)
        if time_range is not None:
            v.check(
                time_range >= minute and time_range % minute == 0,
                "time_range",
                f"{number(time_range)} seconds",
                "must be a whole number of minutes",
                code=OptionCode.DASHBOARD_TIME_RANGE_NOT_WHOLE_MINUTES,
            )
        return v.problems


class PatternDashboard(Construct):
    """A CloudWatch dashboard with a section per pattern.

    What it creates (child ids are part of the contract): ``Dashboard``, an
    ``AWS::CloudWatch::Dashboard`` that opens on the last ``time_range``.
    Each pattern gets a section:

    - a header: the pattern's kind, construct path and what it does;
    - per queue it moves messages through: queue depth (visible and in
      flight, Maximum), age of the oldest message (with the age alarms'
      thresholds), its dead-letter queue's depth (with the DLQ alarm's
      threshold), sent vs deleted messages per second, and the time to drain
      the queue at the net rate (metric math, blank while the queue does not
      shrink). A queue two patterns share is drawn once, in the first;
    - the dead-letter queues of its deliveries (SNS subscription,
      EventBridge or Scheduler target): their depth;
    - a consumer's own graphs: a `LambdaQueueConsumer`'s function errors and
      throttles (with its alarms' thresholds), concurrent executions (with
      ``max_concurrency``) and its mapping's EventCount metrics; a
      `QueueWorkerFleet`'s in-service vs desired instances (with its capacity
      bounds) and backlog per instance against its target;
    - an alarm status widget of its alarms and its queues' (each alarm once,
      ALARM first; CloudWatch takes 1 to 100 alarms per widget, so more make
      more widgets and none makes none).

    Example::

        PatternDashboard(self, "Operations", patterns=[orders_fanout, billing_consumer])

    :param patterns: what to draw, in order: SecureQueues, ``sqs.IQueue``\\ s,
        the producers and consumers of this library, and any construct of
        yours with ``dashboard_view(period)`` (`SupportsDashboardView`); more
        with `add_pattern`.
    :param dashboard_name: default none (CloudFormation generates one).
        Dashboards are global to the account: a fixed name deployed from two
        Regions or stacks is one dashboard.
    :param period: of every graph point; default ``defaults.DASHBOARD_PERIOD``
        (1 minute); whole minutes.
    :param time_range: what the dashboard opens on; default
        ``defaults.DASHBOARD_TIME_RANGE`` (3 hours).
    :raises ConstructOptionError: for invalid options, a value that is no
        pattern, a pattern given twice, or more than 500 widgets.

    Attributes: ``dashboard`` (the ``cloudwatch.Dashboard``), ``patterns``
    (drawn so far), ``widget_count``.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        patterns: Sequence[DashboardPattern] = (),
        dashboard_name: str | None = None,
        period: Duration = defaults.DASHBOARD_PERIOD,
        time_range: Duration = defaults.DASHBOARD_TIME_RANGE,
    ) -> None:
        options = options_from(PatternDashboardOptions, locals())
        super().__init__(scope, construct_id)
        adopt(self, scope, construct_id)
        register_pattern(self)  # counted in the stack's resource-quota check
        raise_problems(self, options.problems())
        self._period = period
        self.patterns: list[DashboardPattern] = []
        self.widget_count: int = 0
        self._drawn_queues: list[sqs.IQueue] = []
        self._shown_alarms: list[cloudwatch.Alarm] = []
        rows = self._rows(patterns, "patterns")
        # The first rows go in with the dashboard: one request to the jsii
        # process instead of one more per row (add_widgets).
        self.dashboard: cloudwatch.Dashboard = cloudwatch.Dashboard(
            self,
            "Dashboard",
            dashboard_name=dashboard_name,
            start=f"-{time_range.to_iso_string()}",
            widgets=rows,
        )

    def add_pattern(self, pattern: DashboardPattern) -> None:
        """Draws one more pattern; raises ConstructOptionError if it cannot be."""
        for row in self._rows([pattern], "pattern"):
            self.dashboard.add_widgets(*row)

    # --- the builders --------------------------------------------------------

    def _rows(
        self, patterns: Sequence[DashboardPattern], option: str
    ) -> list[list[cloudwatch.IWidget]]:
        """The rows that draw ``patterns``, counted as drawn; raises (and counts
        nothing) when one is not a pattern, is drawn already, or they do not fit."""
        views = self._views(patterns, option)
        drawn, shown_alarms = list(self._drawn_queues), list(self._shown_alarms)
        sections = [self._section(view) for view in views]
        total = self.widget_count + sum(len(row) for section in sections for row in section)
        if total > _aws.DASHBOARD_MAX_WIDGETS:
            self._drawn_queues, self._shown_alarms = drawn, shown_alarms  # nothing was added
            raise_problems(
                self,
                [
                    OptionProblem(
                        option,
                        f"{total} widgets",
                        f"CloudWatch allows {_aws.DASHBOARD_MAX_WIDGETS} widgets per dashboard: "
                        "spread the patterns over several PatternDashboards",
                        OptionCode.DASHBOARD_TOO_MANY_WIDGETS,
                    )
                ],
            )
        self.widget_count = total
        self.patterns.extend(patterns)
        return [row for section in sections for row in section]

    def _views(self, patterns: Sequence[DashboardPattern], option: str) -> list[PatternView]:
        """Each pattern's view; what is no pattern, or is drawn already, is refused."""
        v = OptionValidator(self)
        views: list[PatternView] = []
        for i, pattern in enumerate(patterns):
            name = option if option == "pattern" else f"{option}[{i}]"
            view_of = _view_of(pattern)
            if _known(pattern, [*self.patterns, *patterns[:i]]):
                v.fail(
                    name,
                    shown(pattern),
                    "is on this dashboard already",
                    code=OptionCode.DASHBOARD_PATTERN_TWICE,
                )
            elif _is_queue(pattern):
                views.append(_queue_pattern_view(pattern))  # type: ignore[arg-type]
            elif view_of is None:
                v.fail(
                    name,
                    shown(pattern),
                    f"must be a {_PATTERNS}",
                    code=OptionCode.DASHBOARD_NOT_A_PATTERN,
                )
            else:
                views.append(view_of(self._period))
        v.raise_if_any()
        return views

    def _section(self, view: PatternView) -> list[list[cloudwatch.IWidget]]:
        drawn = [q for q in view.queues if _known(q.queue, self._drawn_queues)]
        rows: list[list[cloudwatch.IWidget]] = [[_header(view, drawn)]]
        for queue in view.queues:
            if not _known(queue.queue, self._drawn_queues):
                rows.extend(_queue_rows(queue, self._period))
                self._drawn_queues.append(queue.queue)
        if view.dead_letter_queues:
            rows.append([_dead_letter_graph(view.dead_letter_queues, self._period)])
        if view.graphs:
            width = _FULL_WIDTH // len(view.graphs)
            rows.append([_graph_widget(graph, width) for graph in view.graphs])
        alarms: list[cloudwatch.Alarm] = []
        for alarm in (*view.alarms, *(a for q in view.queues for a in q.alarms)):
            if not _known(alarm, self._shown_alarms):
                self._shown_alarms.append(alarm)
                alarms.append(alarm)
        rows.extend([widget] for widget in alarm_status_widgets(f"Alarms: {view.path}", alarms))
        return rows


def alarm_status_widgets(
    title: str, alarms: Sequence[cloudwatch.IAlarm]
) -> list[cloudwatch.AlarmStatusWidget]:
    """As many alarm status widgets as CloudWatch needs: none without alarms, one
    per 100 alarms (its range for one widget is 1 to 100)."""
    per_widget = _aws.ALARM_STATUS_WIDGET_ALARMS_RANGE[1]
    chunks = [alarms[i : i + per_widget] for i in range(0, len(alarms), per_widget)]
    return [
        cloudwatch.AlarmStatusWidget(
            title=title if len(chunks) == 1 else f"{title} ({n} of {len(chunks)})",
            alarms=list(chunk),
            width=_FULL_WIDTH,
            # about 4 alarms fit a full-width row of the grid
            height=2 + math.ceil(len(chunk) / 4),
            sort_by=cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
        )
        for n, chunk in enumerate(chunks, start=1)
    ]


def _queue_pattern_view(queue: AnyQueue) -> PatternView:
    ref = QueueRef(queue)
    kind = "SecureQueue" if ref.secure_queue is not None else "Queue"
    return PatternView(
        kind=kind,
        path=ref.path,
        description="A queue, with its dead-letter queue when one is known.",
        queues=(queue_view(ref, "queue"),),
        alarms=tuple(ref.secure_queue.alarms) if ref.secure_queue is not None else (),
    )


def _header(view: PatternView, drawn_elsewhere: Sequence[QueueView]) -> cloudwatch.TextWidget:
    lines = [f"### {view.kind} `{view.path}`", view.description]
    lines += [
        f"Its {q.role} {q.name} is drawn above, with the pattern that showed it first."
        for q in drawn_elsewhere
    ]
    return cloudwatch.TextWidget(markdown="\n\n".join(lines), width=_FULL_WIDTH, height=2)


def _queue_rows(queue: QueueView, period: Duration) -> list[list[cloudwatch.IWidget]]:
    metrics = QueueMetrics(queue.queue)
    role = queue.title
    depth = Graph(
        f"{role}: depth",
        (
            metrics.visible_messages(period=period, label="Visible"),
            metrics.in_flight_messages(period, label="In flight"),
        ),
    )
    age = Graph(
        f"{role}: age of the oldest message",
        (metrics.oldest_message_age(period, label="Oldest message"),),
        tuple(annotation_of(alarm) for alarm in queue.age_alarms),
        _SECONDS,
    )
    rates = Graph(
        f"{role}: sent vs deleted",
        (metrics.sent_rate(period), metrics.deleted_rate(period)),
        (),
        "messages / s",
    )
    drain = Graph(f"{role}: time to drain", (metrics.time_to_drain(period),), (), _SECONDS)
    third, half = _FULL_WIDTH // 3, _FULL_WIDTH // 2
    return [
        [
            _graph_widget(depth, third),
            _graph_widget(age, third),
            _dead_letter_widget(queue, period, third),
        ],
        [_graph_widget(rates, half), _graph_widget(drain, half)],
    ]


def _dead_letter_widget(queue: QueueView, period: Duration, width: int) -> cloudwatch.IWidget:
    role = queue.title
    if queue.dead_letter_queue is None:
        return cloudwatch.TextWidget(
            markdown=f"**{role}: dead-letter queue**\n\nNone known: the queue has no "
            "redrive policy here, or it was imported and its policy cannot be read.",
            width=width,
            height=_GRAPH_HEIGHT,
        )
    depth = QueueMetrics(queue.dead_letter_queue).visible_messages(
        period=period, label="Visible in the DLQ"
    )
    graph = Graph(
        f"{role}: dead-letter queue depth",
        (depth,),
        tuple(annotation_of(alarm) for alarm in queue.dead_letter_alarms),
    )
    return _graph_widget(graph, width)


def _dead_letter_graph(queues: Iterable[DeadLetterView], period: Duration) -> cloudwatch.IWidget:
    graph = Graph(
        "Undelivered messages: dead-letter queue depth",
        tuple(
            QueueMetrics(dlq.queue).visible_messages(period=period, label=dlq.role)
            for dlq in queues
        ),
    )
    return _graph_widget(graph, _FULL_WIDTH)


def _graph_widget(graph: Graph, width: int) -> cloudwatch.GraphWidget:
    return cloudwatch.GraphWidget(
        title=graph.title,
        left=list(graph.metrics),
        left_annotations=list(graph.annotations) or None,
        left_y_axis=cloudwatch.YAxisProps(min=0, label=graph.unit, show_units=False),
        width=width,
        height=_GRAPH_HEIGHT,
    )


def _view_of(pattern: object) -> Callable[[Duration], PatternView] | None:
    """``pattern.dashboard_view``; the private ``_dashboard_view`` of issue 13's
    protocol still works, with a warning; None for anything else."""
    if isinstance(pattern, SupportsDashboardView):
        return pattern.dashboard_view
    old = getattr(pattern, "_dashboard_view", None)
    if old is None:
        return None
    warnings.warn(
        f"{type(pattern).__name__}._dashboard_view is deprecated and will be removed: "
        "name it dashboard_view (constructs_lib.dashboard.SupportsDashboardView)",
        DeprecationWarning,
        stacklevel=5,  # the user's PatternDashboard(...) or add_pattern(...)
    )
    return old  # type: ignore[no-any-return]


def _is_queue(value: object) -> bool:
    """A SecureQueue or an ``sqs.IQueue`` (a jsii interface: no isinstance check)."""
    return isinstance(value, SecureQueue) or all(
        hasattr(value, attribute) for attribute in ("queue_arn", "queue_url", "queue_name")
    )


def _known(item: object, known: Iterable[object]) -> bool:
    return any(item is k for k in known)
