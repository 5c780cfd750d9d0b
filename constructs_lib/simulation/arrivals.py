"""Arrival profiles: how many messages producers send in each minute.

A profile is a tuple of whole message counts, one per simulated minute:
constant, a spike over a base rate, or read from a CSV file.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from constructs_lib.simulation.errors import SimulationInputError

__all__ = ["arrivals_from_csv", "constant_arrivals", "spike_arrivals"]


def constant_arrivals(per_minute: int, *, minutes: int) -> tuple[int, ...]:
    """``per_minute`` messages in each of ``minutes`` minutes."""
    _check_count("per_minute", per_minute)
    _check_minutes(minutes)
    return (per_minute,) * minutes


def spike_arrivals(
    base_per_minute: int, *, factor: float, start: int, duration: int, minutes: int
) -> tuple[int, ...]:
    """``base_per_minute`` messages a minute, ``factor`` times that from ``start`` for ``duration``.

    Example: ``spike_arrivals(600, factor=10, start=20, duration=10, minutes=90)``
    sends 600 a minute, 6,000 a minute in minutes 20 to 29, then 600 again.
    """
    _check_count("base_per_minute", base_per_minute)
    _check_minutes(minutes)
    if factor < 0:
        raise SimulationInputError(f"factor={factor!r}: must not be negative")
    if not 0 <= start < minutes:
        raise SimulationInputError(f"start={start!r}: must be a minute from 0 to {minutes - 1}")
    if duration < 1:
        raise SimulationInputError(f"duration={duration!r}: must be at least 1 minute")
    spike = round(base_per_minute * factor)
    return tuple(
        spike if start <= m < start + duration else base_per_minute for m in range(minutes)
    )


def arrivals_from_csv(source: str | Path, *, text: str | None = None) -> tuple[int, ...]:
    """Messages per minute from a CSV file: one row per minute, in order.

    A row is either ``count`` or ``minute,count`` (minutes from 0, with no
    gap). A first row that is not a number is a header; empty rows and rows
    starting with ``#`` are skipped.

    :param source: the file's path (named in errors).
    :param text: the file's contents, when already read.
    :raises SimulationInputError: naming the file and line of the first bad row.
    """
    name = str(source)
    try:
        content = Path(source).read_text() if text is None else text
    except OSError as error:
        raise SimulationInputError(f"{name}: cannot read it ({error.strerror})") from error
    counts: list[int] = []
    for line, row in enumerate(csv.reader(io.StringIO(content)), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if not counts and line == _first_row(content) and not _is_number(cells[-1]):
            continue  # a header
        counts.append(_row_count(name, line, cells, expected_minute=len(counts)))
    if not counts:
        raise SimulationInputError(f"{name}: no rows of messages per minute")
    return tuple(counts)


def _row_count(name: str, line: int, cells: list[str], *, expected_minute: int) -> int:
    where = f"{name} line {line}"
    if len(cells) not in (1, 2):
        raise SimulationInputError(
            f"{where}: {len(cells)} columns; expected 'count' or 'minute,count'"
        )
    if len(cells) == 2:
        minute = _whole_number(where, "minute", cells[0])
        if minute != expected_minute:
            raise SimulationInputError(
                f"{where}: minute {minute}; expected minute {expected_minute} "
                "(one row per minute from 0, in order)"
            )
    return _whole_number(where, "messages", cells[-1])


def _whole_number(where: str, what: str, cell: str) -> int:
    if not cell.isdigit():
        raise SimulationInputError(f"{where}: {what} {cell!r} is not a whole number of at least 0")
    return int(cell)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _first_row(content: str) -> int:
    """The line number of the first row that is neither empty nor a comment."""
    for line, text in enumerate(content.splitlines(), start=1):
        if text.strip() and not text.strip().startswith("#"):
            return line
    return 0


def _check_count(name: str, value: int) -> None:
    if value < 0:
        raise SimulationInputError(f"{name}={value!r}: must not be negative")


def _check_minutes(minutes: int) -> None:
    if minutes < 1:
        raise SimulationInputError(f"minutes={minutes!r}: must be at least 1")
