"""benchmarks.calibration and the goals table of ``make bench``: every timing
beside a calibration of the same run, as a median with its range."""

from __future__ import annotations

import pytest

from benchmarks import __main__ as bench
from benchmarks import calibration
from benchmarks.calibration import Calibration, Samples


def test_samples_give_the_median_and_the_range() -> None:
    samples = Samples((3.0, 1.0, 2.0, 10.0))
    assert (samples.median, samples.low, samples.high) == (2.5, 1.0, 10.0)
    assert samples.text() == "2.50 s (range 1.00-10.00, 4 runs)"


def test_a_figure_is_given_as_multiples_of_the_calibration() -> None:
    cal = Calibration(Samples((2.0, 2.5, 3.0)), Samples((0.5,)))
    assert cal.multiple(50.0) == "20.0x plain synth, 100x Python loop"
    assert "plain aws-cdk-lib synth 2.50 s (range 2.00-3.00, 3 runs)" in cal.text()


@pytest.mark.program
def test_the_plain_synth_synthesizes_a_queue_in_a_fresh_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The calibration's synth is a real one: a stack with no queue in it fails."""
    assert calibration.plain_synth() > 0
    monkeypatch.setattr(
        calibration, "PLAIN_SYNTH", calibration.PLAIN_SYNTH + "\nraise SystemExit(3)"
    )
    with pytest.raises(Exception, match="exit status 3"):
        calibration.plain_synth()


def test_the_loop_does_its_fixed_work(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(calibration, "LOOP_ITERATIONS", 10_000)
    assert calibration.python_loop() > 0


def test_the_goals_table_has_each_goal_its_range_and_its_calibrated_multiple(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        bench, "CALIBRATION", Calibration(Samples((2.0, 2.0, 2.0)), Samples((0.5,)))
    )
    monkeypatch.setattr(
        bench,
        "GOALS",
        [
            bench.Goal("synth overhead", 1.15, Samples((1.05, 1.20, 1.10)), "x", value=1.12),
            bench.Goal("make test", 120.0, Samples((130.0, 126.0, 140.0)), "s"),
        ],
    )
    lines = [line.strip() for line in bench.section_goals().splitlines()]
    overhead = next(line for line in lines if line.startswith("synth overhead"))
    suite = next(line for line in lines if line.startswith("make test"))
    # the overhead: the ratio of medians, the pairs' range, no calibration (a ratio)
    assert overhead.split()[2:6] == ["1.120x", "1.050-1.200", "3", "<="]
    assert overhead.endswith("met") and "NOT" not in overhead
    # the suite: median, range, runs, and seconds as plain synths (130 / 2, 120 / 2)
    assert suite.split()[2:6] == ["130.0", "s", "126.0-140.0", "3"]
    assert " 65.0 " in suite and " 60.0 " in suite and suite.endswith("NOT MET")
    assert "calibration: plain aws-cdk-lib synth 2.00 s" in lines[1]
