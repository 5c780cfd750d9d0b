"""A pytest plugin that sums the suite's time by part: ``-p benchmarks.suite_parts``.

The issue's parts: unit (synth and assertions, in-process moto), runtime
(deployed into moto and driven with boto3), e2e (the real CDK CLI), evidence
(tests/evidence: properties, reliability, security), gates (cdk-nag, cfn-lint,
checkov, ruff, mypy), packaging (the user's install path). Under pytest-xdist
the parts run side by side, so each part's figure is the seconds its tests
took (setup, call and teardown, summed over both workers), not a wall time;
the suite's wall time is measured around the whole run.

Reports reach the controller with their markers' names in ``keywords``, so
this works with and without xdist. The sums go to the JSON file named by
``CONSTRUCTS_LIB_TEST_PARTS`` when the session ends.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict

import pytest

ENV_VAR = "CONSTRUCTS_LIB_TEST_PARTS"
PARTS = ("unit", "runtime", "e2e", "evidence", "gates", "packaging")

_seconds: defaultdict[str, float] = defaultdict(float)
_tests: defaultdict[str, set[str]] = defaultdict(set)


def part_of(nodeid: str, keywords: dict[str, object] | set[str]) -> str:
    """Which part a test belongs to: tests/evidence by its directory (its
    modules carry no marker of their own), the others by their marker
    (tests/e2e and tests/gates mark every test), else unit."""
    if nodeid.startswith("tests/evidence/"):
        return "evidence"
    for marker in ("e2e", "gates", "packaging", "runtime"):
        if marker in keywords:
            return marker
    return "unit"


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    part = part_of(report.nodeid, report.keywords)
    _seconds[part] += report.duration
    _tests[part].add(report.nodeid)


def pytest_sessionfinish(session: pytest.Session) -> None:
    path = os.environ.get(ENV_VAR)
    # Under xdist only the controller (no workerinput) writes the sums.
    if not path or hasattr(session.config, "workerinput"):
        return
    parts = {p: {"seconds": _seconds[p], "tests": len(_tests[p])} for p in PARTS if _tests[p]}
    with open(path, "w", encoding="utf-8") as out:
        json.dump(parts, out, indent=2)
