from __future__ import annotations

from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_sqs as sqs

from constructs_lib_testing import deploy_template, logical_id_of
from constructs_lib_testing.adapters import ADAPTERS, events_event_bus
from tests.constructs_lib_testing.support import new_stack, template_of


def test_the_fix_is_registered() -> None:
    assert events_event_bus.ADAPTER in ADAPTERS


def test_a_rule_on_a_custom_bus_deploys_and_ref_is_the_name(moto: None) -> None:
    stack = new_stack()
    bus = events.EventBus(stack, "Bus", event_bus_name="shop")
    rule = events.Rule(
        stack, "Rule", event_bus=bus, event_pattern=events.EventPattern(source=["shop"])
    )
    rule.add_target(targets.SqsQueue(sqs.Queue(stack, "Queue")))
    deployed = deploy_template(template_of(stack))
    assert deployed.physical_id(logical_id_of(bus)) == "shop"
    rules = deployed.client("events").list_rules(EventBusName="shop")["Rules"]
    assert [r["Name"] for r in rules] == [deployed.physical_id(logical_id_of(rule))]
