"""``constructs-lib simulate-fleet``: the simulator on the command line.

The fleet comes from ``--template`` (a template file or a ``cdk.out``
folder, ``--fleet`` to pick a group) or from the fleet's options; the load
from ``--constant``, ``--spike`` or ``--csv``. It prints the table, the
assumptions and where the PNG went. Exit 0 done, 2 input it cannot use.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from constructs_lib.simulation.arrivals import (
    arrivals_from_csv,
    constant_arrivals,
    spike_arrivals,
)
from constructs_lib.simulation.engine import SimulationSettings, simulate_fleet
from constructs_lib.simulation.errors import SimulationInputError
from constructs_lib.simulation.fleet import FleetModel, fleet_from_options
from constructs_lib.simulation.report import footnote, plot, summary_table
from constructs_lib.simulation.template import load_fleet

EXIT_OK = 0
EXIT_REFUSED = 2
DEFAULT_OUTPUT = "fleet-simulation.png"

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
        "--idle-before",
        type=int,
        default=0,
        help="minutes without messages or API calls before minute 0 (0)",
    )
    parser.add_argument("--output", default=DEFAULT_OUTPUT, help=f"the PNG ({DEFAULT_OUTPUT})")
    parser.add_argument("--events", action="store_true", help="print each scaling event too")


def run(args: argparse.Namespace) -> int:
    try:
        fleet = _fleet(args)
        arrivals = _arrivals(args)
        settings = SimulationSettings(
            processing_seconds=args.processing_time,
            acceptable_latency_seconds=None,
            launch_seconds=args.launch_time,
            worker_start_seconds=args.worker_start,
            metric_delay_minutes=args.metric_delay,
            initial_capacity=args.initial_capacity,
            queue_idle_minutes_before=args.idle_before,
        )
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


def _fleet(args: argparse.Namespace) -> FleetModel:
    given = [flag for flag, dest, _, _ in _FLEET_OPTIONS if getattr(args, dest) is not None]
    given += ["--fifo"] if args.fifo else []
    if args.template:
        if given:
            raise SimulationInputError(
                f"{', '.join(given)}: the template already sets the fleet; leave them out"
            )
        return load_fleet(args.template, fleet=args.fleet)
    if args.fleet:
        raise SimulationInputError("--fleet picks a group of a --template; give the template")
    options = {dest: getattr(args, dest) for _, dest, _, _ in _FLEET_OPTIONS}
    options = {name: value for name, value in options.items() if value is not None}
    options.setdefault("average_processing_seconds", args.processing_time)
    if options.get("max_receive_count") == 0:
        options["max_receive_count"] = None
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
