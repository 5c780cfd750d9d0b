from __future__ import annotations

import json
from typing import Any

import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from botocore.exceptions import ClientError

from constructs_lib_testing import (
    ResourceVerificationError,
    deploy_template,
    logical_id_of,
    verify_resources,
)
from constructs_lib_testing.adapters import MODELS, s3_bucket_policy
from tests.constructs_lib_testing.support import new_stack, template_of


@pytest.fixture(scope="module")
def stack() -> tuple[dict[str, Any], str]:
    s = new_stack()
    bucket = s3.Bucket(s, "Bucket", enforce_ssl=True)
    return template_of(s), logical_id_of(bucket)


def test_is_registered() -> None:
    assert MODELS["AWS::S3::BucketPolicy"] is s3_bucket_policy.S3BucketPolicy


def test_bucket_gets_the_policy(moto: None, stack: Any) -> None:
    template, bucket_id = stack
    deployed = deploy_template(template)
    name = deployed.physical_id(bucket_id)
    policy = json.loads(deployed.client("s3").get_bucket_policy(Bucket=name)["Policy"])
    (statement,) = policy["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert statement["Resource"] == [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"]


def test_verify_reports_a_deleted_policy(moto: None, stack: Any) -> None:
    template, bucket_id = stack
    deployed = deploy_template(template)
    deployed.client("s3").delete_bucket_policy(Bucket=deployed.physical_id(bucket_id))
    with pytest.raises(ResourceVerificationError, match="has no policy"):
        verify_resources(deployed)


def test_tls_only_statement_does_not_block_boto3s_https_requests(moto: None, stack: Any) -> None:
    """moto alone would apply the conditional Deny to every request."""
    template, bucket_id = stack
    deployed = deploy_template(template)
    name = deployed.physical_id(bucket_id)
    deployed.client("s3").put_object(Bucket=name, Key="k", Body=b"v")
    assert deployed.client("s3").get_object(Bucket=name, Key="k")["Body"].read() == b"v"


def test_other_deny_statements_still_apply(moto: None) -> None:
    s = new_stack()
    bucket = s3.Bucket(s, "Locked", enforce_ssl=True)
    bucket.add_to_resource_policy(
        iam.PolicyStatement(
            effect=iam.Effect.DENY,
            principals=[iam.AnyPrincipal()],
            actions=["s3:PutObject"],
            resources=[bucket.arn_for_objects("*")],
        )
    )
    deployed = deploy_template(template_of(s))
    with pytest.raises(ClientError, match="Forbidden"):
        deployed.client("s3").put_object(
            Bucket=deployed.physical_id(logical_id_of(bucket)), Key="k", Body=b"v"
        )
