"""``AWS::SQS::Queue``: a FIFO queue without ``QueueName`` gets a ``.fifo`` name.

AWS CloudFormation generates ``<stack>-<logical id>-<suffix>.fifo`` for a FIFO
queue without an explicit name (SQS requires the suffix). moto 5.2.5 generates
the name without the suffix and then rejects its own name ("Queue name must end
in .fifo for FIFO queues"). This override of moto's own queue model adds the
suffix, keeping the name within SQS's 80 characters, while the adapters are
active. Its update then applies every mutable property and the tags (moto's
applies two properties only). Upstream, both are changes to moto's ``Queue``
model: the suffix in ``create_from_cloudformation_json`` (moto's parser
generates names without looking at properties), and `_update_queue` as its
``update_from_cloudformation_json``.
"""

from __future__ import annotations

import json
from typing import Any

from moto.sqs.models import Queue, sqs_backends

from constructs_lib_testing.activation import MotoPatch
from constructs_lib_testing.adapters._model import Adapter, preparing_create, tags_of

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


def _fifo_name(resource_name: str, cloudformation_json: Any) -> tuple[str, Any]:
    properties = cloudformation_json.get("Properties") or {}
    is_fifo = str(properties.get("FifoQueue", "false")).lower() == "true"
    if is_fifo and "QueueName" not in properties:
        return fifo_queue_name(str(resource_name)), cloudformation_json
    return resource_name, cloudformation_json


def _update_queue(
    cls: Any,
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
    backend.set_queue_attributes(queue.name, attributes)
    tags = tags_of(properties)
    if tags:
        backend.tag_queue(queue.name, tags)
    return queue


ADAPTER = Adapter(
    name="sqs_fifo_queue_name",
    resource_types=("AWS::SQS::Queue",),
    mends="an unnamed FIFO queue gets a generated name ending in .fifo; an update "
    "applies every mutable property and the tags",
    patches=(
        MotoPatch(
            "moto.sqs.models:Queue.create_from_cloudformation_json", preparing_create(_fifo_name)
        ),
        MotoPatch(
            "moto.sqs.models:Queue.update_from_cloudformation_json",
            lambda _moto_s: _update_queue,
            relies_on=(
                "moto.sqs.models:sqs_backends",
                "moto.sqs.models:SQSBackend.get_queue",
                "moto.sqs.models:SQSBackend.set_queue_attributes",
                "moto.sqs.models:SQSBackend.tag_queue",
                "moto.sqs.models:Queue.policy",
                "moto.sqs.models:Queue.name",
            ),
        ),
    ),
    upstream="Queue.create_from_cloudformation_json: a generated FIFO name ends in .fifo; "
    "Queue.update_from_cloudformation_json: apply every mutable attribute and the tags",
)
