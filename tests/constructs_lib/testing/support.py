"""Builders shared by the tests of constructs_lib.testing (synth only, no AWS)."""

from __future__ import annotations

import os
from typing import Any

from aws_cdk import Environment, Stack
from aws_cdk.assertions import Template

from tests.conftest import bare_app

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION", "1")

ACCOUNT = "123456789012"
REGION = "us-east-1"


def new_stack(stack_id: str = "Test") -> Stack:
    """A stack in the moto account and region, synthesized without CDK's slow validation."""
    app = bare_app()
    return Stack(app, stack_id, env=Environment(account=ACCOUNT, region=REGION))


def template_of(stack: Stack) -> dict[str, Any]:
    template: dict[str, Any] = Template.from_stack(stack).to_json()
    return template
