"""``AWS::S3::Bucket``: the properties moto 5.2.5's CloudFormation ignores.

moto creates the bucket with its ``BucketEncryption`` and ``Tags`` only; it
drops ``NotificationConfiguration`` (so nothing is ever sent),
``VersioningConfiguration`` and ``PublicAccessBlockConfiguration``. While the
adapters are active, moto's bucket model creates (or updates) the bucket as
it does, then applies those through moto's S3 backend:

- ``NotificationConfiguration``: queue, topic and Lambda configurations with
  their key filters, and the EventBridge switch. As in AWS, S3 then sends an
  ``s3:TestEvent`` message to each queue or topic.
- ``VersioningConfiguration`` and ``PublicAccessBlockConfiguration``.

Still ignored (stored nowhere, not checked): lifecycle rules, access logging,
object ownership. Upstream, the same calls belong at the end of moto's
``FakeBucket.create_from_cloudformation_json`` and
``update_from_cloudformation_json``.
"""

from __future__ import annotations

from typing import Any

from moto.s3.models import FakeBucket, s3_backends
from moto.utilities.utils import get_partition

from constructs_lib_testing.activation import MotoPatch
from constructs_lib_testing.adapters._model import Adapter, finishing

#: CloudFormation list property -> (moto's configuration key, ARN key in both).
_DESTINATIONS = {
    "QueueConfigurations": ("QueueConfiguration", "Queue", "Queue"),
    "TopicConfigurations": ("TopicConfiguration", "Topic", "Topic"),
    "LambdaConfigurations": ("CloudFunctionConfiguration", "Function", "CloudFunction"),
}


def moto_notification_config(cfn: dict[str, Any]) -> dict[str, Any]:
    """CloudFormation's ``NotificationConfiguration`` in the shape moto's S3 API parses."""
    config: dict[str, Any] = {}
    for cfn_key, (moto_key, cfn_arn_key, moto_arn_key) in _DESTINATIONS.items():
        entries = []
        for entry in cfn.get(cfn_key, []):
            converted: dict[str, Any] = {
                moto_arn_key: entry[cfn_arn_key],
                "Event": [entry["Event"]],
            }
            rules = entry.get("Filter", {}).get("S3Key", {}).get("Rules", [])
            if rules:
                converted["Filter"] = {
                    "S3Key": {
                        "FilterRule": [{"Name": r["Name"], "Value": r["Value"]} for r in rules]
                    }
                }
            entries.append(converted)
        if entries:
            config[moto_key] = entries
    if cfn.get("EventBridgeConfiguration", {}).get("EventBridgeEnabled") in (True, "true"):
        config["EventBridgeConfiguration"] = {}
    return config


def _apply_notifications(
    bucket: FakeBucket, cloudformation_json: Any, account_id: str, region_name: str
) -> None:
    properties = cloudformation_json.get("Properties") or {}
    backend = s3_backends[account_id][get_partition(region_name)]
    versioning = properties.get("VersioningConfiguration")
    if versioning:
        backend.put_bucket_versioning(bucket.name, versioning["Status"])
    public_access_block = properties.get("PublicAccessBlockConfiguration")
    if public_access_block:
        backend.put_public_access_block(bucket.name, public_access_block)
    cfn = properties.get("NotificationConfiguration")
    backend.put_bucket_notification_configuration(
        bucket.name, moto_notification_config(cfn) if cfn else {}
    )


#: moto's create and update of a bucket, then `_apply_notifications`.
_CREATE, _UPDATE = finishing(_apply_notifications)

ADAPTER = Adapter(
    name="s3_bucket_properties",
    resource_types=("AWS::S3::Bucket",),
    mends="NotificationConfiguration (queues, topics, functions, EventBridge), "
    "VersioningConfiguration and PublicAccessBlockConfiguration applied",
    patches=(
        MotoPatch("moto.s3.models:FakeBucket.create_from_cloudformation_json", _CREATE),
        MotoPatch("moto.s3.models:FakeBucket.update_from_cloudformation_json", _UPDATE),
    ),
    relies_on=(
        "moto.s3.models:s3_backends",
        "moto.s3.models:S3Backend.put_bucket_versioning",
        "moto.s3.models:S3Backend.put_public_access_block",
        "moto.s3.models:S3Backend.put_bucket_notification_configuration",
        "moto.s3.models:FakeBucket#name",
        "moto.utilities.utils:get_partition",
    ),
    upstream="FakeBucket.create/update_from_cloudformation_json: apply notifications, "
    "versioning and the public access block",
)
