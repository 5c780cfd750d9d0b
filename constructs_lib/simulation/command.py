"""``constructs-lib simulate-fleet``: the simulator on the command line.

The fleet comes from ``--template`` (a template file or a ``cdk.out``
folder, ``--fleet`` to pick a group) or from the fleet's options
(``--scaling`` picks the ``FleetScalingPolicy``); the load from ``--constant``,
``--spike`` or ``--csv``. It prints the table, the assumptions and where the
PNG went. ``--compare`` runs several policies on the same load instead: the
construct's modes and other tools' rules (`constructs_lib.simulation.peers`),
one table and one plot. Exit 0 done, 2 input it cannot use.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from constructs_lib.simulation.arrivals import (
    arrivals_from_csv,
    constant_arrivals,
    spike_arrivals,
)
from constructs_lib.simulation.compare import compare, comparison_plot, comparison_table
from constructs_lib.simulation.engine import SimulationSettings, simulate_fleet
from constructs_lib.simulation.errors import SimulationInputError
from constructs_lib.simulation.fleet import (
    ARRIVALS_AND_BACKLOG,
    BACKLOG_PER_INSTANCE,
    QUEUE_DEPTH_STEPS,
    SCALING_MODES,
    FleetModel,
    fleet_from_options,
)
from constructs_lib.simulation.peers import ecs_patterns_fleet, keda_fleet
from constructs_lib.simulation.report import footnote, plot, summary_table
from constructs_lib.simulation.template import load_fleet

EXIT_OK = 0
EXIT_REFUSED = 2
DEFAULT_OUTPUT = "fleet-simulation.png"
#: What ``--compare`` can run: the construct's modes and other tools' rules.
ECS_PATTERNS = "ecs-patterns"
KEDA = "keda"
COMPARABLE = (*SCALING_MODES, ECS_PATTERNS, KEDA)
#: ``--compare`` alone: the default, AWS's guide, and the two other tools.
DEFAULT_COMPARISON = (ARRIVALS_AND_BACKLOG, BACKLOG_PER_INSTANCE, ECS_PATTERNS, KEDA)
POLICY_NAMES = {
    ARRIVALS_AND_BACKLOG: "arrivals and backlog (the default)",
    BACKLOG_PER_INSTANCE: "backlog per instance (AWS's guide)",
    QUEUE_DEPTH_STEPS: "queue-depth steps",
    ECS_PATTERNS: "CPU 50 % + queue-depth steps (the ecs-patterns way)",
    KEDA: "visible + in-flight per instance (the KEDA way)",
}

#: The fleet's options (flag, keyword of `fleet_from_options`, type, help); a
#: template already holds them.
_FLEET_OPTIONS: tuple[tuple[str, str, type, str], ...] = (
    ("--min-capacity", "min_capacity", int, "default 0"),
    ("--max-capacity", "max_capacity", int, "default 10"),
    ("--acceptable-latency", "acceptable_latency_seconds", float, "seconds; default 10"),
    (
        "--average-processing-time",
        "average_processing_seconds",
        float,
        "seconds the fleet is configured with; default --processing-time",
    ),
    ("--instance-warmup", "instance_warmup_seconds", float, "seconds; default 180"),
    (
        "--age-threshold",
        "message_age_threshold_seconds",
        float,
        "message_age_scale_out_threshold, seconds; default 300",
    ),
    (
        "--visibility-timeout",
        "visibility_timeout_seconds",
        float,
        "the queue's, seconds; default 30",
    ),
    (
        "--max-receive-count",
        "max_receive_count",
        int,
        "the queue's redrive policy; 0 for no DLQ; default 5",
    ),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    fleet = parser.add_argument_group("the fleet: a synthesized template, or its options")
    fleet.add_argument("--template", help="a template file, or a cdk.out folder")
    fleet.add_argument(
        "--fleet", help="the group's logical id or construct path (Buffering/Workers)"
    )
    for flag, dest, kind, text in _FLEET_OPTIONS:
        fleet.add_argument(flag, dest=dest, type=kind, help=text)
    fleet.add_argument("--fifo", action="store_true", default=None, help="the queue is FIFO")
    fleet.add_argument(
        "--scaling",
        choices=SCALING_MODES,
        help=f"the fleet's FleetScalingPolicy (default {ARRIVALS_AND_BACKLOG})",
    )
    fleet.add_argument(
        "--compare",
        nargs="*",
        choices=COMPARABLE,
        metavar="POLICY",
        help="run several policies on the same load: "
        f"{', '.join(COMPARABLE)} (default: {' '.join(DEFAULT_COMPARISON)}); "
        "with --template, its fleet too",
    )
    load = parser.add_argument_group("the load (one of)")
    profiles = load.add_mutually_exclusive_group(required=True)
    profiles.add_argument("--constant", type=int, metavar="N", help="N messages every minute")
    profiles.add_argument(
        "--spike",
        type=int,
        metavar="BASE",
        help="BASE messages a minute, --factor times that for a while",
    )
    profiles.add_argument("--csv", help="messages per minute, one row per minute")
    load.add_argument("--minutes", type=int, default=120, help="for --constant/--spike (120)")
    load.add_argument("--factor", type=float, default=10, help="the spike's factor (10)")
    load.add_argument("--spike-start", type=int, default=30, help="its first minute (30)")
    load.add_argument("--spike-minutes", type=int, default=10, help="its length (10)")
    model = parser.add_argument_group("the workload and the model")
    model.add_argument(
        "--processing-time",
        type=float,
        required=True,
        help="seconds one instance takes per message, on average",
    )
    model.add_argument("--launch-time", type=int, default=60, help="seconds to InService (60)")
    model.add_argument(
        "--worker-start",
        type=int,
        help="seconds from InService to the first message (default: warm-up)",
    )
    model.add_argument(
        "--metric-delay", type=int, default=1, help="minutes before an alarm sees a datapoint (1)"
    )
    model.add_argument("--initial-capacity", type=int, help="instances at minute 0 (the minimum)")
    model.add_argument(
        "--cpu-share",
        type=float,
        default=1.0,
        help="part of a message's processing time the CPU is busy (1: CPU-bound; "
        "the ecs-patterns way scales on CPU)",
    )
    model.add_argument(
        "--idle-before",
        type=int,
        default=0,
        help="minutes without messages or API calls before minute 0 (0)",
    )
    parser.add_argument("--output", default=DEFAULT_OUTPUT, help=f"the PNG ({DEFAULT_OUTPUT})")
    parser.add_argument("--events", action="store_true", help="print each scaling event too")


def run(args: argparse.Namespace) -> int:
    try:
        arrivals = _arrivals(args)
        settings = SimulationSettings(
            processing_seconds=args.processing_time,
            acceptable_latency_seconds=None,
            launch_seconds=args.launch_time,
            worker_start_seconds=args.worker_start,
            metric_delay_minutes=args.metric_delay,
            initial_capacity=args.initial_capacity,
            queue_idle_minutes_before=args.idle_before,
            cpu_share=args.cpu_share,
        )
        if args.compare is not None:
            return _compare(args, arrivals, settings)
        fleet = _fleet(args)
        result = simulate_fleet(fleet, arrivals, settings)
    except SimulationInputError as error:
        print(f"simulate-fleet refused: {error}", file=sys.stderr)
        return EXIT_REFUSED
    output = plot(result, args.output)
    print(summary_table(result))
    if args.events:
        print("\nScaling events:")
        print("\n".join(result.events) or "(none)")
    print(f"\nAssumptions:\n{footnote(settings)}")
    print(f"\nPlot: {output}")
    return EXIT_OK


def _compare(
    args: argparse.Namespace, arrivals: tuple[int, ...], settings: SimulationSettings
) -> int:
    fleets = []
    if args.template:
        fleet = _fleet(args)
        fleets.append((f"template: {fleet.source.split(' (')[0]}", fleet))
        latency, processing = fleet.acceptable_latency_seconds, fleet.average_processing_seconds
        if latency is None or processing is None:
            raise SimulationInputError(
                "--compare with --template: the template's fleet does not scale with "
                "ARRIVALS_AND_BACKLOG, so its acceptable latency and processing time are "
                "unknown; compare with the fleet's options instead of --template"
            )
        options = {
            "min_capacity": fleet.min_capacity,
            "max_capacity": fleet.max_capacity,
            "acceptable_latency_seconds": latency,
            "average_processing_seconds": processing,
            "instance_warmup_seconds": fleet.warmup_seconds,
        }
    else:
        options = _options(args)
    for policy in args.compare or DEFAULT_COMPARISON:
        fleets.append((POLICY_NAMES[policy], _policy_fleet(policy, options, bool(args.fifo))))
    runs = compare(fleets, arrivals, settings)
    output = comparison_plot(runs, arrivals, args.output)
    print(comparison_table(runs))
    print(f"\nAssumptions:\n{footnote(settings)}")
    print(f"\nPlot: {output}")
    return EXIT_OK


def _policy_fleet(policy: str, options: dict[str, Any], fifo: bool) -> FleetModel:
    bounds = {"max_capacity": options.get("max_capacity", 10),
              "instance_warmup_seconds": options.get("instance_warmup_seconds", 180)}  # fmt: skip
    if policy == ECS_PATTERNS:
        return ecs_patterns_fleet(**bounds, min_capacity=max(1, options.get("min_capacity", 1)))
    if policy == KEDA:
        return keda_fleet(
            **bounds,
            min_capacity=options.get("min_capacity", 0),
            acceptable_latency_seconds=options.get("acceptable_latency_seconds", 10.0),
            average_processing_seconds=options["average_processing_seconds"],
        )
    return fleet_from_options(**{**options, "scaling": policy}, fifo=fifo)


def _options(args: argparse.Namespace) -> dict[str, Any]:
    if args.fleet:
        raise SimulationInputError("--fleet picks a group of a --template; give the template")
    options = {dest: getattr(args, dest) for _, dest, _, _ in _FLEET_OPTIONS}
    options = {name: value for name, value in options.items() if value is not None}
    options.setdefault("average_processing_seconds", args.processing_time)
    if options.get("max_receive_count") == 0:
        options["max_receive_count"] = None
    return options


def _fleet(args: argparse.Namespace) -> FleetModel:
    given = [flag for flag, dest, _, _ in _FLEET_OPTIONS if getattr(args, dest) is not None]
    given += ["--fifo"] if args.fifo else []
    given += ["--scaling"] if args.scaling else []
    if args.template:
        if given:
            raise SimulationInputError(
                f"{', '.join(given)}: the template already sets the fleet; leave them out"
            )
        return load_fleet(args.template, fleet=args.fleet)
    options = _options(args)
    if args.scaling:
        options["scaling"] = args.scaling
    return fleet_from_options(fifo=bool(args.fifo), **options)


def _arrivals(args: argparse.Namespace) -> tuple[int, ...]:
    if args.csv:
        return arrivals_from_csv(Path(args.csv))
    if args.constant is not None:
        return constant_arrivals(args.constant, minutes=args.minutes)
    return spike_arrivals(
        args.spike,
        factor=args.factor,
        start=args.spike_start,
        duration=args.spike_minutes,
        minutes=args.minutes,
    )
