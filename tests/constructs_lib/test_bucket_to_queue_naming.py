"""Why BucketToQueue lets CloudFormation name its bucket: the designs measured.

Each design notifies one queue of the uploads of one bucket. Measured per
design: the resources it adds beside the queue, whether the template is free
of dependency cycles (``Template.from_stack`` refuses a cycle), cdk-nag's
findings with the packs of app.py (AwsSolutions and Serverless), and whether
the template fixes the bucket's name, which makes the next create after
``cdk destroy`` fail with BucketAlreadyExists (the bucket is retained). The
figures are the ones docs/evidence.md quotes; ``pytest -s`` prints them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

import pytest
from aws_cdk import Aws, Environment, Fn, Stack, Validations
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk.assertions import Template

from constructs_lib import BucketToQueue, EventRuleToQueue, SecureQueue
from tests.conftest import NO_CDK_NAG, new_app
from tests.sources_synth import ACCOUNT, REGION

# The measurement runs cdk-nag over each design.
cdk_nag = pytest.importorskip("cdk_nag", reason=NO_CDK_NAG)

Design = Callable[[Stack, SecureQueue], None]


def secure_bucket(stack: Stack, **options: Any) -> s3.Bucket:
    """BucketToQueue's protections, its access-log bucket included (cdk-nag S1)."""
    protections: dict[str, Any] = {
        "block_public_access": s3.BlockPublicAccess.BLOCK_ALL,
        "encryption": s3.BucketEncryption.S3_MANAGED,
        "enforce_ssl": True,
    }
    logs = s3.Bucket(stack, "AccessLogsBucket", **protections)
    return s3.Bucket(
        stack,
        "Bucket",
        server_access_logs_bucket=logs,
        server_access_logs_prefix="access-logs/",
        **protections,
        **options,
    )


def native_notification(bucket: s3.Bucket, queue: SecureQueue) -> s3.CfnBucket:
    cfn = cast(s3.CfnBucket, bucket.node.default_child)
    cfn.notification_configuration = s3.CfnBucket.NotificationConfigurationProperty(
        queue_configurations=[
            s3.CfnBucket.QueueConfigurationProperty(
                event="s3:ObjectCreated:*", queue=queue.queue.queue_arn
            )
        ]
    )
    return cfn


def allow_s3(queue: SecureQueue, operator: str, source_arn: str) -> Any:
    return queue.queue.add_to_resource_policy(
        iam.PolicyStatement(
            actions=["sqs:SendMessage"],
            principals=[iam.ServicePrincipal("s3.amazonaws.com")],
            resources=[queue.queue.queue_arn],
            conditions={
                operator: {"aws:SourceArn": source_arn},
                "StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID},
            },
        )
    ).policy_dependable


def generated_name_arn_like(stack: Stack, queue: SecureQueue) -> None:
    BucketToQueue(stack, "Uploads", queue=queue)


def fixed_name(stack: Stack, queue: SecureQueue) -> None:
    BucketToQueue(stack, "Uploads", queue=queue, bucket_name="fixed-uploads")


def generated_name_exact_reference(stack: Stack, queue: SecureQueue) -> None:
    """The obvious policy: ArnEquals on the bucket's own ARN (a GetAtt)."""
    bucket = secure_bucket(stack)
    cfn = native_notification(bucket, queue)
    cfn.node.add_dependency(allow_s3(queue, "ArnEquals", bucket.bucket_arn))


def stack_id_suffixed_name(stack: Stack, queue: SecureQueue) -> None:
    """A name made unique per stack instance from AWS::StackId (its first UUID
    field): known to the policy without a reference to the bucket."""
    stack_uuid = Fn.select(2, Fn.split("/", Aws.STACK_ID))
    name = Fn.join("-", ["uploads", ACCOUNT, Fn.select(0, Fn.split("-", stack_uuid))])
    bucket = secure_bucket(stack, bucket_name=name)
    cfn = native_notification(bucket, queue)
    cfn.node.add_dependency(allow_s3(queue, "ArnEquals", f"arn:{Aws.PARTITION}:s3:::{name}"))


def via_eventbridge(stack: Stack, queue: SecureQueue) -> None:
    """Natively (the L2's event_bridge_enabled would add aws-cdk's custom resource);
    with EventRuleToQueue's default target DLQ, which cdk-nag's Serverless pack wants."""
    bucket = secure_bucket(stack)
    cfn = cast(s3.CfnBucket, bucket.node.default_child)
    cfn.notification_configuration = s3.CfnBucket.NotificationConfigurationProperty(
        event_bridge_configuration=s3.CfnBucket.EventBridgeConfigurationProperty(
            event_bridge_enabled=True
        )
    )
    EventRuleToQueue(
        stack,
        "Rule",
        queue=queue,
        event_pattern=events.EventPattern(
            source=["aws.s3"],
            detail_type=["Object Created"],
            detail={"bucket": {"name": [bucket.bucket_name]}},
        ),
    )


def custom_resource(stack: Stack, queue: SecureQueue) -> None:
    secure_bucket(stack).add_event_notification(
        s3.EventType.OBJECT_CREATED, s3n.SqsDestination(queue.queue)
    )


@dataclass
class Measured:
    added: Counter[str]
    cycle: bool
    nag: list[str]
    fixed_name: bool

    def row(self, name: str) -> str:
        if self.cycle:  # CloudFormation refuses the template: nothing else applies
            return f"| {name} | - | cycle | - | cannot deploy at all |"
        return (
            f"| {name} | {sum(self.added.values())} | none | "
            f"{', '.join(self.nag) or 'clean'} | {'fails' if self.fixed_name else 'works'} |"
        )


def _stack() -> Stack:
    return Stack(new_app(), "Test", env=Environment(account=ACCOUNT, region=REGION))


BUCKET = "AWS::S3::Bucket"


def _types(template: dict[str, Any] | None) -> Counter[str]:
    return Counter(r["Type"] for r in (template or {"Resources": {}})["Resources"].values())


def measure(design: Design) -> Measured:
    base = _stack()
    SecureQueue(base, "Q")
    stack = _stack()
    design(stack, SecureQueue(stack, "Q"))
    try:
        template = Template.from_stack(stack).to_json()
    except Exception as err:  # jsii's RuntimeError; only a cycle is expected here
        assert "cycle" in str(err).lower(), err
        template = None
    added = _types(template) - _types(Template.from_stack(base).to_json())
    buckets = [
        r for r in (template or {"Resources": {}})["Resources"].values() if r["Type"] == BUCKET
    ]
    nagged = _stack()
    design(nagged, SecureQueue(nagged, "Q"))
    app = nagged.node.root
    Validations.of(app).add_plugins(cdk_nag.AwsSolutionsChecks(app), cdk_nag.ServerlessChecks(app))
    try:
        app.synth()
        nag: list[str] = []
    except Exception as err:  # cdk-nag raises ValidationFailed with the findings
        nag = sorted(set(re.findall(r"(?:AwsSolutions|Serverless)-[A-Za-z0-9]+", str(err))))
    fixed = any(isinstance(b["Properties"].get("BucketName"), str) for b in buckets)
    return Measured(added, template is None, nag, fixed)


DESIGNS: dict[str, Design] = {
    "generated name, ArnLike prefix + SourceAccount (chosen)": generated_name_arn_like,
    "fixed name, ArnEquals (before)": fixed_name,
    "generated name, ArnEquals on the bucket's GetAtt": generated_name_exact_reference,
    "name suffixed from AWS::StackId, ArnEquals": stack_id_suffixed_name,
    "S3 -> EventBridge -> rule -> queue": via_eventbridge,
    "aws-cdk add_event_notification (custom resource)": custom_resource,
}


@pytest.fixture(scope="module")
def measured() -> dict[str, Measured]:
    results = {name: measure(design) for name, design in DESIGNS.items()}
    print("\n| design | resources added | cycle | cdk-nag | deploy after destroy |")
    for name, result in results.items():
        print(result.row(name))
    return results


#: the bucket and its access-log bucket, each with its TLS-only policy
BUCKETS = Counter({BUCKET: 2, "AWS::S3::BucketPolicy": 2})


def test_the_chosen_design_adds_only_the_bucket_is_cycle_free_nag_clean_and_redeployable(
    measured: dict[str, Measured],
) -> None:
    chosen = measured["generated name, ArnLike prefix + SourceAccount (chosen)"]
    assert chosen.added == BUCKETS
    assert (chosen.cycle, chosen.nag, chosen.fixed_name) == (False, [], False)


def test_a_fixed_name_costs_the_same_but_cannot_be_deployed_after_destroy(
    measured: dict[str, Measured],
) -> None:
    fixed = measured["fixed name, ArnEquals (before)"]
    assert fixed.added == BUCKETS
    assert (fixed.cycle, fixed.nag, fixed.fixed_name) == (False, [], True)


def test_the_exact_reference_closes_a_cycle(measured: dict[str, Measured]) -> None:
    assert measured["generated name, ArnEquals on the bucket's GetAtt"].cycle


def test_a_stack_id_suffix_works_but_fixes_the_name_within_a_stack(
    measured: dict[str, Measured],
) -> None:
    suffixed = measured["name suffixed from AWS::StackId, ArnEquals"]
    assert suffixed.added == BUCKETS
    assert (suffixed.cycle, suffixed.nag, suffixed.fixed_name) == (False, [], False)


def test_eventbridge_adds_a_rule_and_custom_resource_adds_a_function(
    measured: dict[str, Measured],
) -> None:
    eventbridge = measured["S3 -> EventBridge -> rule -> queue"]
    # the rule, and its target DLQ: a SecureQueue (queue, DLQ, 2 policies, 2 alarms)
    assert eventbridge.added - BUCKETS == Counter(
        {
            "AWS::Events::Rule": 1,
            "AWS::SQS::Queue": 2,
            "AWS::SQS::QueuePolicy": 2,
            "AWS::CloudWatch::Alarm": 2,
        }
    )
    assert (eventbridge.cycle, eventbridge.nag, eventbridge.fixed_name) == (False, [], False)
    custom = measured["aws-cdk add_event_notification (custom resource)"]
    assert custom.added - BUCKETS == Counter(
        {
            "AWS::Lambda::Function": 1,
            "AWS::IAM::Role": 1,
            "AWS::IAM::Policy": 1,
            "Custom::S3BucketNotifications": 1,
        }
    )
    assert "AwsSolutions-IAM4" in custom.nag
