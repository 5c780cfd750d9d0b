"""Machinery of the property-based option tests (hypothesis).

A construct's options are drawn as plain data (a ``spec`` dict: markers such as
``"fifo-queue"`` stand for resources built inside the stack), then

- an *oracle* written from AWS's and the library's documented rules says which
  options are invalid;
- the construct is built: invalid specs must raise ``ConstructOptionError``
  whose problems name exactly the oracle's options — any other exception (a raw
  jsii or CloudFormation error) fails the test;
- valid specs are synthesized and kept; after the search their templates are
  merged (each case's logical ids are unique) and linted with cfn-lint in a few
  calls, because one cfn-lint call costs about a second.

Reproducible: ``derandomize=True`` and no example database.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aws_cdk import Stack
from aws_cdk.assertions import Template
from cfnlint.api import ManualArgs, lint
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from constructs_lib import ConstructOptionError
from tests.conftest import new_app
from tests.gates.test_cfn_lint import IGNORED_RULES

#: Cases tried per construct, printed by tests/evidence/conftest.py.
TRIED: dict[str, dict[str, int]] = {}

#: Merged templates per cfn-lint call: large enough to amortize the call,
#: small enough to stay far below the 500-resource rule.
LINT_BATCH = 30

Spec = dict[str, Any]


@dataclass
class PropertyRun:
    name: str
    build: Callable[[Stack, str, Spec], object]
    oracle: Callable[[Spec], set[str]]
    valid_templates: list[tuple[Spec, dict[str, Any]]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"valid": 0, "invalid": 0})

    def check(self, spec: Spec) -> None:
        expected = self.oracle(spec)
        app = new_app()
        case_id = f"Case{self.counts['valid'] + self.counts['invalid']}"
        stack = Stack(app, "Props")
        if expected:
            try:
                self.build(stack, case_id, spec)
            except ConstructOptionError as err:
                named = {p.option for p in err.problems}
                assert named == expected, f"{spec}: expected {expected}, got\n{err}"
                for option in named:
                    assert f"{option}=" in str(err)
            else:
                raise AssertionError(f"{spec}: accepted, but {expected} are invalid")
            self.counts["invalid"] += 1
            return
        self.build(stack, case_id, spec)  # must not raise
        self.valid_templates.append((spec, Template.from_stack(stack).to_json()))
        self.counts["valid"] += 1

    def lint_valid(self) -> dict[str, list[str]]:
        """cfn-lint findings of the valid cases, by case spec (empty when clean)."""
        findings: dict[str, list[str]] = {}
        for start in range(0, len(self.valid_templates), LINT_BATCH):
            batch = self.valid_templates[start : start + LINT_BATCH]
            merged: dict[str, Any] = {"Resources": {}}
            owner: dict[str, Spec] = {}
            for spec, template in batch:
                for section in ("Parameters", "Rules", "Conditions", "Outputs", "Mappings"):
                    merged.setdefault(section, {}).update(template.get(section, {}))
                for lid, resource in template["Resources"].items():
                    assert lid not in merged["Resources"], f"logical id {lid} repeats"
                    merged["Resources"][lid] = resource
                    owner[lid] = spec
            merged = {k: v for k, v in merged.items() if v}
            matches = lint(
                json.dumps(merged),
                config=ManualArgs(regions=["us-east-1"], ignore_checks=list(IGNORED_RULES)),
            )
            for m in matches:
                path = [str(p) for p in m.path]
                lid = path[1] if len(path) > 1 and path[0] == "Resources" else "?"
                key = repr(owner.get(lid, "template"))
                findings.setdefault(key, []).append(f"{m.rule.id} {m.message} ({'/'.join(path)})")
        return findings


def explore(run: PropertyRun, specs: st.SearchStrategy[Spec], max_examples: int) -> None:
    """Runs the search, lints the valid cases, records the counts."""

    @settings(
        max_examples=max_examples,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(specs)
    def search(spec: Spec) -> None:
        run.check(spec)

    search()
    TRIED[run.name] = dict(run.counts)
    assert run.counts["invalid"] > 0, "the search never tried an invalid combination"
    assert run.counts["valid"] > 0, "the search never tried a valid combination"
    assert run.lint_valid() == {}


# --- strategies shared by the constructs ------------------------------------------


def seconds_around(low: int, high: int) -> st.SearchStrategy[tuple[str, float]]:
    """Durations near and beyond an inclusive range, as ('s', seconds) or ('ms', millis)."""
    edges = [low, high, high + 1] + ([low - 1] if low > 0 else [])
    inside = st.integers(min_value=low, max_value=high).map(lambda v: ("s", float(v)))
    # inside the range three times out of six, so that many whole specs are valid
    return st.one_of(
        inside,
        inside,
        inside,
        st.sampled_from([("s", float(v)) for v in edges]),
        st.integers(min_value=high + 1, max_value=high * 4 + 10).map(lambda v: ("s", float(v))),
        # a fraction of a second, which CloudFormation cannot take
        st.integers(min_value=max(low, 1) * 1000, max_value=high * 1000)
        .filter(lambda ms: ms % 1000 != 0)
        .map(lambda ms: ("ms", float(ms))),
    )


def to_seconds(value: tuple[str, float]) -> float:
    unit, amount = value
    return amount / 1000 if unit == "ms" else amount


def duration(value: tuple[str, float]) -> Any:
    from aws_cdk import Duration

    unit, amount = value
    return Duration.millis(int(amount)) if unit == "ms" else Duration.seconds(int(amount))


def bad_duration(value: tuple[str, float] | None, low: float, high: float) -> bool:
    if value is None:
        return False
    seconds = to_seconds(value)
    return seconds != int(seconds) or not low <= seconds <= high
