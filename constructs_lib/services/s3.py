"""Amazon S3: a bucket's event notifications deliver into queues."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from constructs_lib.services._evidence import as_itself
from constructs_lib.services._model import (
    DELIVERY,
    ITSELF,
    SELF,
    Behaviour,
    Evidence,
    Link,
    Service,
    cut,
    items,
    mapping,
)

BUCKET_TYPE = "AWS::S3::Bucket"
#: aws-cdk-lib's custom resource for notifications of a bucket it does not create
CUSTOM_NOTIFICATIONS_TYPE = "Custom::S3BucketNotifications"

_S3_DESTINATIONS = Evidence(
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html",
    'the destination SQS queue ... "ArnLike": {"aws:SourceArn": "arn:aws:s3:*:*:bucket-name"}, '
    '"StringEquals": {"aws:SourceAccount": "bucket-owner-account-id"}',
)
_S3_SNS = Evidence(
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html",
    'the destination SNS topic ... "ArnLike": {"aws:SourceArn": "arn:aws:s3:*:*:bucket-name"}, '
    '"StringEquals": {"aws:SourceAccount": "bucket-owner-account-id"}',
)

_LOCATION = "Properties/NotificationConfiguration/QueueConfigurations"


def queue_configurations(bucket: Any, configuration: Any) -> Iterator[Link]:
    """A notification configuration's queues (``AWS::S3::Bucket`` writes ``Queue`` and
    ``Event``; the S3 API, which CDK's custom resource passes on, ``QueueArn`` and ``Events``)."""
    for index, raw in enumerate(items(mapping(configuration).get("QueueConfigurations"))):
        entry = mapping(raw)
        events = entry.get("Event", entry.get("Events", ""))
        events = ", ".join(events) if isinstance(events, list) else str(events)
        key_filter = mapping(entry.get("Filter"))
        rules = (
            mapping(key_filter.get("S3Key")).get("Rules")
            or mapping(key_filter.get("Key")).get("FilterRules")
            or []
        )
        filters = " ".join(
            f"{r.get('Name')}={r.get('Value')}" for r in items(rules) if isinstance(r, dict)
        )
        yield Link(
            DELIVERY,
            entry.get("Queue", entry.get("QueueArn")),
            f"{_LOCATION}/{index}",
            source=bucket,
            filter=entry.get("Filter"),
            label=cut(" ".join(x for x in (events.replace("s3:", ""), filters) if x)),
        )


def bucket(props: Mapping[str, Any]) -> Iterator[Link]:
    yield from queue_configurations(SELF, props.get("NotificationConfiguration"))


def custom_notifications(props: Mapping[str, Any]) -> Iterator[Link]:
    yield from queue_configurations(props.get("BucketName"), props.get("NotificationConfiguration"))


PRINCIPAL = "s3.amazonaws.com"
_BUCKET = ("the bucket's ARN", "the bucket's account")

_VALIDATES_DESTINATIONS = Behaviour(
    "s3-validates-destinations",
    "refuses",
    "S3 refuses a notification configuration whose queue or topic policy does not let "
    "it send (InvalidArgument: Unable to validate the following destination "
    "configurations)",
    Evidence(
        "https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html",
        "Amazon S3 ... first verifies that any Amazon Simple Notification Service (Amazon "
        "SNS) or Amazon Simple Queue Service (Amazon SQS) destination exists, and that the "
        "bucket owner has permission to publish to it by sending a test notification.",
    ),
)

S3 = Service(
    "s3", "S3", PRINCIPAL, ITSELF, "S3 bucket",
    readers={BUCKET_TYPE: bucket, CUSTOM_NOTIFICATIONS_TYPE: custom_notifications},
    nodes={BUCKET_TYPE: "bucket"},
    deliveries=(
        as_itself("s3-sqs", "S3 event notification -> SQS queue", PRINCIPAL, _BUCKET,
                  _S3_DESTINATIONS,
                  judged_by="the queue policy (also when the configuration is written)"),
        as_itself("s3-sns",
                  "S3 event notification -> SNS topic (checked when the configuration is written)",
                  PRINCIPAL, _BUCKET, _S3_SNS, action="sns:Publish", judged_by="the topic policy",
                  key_evidence=None),
    ),
    behaviours=(_VALIDATES_DESTINATIONS,),
    can_use_aws_managed_sqs_key=False,
)  # fmt: skip
