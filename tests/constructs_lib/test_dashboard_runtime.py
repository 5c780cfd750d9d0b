"""Runtime test of PatternDashboard: its template deployed into moto, in the
strict account.

moto's CloudFormation creates ``AWS::CloudWatch::Dashboard`` itself (no
adapter). CloudWatch draws what the body names; here every name is checked
against what the stack really created: each alarm of an alarm widget exists,
each queue a graph reads exists, the mapping's UUID is the deployed mapping's.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import Duration
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sqs as sqs
from moto import mock_aws

from constructs_lib import LambdaQueueConsumer, PatternDashboard, SecureQueue
from constructs_lib_testing import deploy_template, logical_id_of
from tests.constructs_lib_testing.support import new_stack, template_of

pytestmark = pytest.mark.runtime


@pytest.fixture(scope="module")
def synthesized() -> tuple[dict[str, Any], str, int]:
    stack = new_stack("DashboardRuntime")
    jobs = SecureQueue(stack, "Jobs", visibility_timeout=Duration.minutes(1))
    function = lambda_.Function(
        stack,
        "Handler",
        runtime=lambda_.Runtime.PYTHON_3_13,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return {}\n"),
        timeout=Duration.seconds(10),
    )
    # Disabled: moto's enabled mapping would need Docker to run the function.
    consumer = LambdaQueueConsumer(stack, "Consumer", function=function, queue=jobs, enabled=False)
    plain = sqs.Queue(stack, "Plain")
    dashboard = PatternDashboard(stack, "Ops", patterns=[consumer, plain])
    return template_of(stack), logical_id_of(dashboard.dashboard), dashboard.widget_count


def _metric_dimensions(widgets: list[dict[str, Any]], name: str) -> set[str]:
    """Every value of dimension ``name`` that a graph of the dashboard reads."""
    values: set[str] = set()
    for widget in widgets:
        for metric in widget["properties"].get("metrics", []):
            fields = [f for f in metric if isinstance(f, str)]
            pairs = dict(zip(fields[2::2], fields[3::2], strict=False))
            if name in pairs:
                values.add(pairs[name])
    return values


def test_the_dashboard_names_only_what_the_stack_created(
    synthesized: tuple[dict[str, Any], str, int],
) -> None:
    template, dashboard_id, widget_count = synthesized
    with mock_aws():
        deployed = deploy_template(template, stack_name="DashboardRuntime")
        cloudwatch = deployed.client("cloudwatch")
        body = json.loads(
            cloudwatch.get_dashboard(DashboardName=deployed.physical_id(dashboard_id))[
                "DashboardBody"
            ]
        )
        widgets = body["widgets"]
        assert len(widgets) == widget_count

        alarm_arns = {a["AlarmArn"] for a in cloudwatch.describe_alarms()["MetricAlarms"]}
        shown = [arn for w in widgets if w["type"] == "alarm" for arn in w["properties"]["alarms"]]
        assert shown and set(shown) <= alarm_arns
        assert len(shown) == len(set(shown))

        sqs_client = deployed.client("sqs")
        queue_names = {url.rsplit("/", 1)[1] for url in sqs_client.list_queues()["QueueUrls"]}
        drawn = _metric_dimensions(widgets, "QueueName")
        assert drawn and drawn <= queue_names
        assert len(drawn) == 3  # Jobs, its DLQ, Plain

        (mapping,) = deployed.client("lambda").list_event_source_mappings()["EventSourceMappings"]
        assert _metric_dimensions(widgets, "EventSourceMappingUUID") == {mapping["UUID"]}
