"""Part ``principals``: policies naming IAM roles or users that do not exist are refused.

KMS answers ``MalformedPolicyDocumentException`` ("Policy contains a statement
with one or more invalid principals"), IAM ``MalformedPolicyDocument``
("Invalid principal in policy"); moto accepted both before.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from constructs_lib_testing.strict import StrictAccount
from tests.constructs_lib_testing.strict.support import ACCOUNT, ROOT, client, policy

pytestmark = pytest.mark.runtime

SLR = (
    f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/autoscaling.amazonaws.com/"
    "AWSServiceRoleForAutoScaling"
)
TRUST_EC2 = policy(
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
)


@pytest.fixture(autouse=True)
def moto() -> Any:
    with mock_aws():
        yield


def key_policy_naming(*principals: str) -> str:
    return json.dumps(
        policy(
            {"Effect": "Allow", "Principal": {"AWS": ROOT}, "Action": "kms:*", "Resource": "*"},
            {
                "Effect": "Allow",
                "Principal": {"AWS": list(principals)},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                "Resource": "*",
            },
        )
    )


def test_create_key_naming_a_missing_role_is_refused(strict_account: StrictAccount) -> None:
    with pytest.raises(ClientError) as refused:
        client("kms").create_key(Policy=key_policy_naming(f"arn:aws:iam::{ACCOUNT}:role/ghost"))
    error = refused.value.response["Error"]
    assert error["Code"] == "MalformedPolicyDocumentException"
    assert "one or more invalid principals" in error["Message"]
    assert f"arn:aws:iam::{ACCOUNT}:role/ghost" in error["Message"]


def test_create_key_naming_existing_roles_users_and_the_account_is_accepted(
    strict_account: StrictAccount,
) -> None:
    iam = client("iam")
    role = iam.create_role(RoleName="worker", AssumeRolePolicyDocument=json.dumps(TRUST_EC2))
    user = iam.create_user(UserName="ana")
    client("kms").create_key(
        Policy=key_policy_naming(role["Role"]["Arn"], user["User"]["Arn"], ACCOUNT, ROOT)
    )


def test_put_key_policy_naming_a_missing_user_is_refused(strict_account: StrictAccount) -> None:
    kms = client("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError, match="MalformedPolicyDocumentException"):
        kms.put_key_policy(
            KeyId=key_id,
            PolicyName="default",
            Policy=key_policy_naming(f"arn:aws:iam::{ACCOUNT}:user/nobody"),
        )


def test_the_autoscaling_service_linked_role_exists_only_after_the_first_group(
    strict_account: StrictAccount,
) -> None:
    with pytest.raises(ClientError, match="MalformedPolicyDocumentException"):
        client("kms").create_key(Policy=key_policy_naming(SLR))
    ec2 = client("ec2")
    subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
    client("autoscaling").create_launch_configuration(
        LaunchConfigurationName="lc", ImageId="ami-12c6146b", InstanceType="t3.micro"
    )
    client("autoscaling").create_auto_scaling_group(
        AutoScalingGroupName="first",
        LaunchConfigurationName="lc",
        MinSize=0,
        MaxSize=1,
        VPCZoneIdentifier=subnet,
    )
    assert client("iam").get_role(RoleName="AWSServiceRoleForAutoScaling")["Role"]["Arn"] == SLR
    client("kms").create_key(Policy=key_policy_naming(SLR))


def test_a_trust_policy_naming_a_missing_role_is_refused(strict_account: StrictAccount) -> None:
    trust = policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/ghost"},
            "Action": "sts:AssumeRole",
        }
    )
    with pytest.raises(ClientError) as refused:
        client("iam").create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(trust))
    assert refused.value.response["Error"]["Code"] == "MalformedPolicyDocument"
    assert "Invalid principal in policy" in refused.value.response["Error"]["Message"]
    iam = client("iam")
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=json.dumps(TRUST_EC2))
    with pytest.raises(ClientError, match="MalformedPolicyDocument"):
        iam.update_assume_role_policy(RoleName="r", PolicyDocument=json.dumps(trust))


@pytest.mark.lenient_account("principals")
def test_with_the_part_off_moto_accepts_them_as_before(strict_account: StrictAccount) -> None:
    client("kms").create_key(Policy=key_policy_naming(f"arn:aws:iam::{ACCOUNT}:role/ghost"))
