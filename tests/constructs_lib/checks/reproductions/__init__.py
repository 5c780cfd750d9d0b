"""One small plain aws-cdk-lib app per rule of SqsPatternChecks (no constructs_lib).

Each module reproduces the real-world mistake its rule is about, as people
write it with aws-cdk-lib's L2 constructs (its docstring names the issue),
and the corrected app. ``build(fixed=...)`` returns the unsynthesized app:
the tests add the pack and synthesize, or synthesize and run the command.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import Any

from aws_cdk import App, Duration, Environment
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from tests.conftest import bare_app, cdk_context

#: Every reproduction deploys to the same fixed account and region.
ENV = Environment(account="123456789012", region="us-east-1")

#: Rule number -> module name.
MODULES = {
    1: "sp01_aws_managed_key",
    2: "sp02_dlq_key_not_granted",
    3: "sp03_unscoped_key_grant",
    4: "sp04_visibility_timeout",
    5: "sp05_consumed_queue_without_dlq",
    6: "sp06_standard_topic_fifo_queue",
    7: "sp07_alarm_topic_policy",
    8: "sp08_service_linked_role",
    9: "sp09_retained_bucket_name",
    10: "sp10_notification_before_policy",
    11: "sp11_partial_batch_responses",
    12: "sp12_max_receive_count_one",
    13: "sp13_max_receive_count_three",
    14: "sp14_dlq_retention",
    15: "sp15_dlq_type",
    16: "sp16_rule_target_without_dlq",
    17: "sp17_metadata_tag_keys",
    18: "sp18_eventbridge_key_conditions",
    19: "sp19_alarm_topic_other_region",
    20: "sp20_group_notifications_other_region",
}


def reproduction(number: int) -> ModuleType:
    return importlib.import_module(f"{__name__}.{MODULES[number]}")


def new_plain_app(outdir: Path | str | None = None, *, feature_flags: bool = True) -> App:
    """An app as ``cdk init`` makes it (its recommended feature flags), or a bare one.

    CDK's built-in CloudFormation validation is off: it costs seconds and
    judges schemas, not wiring.
    """
    context: dict[str, Any] = cdk_context() if feature_flags else {}
    return bare_app(outdir=str(outdir) if outdir else None, context=context)


def python_function(scope: Construct, construct_id: str, *, timeout: Duration) -> lambda_.Function:
    """A small inline Python function, as the samples' consumers are."""
    return lambda_.Function(
        scope,
        construct_id,
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return {}\n"),
        timeout=timeout,
    )
