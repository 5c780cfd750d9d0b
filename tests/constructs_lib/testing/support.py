"""Builders shared by the tests of constructs_lib.testing (synth only, no AWS)."""

from __future__ import annotations

import os
from typing import Any

from aws_cdk import Stack
from aws_cdk.assertions import Template

from tests.conftest import ACCOUNT, REGION, new_stack

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")

__all__ = ["ACCOUNT", "REGION", "new_stack", "template_of"]


def template_of(stack: Stack) -> dict[str, Any]:
    template: dict[str, Any] = Template.from_stack(stack).to_json()
    return template
