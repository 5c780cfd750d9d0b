"""One command for the figures of docs/evidence.md: ``python -m benchmarks`` (``make bench``).

Prints one table per figure:

1. synth overhead: the example app with constructs_lib vs the same topology in
   plain aws-cdk-lib L2 code (benchmarks/plain_topology.py), interleaved runs,
   medians, ratio (goal <= 1.05);
2. synth cost as work grows: 1, 10, 50, 100 SecureQueue patterns;
3. resources per pattern;
4. worker economy: SQS requests per processed message (when the worker's
   benchmark is present);
5. local deploy cycle: synth + bootstrap + deploy + smoke + destroy with the
   real CDK CLI against a local moto account;
6. test suite time (one ``pytest`` run; ``--skip-tests`` leaves it out).

Options: ``--runs N`` (synth repetitions, default 7), ``--quick`` (fewer runs,
no deploy cycle, no test suite), ``--skip-deploy``, ``--skip-tests``.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import os
import subprocess
import sys
import time
from pathlib import Path

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


def section_overhead(runs: int) -> str:
    from benchmarks.synth import synth_overhead

    o = synth_overhead(runs)
    verdict = "meets" if o.ratio <= 1.05 else "misses"
    text = table(
        "Synth overhead: example app, library vs plain aws-cdk-lib L2 "
        f"({o.runs} interleaved runs, median)",
        ["variant", "median s"],
        [
            ["constructs_lib", f"{o.library_median:.3f}"],
            ["plain aws-cdk-lib", f"{o.plain_median:.3f}"],
            ["ratio", f"{o.ratio:.3f}"],
        ],
    )
    text += (
        f"\nratio {o.ratio:.3f}: {verdict} the goal <= 1.05; "
        f"stacks compared: {', '.join(o.compared_stacks)}"
    )
    if o.left_out:
        text += f"; left out (no plain twin yet): {', '.join(o.left_out)}"
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
        ["patterns", "stacks", "resources", "template KiB", "synth s", "ms/pattern"],
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
        + (f"\n({time.perf_counter() - started:.1f} s)")
    )


def section_deploy_cycle() -> str:
    from constructs_lib.testing.local_account import CdkCli, LocalAccount
    from constructs_lib.testing.strict import reset, strict_account
    from stacks.public_parameters import EXAMPLE_PUBLIC_PARAMETERS
    from tools.deploy_local import run_smoke_checks
    from tools.local_deployment import LocalDeployment, Report, StageFailed
    from tools.smoke import SMOKE_CHECKS

    rows = []
    out = io.StringIO()
    report = Report(out=out)
    started = time.perf_counter()
    failure = ""
    with (
        LocalAccount(public_parameters=EXAMPLE_PUBLIC_PARAMETERS) as account,
        strict_account() as strict,
    ):
        reset()
        cli = CdkCli(account, workdir=REPO_ROOT)
        deployment = LocalDeployment(account, cli, report, REPO_ROOT / "cdk.out", strict)

        def destroy() -> None:
            deployment.cli_stage(
                "cdk destroy --all",
                lambda: cli.destroy("--all", "--app", str(REPO_ROOT / "cdk.out")),
            )

        def smoke() -> None:
            run_smoke_checks(deployment)

        try:
            for name, stage in (
                ("synth (cdk synth)", deployment.synth),
                ("bootstrap", deployment.bootstrap),
                ("deploy --all", deployment.deploy),
                (f"smoke ({len(SMOKE_CHECKS)} checks)", smoke),
                ("destroy --all", destroy),
            ):
                t = time.perf_counter()
                stage()
                rows.append([name, f"{time.perf_counter() - t:.1f}"])
        except StageFailed as err:
            failure = str(err).splitlines()[0] + "\n" + "\n".join(str(err).splitlines()[1:8])
    rows.append(["whole cycle", f"{time.perf_counter() - started:.1f}"])
    text = table("Local deploy cycle (real CDK CLI, local moto account)", ["stage", "s"], rows)
    if failure:
        text += f"\nNOT MEASURED PAST A FAILED STAGE: {failure}"
    elif report.failed:
        text += "\nSOME SMOKE CHECKS FAILED:\n" + out.getvalue()
    return text


def section_tests() -> str:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    last = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
    return table(
        "Test suite (python -m pytest, once)",
        ["wall s", "result"],
        [[f"{seconds:.0f}", last.strip("= ")]],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--skip-deploy", action="store_true")
    parser.add_argument("--skip-tests", action="store_true")
    args = parser.parse_args(argv)
    runs = 3 if args.quick else args.runs
    print(
        f"# constructs_lib benchmarks ({time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores)"
    )
    sections = [
        lambda: section_overhead(runs),
        lambda: section_growth(max(1, runs // 2)),
        section_resources,
        section_worker,
    ]
    if not (args.quick or args.skip_deploy):
        sections.append(section_deploy_cycle)
    if not (args.quick or args.skip_tests):
        sections.append(section_tests)
    for section in sections:
        print(section(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
