"""SP8: a key policy that names the Auto Scaling service-linked role.

EC2 Auto Scaling's guide for encrypted volumes puts
``AWSServiceRoleForAutoScaling`` in the key policy. That role exists only
after the account's first Auto Scaling group: in a fresh account KMS
refuses the policy (MalformedPolicyDocumentException) and the deploy fails.
Corrected: the app creates its own service-linked role (a custom suffix),
and the key names that one, so CloudFormation creates the role first.
"""

from __future__ import annotations

from aws_cdk import App, Aws, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms

from tests.constructs_lib.checks.reproductions import ENV, new_plain_app

_ROLE_PATH = "aws-service-role/autoscaling.amazonaws.com"


def build(*, fixed: bool, outdir: str | None = None) -> App:
    app = new_plain_app(outdir)
    stack = Stack(app, "Sp8", env=ENV)
    key = kms.Key(stack, "VolumesKey", enable_key_rotation=True)
    if fixed:
        role = iam.CfnServiceLinkedRole(
            stack,
            "AutoScalingRole",
            aws_service_name="autoscaling.amazonaws.com",
            custom_suffix="workers",
        )
        role_name = role.ref
    else:
        role_name = "AWSServiceRoleForAutoScaling"
    role_arn = f"arn:{Aws.PARTITION}:iam::{Aws.ACCOUNT_ID}:role/{_ROLE_PATH}/{role_name}"
    key.grant(iam.ArnPrincipal(role_arn), "kms:Decrypt", "kms:GenerateDataKey*", "kms:CreateGrant")
    return app
