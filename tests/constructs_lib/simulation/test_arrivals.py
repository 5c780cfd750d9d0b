"""Arrival profiles, and a bad CSV refused with its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from constructs_lib.simulation import (
    SimulationInputError,
    arrivals_from_csv,
    constant_arrivals,
    spike_arrivals,
)


def test_constant_and_spike() -> None:
    assert constant_arrivals(5, minutes=3) == (5, 5, 5)
    assert spike_arrivals(10, factor=10, start=1, duration=2, minutes=5) == (10, 100, 100, 10, 10)


def test_csv_with_header_comments_and_minute_column(tmp_path: Path) -> None:
    path = tmp_path / "load.csv"
    path.write_text("# from last Monday\nminute,messages\n0,120\n1, 300\n\n2,0\n")
    assert arrivals_from_csv(path) == (120, 300, 0)
    assert arrivals_from_csv("x.csv", text="7\n8\n") == (7, 8)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("messages\n10\nabc\n", r"load.csv line 3: messages 'abc' is not a whole number"),
        ("10\n-4\n", r"load.csv line 2: messages '-4' is not a whole number"),
        ("0,10\n2,10\n", r"load.csv line 2: minute 2; expected minute 1"),
        ("1,2,3\n", r"load.csv line 1: 3 columns"),
        ("# nothing\n", r"load.csv: no rows"),
    ],
)
def test_a_bad_csv_names_the_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "load.csv"
    path.write_text(text)
    with pytest.raises(SimulationInputError, match=message):
        arrivals_from_csv(path)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SimulationInputError, match=r"nope\.csv: cannot read it"):
        arrivals_from_csv(tmp_path / "nope.csv")


def test_spike_bounds_are_checked() -> None:
    with pytest.raises(SimulationInputError, match="start=9: must be a minute from 0 to 4"):
        spike_arrivals(10, factor=10, start=9, duration=2, minutes=5)
