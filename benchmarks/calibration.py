"""A fixed reference workload, timed beside every figure, so figures from two machines compare.

Machines of the same kind differ by up to 2x (docs/evidence.md): a figure
alone says as much about the machine as about the code. ``make bench`` times
this calibration in the same run as each figure and prints the figure beside
it and as a multiple of it:

- ``plain_synth``: a fresh Python process that imports aws-cdk-lib, builds one
  plain ``sqs.Queue`` stack and synthesizes it (jsii start-up and a synth: what
  every test process and every ``cdk synth`` pays first);
- ``python_loop``: a pure-Python loop of fixed work (the interpreter alone: what
  the suite's moto and policy evaluation are made of).

Each is run ``runs`` times; the median is the calibration, the range says how
noisy the machine was while it ran.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

#: The plain stack: nothing of this library, nothing that reads the network.
PLAIN_SYNTH = """
import aws_cdk as cdk
from aws_cdk import aws_sqs as sqs
app = cdk.App(builtin_cloud_formation_validation=False)
stack = cdk.Stack(app, "Calibration")
sqs.Queue(stack, "Queue")
app.synth()
"""

#: About half a second of interpreter work on the project's machine kind (2026-12).
LOOP_ITERATIONS = 10_000_000


def python_loop() -> float:
    """Seconds for a fixed pure-Python loop (integer arithmetic and a dict)."""
    started = time.perf_counter()
    seen: dict[int, int] = {}
    total = 0
    for i in range(LOOP_ITERATIONS):
        total += (i * i) % 7
        if not i % 1000:
            seen[i % 97] = total
    assert total > 0 and seen
    return time.perf_counter() - started


def plain_synth() -> float:
    """Seconds for a fresh process to synthesize one plain aws-cdk-lib queue stack."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", PLAIN_SYNTH],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


@dataclass(frozen=True)
class Samples:
    """Several measurements of one thing (seconds, or ratios): the median and the range."""

    values: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)

    def text(self, unit: str = "s") -> str:
        spread = f"range {self.low:.2f}-{self.high:.2f}, {len(self.values)} runs"
        return f"{self.median:.2f} {unit} ({spread})"


@dataclass(frozen=True)
class Calibration:
    plain_synth: Samples
    python_loop: Samples

    def multiple(self, seconds: float) -> str:
        """``seconds`` as multiples of the plain synth and of the Python loop."""
        return (
            f"{seconds / self.plain_synth.median:.1f}x plain synth, "
            f"{seconds / self.python_loop.median:.0f}x Python loop"
        )

    def text(self) -> str:
        return (
            f"calibration: plain aws-cdk-lib synth {self.plain_synth.text()}; "
            f"Python loop {self.python_loop.text()}"
        )


def calibrate(runs: int = 5) -> Calibration:
    """Time the reference workloads ``runs`` times each, interleaved."""
    synths, loops = [], []
    for _ in range(max(1, runs)):
        synths.append(plain_synth())
        loops.append(python_loop())
    return Calibration(Samples(tuple(synths)), Samples(tuple(loops)))


if __name__ == "__main__":
    print(calibrate().text())
