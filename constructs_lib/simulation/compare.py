"""One load, several fleets: how late, how costly, how restless each one is.

`judge` measures a simulation against the goals of a queue-worker fleet:

- **latency**: minutes whose longest wait is above the acceptable latency,
  in all and once settled (20 minutes after the last change of the load;
  a changing load never settles);
- **cost**: instance-minutes against the ideal, the work itself: arrivals x
  processing time, at least one instance in any minute with arrivals (a
  fleet of whole instances can reach it only when the work is whole
  instances: `GoalReport.whole_instance_ideal` is the same rounded up);
- **restlessness**: capacity changes per hour, in all and once settled.

`compare` runs several fleets on one load and `comparison_table` prints them
side by side with the ideal; `comparison_plot` draws their capacity and
latency over the load (matplotlib, extra ``simulate``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from constructs_lib._extras import SIMULATE_MODULES, require_extra
from constructs_lib.simulation.engine import SimulationResult, SimulationSettings, simulate_fleet
from constructs_lib.simulation.fleet import FleetModel

__all__ = [
    "SETTLE_MINUTES",
    "Compared",
    "GoalReport",
    "compare",
    "comparison_plot",
    "comparison_table",
    "ideal_instance_minutes",
    "judge",
]

#: A load counts as steady this many minutes after it last changed.
SETTLE_MINUTES = 20
MINUTE = 60


@dataclass(frozen=True)
class GoalReport:
    """A simulation measured against latency, cost and restlessness."""

    minutes: int
    minutes_late: int
    #: minutes at least `SETTLE_MINUTES` after the load last changed
    settled_minutes: int
    settled_minutes_late: int
    peak_latency_seconds: int
    instance_minutes: float
    ideal_instance_minutes: float
    whole_instance_ideal: float
    capacity_changes: int
    settled_capacity_changes: int

    @property
    def settled_late_share(self) -> float:
        """Share of settled minutes above the acceptable latency (0 with none settled)."""
        return self.settled_minutes_late / self.settled_minutes if self.settled_minutes else 0.0

    @property
    def cost_ratio(self) -> float:
        """Instance-minutes / the ideal."""
        return (
            self.instance_minutes / self.ideal_instance_minutes
            if self.ideal_instance_minutes
            else 0.0
        )

    @property
    def changes_per_hour(self) -> float:
        return self.capacity_changes * MINUTE / self.minutes if self.minutes else 0.0

    @property
    def settled_changes_per_hour(self) -> float:
        if not self.settled_minutes:
            return 0.0
        return self.settled_capacity_changes * MINUTE / self.settled_minutes


def ideal_instance_minutes(
    arrivals: Sequence[int], processing_seconds: float, *, whole: bool = False
) -> float:
    """The work: arrivals x processing time, at least one instance in a minute with
    arrivals (``whole``: rounded up to whole instances, minute by minute)."""
    total = 0.0
    for count in arrivals:
        work = count * processing_seconds / MINUTE
        total += math.ceil(round(work, 9)) if whole else (max(work, 1.0) if count else 0.0)
    return total


def settled(arrivals: Sequence[int], settle: int = SETTLE_MINUTES) -> list[bool]:
    """Whether each minute is at least ``settle`` minutes after the load last changed
    (from idle at minute 0 counts as a change)."""
    flags, last_change, previous = [], None, 0
    for minute, count in enumerate(arrivals):
        if count != previous:
            last_change = minute
        previous = count
        flags.append(last_change is not None and minute - last_change >= settle)
    return flags


def judge(result: SimulationResult, arrivals: Sequence[int]) -> GoalReport:
    """``result`` (of ``arrivals``) against the goals."""
    acceptable = result.acceptable_latency_seconds
    steady = settled(arrivals)
    late = [m.latency_seconds > acceptable for m in result.minutes]
    changed = [False] + [
        after.desired != before.desired
        for before, after in zip(result.minutes, result.minutes[1:], strict=False)
    ]
    # a change in the first minute, from the group's starting capacity
    if result.minutes and result.minutes[0].desired != _start(result):
        changed[0] = True
    processing = result.settings.processing_seconds
    return GoalReport(
        minutes=len(result.minutes),
        minutes_late=sum(late),
        settled_minutes=sum(steady),
        settled_minutes_late=sum(1 for s, x in zip(steady, late, strict=True) if s and x),
        peak_latency_seconds=result.peak_latency_seconds,
        instance_minutes=result.instance_minutes,
        ideal_instance_minutes=ideal_instance_minutes(arrivals, processing),
        whole_instance_ideal=ideal_instance_minutes(arrivals, processing, whole=True),
        capacity_changes=sum(changed),
        settled_capacity_changes=sum(
            1 for minute, c in enumerate(changed) if c and minute and steady[minute - 1]
        ),
    )


def _start(result: SimulationResult) -> int:
    initial = result.settings.initial_capacity
    fleet = result.fleet
    start = fleet.min_capacity if initial is None else initial
    return max(fleet.min_capacity, min(fleet.max_capacity, start))


@dataclass(frozen=True)
class Compared:
    """One fleet's run in a comparison."""

    name: str
    result: SimulationResult
    report: GoalReport


def compare(
    fleets: Sequence[tuple[str, FleetModel]], arrivals: Sequence[int], settings: SimulationSettings
) -> list[Compared]:
    """Each fleet under the same ``arrivals`` and ``settings``.

    Every fleet is judged against one acceptable latency: the settings', else
    the first fleet's that has one.
    """
    if settings.acceptable_latency_seconds is None:
        known = [f.acceptable_latency_seconds for _, f in fleets if f.acceptable_latency_seconds]
        if known:
            settings = replace(settings, acceptable_latency_seconds=known[0])
    runs = []
    for name, fleet in fleets:
        result = simulate_fleet(fleet, arrivals, settings)
        runs.append(Compared(name, result, judge(result, arrivals)))
    return runs


def _minutes(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole} s" if whole < 60 else f"{whole // 60} min {whole % 60:02d} s"


def comparison_table(runs: Sequence[Compared]) -> str:
    """Markdown: each fleet's latency, cost and restlessness, and the ideal."""
    lines = [
        "| policy | minutes late | late once settled | peak latency | instance-minutes "
        "| ÷ ideal | scaling actions per hour |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        r = run.report
        settled_late = (
            f"{r.settled_minutes_late} of {r.settled_minutes} ({100 * r.settled_late_share:.0f} %)"
            if r.settled_minutes
            else "never settles"
        )
        lines.append(
            f"| {run.name} | {r.minutes_late} of {r.minutes} | {settled_late} "
            f"| {_minutes(r.peak_latency_seconds)} | {r.instance_minutes:,.0f} "
            f"| {r.cost_ratio:.2f} | {r.changes_per_hour:.1f} |"
        )
    if runs:
        r = runs[0].report
        lines.append(
            f"| ideal (the work; at least one instance in a minute with arrivals) | 0 | 0 | 0 s "
            f"| {r.ideal_instance_minutes:,.0f} | 1.00 | - |"
        )
    return "\n".join(lines)


def comparison_plot(
    runs: Sequence[Compared], arrivals: Sequence[int], path: str | Path, *, title: str = ""
) -> Path:
    """A PNG: the load, then each fleet's instances in service and its latency.

    :raises MissingExtraError: without matplotlib.
    """
    require_extra("the comparison's plot", "simulate", SIMULATE_MODULES)
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    from matplotlib import pyplot

    figure, (load, capacity, latency) = pyplot.subplots(3, 1, figsize=(11, 10), sharex=True)
    minutes = list(range(len(arrivals)))
    load.bar(minutes, list(arrivals), width=1.0, color="tab:blue")
    load.set_ylabel("arrivals\n(messages/min)")
    for run in runs:
        capacity.step(minutes, [m.in_service for m in run.result.minutes], where="post",
                      label=run.name)  # fmt: skip
        latency.plot(minutes, [m.latency_seconds for m in run.result.minutes], label=run.name)
    if runs:
        acceptable = runs[0].result.acceptable_latency_seconds
        latency.axhline(acceptable, color="black", linestyle="--",
                        label=f"acceptable ({_minutes(acceptable)})")  # fmt: skip
        processing = runs[0].result.settings.processing_seconds
        capacity.step(minutes, [count * processing / MINUTE for count in arrivals], where="post",
                      color="black", linestyle=":", label="the work (ideal)")  # fmt: skip
    capacity.set_ylabel("instances in service")
    latency.set_ylabel("message latency\n(s waited)")
    latency.set_xlabel("minute")
    for axis in (capacity, latency):
        axis.legend(loc="upper right", fontsize=8)
    for axis in (load, capacity, latency):
        axis.grid(alpha=0.3)
    figure.suptitle(title or "Fleets under one load")
    figure.tight_layout(rect=(0, 0, 1, 0.97))
    target = Path(path)
    figure.savefig(target, dpi=90, metadata={"Software": None})
    pyplot.close(figure)
    return target
