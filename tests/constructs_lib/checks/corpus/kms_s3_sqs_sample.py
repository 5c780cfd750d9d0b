"""S3 -> SQS with one customer key for both (ryparker/aws-cdk-python-sample-kms).

The original: one customer-managed key encrypting a bucket named at synth
(kept on destroy) and a named queue; ``SqsDestination`` notifies the queue;
the key grant that ``grant_send_messages`` scopes to the bucket made a
dependency cycle, so the app deletes that statement with an escape hatch,
leaving SqsDestination's own unconditioned key statement for
``s3.amazonaws.com``. The app's cdk.json sets none of the flags that matter.
"""

from __future__ import annotations

from aws_cdk import App, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as notifications
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.corpus import Judged, Source

SOURCE = Source(
    "ryparker/aws-cdk-python-sample-kms", "", "36ce7bd52285ca170b881fb4f87a4554c0138cdd"
)
ON_ORIGINAL = ("SP3", "SP9")
FEATURE_FLAGS = False


def build(app: App) -> None:
    stack = Stack(app, "KmsSample")
    key_policy = iam.PolicyDocument(
        statements=[
            iam.PolicyStatement(
                actions=["kms:*"], resources=["*"], principals=[iam.AccountRootPrincipal()]
            )
        ]
    )
    key = kms.Key(stack, "Key", alias="sample-s3-sqs", enable_key_rotation=True, policy=key_policy)
    bucket = s3.Bucket(
        stack,
        "Raw",
        bucket_name="sample-kms-raw",
        encryption=s3.BucketEncryption.KMS,
        encryption_key=key,
    )
    queue = sqs.Queue(
        stack,
        "Events",
        queue_name="sample-kms-events",
        encryption=sqs.QueueEncryption.KMS,
        encryption_master_key=key,
    )
    bucket.add_event_notification(
        s3.EventType.OBJECT_CREATED,
        notifications.SqsDestination(queue),
        s3.NotificationKeyFilter(prefix="home/"),
    )
    cfn_key = key.node.default_child
    assert isinstance(cfn_key, kms.CfnKey)
    cfn_key.add_property_deletion_override("KeyPolicy.Statement.1")  # as the original does


JUDGED = (
    Judged(
        "SP9",
        "KmsSample/Raw/Resource",
        True,
        "a bucket named at synth and kept on destroy: the next deploy finds the name taken",
    ),
    Judged(
        "SP3",
        "KmsSample/Key/Resource",
        True,
        "SqsDestination's key statement lets s3.amazonaws.com use the key for any bucket "
        "(advisory: a confused-deputy risk)",
    ),
)
