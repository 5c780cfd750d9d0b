"""Assertion tests of BucketToQueue: the secure bucket, its native notification,
the policy's pattern of generated bucket names, foreign queues, the same policies
in a bare App(), and every validation rule."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import App, CfnParameter, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Annotations, Match, Template

from constructs_lib import BucketToQueue, ConstructOptionError, OptionCode, SecureQueue
from constructs_lib._queue_facts import QueueFacts
from constructs_lib.bucket_to_queue import S3_EVENT_NAMES, BucketToQueueOptions
from tests.option_problems import Reported, by_option
from tests.sources_synth import ACCOUNT, REGION, allow_statements_for, new_stack, resources

BUCKET = "AWS::S3::Bucket"


def bucket_props(stack: Stack, construct: BucketToQueue) -> dict[str, Any]:
    logical_id = stack.get_logical_id(construct.bucket.node.default_child)  # type: ignore[arg-type]
    return dict(Template.from_stack(stack).to_json()["Resources"][logical_id])


@pytest.fixture(scope="module")
def default() -> tuple[Stack, BucketToQueue, Template]:
    stack = new_stack("Uploads")
    construct = BucketToQueue(
        stack, "Csv", queue=SecureQueue(stack, "Q"), prefix="incoming/", suffix=".csv"
    )
    return stack, construct, Template.from_stack(stack)


def created_bucket(default: Any) -> dict[str, Any]:
    stack, construct, template = default
    logical_id = stack.get_logical_id(construct.bucket.node.default_child)
    return dict(template.to_json()["Resources"][logical_id])


def test_created_bucket_is_secure_by_default(default: Any) -> None:
    props = created_bucket(default)["Properties"]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"] == [
        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
    ]
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert props["LifecycleConfiguration"]["Rules"] == [
        {
            "Id": "ExpireOldVersions",
            "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
            "Status": "Enabled",
        }
    ]
    assert props["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}


def test_bucket_policies_deny_requests_without_tls(default: Any) -> None:
    _, _, template = default
    policies = resources(template, "AWS::S3::BucketPolicy")
    assert len(policies) == 2  # the bucket and its access-log bucket
    for policy in policies.values():
        assert any(
            st["Effect"] == "Deny" and st["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
            for st in policy["Properties"]["PolicyDocument"]["Statement"]
        )


def test_access_logs_go_to_a_created_log_bucket_that_expires_them(default: Any) -> None:
    stack, construct, template = default
    logs = construct.access_logs_bucket
    assert logs is not None and logs.node.id == "AccessLogsBucket"
    logs_id = stack.get_logical_id(logs.node.default_child)
    props = created_bucket(default)["Properties"]
    assert props["LoggingConfiguration"] == {
        "DestinationBucketName": {"Ref": logs_id},
        "LogFilePrefix": "access-logs/",
    }
    logs_resource = template.to_json()["Resources"][logs_id]
    logs_props = logs_resource["Properties"]
    (rule,) = logs_props["LifecycleConfiguration"]["Rules"]
    assert rule["ExpirationInDays"] == 90
    assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": 90}
    assert logs_props["VersioningConfiguration"] == {"Status": "Enabled"}
    # ACLs off: logs arrive through the bucket policy, as in a bare App()
    assert logs_props["OwnershipControls"] == {
        "Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]
    }
    # checkov's CKV_AWS_18 (access logs of the log bucket) is skipped with a reason
    (skip,) = logs_resource["Metadata"]["checkov"]["skip"]
    assert skip["id"] == "CKV_AWS_18" and "access-log target" in skip["comment"]


def test_notification_is_native_with_prefix_and_suffix(default: Any) -> None:
    stack, construct, template = default
    props = created_bucket(default)["Properties"]
    queue_id = stack.get_logical_id(construct.queue.node.default_child)
    assert props["NotificationConfiguration"] == {
        "QueueConfigurations": [
            {
                "Event": "s3:ObjectCreated:*",
                "Queue": {"Fn::GetAtt": [queue_id, "Arn"]},
                "Filter": {
                    "S3Key": {
                        "Rules": [
                            {"Name": "prefix", "Value": "incoming/"},
                            {"Name": "suffix", "Value": ".csv"},
                        ]
                    }
                },
            }
        ]
    }
    assert resources(template, "Custom::S3BucketNotifications") == {}
    assert resources(template, "AWS::Lambda::Function") == {}


def pattern_of(statement: dict[str, Any]) -> str:
    """The aws:SourceArn pattern of a statement, with the partition written out."""
    (joined,) = statement["Condition"]["ArnLike"].values()
    parts = joined["Fn::Join"][1] if isinstance(joined, dict) else [joined]
    return "".join("aws" if p == {"Ref": "AWS::Partition"} else p for p in parts)


def s3_statement(template: Template) -> dict[str, Any]:
    (st,) = allow_statements_for(template, "AWS::SQS::QueuePolicy", "s3.amazonaws.com")
    return st


def test_bucket_is_named_by_cloudformation_retained_and_waits_for_the_queue_policy(
    default: Any,
) -> None:
    """No BucketName: CloudFormation generates a fresh name at each create, so the
    same app deploys again after `cdk destroy` retained the old bucket."""
    stack, construct, template = default
    bucket = created_bucket(default)
    assert "BucketName" not in bucket["Properties"]
    assert bucket["DeletionPolicy"] == "Retain" and bucket["UpdateReplacePolicy"] == "Retain"
    (policy_id,) = [
        pid
        for pid, p in resources(template, "AWS::SQS::QueuePolicy").items()
        if p["Properties"]["Queues"]
        == [{"Ref": stack.get_logical_id(construct.queue.node.default_child)}]
    ]
    assert policy_id in bucket["DependsOn"]


def test_queue_policy_admits_the_generated_names_of_this_bucket_only(default: Any) -> None:
    stack, construct, template = default
    st = s3_statement(template)
    assert st["Action"] == "sqs:SendMessage"
    bucket_id = stack.get_logical_id(construct.bucket.node.default_child)
    # CloudFormation's generated name: <stack>-<logical id>-<random>, lower case
    assert pattern_of(st) == f"arn:aws:s3:::uploads-{bucket_id.lower()}-*"
    assert st["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}
    assert set(st["Condition"]) == {"ArnLike", "StringEquals"}
    # no reference to the bucket (it would close a cycle): only the partition's
    assert str(st["Condition"]).count("Ref") == str(st["Condition"]).count("AWS::Partition")


def test_long_stack_and_logical_ids_get_a_pattern_that_survives_truncation() -> None:
    """CloudFormation cuts both parts to fit 63 characters: the pattern keeps the
    first 20 characters of each (each keeps at least 24 in a generated name)."""
    stack = new_stack("VeryLongCompanyProductServerlessWorkflowStack")
    construct = BucketToQueue(stack, "IncomingPartnerUploads" * 3, queue=SecureQueue(stack, "Q"))
    bucket_id = stack.get_logical_id(construct.bucket.node.default_child)
    pattern = pattern_of(s3_statement(Template.from_stack(stack)))
    assert pattern == f"arn:aws:s3:::verylongcompanyprodu*-{bucket_id.lower()[:20]}*"


def test_an_overridden_logical_id_is_the_one_the_pattern_names() -> None:
    """Pinning a logical id (a refactoring keeps its bucket) keeps the policy true."""
    stack = new_stack("Uploads")
    construct = BucketToQueue(stack, "Csv", queue=SecureQueue(stack, "Q"))
    cfn_bucket = construct.bucket.node.default_child
    cfn_bucket.override_logical_id("KeptUploads")  # type: ignore[union-attr]
    pattern = pattern_of(s3_statement(Template.from_stack(stack)))
    assert pattern == "arn:aws:s3:::uploads-keptuploads-*"


def test_environment_agnostic_stack_scopes_to_the_deploying_account() -> None:
    stack = new_stack("Agnostic", env=False)
    construct = BucketToQueue(stack, "B", queue=SecureQueue(stack, "Q"))
    st = s3_statement(Template.from_stack(stack))
    bucket_id = stack.get_logical_id(construct.bucket.node.default_child)
    assert pattern_of(st) == f"arn:aws:s3:::agnostic-{bucket_id.lower()}-*"
    assert st["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}


def test_nested_stack_whose_name_is_generated_too_matches_on_the_logical_id() -> None:
    from aws_cdk import NestedStack

    parent = new_stack("Parent")
    nested = NestedStack(parent, "Ingest")
    construct = BucketToQueue(nested, "B", queue=SecureQueue(nested, "Q"))
    st = s3_statement(Template.from_stack(nested))
    bucket_id = nested.get_logical_id(construct.bucket.node.default_child)
    assert pattern_of(st) == f"arn:aws:s3:::*-{bucket_id.lower()[:20]}*"
    assert "BucketName" not in bucket_props(nested, construct)["Properties"]


def test_fixed_bucket_name_is_matched_exactly_and_warns_about_destroy_then_deploy() -> None:
    stack = new_stack()
    construct = BucketToQueue(stack, "B", queue=SecureQueue(stack, "Q"), bucket_name="my-uploads")
    template = Template.from_stack(stack)
    assert bucket_props(stack, construct)["Properties"]["BucketName"] == "my-uploads"
    st = s3_statement(template)
    assert set(st["Condition"]) == {"ArnEquals", "StringEquals"}
    assert "my-uploads" in str(st["Condition"]["ArnEquals"])
    Annotations.from_stack(stack).has_warning(
        "/Test/B",
        Match.string_like_regexp(
            "bucket_name='my-uploads' fixes the name.*retained.*BucketAlreadyExists"
        ),
    )


def test_options_event_types_name_and_no_logs_no_versioning() -> None:
    stack = new_stack()
    construct = BucketToQueue(
        stack,
        "B",
        queue=SecureQueue(stack, "Q"),
        event_types=[s3.EventType.OBJECT_CREATED_PUT, s3.EventType.OBJECT_REMOVED],
        bucket_name="my-uploads",
        versioned=False,
        access_logs_enabled=False,
    )
    props = bucket_props(stack, construct)["Properties"]
    assert props["BucketName"] == "my-uploads"
    events_ = [c["Event"] for c in props["NotificationConfiguration"]["QueueConfigurations"]]
    assert events_ == ["s3:ObjectCreated:Put", "s3:ObjectRemoved:*"]
    assert all("Filter" not in c for c in props["NotificationConfiguration"]["QueueConfigurations"])
    assert "VersioningConfiguration" not in props and "LoggingConfiguration" not in props
    assert construct.access_logs_bucket is None


def test_customer_managed_queue_key_lets_s3_in_scoped_the_same_way() -> None:
    stack = new_stack()
    BucketToQueue(stack, "B", queue=SecureQueue(stack, "Q", encryption=sqs.QueueEncryption.KMS))
    template = Template.from_stack(stack)
    (grant,) = allow_statements_for(template, "AWS::KMS::Key", "s3.amazonaws.com")
    assert sorted(grant["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey"]
    assert grant["Condition"] == s3_statement(template)["Condition"]


def test_existing_bucket_uses_the_custom_resource_and_says_so() -> None:
    stack = new_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "Existing", "legacy-bucket")
    construct = BucketToQueue(
        stack, "B", queue=SecureQueue(stack, "Q"), bucket=bucket, prefix="in/"
    )
    template = Template.from_stack(stack)
    assert construct.bucket is bucket
    notifications = resources(template, "Custom::S3BucketNotifications")
    (config,) = [n["Properties"]["NotificationConfiguration"] for n in notifications.values()]
    (queue_config,) = config["QueueConfigurations"]
    assert queue_config["Events"] == ["s3:ObjectCreated:*"]
    assert queue_config["Filter"] == {"Key": {"FilterRules": [{"Name": "prefix", "Value": "in/"}]}}
    Annotations.from_stack(stack).has_warning(
        "/Test/B", Match.string_like_regexp("Lambda-backed custom resource")
    )


def test_event_name_table_covers_every_s3_event_type() -> None:
    assert set(S3_EVENT_NAMES) == set(s3.EventType)
    assert all(name.startswith("s3:") for name in S3_EVENT_NAMES.values())


# (What each notification design costs: test_bucket_to_queue_naming.py.)


# --- validation --------------------------------------------------------------


def problems_of(**options: Any) -> dict[str, Reported]:
    stack = new_stack()
    resolved = {k: (v(stack) if callable(v) else v) for k, v in options.items()}
    resolved.setdefault("queue", SecureQueue(stack, "Default"))
    with pytest.raises(ConstructOptionError) as err:
        BucketToQueue(stack, "B", **resolved)
    return by_option(err.value)


def test_fifo_queue_is_rejected() -> None:
    problems = problems_of(queue=lambda s: SecureQueue(s, "Q", fifo=True))
    assert "cannot be sent to a FIFO queue" in problems["queue"]
    assert problems["queue"].code == OptionCode.S3_FIFO_QUEUE


def test_queue_on_aws_managed_key_is_rejected() -> None:
    problems = problems_of(
        queue=lambda s: SecureQueue(s, "Q", encryption=sqs.QueueEncryption.KMS_MANAGED)
    )
    assert "alias/aws/sqs" in problems["queue"] and "S3 would silently drop" in problems["queue"]
    assert problems["queue"].code == OptionCode.SQS_AWS_MANAGED_KEY_UNUSABLE


def test_no_event_types_is_rejected() -> None:
    problem = problems_of(event_types=[])["event_types"]
    assert "at least one" in problem
    assert problem.code == OptionCode.S3_NO_EVENT_TYPES


@pytest.mark.parametrize(
    "types",
    [
        [s3.EventType.OBJECT_CREATED, s3.EventType.OBJECT_CREATED_PUT],
        [s3.EventType.OBJECT_REMOVED_DELETE, s3.EventType.OBJECT_REMOVED],
        [s3.EventType.OBJECT_CREATED_PUT, s3.EventType.OBJECT_CREATED_PUT],
    ],
)
def test_overlapping_event_types_are_rejected(types: list[s3.EventType]) -> None:
    problem = problems_of(event_types=types)["event_types"]
    assert "must not overlap" in problem
    assert problem.code == OptionCode.S3_EVENT_TYPES_OVERLAP


@pytest.mark.parametrize("option", ["prefix", "suffix"])
def test_key_filters_have_s3s_length_limit(option: str) -> None:
    problems = problems_of(**{option: "k" * 1025})
    assert "1 to 1024 characters" in problems[option]
    assert problems[option].code == OptionCode.S3_KEY_FILTER_LENGTH


@pytest.mark.parametrize("name", ["Upper", "ab", "-start", "end-", "a..b", "x" * 64])
def test_bad_bucket_names_are_rejected(name: str) -> None:
    problem = problems_of(bucket_name=name)["bucket_name"]
    assert "lowercase" in problem
    assert problem.code == OptionCode.S3_BUCKET_NAME_INVALID


def test_a_bucket_name_known_only_at_deploy_is_rejected() -> None:
    problem = problems_of(bucket_name=lambda s: CfnParameter(s, "Name").value_as_string)[
        "bucket_name"
    ]
    assert "must be known at synth" in problem
    assert problem.code == OptionCode.S3_BUCKET_NAME_UNRESOLVED


def test_created_bucket_options_with_an_existing_bucket_are_rejected() -> None:
    problems = problems_of(
        bucket=lambda s: s3.Bucket.from_bucket_name(s, "E", "legacy"),
        bucket_name="other",
        versioned=False,
        access_logs_enabled=False,
    )
    assert set(problems) == {"bucket_name", "versioned", "access_logs_enabled"}
    assert all("leave it unset when bucket is given" in a for a in problems.values())
    assert {a.code for a in problems.values()} == {OptionCode.S3_BUCKET_OPTIONS_WITH_GIVEN_BUCKET}


def test_access_logs_bucket_needs_access_logs_enabled() -> None:
    problems = problems_of(
        access_logs_bucket=lambda s: s3.Bucket.from_bucket_name(s, "L", "logs"),
        access_logs_enabled=False,
    )
    assert "must be True" in problems["access_logs_enabled"]
    assert problems["access_logs_enabled"].code == (
        OptionCode.S3_ACCESS_LOGS_DISABLED_BUT_BUCKET_GIVEN
    )


# --- queues of another region or account (S3 notifies only same-region queues) ----


OTHER_REGION_QUEUE = "arn:aws:sqs:eu-west-1:123456789012:ingest"
OTHER_ACCOUNT_QUEUE = "arn:aws:sqs:us-east-1:999999999999:ingest"


def test_an_imported_queue_of_another_region_is_rejected() -> None:
    problems = problems_of(queue=lambda s: sqs.Queue.from_queue_arn(s, "Far", OTHER_REGION_QUEUE))
    assert problems["queue"] == (
        "is in region eu-west-1, the bucket in us-east-1: S3 sends event "
        "notifications only to a queue in the bucket's region"
    )
    assert problems["queue"].code == OptionCode.S3_QUEUE_IN_OTHER_REGION


def test_a_secure_queue_of_a_stack_in_another_region_is_rejected() -> None:
    from aws_cdk import Environment

    stack = new_stack()
    far = Stack(stack.node.root, "Far", env=Environment(account=ACCOUNT, region="eu-west-1"))
    with pytest.raises(
        ConstructOptionError, match="is in region eu-west-1, the bucket in us-east-1"
    ):
        BucketToQueue(stack, "B", queue=SecureQueue(far, "Q"))


def test_an_existing_bucket_of_another_region_than_its_queue_is_rejected() -> None:
    problems = problems_of(
        bucket=lambda s: s3.Bucket.from_bucket_attributes(
            s, "Far", bucket_name="far-uploads", region="eu-west-1"
        )
    )
    assert "is in region us-east-1, the bucket in eu-west-1" in problems["queue"]
    assert problems["queue"].code == OptionCode.S3_QUEUE_IN_OTHER_REGION


def test_a_queue_region_unknown_at_synth_is_left_to_deploy_time_with_a_warning() -> None:
    stack = new_stack("Agnostic", env=False)
    BucketToQueue(stack, "B", queue=sqs.Queue.from_queue_arn(stack, "Q", OTHER_REGION_QUEUE))
    Annotations.from_stack(stack).has_warning(
        "/Agnostic/B",
        Match.string_like_regexp("deploy this stack to eu-west-1: S3 sends event notifications"),
    )


def test_another_accounts_queue_gets_a_warning_with_the_statement_its_owner_must_add() -> None:
    stack = new_stack("Uploads")
    construct = BucketToQueue(
        stack, "B", queue=sqs.Queue.from_queue_arn(stack, "Q", OTHER_ACCOUNT_QUEUE)
    )
    bucket_id = stack.get_logical_id(construct.bucket.node.default_child)
    warnings = Annotations.from_stack(stack).find_warning("/Uploads/B", Match.any_value())
    (text,) = [w.entry.data for w in warnings]
    assert "is a queue of account 999999999999" in text
    assert "must allow sqs:SendMessage to the service principal s3.amazonaws.com" in text
    assert f'ArnLike aws:SourceArn "arn:aws:s3:::uploads-{bucket_id.lower()}-*"' in text
    assert 'StringEquals aws:SourceAccount "123456789012"' in text
    assert "kms:GenerateDataKey and kms:Decrypt" in text


def test_an_imported_queue_of_this_account_gets_the_same_statement_in_its_warning() -> None:
    stack = new_stack()
    BucketToQueue(
        stack,
        "B",
        queue=sqs.Queue.from_queue_arn(stack, "Q", "arn:aws:sqs:us-east-1:123456789012:q"),
        bucket_name="my-uploads",
    )
    Annotations.from_stack(stack).has_warning(
        "/Test/B",
        Match.string_like_regexp(
            'is imported: its queue policy .* ArnEquals aws:SourceArn "arn:aws:s3:::my-uploads"'
        ),
    )


def far_account_stack(stack: Stack) -> Stack:
    from aws_cdk import Environment

    return Stack(stack.node.root, "Far", env=Environment(account="999999999999", region=REGION))


def test_a_queue_of_another_accounts_stack_needs_an_explicit_name() -> None:
    """Without one, aws-cdk-lib raises its raw CannotUseCrossEnvironment at synth."""
    problems = problems_of(queue=lambda s: SecureQueue(far_account_stack(s), "Q"))
    assert problems["queue"].startswith(
        "is in stack Far of account 999999999999 and has no queue_name: a template "
        "names another account's queue only by an explicit name"
    )
    assert problems["queue"].code == OptionCode.S3_QUEUE_OF_OTHER_ACCOUNT_WITHOUT_NAME


def test_a_named_queue_of_another_accounts_stack_gets_the_statement_in_its_own_policy() -> None:
    stack = new_stack("Uploads")
    far = far_account_stack(stack)
    BucketToQueue(stack, "B", queue=SecureQueue(far, "Q", queue_name="ingest"))
    assembly = stack.node.root.synth()  # type: ignore[attr-defined]
    (st,) = allow_statements_for(
        Template.from_json(assembly.get_stack_by_name("Far").template),
        "AWS::SQS::QueuePolicy",
        "s3.amazonaws.com",
    )
    assert st["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}
    assert pattern_of(st).startswith("arn:aws:s3:::uploads-bbucket")
    assert "Far" in [d.id for d in assembly.get_stack_by_name("Uploads").dependencies]


# --- the same security in a bare App() as in the example app ---------------------


def security_variants(app: App) -> dict[str, Any]:
    """BucketToQueue with every option that creates a key, bucket or policy."""
    from aws_cdk import Environment

    stack = Stack(app, "Bare", env=Environment(account=ACCOUNT, region=REGION))
    BucketToQueue(stack, "Plain", queue=SecureQueue(stack, "Q1"))
    keyed = SecureQueue(stack, "Q2", encryption=sqs.QueueEncryption.KMS)
    BucketToQueue(stack, "Keyed", queue=keyed, prefix="in/")
    BucketToQueue(stack, "Named", queue=SecureQueue(stack, "Q3"), bucket_name="bare-uploads")
    existing = s3.Bucket(stack, "Existing", enforce_ssl=True)
    existing_queue = SecureQueue(stack, "Q4", encryption=sqs.QueueEncryption.KMS)
    BucketToQueue(stack, "OnExisting", queue=existing_queue, bucket=existing)
    return dict(app.synth().get_stack_by_name("Bare").template)


def normalized_policy_statements(template: dict[str, Any]) -> list[str]:
    """Resource-policy statements, with what only the flags' spelling changes
    (partition literal or reference, action order) made equal."""
    import json

    from tests.evidence.policy_rules import resource_policy_statements

    def norm(value: Any) -> Any:
        if isinstance(value, dict):
            if set(value) == {"Fn::Join"} and value["Fn::Join"][0] == "":
                parts = [
                    "aws" if p == {"Ref": "AWS::Partition"} else p for p in value["Fn::Join"][1]
                ]
                if all(isinstance(p, str) for p in parts):
                    return "".join(parts)
            return {k: norm(v) for k, v in value.items() if k != "Sid"}
        if isinstance(value, list):
            return sorted((norm(v) for v in value), key=json.dumps)
        return value

    return sorted(
        json.dumps([lid, norm(st)], sort_keys=True)
        for lid, _, st in resource_policy_statements(template)
    )


def test_a_bare_app_gets_the_example_apps_policies_and_passes_the_security_rules() -> None:
    from aws_cdk import App

    from tests.conftest import new_app
    from tests.evidence.policy_rules import (
        service_scope_findings,
        tls_only_findings,
        wildcard_action_findings,
    )

    bare = security_variants(App())
    flagged = security_variants(new_app())
    for rule in (tls_only_findings, service_scope_findings, wildcard_action_findings):
        assert rule(bare) == [], rule.__name__
    assert normalized_policy_statements(bare) == normalized_policy_statements(flagged)
    # access logs are delivered through a scoped bucket policy, never an ACL
    for resource in bare["Resources"].values():
        assert "AccessControl" not in resource.get("Properties", {}), resource


def test_an_existing_bucket_with_a_keyed_queue_scopes_every_s3_statement() -> None:
    stack = new_stack()
    existing = s3.Bucket(stack, "Existing", enforce_ssl=True)
    BucketToQueue(
        stack,
        "B",
        queue=SecureQueue(stack, "Q", encryption=sqs.QueueEncryption.KMS),
        bucket=existing,
    )
    template = Template.from_stack(stack)
    bucket_arn = {"Fn::GetAtt": [stack.get_logical_id(existing.node.default_child), "Arn"]}
    for rtype in ("AWS::SQS::QueuePolicy", "AWS::KMS::Key"):
        (st,) = allow_statements_for(template, rtype, "s3.amazonaws.com")
        assert st["Condition"] == {
            "ArnLike": {"aws:SourceArn": bucket_arn},
            "StringEquals": {"aws:SourceAccount": ACCOUNT},
        }, rtype
    (send,) = allow_statements_for(template, "AWS::SQS::QueuePolicy", "s3.amazonaws.com")
    assert send["Action"] == "sqs:SendMessage"


# --- issue 13: one queue type ---------------------------------------------------


def test_queue_is_the_iqueue_with_the_secure_queue_beside_it(default: Any) -> None:
    """`.queue` was the SecureQueue itself when one was passed (AttributeError on
    ``.queue.grant_send_messages``); it is the ``sqs.IQueue`` now."""
    _, construct, _ = default
    construct.queue.grant_send_messages(iam.AccountRootPrincipal())
    assert construct.secure_queue is not None and construct.queue is construct.secure_queue.queue


def test_a_plain_queue_has_no_secure_queue_beside_it() -> None:
    stack = new_stack()
    queue = sqs.Queue(stack, "Q")
    construct = BucketToQueue(stack, "B", queue=queue)
    assert (construct.queue, construct.secure_queue) == (queue, None)


def test_the_rules_are_a_table_that_needs_no_stack() -> None:
    options = BucketToQueueOptions(
        event_types=[s3.EventType.OBJECT_CREATED, s3.EventType.OBJECT_CREATED_PUT],
        prefix="",
        bucket_name="Bad_Name",
        access_logs_enabled=False,
    )
    assert [p.option for p in options.problems()] == ["event_types", "prefix", "bucket_name"]
    fifo = QueueFacts(path="Test/Q", fifo=True, aws_managed_key=True)
    assert [p.option for p in BucketToQueueOptions().queue_problems(fifo)] == ["queue", "queue"]
