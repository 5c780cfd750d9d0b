"""``constructs-lib simulate-fleet``: the table, the PNG, and the exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from constructs_lib.cli import main

# The command needs the [simulate] extra (the floor environment has none).
pytest.importorskip("matplotlib")

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_options_and_a_spike_print_the_table_and_write_the_png(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png = tmp_path / "fleet.png"
    code = main(["simulate-fleet", "--processing-time", "0.25", "--acceptable-latency", "30",
                 "--max-capacity", "20", "--visibility-timeout", "300", "--spike", "600",
                 "--output", str(png), "--events"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("| measure | value |")
    assert "| minutes above the acceptable latency (30 s) |" in out
    # the default policy sets the capacity the work needs from zero in one step
    assert "Scaling events:" in out and "SetCapacity sets 4" in out
    assert "Assumptions:\n1. " in out
    assert png.read_bytes().startswith(PNG_SIGNATURE)
    assert png.stat().st_size > 20_000
    assert f"Plot: {png}" in out


def test_scaling_picks_the_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["simulate-fleet", "--processing-time", "0.25", "--acceptable-latency", "30",
                 "--max-capacity", "20", "--spike", "600", "--scaling", "backlog-per-instance",
                 "--output", str(tmp_path / "f.png"), "--events"])  # fmt: skip
    assert code == 0
    assert "ScaleFromZero +1" in capsys.readouterr().out  # AWS's guide's +1 from zero


def test_compare_runs_every_policy_on_one_load(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png = tmp_path / "compare.png"
    code = main(["simulate-fleet", "--processing-time", "0.25", "--acceptable-latency", "30",
                 "--max-capacity", "20", "--constant", "600", "--minutes", "90", "--compare",
                 "--output", str(png)])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    rows = [line for line in out.splitlines() if line.startswith("| ")][2:]
    assert [row.split(" | ")[0].lstrip("| ") for row in rows] == [
        "arrivals and backlog (the default)",
        "backlog per instance (AWS's guide)",
        "CPU 50 % + queue-depth steps (the ecs-patterns way)",
        "visible + in-flight per instance (the KEDA way)",
        "ideal (the work; at least one instance in a minute with arrivals)",
    ]
    # settled: the default is never late; AWS's guide saws (issue 19's finding)
    assert "| 0 of 70 (0 %) |" in rows[0]
    assert "| 0 of 70 (0 %) |" not in rows[1]
    assert png.read_bytes().startswith(PNG_SIGNATURE)


def test_compare_with_a_template_adds_its_fleet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from aws_cdk import Duration, Stack
    from aws_cdk import aws_ec2 as ec2
    from aws_cdk.assertions import Template

    from constructs_lib import FleetScalingPolicy, QueueWorkerFleet, SecureQueue
    from tests.conftest import new_app

    def template(scaling: FleetScalingPolicy) -> Path:
        stack = Stack(new_app(), "Fleet")
        vpc = ec2.Vpc(stack, "Vpc", max_azs=1, nat_gateways=0)
        QueueWorkerFleet(stack, "Workers", queue=SecureQueue(stack, "Jobs"), vpc=vpc,
                         handler="jobs:handle", scaling=scaling,
                         acceptable_latency=Duration.seconds(30),
                         average_processing_time=Duration.millis(250))  # fmt: skip
        path = tmp_path / f"{scaling.name}.template.json"
        path.write_text(json.dumps(Template.from_stack(stack).to_json()))
        return path

    args = ["simulate-fleet", "--processing-time", "0.25", "--constant", "600",
            "--minutes", "60", "--output", str(tmp_path / "c.png")]  # fmt: skip
    default = template(FleetScalingPolicy.ARRIVALS_AND_BACKLOG)
    assert main([*args, "--template", str(default), "--compare", "keda"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ")][2:]
    assert rows[0].startswith("| template: ") and "the KEDA way" in rows[1]
    # the latency and processing time were read back from the default policy
    backlog = template(FleetScalingPolicy.BACKLOG_PER_INSTANCE)
    assert main([*args, "--template", str(backlog), "--compare"]) == 2
    assert "compare with the fleet's options" in capsys.readouterr().err


def test_a_csv_load(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    load = tmp_path / "load.csv"
    load.write_text("messages\n" + "100\n" * 20)
    code = main(["simulate-fleet", "--processing-time", "0.1", "--csv", str(load),
                 "--min-capacity", "1", "--output", str(tmp_path / "p.png")])  # fmt: skip
    assert code == 0
    assert "| instance-minutes | 20 |" in capsys.readouterr().out


def test_a_bad_csv_exits_2_naming_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    load = tmp_path / "load.csv"
    load.write_text("messages\n100\n1O0\n")
    png = tmp_path / "p.png"
    code = main(["simulate-fleet", "--processing-time", "0.1", "--csv", str(load),
                 "--output", str(png)])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err == (
        f"simulate-fleet refused: {load} line 3: messages '1O0' is not a whole number "
        "of at least 0\n"
    )
    assert not png.exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--template", "t.json", "--max-capacity", "3"],
         "--max-capacity: the template already sets the fleet; leave them out"),
        (["--fleet", "Buffering/Workers"], "--fleet picks a group of a --template"),
        (["--template", "missing.json"], "missing.json: cannot read it"),
        (["--min-capacity", "4", "--max-capacity", "2"], "min_capacity=4, max_capacity=2"),
    ],
)  # fmt: skip
def test_unusable_fleet_input_exits_2(
    extra: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["simulate-fleet", "--processing-time", "0.1", "--constant", "10",
                 "--output", str(tmp_path / "p.png"), *extra])  # fmt: skip
    assert code == 2
    assert message in capsys.readouterr().err


def test_without_a_load_argparse_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["simulate-fleet", "--processing-time", "0.1"])
    assert exit_info.value.code == 2
    assert "one of the arguments --constant --spike --csv is required" in capsys.readouterr().err
