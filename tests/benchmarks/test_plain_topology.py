"""The plain aws-cdk-lib twin of the example app has the same resources.

The synth-overhead benchmark compares the two; it is only fair while each
plain stack creates exactly the resource types and counts of its library twin.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from aws_cdk import Stack

from benchmarks.plain_topology import PLAIN_STACKS
from stacks import example_environment
from tests.conftest import new_app


@pytest.fixture(scope="module")
def plain_templates() -> dict[str, dict[str, Any]]:
    app = new_app()
    env = example_environment(app)
    for name, build in PLAIN_STACKS.items():
        build(Stack(app, name, env=env))
    return {s.stack_name: s.template for s in app.synth().stacks}


def _types(template: dict[str, Any]) -> Counter[str]:
    return Counter(r["Type"] for r in template["Resources"].values())


def test_every_plain_stack_has_its_library_twins_resources(
    plain_templates: dict[str, dict[str, Any]], example_templates: dict[str, dict[str, Any]]
) -> None:
    for name, template in plain_templates.items():
        assert _types(template) == _types(example_templates[name]), name


def test_every_plain_stack_is_an_example_stack(
    example_templates: dict[str, dict[str, Any]],
) -> None:
    assert set(PLAIN_STACKS) <= set(example_templates)
