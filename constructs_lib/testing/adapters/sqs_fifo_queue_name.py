"""``AWS::SQS::Queue``: a FIFO queue without ``QueueName`` gets a ``.fifo`` name.

AWS CloudFormation generates ``<stack>-<logical id>-<suffix>.fifo`` for a FIFO
queue without an explicit name (SQS requires the suffix). moto 5.2.5 generates
the name without the suffix and then rejects its own name ("Queue name must end
in .fifo for FIFO queues"). This override of moto's own queue model adds the
suffix, keeping the name within SQS's 80 characters. Its update applies every
mutable property and the tags (moto's applies two properties only). It is an
override, not an adapter: moto reports the queue in the stack itself.
"""

from __future__ import annotations

import json
from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.sqs.models import Queue, sqs_backends

from constructs_lib.testing.adapters._base import register_model

_FIFO_SUFFIX = ".fifo"
_MAX_QUEUE_NAME = 80
_MUTABLE_ATTRIBUTES = frozenset(
    {
        "ContentBasedDeduplication",
        "DeduplicationScope",
        "DelaySeconds",
        "FifoThroughputLimit",
        "KmsDataKeyReusePeriodSeconds",
        "KmsMasterKeyId",
        "MaximumMessageSize",
        "MessageRetentionPeriod",
        "ReceiveMessageWaitTimeSeconds",
        "RedriveAllowPolicy",
        "RedrivePolicy",
        "SqsManagedSseEnabled",
        "VisibilityTimeout",
    }
)


def fifo_queue_name(generated_name: str) -> str:
    """The generated name with the ``.fifo`` suffix, at most 80 characters."""
    base = generated_name.removesuffix(_FIFO_SUFFIX)
    return base[: _MAX_QUEUE_NAME - len(_FIFO_SUFFIX)] + _FIFO_SUFFIX


@register_model
class FifoNamingQueue(Queue, CloudFormationModel):
    """moto's ``Queue`` model, naming generated FIFO queues as AWS does."""

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Queue:
        properties = cloudformation_json.get("Properties") or {}
        is_fifo = str(properties.get("FifoQueue", "false")).lower() == "true"
        if is_fifo and "QueueName" not in properties:
            resource_name = fifo_queue_name(str(resource_name))
        return super().create_from_cloudformation_json(
            resource_name, cloudformation_json, account_id, region_name, **kwargs
        )

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
    ) -> Queue:
        """Applies every mutable property in place, as AWS does.

        moto's own update applies only VisibilityTimeout and
        ReceiveMessageWaitTimeSeconds: a changed retention, redrive policy,
        encryption setting or tag deployed as "UPDATE_COMPLETE" and changed
        nothing. (Immutable properties, QueueName and FifoQueue, need a
        replacement in AWS and are left alone here.)
        """
        properties = cloudformation_json.get("Properties") or {}
        backend = sqs_backends[account_id][region_name]
        queue = backend.get_queue(original_resource.name)
        attributes = {
            name: json.dumps(value) if isinstance(value, dict) else value
            for name, value in properties.items()
            if name in _MUTABLE_ATTRIBUTES
        }
        # moto's setter clears the queue policy unless it is passed along.
        attributes["Policy"] = queue.policy
        queue._set_attributes(attributes)
        tags = {t["Key"]: t["Value"] for t in properties.get("Tags", [])}
        if tags:
            backend.tag_queue(queue.name, tags)
        return queue
