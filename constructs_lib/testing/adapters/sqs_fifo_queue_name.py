"""``AWS::SQS::Queue``: a FIFO queue without ``QueueName`` gets a ``.fifo`` name.

AWS CloudFormation generates ``<stack>-<logical id>-<suffix>.fifo`` for a FIFO
queue without an explicit name (SQS requires the suffix). moto 5.2.5 generates
the name without the suffix and then rejects its own name ("Queue name must end
in .fifo for FIFO queues"). This override of moto's own queue model adds the
suffix, keeping the name within SQS's 80 characters, and changes nothing else.
It is an override, not an adapter: moto reports the queue in the stack itself.
"""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.sqs.models import Queue

from constructs_lib.testing.adapters._base import register_model

_FIFO_SUFFIX = ".fifo"
_MAX_QUEUE_NAME = 80


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
