"""What the review calls replaced, and where it says "may": templates written by hand.

Replacement comes from CloudFormation's resource schemas as cfn-lint bundles
them, read here from cfn-lint's own files to show the review holds no list
of its own; intrinsics are compared by what they resolve to, and said "may"
when they cannot be resolved at synth.
"""

from __future__ import annotations

from typing import Any

import pytest

from constructs_lib.review import Side, compare
from constructs_lib.review.changes import MAY_REPLACE, REPLACED, Comparison
from constructs_lib.review.report import MESSAGE_LOSS
from constructs_lib.review.schemas import ABSENT, replacing, values_at
from constructs_lib.templates.assembly import Assembly, StackTemplate

#: CloudFormation's resource schemas come with the extra "review" (cfn-lint); the floor
#: environment of `make test-floor` has no cfn-lint.
pytest.importorskip("cfnlint", reason="constructs-lib review needs the extra review (cfn-lint)")

ACCOUNT = "123456789012"


def template_side(resources: dict[str, Any], label: str, **stacks: dict[str, Any]) -> Side:
    """One stack ``App`` of these resources (and more stacks by name), in us-east-1."""
    built = [
        StackTemplate(
            name=name,
            template={"Parameters": {"Env": {"Type": "String"}}, "Resources": body},
            account=ACCOUNT,
            region="us-east-1",
        )
        for name, body in {"App": resources, **stacks}.items()
    ]
    return Side(label, Assembly(built))


def queue(**properties: Any) -> dict[str, Any]:
    return {"Type": "AWS::SQS::Queue", "Properties": properties}


def replacement(base: dict[str, Any], head: dict[str, Any], logical_id: str) -> Any:
    comparison = Comparison(template_side(base, "BASE"), template_side(head, "HEAD"))
    pair = next(p for p in comparison.pairs if p.head and p.head.id.logical_id == logical_id)
    return pair.replacement


def test_the_create_only_properties_are_cfn_lints_schemas() -> None:
    """The review's list is the schema cfn-lint ships, nothing written here."""
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    for resource_type in ("AWS::SQS::Queue", "AWS::SNS::Topic", "AWS::S3::Bucket"):
        schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", resource_type).schema
        expected = tuple(p.removeprefix("/properties/") for p in schema["createOnlyProperties"])
        assert replacing(resource_type).always == expected
    assert set(replacing("AWS::SQS::Queue").always) == {"FifoQueue", "QueueName"}
    assert replacing("AWS::KMS::Key").always == ()  # a key policy change updates the key
    assert "EventBusName" in replacing("AWS::Events::Rule").conditionally
    assert replacing("Custom::Anything").known is False


def test_a_pointer_reaches_into_lists_and_says_what_is_absent() -> None:
    properties = {"A": [{"B": 1}, {"C": 2}], "D": {"Fn::If": ["Cond", {"E": 1}, {"E": 2}]}}
    assert list(values_at(properties, "A/*/B")) == [("A/0/B", 1), ("A/1/B", ABSENT)]
    # an intrinsic above the pointer is what is compared
    assert list(values_at(properties, "D/E")) == [("D", properties["D"])]
    assert list(values_at(properties, "X/Y")) == [("X/Y", ABSENT)]


def test_a_fifo_flip_replaces_and_a_retention_change_does_not() -> None:
    found = replacement({"Q": queue()}, {"Q": queue(FifoQueue=True)}, "Q")
    assert found.status == REPLACED
    assert found.causes == ("FifoQueue changes from (not set) to true",)
    assert replacement({"Q": queue()}, {"Q": queue(MessageRetentionPeriod=60)}, "Q") is None


def test_the_same_value_written_another_way_is_no_change() -> None:
    joined = {"Fn::Join": ["-", ["orders", "eu"]]}
    assert (
        replacement({"Q": queue(QueueName="orders-eu")}, {"Q": queue(QueueName=joined)}, "Q")
        is None
    )
    assert replacement({"Q": queue(FifoQueue="true")}, {"Q": queue(FifoQueue=True)}, "Q") is None


def test_a_name_known_only_at_deploy_may_replace_and_says_so() -> None:
    before = queue(QueueName={"Fn::Sub": "orders-${AWS::Region}"})
    after = queue(QueueName={"Fn::Sub": "orders-${Env}"})
    found = replacement({"Q": before}, {"Q": after}, "Q")
    assert found.status == MAY_REPLACE
    assert found.causes[0].endswith("its value is only known at deploy")
    review = compare(template_side({"Q": before}, "BASE"), template_side({"Q": after}, "HEAD"))
    (item,) = review.section(MESSAGE_LOSS)
    assert item.kind == "may be lost"
    assert item.text.endswith("In-flight and stored messages of Q may be lost.")


def test_a_conditional_create_only_property_may_replace() -> None:
    rule = {"Type": "AWS::Events::Rule", "Properties": {"ScheduleExpression": "rate(1 hour)"}}
    moved = {**rule, "Properties": {**rule["Properties"], "EventBusName": "other"}}
    found = replacement({"R": rule}, {"R": moved}, "R")
    assert found.status == MAY_REPLACE
    assert "CloudFormation replaces it under some conditions" in found.causes[0]


def test_a_replaced_topic_replaces_its_subscriptions() -> None:
    def app(name: str) -> dict[str, Any]:
        return {
            "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": name}},
            "Q": queue(),
            "Sub": {
                "Type": "AWS::SNS::Subscription",
                "Properties": {
                    "Protocol": "sqs",
                    "TopicArn": {"Ref": "Topic"},
                    "Endpoint": {"Fn::GetAtt": ["Q", "Arn"]},
                },
            },
        }

    found = replacement(app("orders"), app("orders-v2"), "Sub")
    assert found.status == REPLACED
    assert found.causes == ("its TopicArn names Topic, which is replaced",)


def test_a_fixed_name_that_cannot_be_replaced_is_said() -> None:
    before = queue(QueueName="ledger.fifo", FifoQueue=True)
    after = queue(QueueName="ledger.fifo", FifoQueue=True, ContentBasedDeduplication=True)
    assert replacement({"Q": before}, {"Q": after}, "Q") is None
    renamed = compare(
        template_side({"Q": queue(QueueName="ledger")}, "BASE"),
        template_side({"Q": queue(QueueName="ledger", FifoQueue=False)}, "HEAD"),
    )
    (item,) = renamed.section(MESSAGE_LOSS)
    assert item.details[-1].startswith("Its QueueName stays ledger: CloudFormation refuses")


def test_deletion_policies_decide_lost_or_kept_and_their_changes_are_said() -> None:
    retained = {**queue(), "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
    review = compare(template_side({"Q": retained}, "BASE"), template_side({}, "HEAD"))
    (kept,) = review.section(MESSAGE_LOSS)
    assert kept.kind == "kept aside"
    assert "is deleted: it is no longer in the template" in kept.text
    assert "retained with its messages, outside the stack" in kept.text
    weakened = compare(
        template_side({"Q": retained}, "BASE"),
        template_side({"Q": {**queue(), "UpdateReplacePolicy": "Retain"}}, "HEAD"),
    )
    (item,) = weakened.section(MESSAGE_LOSS)
    assert item.kind == "protection removed" and not item.gates
    assert "DeletionPolicy Retain → Delete: it is now deleted, with what it holds," in item.text


def test_a_deleted_key_says_what_it_encrypts_and_its_waiting_period() -> None:
    key = {"Type": "AWS::KMS::Key", "Properties": {"PendingWindowInDays": 7}}
    jobs = queue(KmsMasterKeyId={"Fn::GetAtt": ["Key", "Arn"]})
    review = compare(
        template_side({"Key": key, "Jobs": jobs}, "BASE"),
        template_side({"Jobs": queue()}, "HEAD"),
    )
    lost = next(i for i in review.section(MESSAGE_LOSS) if i.subject == "Key")
    assert "AWS KMS schedules Key for deletion (7 days)" in lost.text
    assert "what is still encrypted under it (Jobs) are unreadable" in lost.text


def test_a_bucket_emptied_by_cdk_loses_its_objects() -> None:
    bucket = {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "uploads"}}
    empties = {
        "Type": "Custom::S3AutoDeleteObjects",
        "Properties": {"ServiceToken": "arn", "BucketName": {"Ref": "Bucket"}},
    }
    review = compare(
        template_side({"Bucket": bucket, "Empties": empties}, "BASE"),
        template_side({"Bucket": {**bucket, "Properties": {"BucketName": "uploads-2"}},
                       "Empties": empties}, "HEAD"),
    )  # fmt: skip
    (item,) = review.section(MESSAGE_LOSS)
    assert "CDK's autoDeleteObjects custom resource empties it" in item.text


def test_a_stack_that_leaves_the_app_is_one_item() -> None:
    review = compare(
        template_side({"Q": queue()}, "BASE", Old={"Orders": queue()}),
        template_side({"Q": queue()}, "HEAD"),
    )
    (item,) = review.section(MESSAGE_LOSS)
    assert item.kind == "stack removed" and item.subject == "Old"
    assert "`cdk deploy` leaves a deployed stack that left the app as it is" in item.text


@pytest.mark.parametrize("new_type", ["AWS::SNS::Topic"])
def test_a_type_change_replaces(new_type: str) -> None:
    found = replacement({"Q": queue()}, {"Q": {"Type": new_type, "Properties": {}}}, "Q")
    assert found.causes == (f"its type changes from AWS::SQS::Queue to {new_type}",)
