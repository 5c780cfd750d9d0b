"""Runtime tests of EventRuleToQueue: its template deployed into moto, events put.

Only the events that match the pattern arrive, transformed where the rule has
an input transformation. moto applies event patterns and InputTransformers for
real (it ignores ``Input``/``InputPath``, which these rules do not use, and
crashes on a transformer that puts a *string* value into an unquoted
placeholder, so the transformed field here is a number). moto's delivered
events lack ``account``; queue policies are stored, not enforced.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Template
from moto import mock_aws

from constructs_lib import EventRuleToQueue, SecureQueue
from constructs_lib_testing import DeployedStack, deploy_template, logical_id_of
from tests.sources_synth import new_stack

pytestmark = pytest.mark.runtime

SHORT = Duration.seconds(1)


@pytest.fixture(scope="module")
def synthesized() -> tuple[dict[str, Any], dict[str, str]]:
    stack = new_stack("EventRuleRuntime")
    whole = SecureQueue(stack, "Whole", visibility_timeout=SHORT)
    transformed = SecureQueue(
        stack, "Transformed", visibility_timeout=SHORT, encryption=sqs.QueueEncryption.KMS
    )
    ordered = SecureQueue(
        stack, "Ordered", fifo=True, content_based_deduplication=True, visibility_timeout=SHORT
    )
    bus = events.EventBus(stack, "Bus", event_bus_name="shop")
    placed = events.EventPattern(source=["shop.orders"], detail_type=["OrderPlaced"])
    EventRuleToQueue(stack, "WholeRule", queue=whole, event_pattern=placed)
    EventRuleToQueue(
        stack,
        "TransformedRule",
        queue=transformed,
        event_pattern=events.EventPattern(
            source=["shop.orders"], detail={"total": [{"numeric": [">", 100]}]}
        ),
        message=events.RuleTargetInput.from_object(
            {"job": "review", "order": events.EventField.from_path("$.detail.order")}
        ),
    )
    EventRuleToQueue(
        stack,
        "OrderedRule",
        queue=ordered,
        event_bus=bus,
        message_group_id="orders",
        event_pattern=placed,
    )
    return Template.from_stack(stack).to_json(), {
        "whole": logical_id_of(whole.queue),
        "transformed": logical_id_of(transformed.queue),
        "ordered": logical_id_of(ordered.queue),
    }


@pytest.fixture
def deployed(synthesized: Any) -> Iterator[DeployedStack]:
    template, _ = synthesized
    with mock_aws():
        yield deploy_template(template, stack_name="EventRuleRuntime")


def bodies(deployed: DeployedStack, logical_id: str) -> list[dict[str, Any]]:
    got = deployed.client("sqs").receive_message(
        QueueUrl=deployed.physical_id(logical_id),
        MaxNumberOfMessages=10,
        WaitTimeSeconds=0,
        AttributeNames=["All"],
    )
    return [
        json.loads(m["Body"]) | {"_attributes": m["Attributes"]} for m in got.get("Messages", [])
    ]


def put(deployed: DeployedStack, *entries: dict[str, Any], bus: str = "default") -> None:
    response = deployed.client("events").put_events(
        Entries=[
            {
                "Source": e["source"],
                "DetailType": e["type"],
                "Detail": json.dumps(e["detail"]),
                "EventBusName": bus,
            }
            for e in entries
        ]
    )
    assert response["FailedEntryCount"] == 0


def test_only_matching_events_arrive_whole_or_transformed(
    deployed: DeployedStack, synthesized: Any
) -> None:
    _, ids = synthesized
    put(
        deployed,
        {"source": "shop.orders", "type": "OrderPlaced", "detail": {"order": 1, "total": 50}},
        {"source": "shop.orders", "type": "OrderPlaced", "detail": {"order": 2, "total": 500}},
        {"source": "shop.orders", "type": "OrderShipped", "detail": {"order": 3, "total": 900}},
        {"source": "shop.billing", "type": "OrderPlaced", "detail": {"order": 4, "total": 900}},
    )
    whole = bodies(deployed, ids["whole"])
    assert sorted(m["detail"]["order"] for m in whole) == [1, 2]
    assert {m["detail-type"] for m in whole} == {"OrderPlaced"}

    transformed = bodies(deployed, ids["transformed"])
    assert sorted((m["job"], m["order"]) for m in transformed) == [
        ("review", 2),
        ("review", 3),
    ]
    assert all(set(m) == {"job", "order", "_attributes"} for m in transformed)


def test_rule_on_a_custom_bus_ignores_the_default_bus_and_sets_the_group(
    deployed: DeployedStack, synthesized: Any
) -> None:
    _, ids = synthesized
    placed = {"source": "shop.orders", "type": "OrderPlaced", "detail": {"order": 7, "total": 1}}
    put(deployed, placed)  # default bus: not this rule's
    put(deployed, placed | {"detail": {"order": 8, "total": 1}}, bus="shop")
    ordered = bodies(deployed, ids["ordered"])
    assert [m["detail"]["order"] for m in ordered] == [8]
    assert ordered[0]["_attributes"]["MessageGroupId"] == "orders"
