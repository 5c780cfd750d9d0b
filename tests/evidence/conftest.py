"""Reports how many option combinations the property tests tried (for the README)."""

from __future__ import annotations

from typing import Any

from tests.evidence.properties import TRIED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not TRIED:
        return
    terminalreporter.section("property tests: option combinations tried")
    total_valid = total_invalid = 0
    for name, counts in sorted(TRIED.items()):
        total_valid += counts["valid"]
        total_invalid += counts["invalid"]
        terminalreporter.write_line(
            f"{name}: {counts['valid'] + counts['invalid']} cases, "
            f"{counts['invalid']} invalid refused by ConstructOptionError naming the option, "
            f"{counts['valid']} valid synthesized and cfn-lint clean"
        )
    terminalreporter.write_line(
        f"total: {total_valid + total_invalid} cases ({total_invalid} invalid, {total_valid} valid)"
    )
