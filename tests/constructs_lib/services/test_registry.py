"""The registry of delivering services: one description per service (issue 22).

Each service is written down once; every part of the library reads it. These
tests keep it that way: a service-principal string written anywhere else in
the package is a second description, and each reader reads what the
templates really say.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from constructs_lib import services
from constructs_lib.services import (
    CONSUMER,
    DEAD_LETTER,
    DELIVERY,
    QUEUE,
    SELF,
    TOPIC,
    Link,
)
from constructs_lib.services.cloudwatch import CLOUDWATCH
from constructs_lib.services.pipes import PIPES
from constructs_lib.services.scheduler import SCHEDULER
from tests.conftest import REPO_ROOT

PACKAGE = REPO_ROOT / "constructs_lib"


def _string_constants(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        and id(node) not in docstrings
    ]  # fmt: skip


def test_service_principals_are_written_in_the_registry_only() -> None:
    """A principal as a value (not inside a sentence) anywhere but `constructs_lib/services/`."""
    principals = {s.principal for s in services.SERVICES}
    found = [
        f"{path.relative_to(REPO_ROOT)}:{line}: {value}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if "services" not in path.relative_to(PACKAGE).parts[:1]
        for line, value in _string_constants(path)
        if value in principals or value.split("/")[:1] == ["aws-service-role"]
    ]
    assert not found, "service principals written outside the registry:\n" + "\n".join(found)


def test_ids_and_principals_are_unique_and_found() -> None:
    assert len({s.id for s in services.SERVICES}) == len(services.SERVICES)
    for service in services.SERVICES:
        assert services.by_id(service.id) is service
        assert services.by_principal(service.principal) is service
    with pytest.raises(KeyError, match="no service 'nope' in the registry; it has autoscaling, "):
        services.by_id("nope")


def test_every_module_of_the_package_is_a_registered_service() -> None:
    """A module is its registration (no list to edit): each module not named ``_*``
    defines at least one `Service`, and `SERVICES` holds exactly those, by module."""
    modules = sorted(p.stem for p in (PACKAGE / "services").glob("[!_]*.py"))
    defined = {
        module: [
            value
            for value in vars(importlib.import_module(f"constructs_lib.services.{module}")).values()
            if isinstance(value, services.Service)
        ]
        for module in modules
    }
    assert all(defined.values()), [m for m, found in defined.items() if not found]
    assert list(services.SERVICES) == [s for m in modules for s in defined[m]]
    assert [s.id for s in services.SERVICES][:3] == ["autoscaling", "cloudwatch", "eventbridge"]


def test_who_can_use_the_aws_managed_sqs_key() -> None:
    """Services writing as themselves cannot (SQS: its policy admits principals of the
    account calling through SQS); services writing as a role of the account can."""
    assert {s.id for s in services.without_aws_managed_sqs_key()} == {"sns", "s3", "eventbridge"}
    assert SCHEDULER.can_use_aws_managed_sqs_key is True
    assert PIPES.can_use_aws_managed_sqs_key is True
    assert CLOUDWATCH.can_use_aws_managed_sqs_key is None  # writes into no queue


def test_kms_requests_without_source_keys_come_from_the_table() -> None:
    assert list(services.kms_requests_without_source_keys()) == ["events.amazonaws.com"]


def _links(resource_type: str, properties: dict[str, object]) -> list[tuple[str, Link]]:
    return [(s.id, link) for s, link in services.links(resource_type, properties)]


def test_an_sns_subscription_and_its_dead_letter_queue() -> None:
    found = _links(
        "AWS::SNS::Subscription",
        {"Protocol": "sqs", "TopicArn": {"Ref": "T"}, "Endpoint": {"Ref": "Q"},
         "FilterPolicy": {"kind": ["a", "b"]}, "RawMessageDelivery": "true",
         "RedrivePolicy": '{"deadLetterTargetArn": "arn:aws:sqs:us-east-1:1:dlq"}'},
    )  # fmt: skip
    (_, delivery), (_, dead_letter) = found
    assert (delivery.kind, delivery.source, delivery.target) == (
        DELIVERY,
        {"Ref": "T"},
        {"Ref": "Q"},
    )
    assert delivery.label == "raw, filter kind=a|b"
    assert dead_letter.kind == DEAD_LETTER and str(dead_letter.target).endswith(":dlq")
    # another protocol is drawn, not judged as a queue delivery
    (_, to_lambda), *_ = _links(
        "AWS::SNS::Subscription", {"Protocol": "lambda", "TopicArn": "t", "Endpoint": "f"}
    )
    assert to_lambda.target_types == ()


def test_a_rule_target_its_group_id_role_and_dead_letter_queue() -> None:
    target = {"Arn": {"Ref": "Q"}, "RoleArn": "r", "SqsParameters": {"MessageGroupId": "g"},
              "DeadLetterConfig": {"Arn": "d"}}  # fmt: skip
    (_, delivery), (_, dead_letter) = _links("AWS::Events::Rule", {"Targets": [target]})
    assert delivery.source is SELF and delivery.target_types == (QUEUE, TOPIC)
    assert (delivery.group_id, delivery.role, delivery.settings) == ("g", "r", target)
    assert dead_letter.target == "d"
    assert dead_letter.location == "Properties/Targets/0/DeadLetterConfig"


def test_a_pipe_consumes_its_source_and_delivers_as_its_role() -> None:
    props = {
        "Source": {"Fn::GetAtt": ["Source", "Arn"]},
        "Target": {"Fn::GetAtt": ["Target", "Arn"]},
        "RoleArn": {"Fn::GetAtt": ["Role", "Arn"]},
        "SourceParameters": {"SqsQueueParameters": {"BatchSize": 5},
                             "FilterCriteria": {"Filters": [{"Pattern": "{}"}]}},
        "TargetParameters": {"SqsQueueParameters": {"MessageGroupId": "$.attributes.x"}},
    }  # fmt: skip
    consumer, delivery = [link for _, link in _links("AWS::Pipes::Pipe", props)]
    assert (consumer.kind, consumer.target, consumer.label) == (CONSUMER, SELF, "batch 5, filtered")
    assert delivery.role == {"Fn::GetAtt": ["Role", "Arn"]}
    assert delivery.group_id == "$.attributes.x"
    stream = {**props, "SourceParameters": {"KinesisStreamParameters": {
        "StartingPosition": "LATEST", "DeadLetterConfig": {"Arn": "dlq"}}}}  # fmt: skip
    *_, dead_letter = [link for _, link in _links("AWS::Pipes::Pipe", stream)]
    assert dead_letter.kind == DEAD_LETTER and dead_letter.target == "dlq"
    assert PIPES.sends_as_role


def test_an_alarm_a_group_and_a_mapping() -> None:
    actions = _links("AWS::CloudWatch::Alarm", {"AlarmActions": ["a"], "OKActions": ["o"]})
    assert [(link.target, link.label) for _, link in actions] == [("a", ""), ("o", "ok")]
    (_, notification), *_ = _links(
        "AWS::AutoScaling::AutoScalingGroup", {"NotificationConfigurations": [{"TopicARN": "t"}]}
    )
    assert notification.target_types == (TOPIC,)
    (_, mapping), *_ = _links(
        "AWS::Lambda::EventSourceMapping", {"EventSourceArn": "q", "FunctionName": "f"}
    )
    assert (mapping.kind, mapping.source, mapping.target) == (CONSUMER, "q", "f")


def test_a_type_no_service_reads_declares_nothing() -> None:
    assert _links("AWS::SQS::Queue", {"QueueName": "q"}) == []
