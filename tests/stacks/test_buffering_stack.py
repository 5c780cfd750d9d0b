"""The Buffering stack's operations topic: every alarm that notifies it can."""

from __future__ import annotations

from typing import Any

from tests.evidence import policy_rules


def test_three_alarms_notify_the_operations_topic_and_it_admits_them(
    example_templates: dict[str, dict[str, Any]],
) -> None:
    template = example_templates["Buffering"]
    (topic_id,) = policy_rules.resources_of_type(template, "AWS::SNS::Topic")
    notifying = [
        alarm_id
        for alarm_id, alarm in policy_rules.resources_of_type(
            template, "AWS::CloudWatch::Alarm"
        ).items()
        if any(
            policy_rules.refers_to(a, topic_id) for a in alarm["Properties"].get("AlarmActions", [])
        )
    ]
    assert len(notifying) == 3  # the DLQ's, the queue's age, the fleet's message age
    assert policy_rules.alarm_topic_findings(template) == []
    assert policy_rules.service_linked_role_principal_findings(template) == []
