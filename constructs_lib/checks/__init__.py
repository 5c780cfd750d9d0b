"""SqsPatternChecks: the silent-loss wiring of SQS patterns, found in any CDK app.

cdk-nag judges one resource at a time; these rules judge the wiring across
resources and stacks of the synthesized templates: who delivers into which
queue (SNS, S3, EventBridge, Scheduler), who consumes it (Lambda, worker
fleets), where failed messages go, which alarms tell whom. The rule table is
`catalog.RULES`; docs/cli/check.md has it with a link per rule.

Two ways in:

- in a Python CDK app, as a cdk-nag 3 pack (needs cdk-nag)::

      from constructs_lib.checks import SqsPatternChecks
      Validations.of(app).add_plugins(AwsSolutionsChecks(app), SqsPatternChecks(app))

- over a synthesized cloud assembly or template files, for any language:
  ``constructs-lib check cdk.out`` (`command`), or `check` with `load` here.

Everything but `SqsPatternChecks` is plain Python: no aws-cdk-lib, cdk-nag,
boto3 or moto.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from constructs_lib.checks.catalog import PACK_NAME, RULES, Rule
from constructs_lib.checks.engine import Report, check
from constructs_lib.checks.findings import Finding
from constructs_lib.templates import Assembly, AssemblyError, load

if TYPE_CHECKING:
    from constructs_lib.checks.pack import SqsPatternChecks

__all__ = [
    "PACK_NAME",
    "RULES",
    "Assembly",
    "AssemblyError",
    "Finding",
    "Report",
    "Rule",
    "SqsPatternChecks",
    "check",
    "load",
]


def __getattr__(name: str) -> Any:
    # The pack imports cdk-nag and aws-cdk-lib: only when asked for (PEP 562).
    if name == "SqsPatternChecks":
        value = importlib.import_module("constructs_lib.checks.pack").SqsPatternChecks
        globals()[name] = value
        return value
    raise AttributeError(f"module 'constructs_lib.checks' has no attribute {name!r}")
