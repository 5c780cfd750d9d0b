"""SP10: a native S3 notification that CloudFormation may write before the queue policy.

aws-cdk#3067: a bucket whose notification names the queue, and a queue
policy that names the bucket, form a cycle when wired by reference; the
hand-written escape is a queue policy naming the bucket by its (fixed) name
and a bucket ``NotificationConfiguration`` set on the L1. Nothing then
orders the two, and S3 validates the destination when the notification is
written: "Unable to validate the following destination configurations".
Corrected: the bucket depends on the queue policy.
"""

from __future__ import annotations

from typing import cast

from aws_cdk import App, Aws, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.reproductions import ENV, new_plain_app


def build(*, fixed: bool, outdir: str | None = None) -> App:
    app = new_plain_app(outdir)
    stack = Stack(app, "Sp10", env=ENV)
    name = f"reports-{Aws.ACCOUNT_ID}-{Aws.REGION}"
    ingest = sqs.Queue(stack, "Ingest", enforce_ssl=True)
    ingest.add_to_resource_policy(
        iam.PolicyStatement(
            actions=["sqs:SendMessage"],
            principals=[iam.ServicePrincipal("s3.amazonaws.com")],
            resources=[ingest.queue_arn],
            conditions={
                "ArnEquals": {"aws:SourceArn": f"arn:{Aws.PARTITION}:s3:::{name}"},
                "StringEquals": {"aws:SourceAccount": Aws.ACCOUNT_ID},
            },
        )
    )
    reports = s3.Bucket(stack, "Reports", bucket_name=name, removal_policy=RemovalPolicy.DESTROY)
    cfn_bucket = cast(s3.CfnBucket, reports.node.default_child)
    cfn_bucket.notification_configuration = {
        "queueConfigurations": [{"event": "s3:ObjectCreated:*", "queue": ingest.queue_arn}]
    }
    if fixed:
        # The QueuePolicy that add_to_resource_policy created.
        cfn_bucket.node.add_dependency(ingest.node.find_child("Policy"))
    return app
