"""Synth helpers for the message-source tests: one App per stack, cdk.json's flags.

The example app runs with the feature flags of cdk.json; several of them change
what the source constructs emit (the SNS key statement's aws:SourceArn, the
EventBridge queue condition, S3 access-log delivery), so the tests use them too.
"""

from __future__ import annotations

import functools
from typing import Any

from aws_cdk.assertions import Template

from tests import conftest
from tests.conftest import ACCOUNT, REGION

__all__ = ["ACCOUNT", "REGION", "new_stack"]

#: A stack in its own App with cdk.json's flags (``new_stack(name, env=False)``).
new_stack = functools.partial(conftest.new_stack, feature_flags=True)


def resources(template: Template, rtype: str) -> dict[str, dict[str, Any]]:
    return template.find_resources(rtype)


def only(template: Template, rtype: str) -> dict[str, Any]:
    found = resources(template, rtype)
    assert len(found) == 1, f"expected one {rtype}, found {sorted(found)}"
    return next(iter(found.values()))


def statements(policy_resource: dict[str, Any]) -> list[dict[str, Any]]:
    props = policy_resource["Properties"]
    doc = props.get("PolicyDocument") or props.get("KeyPolicy")
    return list(doc["Statement"])


def allow_statements_for(template: Template, rtype: str, service: str) -> list[dict[str, Any]]:
    """Allow statements naming ``service`` as principal, over all resources of a type."""
    out = []
    for res in resources(template, rtype).values():
        for st in statements(res):
            if st["Effect"] == "Allow" and st.get("Principal", {}).get("Service") == service:
                out.append(st)
    return out
