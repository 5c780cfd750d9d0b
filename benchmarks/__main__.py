"""One command for the figures of docs/evidence.md: ``python -m benchmarks`` (``make bench``).

Machines of the project's kind differ by up to 2x, so every timing is printed
beside a calibration timed in the same run (benchmarks/calibration.py: a fresh
process synthesizing one plain aws-cdk-lib queue, and a fixed Python loop),
and each goal is also given as a multiple of that calibration: a figure from
another machine compares through it. Every timing is the median of several
runs, with their range.

1. synth overhead: the example app with constructs_lib vs the same topology in
   plain aws-cdk-lib L2 code (benchmarks/plain_topology.py), all four stacks,
   interleaved runs, medians, ratio (goal <= 1.15) and the range of the
   per-pair ratios; jsii round trips per stack and per pattern, counted
   (benchmarks/jsii_calls.py);
2. synth cost as work grows: 1, 10, 50, 100 SecureQueue patterns;
3. resources per pattern;
4. worker economy: SQS requests per processed message; the fleet's scaling
   goals on issue 19's loads (benchmarks/fleet_scaling.py, deterministic);
5. the ``make deploy-local`` cycle (tools.deploy_local: synth, bootstrap,
   deploy, smoke, destroy, deploy again, destroy) with the real CDK CLI
   against a local moto account, each stage's seconds (goal <= 30 s);
6. ``make test-quick`` (goal <= 30 s) and ``make test`` (goal <= 120 s), run
   alternately, their wall times and the seconds of each part of the last
   full run (benchmarks/suite_parts.py); ``--skip-tests`` leaves them out.

Options: ``--runs N`` (synth repetitions, default 15: the machine is noisy),
``--suite-runs N`` (runs of each test command and of the deploy cycle,
default 3), ``--quick`` (9 synth runs, no deploy cycle, no test suite),
``--skip-deploy``, ``--skip-tests``.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.calibration import Calibration, Samples, calibrate

os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")
os.environ.setdefault(
    "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION",
    os.popen("node -p 'process.versions.node.split(\".\")[0]' 2>/dev/null").read().strip() or "20",
)
os.environ.setdefault("CDK_DISABLE_CLI_TELEMETRY", "true")

REPO_ROOT = Path(__file__).resolve().parent.parent


def table(title: str, header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=False)]
    line = "  ".join("-" * w for w in widths)
    out = [
        f"\n## {title}",
        "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=False)),
        line,
    ]
    out += ["  ".join(str(c).rjust(w) for c, w in zip(r, widths, strict=False)) for r in rows]
    return "\n".join(out)


#: The goals of issues 14 and 24, measured by this command.
OVERHEAD_GOAL = 1.15
DEPLOY_CYCLE_GOAL_S = 30.0
SUITE_GOAL_S = 120.0
QUICK_SUITE_GOAL_S = 30.0


@dataclass(frozen=True)
class Goal:
    figure: str
    limit: float
    #: the runs; their range is printed
    measured: Samples
    #: "x": a ratio (machine-independent already); "s": seconds
    unit: str
    #: the figure held to the goal: the runs' median unless said otherwise (the
    #: synth overhead is the ratio of the two medians, its range the pairs')
    value: float | None = None

    @property
    def figure_value(self) -> float:
        return self.measured.median if self.value is None else self.value


#: Filled in by the sections that ran.
GOALS: list[Goal] = []
#: Timed at the start of the run (main); every timing is printed beside it.
CALIBRATION: Calibration | None = None


def beside_calibration(seconds: float) -> str:
    """``seconds`` as a multiple of this run's calibration (empty without one)."""
    return "" if CALIBRATION is None else f" = {CALIBRATION.multiple(seconds)}"


def in_plain_synths(seconds: float) -> str:
    """``seconds`` in plain synths of this run's calibration, for a table cell."""
    return "-" if CALIBRATION is None else f"{seconds / CALIBRATION.plain_synth.median:.3f}"


def section_overhead(runs: int) -> str:
    from benchmarks.synth import round_trips_per_pattern, round_trips_per_stack, synth_overhead

    o = synth_overhead(runs)
    pairs = Samples(o.pair_ratios)
    GOALS.append(
        Goal("synth overhead vs plain aws-cdk-lib", OVERHEAD_GOAL, pairs, "x", value=o.ratio)
    )
    verdict = "meets" if o.ratio <= OVERHEAD_GOAL else "misses"
    text = table(
        "Synth overhead: example app, library vs plain aws-cdk-lib L2 "
        f"({o.runs} interleaved runs, median)",
        ["variant", "median s", "plain synths"],
        [
            ["constructs_lib", f"{o.library_median:.3f}", in_plain_synths(o.library_median)],
            ["plain aws-cdk-lib", f"{o.plain_median:.3f}", in_plain_synths(o.plain_median)],
            ["ratio", f"{o.ratio:.3f}", ""],
        ],
    )
    text += (
        f"\nratio {o.ratio:.3f}: {verdict} the goal <= {OVERHEAD_GOAL} "
        f"(one pair's ratio ranged {pairs.low:.3f}-{pairs.high:.3f}); "
        f"stacks compared: {', '.join(o.compared_stacks)}"
    )
    if o.left_out:
        text += f"; left out (no plain twin yet): {', '.join(o.left_out)}"
    stacks = round_trips_per_stack()
    text += table(
        "jsii round trips per example stack (build + synth, counted)",
        ["stack", "constructs_lib", "plain", "ratio"],
        [[r.stack, str(r.library), str(r.plain), f"{r.ratio:.2f}"] for r in stacks]
        + [
            [
                "all four",
                str(sum(r.library for r in stacks)),
                str(sum(r.plain for r in stacks)),
                f"{sum(r.library for r in stacks) / sum(r.plain for r in stacks):.2f}",
            ]
        ],
    )
    per_pattern = round_trips_per_pattern()
    text += table(
        "jsii round trips per pattern (one instance, construction only, counted)",
        ["pattern", "round trips"],
        [[kind, str(n)] for kind, n in per_pattern.items()],
    )
    return text


def section_growth(runs: int) -> str:
    from benchmarks.synth import PATTERNS_PER_STACK, synth_growth

    points = synth_growth([1, 10, 50, 100], runs)
    rows = [
        [
            str(p.patterns),
            str(p.stacks),
            str(p.resources),
            f"{p.template_bytes / 1024:.0f}",
            f"{p.seconds:.3f}",
            in_plain_synths(p.seconds),
            f"{p.seconds / p.patterns * 1000:.1f}",
        ]
        for p in points
    ]
    first, last = points[0], points[-1]
    per_pattern = (last.seconds - first.seconds) / (last.patterns - first.patterns)
    per_resource = (last.resources - first.resources) / (last.patterns - first.patterns)
    text = table(
        "Synth cost as work grows: N SecureQueue patterns "
        f"(at most {PATTERNS_PER_STACK} per stack)",
        [
            "patterns",
            "stacks",
            "resources",
            "template KiB",
            "synth s",
            "plain synths",
            "ms/pattern",
        ],
        rows,
    )
    return text + (
        f"\nmarginal cost: {per_pattern * 1000:.1f} ms and {per_resource:.1f} resources per pattern"
    )


def section_resources() -> str:
    from benchmarks.synth import resources_per_pattern

    figures = resources_per_pattern()
    rows = [
        [kind, str(n), f"{size / 1024:.1f}", f"{size / n:.0f}", str(500 // n)]
        for kind, (n, size) in figures.items()
    ]
    return table(
        "Resources per pattern (one instance, its queues included)",
        ["pattern", "resources", "template KiB", "bytes/resource", "per 500-resource stack"],
        rows,
    )


def section_worker() -> str:
    if importlib.util.find_spec("benchmarks.sqs_requests_per_message") is None:
        return (
            "\n## Worker economy\nnot measured: the worker's benchmark "
            "(benchmarks/sqs_requests_per_message.py) is not on this branch yet"
        )
    from benchmarks import sqs_requests_per_message as worker_bench

    out = io.StringIO()
    main = worker_bench.main
    started = time.perf_counter()
    old = sys.stdout
    sys.stdout = out
    try:
        # 500 messages: the figure is the same as with more (the floor is per 10),
        # and moto's cost per request grows with the naive loop's queue depth.
        main(["--messages", "500"])
    finally:
        sys.stdout = old
    return (
        "\n## Worker economy: SQS requests per processed message\n"
        + out.getvalue().strip()
        + (
            f"\n({time.perf_counter() - started:.1f} s"
            f"{beside_calibration(time.perf_counter() - started)})"
        )
    )


def section_deploy_cycle(runs: int) -> str:
    """``make deploy-local`` without its installs: tools.deploy_local.run, timed
    ``runs`` times (each a fresh synth, deploy, smoke, destroy, deploy, destroy)."""
    from tools.deploy_local import run

    seconds: list[float] = []
    failed = False
    for _ in range(max(1, runs)):
        out = io.StringIO()
        started = time.perf_counter()
        code = run(keep=False, out=out)
        seconds.append(time.perf_counter() - started)
        failed = failed or code != 0
    cycle = Samples(tuple(seconds))
    GOALS.append(Goal("make deploy-local cycle", DEPLOY_CYCLE_GOAL_S, cycle, "s"))
    # The last run's own lines: each stage and check with its seconds.
    text = (
        "\n## make deploy-local cycle (real CDK CLI, local moto account): "
        f"{cycle.text()}{beside_calibration(cycle.median)}\nthe last run:\n"
    )
    text += out.getvalue().rstrip()
    if failed:
        text += "\nA CYCLE FAILED (see above)"
    return text


def _make(target: str, env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run(
        ["make", "--no-print-directory", target],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return time.perf_counter() - started, done


def _summary(done: subprocess.CompletedProcess[str]) -> str:
    return (done.stdout.strip().splitlines() or ["(no output)"])[-1].strip("= ")


def section_tests(runs: int) -> str:
    """``make test-quick`` and ``make test`` (setup is a no-op in a warm
    checkout), alternately ``runs`` times each, with the parts of the last full run."""
    import json
    import tempfile

    from benchmarks.suite_parts import ENV_VAR

    quick: list[float] = []
    full: list[float] = []
    failures: list[str] = []
    last_full_run = ""
    with tempfile.TemporaryDirectory() as tmp:
        parts_file = Path(tmp) / "parts.json"
        env = dict(os.environ)
        env[ENV_VAR] = str(parts_file)
        env["PYTEST_ADDOPTS"] = (
            env.get("PYTEST_ADDOPTS", "") + " -p benchmarks.suite_parts -q"
        ).strip()
        for _ in range(max(1, runs)):
            for target, samples in (("test-quick", quick), ("test", full)):
                seconds, done = _make(target, env)
                samples.append(seconds)
                if done.returncode != 0:
                    failures.append(f"make {target}:\n" + "\n".join(done.stdout.splitlines()[-30:]))
                if target == "test":
                    last_full_run = _summary(done)
        parts = json.loads(parts_file.read_text()) if parts_file.exists() else {}
    quick_s, full_s = Samples(tuple(quick)), Samples(tuple(full))
    GOALS.append(Goal("make test-quick (unit and gates)", QUICK_SUITE_GOAL_S, quick_s, "s"))
    GOALS.append(Goal("make test (whole suite)", SUITE_GOAL_S, full_s, "s"))
    rows = [[p, str(v["tests"]), f"{v['seconds']:.0f}"] for p, v in parts.items()]
    text = (
        f"\n## make test-quick: {quick_s.text()}{beside_calibration(quick_s.median)}"
        f"\n## make test: {full_s.text()}{beside_calibration(full_s.median)}; "
        f"the last run: {last_full_run}"
    )
    text += table(
        "make test, the last run by part",
        ["part", "tests", "test-seconds (both workers)"],
        rows,
    )
    for failure in failures:
        text += "\nTHE SUITE FAILED: " + failure
    return text


def section_fleet_scaling() -> str:
    """Issue 19: the default fleet on the issue's five loads, every goal's verdict
    (deterministic: the simulator, not the machine; docs/scaling-comparison.md)."""
    from benchmarks.fleet_scaling import buffering_fleet, report

    text, met = report(buffering_fleet())
    goals = text.split("## Every policy")[0].split("## The issue's five loads")[1]
    verdict = "all met" if met else "NOT all met"
    return f"\n## Fleet scaling goals (issue 19): {verdict}{goals.rstrip()}"


def section_goals() -> str:
    cal = CALIBRATION
    rows = []
    for goal in GOALS:
        m, value = goal.measured, goal.figure_value
        if goal.unit == "x":
            figure, spread = f"{value:.3f}x", f"{m.low:.3f}-{m.high:.3f}"
            wanted = f"<= {goal.limit}x"
            as_cal = goal_as_cal = "(a ratio)"
        else:
            figure, spread = f"{value:.1f} s", f"{m.low:.1f}-{m.high:.1f}"
            wanted = f"<= {goal.limit:.0f} s"
            as_cal = f"{value / cal.plain_synth.median:.1f}" if cal else "-"
            goal_as_cal = f"{goal.limit / cal.plain_synth.median:.1f}" if cal else "-"
        rows.append(
            [
                goal.figure,
                figure,
                spread,
                str(len(m.values)),
                wanted,
                as_cal,
                goal_as_cal,
                "met" if value <= goal.limit else "NOT MET",
            ]
        )
    title = "Speed goals (issues 14 and 24)"
    if cal is not None:
        title += f"; {cal.text()}"
    return table(
        title,
        ["figure", "median", "range", "runs", "goal", "plain synths", "goal in plain synths", ""],
        rows,
    )


def main(argv: list[str] | None = None) -> int:
    global CALIBRATION
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--suite-runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--skip-deploy", action="store_true")
    parser.add_argument("--skip-tests", action="store_true")
    args = parser.parse_args(argv)
    # --quick: 9 interleaved pairs (about 5 s): a median of fewer strays by
    # several per cent on this machine (docs/evidence.md, "Speed")
    runs = 9 if args.quick else args.runs
    print(
        f"# constructs_lib benchmarks ({time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores)"
    )
    CALIBRATION = calibrate(5)
    print(f"\n## {CALIBRATION.text()}", flush=True)
    sections = [
        lambda: section_overhead(runs),
        lambda: section_growth(max(1, runs // 2)),
        section_resources,
        section_worker,
        section_fleet_scaling,
    ]
    if not (args.quick or args.skip_deploy):
        sections.append(lambda: section_deploy_cycle(args.suite_runs))
    if not (args.quick or args.skip_tests):
        sections.append(lambda: section_tests(args.suite_runs))
    for section in sections:
        print(section(), flush=True)
    # Timed again at the end: a calibration that moved says the machine's load did.
    after = calibrate(3)
    print(f"\n## at the end, {after.text()}", flush=True)
    if GOALS:
        print(section_goals(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
