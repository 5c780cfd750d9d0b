"""Builders shared by the tests of constructs_lib_testing (synth only, no AWS)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aws_cdk import Stack
from aws_cdk.assertions import Template

from constructs_lib_testing.activation import PARTS, activate, deactivate
from tests.conftest import ACCOUNT, REGION, new_stack

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")

__all__ = ["ACCOUNT", "REGION", "all_parts_inactive", "new_stack", "template_of"]


def template_of(stack: Stack) -> dict[str, Any]:
    template: dict[str, Any] = Template.from_stack(stack).to_json()
    return template


@contextmanager
def all_parts_inactive() -> Iterator[None]:
    """Every part off for the block (a fixture may hold some), then as before."""
    counts = {name: part.active_count for name, part in PARTS.items()}
    for name, count in counts.items():
        for _ in range(count):
            deactivate(name)
    try:
        yield
    finally:
        for name, count in counts.items():
            for _ in range(count):
                activate(name)
