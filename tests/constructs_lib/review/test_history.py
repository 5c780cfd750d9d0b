"""The review over this repository's own history: real commits that changed templates.

Each case reads the snapshot files of a commit and of its parent with
``git show`` (`constructs_lib.review.inputs`), so no old code is synthesized,
and asserts the report that commit should produce: what its message says it
changed, and nothing else in the five sections.
"""

from __future__ import annotations

import subprocess
from functools import cache

import pytest

from constructs_lib.review import Options, Review, compare, load_side, markdown
from constructs_lib.review.report import (
    DELIVERY_PATHS,
    FINDINGS,
    GATE_FINDINGS,
    GATE_MESSAGE_LOSS,
    GATE_PERMISSIONS_WIDENED,
    MESSAGE_LOSS,
    OPERATIONS,
    PERMISSIONS,
)
from tests.conftest import REPO_ROOT

#: CloudFormation's resource schemas come with the extra "review" (cfn-lint); the floor
#: environment of `make test-floor` has no cfn-lint.
pytest.importorskip("cfnlint", reason="constructs-lib review needs the extra review (cfn-lint)")

#: AlarmTopic: the Operations topic and key move under the AlarmTopic construct
ALARM_TOPIC = "e7ff2a49f447cbfd89b33b1ca7b1a63113be6be1"
#: issue 9: BucketToQueue lets CloudFormation name the bucket (BucketName removed)
BUCKET_NAME = "262f3d4c857faaf6b8c55af63b4ae3e764733fb4"
#: issue 9: the fleet's age alarm needs 7 periods, not 1
AGE_ALARM = "9691c4dd7d6cf5c33f11e3cc3fcdd0447218ff50"
#: issue 19: ARRIVALS_AND_BACKLOG becomes the Buffering fleet's scaling
FLEET_SCALING = "88aac552d9fbab1a26653bb3ae5035a806a6d388"
#: CloudWatch's use of the operations key scoped with aws:SourceArn/aws:SourceAccount
KEY_SCOPED = "2effa833a6c567d7f0586977f7c17538e2dcd8e5"
#: issue 22's registry: the diagram snapshot gains an edge, the templates do not change
REGISTRY = "162bb95fbc573798867a0d84237dea7b202f3481"
#: BucketToQueue's access-log bucket gets OwnershipControls: a change of no class
ACCESS_LOGS = "5a2ce1a2a30d185dcafb36dd9dae436076cfb278"


def _reachable(commit: str) -> bool:
    found = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "cat-file", "-e", f"{commit}^{{commit}}"],
        capture_output=True,
        check=False,
    )
    return found.returncode == 0


@cache
def review_of(commit: str) -> Review:
    if not _reachable(commit) or not _reachable(f"{commit}^"):
        pytest.skip(f"{commit[:7]} is not in this clone's history (a shallow clone?)")
    options = Options(repo=REPO_ROOT)
    return compare(load_side(f"{commit}^", options), load_side(commit, options))


def entries(review: Review) -> set[tuple[str, str, str]]:
    return {(i.section, i.kind, i.subject) for i in review.items}


def text_of(review: Review, section: str, subject: str) -> str:
    return " ".join(i.text for i in review.section(section) if i.subject == subject)


def test_the_alarm_topic_commit_replaces_the_operations_topic_and_key_by_renamed_ids() -> None:
    review = review_of(ALARM_TOPIC)
    assert entries(review) == {
        (MESSAGE_LOSS, "lost", "Operations"),
        (MESSAGE_LOSS, "kept aside", "OperationsKey"),
        (PERMISSIONS, "widened", "OperationsTopic"),
        (PERMISSIONS, "narrowed", "OperationsKey"),
        (OPERATIONS, "changed", "JobsDeadLetterQueueAlarm"),
        (OPERATIONS, "changed", "JobsOldestMessageAgeAlarm"),
        (OPERATIONS, "changed", "WorkersMessageAgeAlarm"),
        (FINDINGS, "fixed", "Buffering/OperationsKey2329F47A"),
    }
    topic = text_of(review, MESSAGE_LOSS, "Operations")
    assert "logical id changes from Operations993AC38D to OperationsTopic6D6844EA" in topic
    assert "Subscriptions of Operations made outside this app are lost" in topic
    key = text_of(review, MESSAGE_LOSS, "OperationsKey")
    assert "OperationsKey2329F47A to OperationsKeyD0717C64" in key
    assert "retained" in key  # DeletionPolicy Retain: the old key is kept, and billed
    # the topic's new policy admits CloudWatch, scoped to this account's alarms
    assert text_of(review, PERMISSIONS, "OperationsTopic") == (
        "cloudwatch.amazonaws.com may now publish to **OperationsTopic** when aws:SourceArn "
        "like arn:aws:cloudwatch:us-east-1:123456789012:alarm:* and aws:SourceAccount = "
        "123456789012."
    )
    # Auto Scaling's role is named by aws:PrincipalArn now, and only through SNS
    assert "role AWSServiceRoleForAutoScaling may no longer decrypt with" in text_of(
        review, PERMISSIONS, "OperationsKey"
    )
    # the alarms follow the renamed topic: CloudFormation updates them
    assert "AlarmActions/0 Operations → OperationsTopic" in text_of(
        review, OPERATIONS, "JobsDeadLetterQueueAlarm"
    )
    assert review.failing([GATE_MESSAGE_LOSS, GATE_PERMISSIONS_WIDENED, GATE_FINDINGS]) == [
        GATE_MESSAGE_LOSS,
        GATE_PERMISSIONS_WIDENED,
    ]


def test_the_bucket_name_commit_replaces_the_uploads_bucket_and_changes_who_may_send() -> None:
    review = review_of(BUCKET_NAME)
    assert entries(review) == {
        (MESSAGE_LOSS, "kept aside", "UploadsBucket"),
        (PERMISSIONS, "widened", "IngestQueue"),
        (PERMISSIONS, "narrowed", "IngestQueue"),
        (PERMISSIONS, "reworded", "UploadsAccessLogsBucket"),
        (FINDINGS, "fixed", "ServerlessWorkflow/UploadsBucketC4B27CC7"),
    }
    bucket = text_of(review, MESSAGE_LOSS, "UploadsBucket")
    # BucketName is a createOnlyProperty of AWS::S3::Bucket: removing it replaces the bucket
    assert "is replaced: BucketName changes from serverlessworkflow-uploads-8c0ceb82" in bucket
    assert "retained outside the stack" in bucket  # UpdateReplacePolicy Retain
    widened = text_of(review, PERMISSIONS, "IngestQueue")
    assert (
        "s3.amazonaws.com may now send to **IngestQueue** when aws:SourceArn like "
        "arn:aws:s3:::serverlessworkflow-uploadsbucketc4b27cc7-*" in widened
    )
    assert (
        "s3.amazonaws.com may no longer send to **IngestQueue** when aws:SourceArn = "
        "arn:aws:s3:::serverlessworkflow-uploads-8c0ceb82-123456789012-us-east-1" in widened
    )
    # SP9 (a fixed name with DeletionPolicy Retain) is what the commit set out to fix
    (fixed,) = review.section(FINDINGS)
    assert fixed.text.startswith("SqsPatterns-SP9 ")


def test_the_age_alarm_commit_changes_one_alarm_from_one_period_to_seven() -> None:
    review = review_of(AGE_ALARM)
    assert entries(review) == {(OPERATIONS, "changed", "WorkersMessageAgeAlarm")}
    text = text_of(review, OPERATIONS, "WorkersMessageAgeAlarm")
    assert "EvaluationPeriods 1 → 7; DatapointsToAlarm (not set) → 7" in text
    assert review.failing([GATE_MESSAGE_LOSS, GATE_PERMISSIONS_WIDENED, GATE_FINDINGS]) == []


def test_the_fleet_scaling_commit_swaps_the_buffering_fleets_scaling_policies() -> None:
    review = review_of(FLEET_SCALING)
    assert entries(review) == {
        (OPERATIONS, "removed", "WorkersBacklogPerInstanceScaling"),
        (OPERATIONS, "removed", "WorkersScaleFromZero"),
        (OPERATIONS, "added", "WorkersArrivalsAndBacklogScaling"),
        (OPERATIONS, "added", "WorkersSetCapacity"),
        (OPERATIONS, "added", "WorkersScaleToZero"),
        (OPERATIONS, "added", "WorkersScaleInAlarm"),
        (OPERATIONS, "added", "WorkersScaleToZeroAlarm"),
        (OPERATIONS, "changed", "WorkersScaleFromZeroAlarm"),
        (OPERATIONS, "changed", "Dashboard"),
    }
    assert "target 120" in text_of(review, OPERATIONS, "WorkersBacklogPerInstanceScaling")
    assert "TargetTrackingScaling, target 1" in text_of(
        review, OPERATIONS, "WorkersArrivalsAndBacklogScaling"
    )
    assert "15 of 15 periods" in text_of(review, OPERATIONS, "WorkersScaleToZeroAlarm")
    assert "AlarmActions/0 WorkersScaleFromZero → WorkersSetCapacity" in text_of(
        review, OPERATIONS, "WorkersScaleFromZeroAlarm"
    )
    dashboard = text_of(review, OPERATIONS, "Dashboard")
    assert "widgets added: metric 'Instances needed per in-service instance vs target'" in (
        dashboard
    )
    assert "widgets removed: metric 'Backlog per instance vs target'" in dashboard
    assert not review.section(DELIVERY_PATHS) and not review.section(MESSAGE_LOSS)


def test_the_key_scoping_commit_narrows_cloudwatch_and_brings_a_new_finding() -> None:
    review = review_of(KEY_SCOPED)
    assert entries(review) == {
        (PERMISSIONS, "narrowed", "OperationsKey"),
        (FINDINGS, "new error", "Buffering/OperationsKey2329F47A"),
        (FINDINGS, "fixed", "Buffering/OperationsKey2329F47A"),
    }
    assert text_of(review, PERMISSIONS, "OperationsKey") == (
        "cloudwatch.amazonaws.com may no longer decrypt with and make data keys with "
        "**OperationsKey** with no condition."
    )
    new, fixed = (review.section(FINDINGS)[0], review.section(FINDINGS)[1])
    assert new.text.startswith("SqsPatterns-SP7 ") and new.gates == {GATE_FINDINGS}
    assert fixed.text.startswith("SqsPatterns-SP3 ")
    assert review.failing([GATE_PERMISSIONS_WIDENED, GATE_FINDINGS]) == [GATE_FINDINGS]


def test_the_registry_commit_changes_no_template_and_the_report_is_one_line() -> None:
    review = review_of(REGISTRY)
    assert review.identical
    report = markdown(review)
    assert report.count("\n") == 0
    assert report.startswith("**No effect**: ")
    assert "synthesize the same 125 resources in 4 stacks" in report


def test_a_change_of_no_class_is_listed_under_other_changes_only() -> None:
    review = review_of(ACCESS_LOGS)
    assert review.items == [] and not review.identical
    (line,) = review.other
    assert "UploadsAccessLogsBucket" in line and "OwnershipControls" in line
    assert "No effect on messages, delivery paths, permissions, operations" in markdown(review)
