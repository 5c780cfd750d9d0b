"""The fleet's scaling against its goals (issue 19), and beside other tools' rules.

``python -m benchmarks.fleet_scaling`` prints, for each load of the issue
(and a few more shapes), one row per policy: minutes late, minutes late once
the load has been steady 20 minutes, peak latency, instance-minutes against
the ideal, scaling actions per hour. Then the issue's five rows with the new
default's verdict on each goal. ``--write`` rewrites docs/scaling-comparison.md
(tests/benchmarks/test_fleet_scaling.py keeps it equal to what this prints)
and ``--plot`` the before/after plot docs/buffering-spike.png.

The simulator is deterministic: these figures do not depend on the machine.
The default fleet is read from the synthesized Buffering template where the
row is Buffering's (`fleet_from_template`), from the options elsewhere (the
two are the same model: tests/constructs_lib/simulation/test_template.py).

The goals, as the issue states them:

- latency: at most 5 % of the minutes above the acceptable latency once 20
  minutes have passed after a load change (for a load the fleet's
  ``max_capacity`` can serve);
- cost: instance-minutes at most 1.35 x the ideal plus a fixed allowance for
  launches and warm-ups, here ``max_capacity`` x (launch + warm-up): every
  instance the fleet may have, launched once;
- restlessness: a bounded number of capacity changes per hour at a steady
  load (here: none once settled).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from constructs_lib.simulation.arrivals import constant_arrivals, spike_arrivals
from constructs_lib.simulation.compare import Compared, compare, comparison_plot, comparison_table
from constructs_lib.simulation.engine import SimulationSettings
from constructs_lib.simulation.fleet import FleetModel, fleet_from_options
from constructs_lib.simulation.peers import ecs_patterns_fleet, keda_fleet

REPO_ROOT = Path(__file__).resolve().parent.parent
DOC = REPO_ROOT / "docs" / "scaling-comparison.md"
PLOT = REPO_ROOT / "docs" / "buffering-spike.png"

LATENCY_GOAL = 0.05
COST_GOAL = 1.35
LAUNCH_SECONDS = 60


@dataclass(frozen=True)
class Load:
    """A load profile and the fleet options it is run with."""

    name: str
    arrivals: tuple[int, ...]
    processing_seconds: float
    latency_seconds: float
    max_capacity: int
    visibility_timeout_seconds: float = 30
    #: one of the issue's five rows
    issue_row: bool = False

    def options(self) -> dict[str, float]:
        return {
            "acceptable_latency_seconds": self.latency_seconds,
            "average_processing_seconds": self.processing_seconds,
            "max_capacity": self.max_capacity,
            "visibility_timeout_seconds": self.visibility_timeout_seconds,
        }


BUFFERING = {"processing_seconds": 0.25, "latency_seconds": 30, "max_capacity": 20}
LOADS = (
    Load("60 messages/min (0.25 instance of work)", constant_arrivals(60, minutes=180),
         **BUFFERING, issue_row=True),
    Load("600/min (2.5 instances)", constant_arrivals(600, minutes=180), **BUFFERING,
         issue_row=True),
    Load("2,400/min (10 instances)", constant_arrivals(2400, minutes=180), **BUFFERING,
         issue_row=True),
    Load("defaults (0.1 s, 10 s latency, max 10), 600/min (1 instance)",
         constant_arrivals(600, minutes=180), processing_seconds=0.1, latency_seconds=10,
         max_capacity=10, issue_row=True),
    Load("Buffering stack, its 10x spike",
         spike_arrivals(600, factor=10, start=30, duration=10, minutes=120), **BUFFERING,
         visibility_timeout_seconds=300, issue_row=True),
    Load("a burst after an idle hour (1,200/min)", (0,) * 60 + (1200,) * 120, **BUFFERING),
    Load("steps (300, 1,500, 700, 2,000/min)",
         (300,) * 40 + (1500,) * 40 + (700,) * 40 + (2000,) * 60, **BUFFERING),
    Load("a ramp to 3,000/min over 150 minutes", tuple(min(3000, 20 * m) for m in range(180)),
         **BUFFERING),
)  # fmt: skip


def policies(load: Load, buffering_template: FleetModel | None) -> list[tuple[str, FleetModel]]:
    options = load.options()
    default = (
        buffering_template
        if buffering_template is not None and load.visibility_timeout_seconds == 300
        else fleet_from_options(**options)
    )
    peers = {
        "max_capacity": load.max_capacity,
        "instance_warmup_seconds": 180,
    }
    return [
        ("arrivals and backlog (the new default)", default),
        ("backlog per instance (AWS's guide, the old default)",
         fleet_from_options(scaling="backlog-per-instance", **options)),
        ("CPU 50 % + queue-depth steps (the ecs-patterns way), CPU-bound handler",
         ecs_patterns_fleet(**peers)),
        ("visible + in-flight per instance (the KEDA way)",
         keda_fleet(acceptable_latency_seconds=load.latency_seconds,
                    average_processing_seconds=load.processing_seconds, **peers)),
    ]  # fmt: skip


def run(load: Load, buffering_template: FleetModel | None) -> list[Compared]:
    settings = SimulationSettings(
        processing_seconds=load.processing_seconds,
        acceptable_latency_seconds=load.latency_seconds,
    )
    runs = compare(policies(load, buffering_template), load.arrivals, settings)
    io_bound = compare(
        [("CPU 50 % + queue-depth steps (the ecs-patterns way), I/O-bound handler (CPU 20 %)",
          ecs_patterns_fleet(max_capacity=load.max_capacity))],
        load.arrivals,
        SimulationSettings(processing_seconds=load.processing_seconds,
                           acceptable_latency_seconds=load.latency_seconds, cpu_share=0.2),
    )  # fmt: skip
    return [*runs[:3], *io_bound, *runs[3:]]


def verdicts(load: Load, default: Compared) -> list[str]:
    r = default.report
    allowance = load.max_capacity * (LAUNCH_SECONDS + default.result.fleet.warmup_seconds) / 60
    cost_limit = COST_GOAL * r.ideal_instance_minutes + allowance
    return [
        f"{r.settled_minutes_late} of {r.settled_minutes} settled minutes late "
        f"({100 * r.settled_late_share:.1f} %, goal <= {100 * LATENCY_GOAL:.0f} %): "
        f"{'meets' if r.settled_late_share <= LATENCY_GOAL else 'MISSES'}",
        f"{r.instance_minutes:,.0f} instance-minutes, limit 1.35 x {r.ideal_instance_minutes:,.0f}"
        f" + {allowance:,.0f} = {cost_limit:,.0f}: "
        f"{'meets' if r.instance_minutes <= cost_limit else 'MISSES'}",
        f"{r.settled_capacity_changes} capacity changes once settled "
        f"({r.settled_changes_per_hour:.1f} per hour): "
        f"{'meets' if r.settled_capacity_changes == 0 else 'MISSES'}",
    ]


def report(buffering_template: FleetModel | None = None) -> tuple[str, bool]:
    """The Markdown of docs/scaling-comparison.md, and whether every goal is met."""
    sections, goals, all_met = [], [], True
    for load in LOADS:
        runs = run(load, buffering_template)
        sections.append(f"### {load.name}\n\n{comparison_table(runs)}\n")
        if load.issue_row:
            lines = verdicts(load, runs[0])
            all_met = all_met and not any("MISSES" in line for line in lines)
            goals.append(f"- **{load.name}**: " + "; ".join(lines) + ".")
    text = "\n".join(
        [
            "# Fleet scaling: the default policy against its goals and other tools",
            "",
            "Made by `python -m benchmarks.fleet_scaling --write` (also printed by "
            "`make bench`); the simulator is deterministic, so these figures are the "
            "same on every machine. Every run: 60 s from launch to InService, a "
            "3-minute warm-up, metrics seen a minute late (the simulator's "
            'assumptions, printed by `constructs-lib simulate-fleet`). "Settled": 20 '
            "minutes or more after the load last changed. The ideal: the work itself "
            "(arrivals x processing time), at least one instance in a minute with "
            "arrivals.",
            "",
            "## The issue's five loads, the new default against each goal",
            "",
            *goals,
            "",
            "## Every policy on every load",
            "",
            *sections,
        ]
    )
    return text.rstrip() + "\n", all_met


def buffering_fleet() -> FleetModel:
    """The default fleet as the Buffering stack synthesizes it."""
    from aws_cdk.assertions import Template

    from constructs_lib.simulation import fleet_from_template
    from stacks import build_example_app
    from tests.conftest import new_app

    (buffering, *_) = build_example_app(new_app())
    return fleet_from_template(Template.from_stack(buffering).to_json())


def plot_before_and_after(path: Path, fleet: FleetModel) -> Path:
    load = LOADS[4]
    settings = SimulationSettings(
        processing_seconds=load.processing_seconds, acceptable_latency_seconds=load.latency_seconds
    )
    runs = compare(policies(load, fleet)[:2], load.arrivals, settings)
    return comparison_plot(
        runs,
        load.arrivals,
        path,
        title="Buffering under its 10x spike: AWS's guide (before), arrivals and backlog (after)",
    )


def main(argv: Sequence[str] | None = None, out: Callable[[str], object] = print) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fleet_scaling")
    parser.add_argument(
        "--write", action="store_true", help=f"rewrite {DOC.relative_to(REPO_ROOT)}"
    )
    parser.add_argument(
        "--plot", action="store_true", help=f"rewrite {PLOT.relative_to(REPO_ROOT)}"
    )
    args = parser.parse_args(argv)
    fleet = buffering_fleet()
    text, met = report(fleet)
    out(text)
    if args.write:
        DOC.write_text(text)
    if args.plot:
        plot_before_and_after(PLOT, fleet)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
