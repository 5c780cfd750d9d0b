"""SP9: a bucket named at synth, kept when its stack is destroyed.

``s3.Bucket`` keeps its bucket by default (``RemovalPolicy.RETAIN``). With
``bucket_name`` fixed, ``cdk destroy`` then ``cdk deploy`` fails: the
retained bucket still holds the name (BucketAlreadyOwnedByYou / already
exists). Corrected: CloudFormation names the bucket.
"""

from __future__ import annotations

from aws_cdk import App, Aws, Stack
from aws_cdk import aws_s3 as s3

from tests.constructs_lib.checks.reproductions import ENV, new_plain_app


def build(*, fixed: bool, outdir: str | None = None) -> App:
    app = new_plain_app(outdir)
    stack = Stack(app, "Sp9", env=ENV)
    name = None if fixed else f"uploads-{Aws.ACCOUNT_ID}-{Aws.REGION}"
    s3.Bucket(
        stack,
        "Uploads",
        bucket_name=name,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        enforce_ssl=True,
    )
    return app
