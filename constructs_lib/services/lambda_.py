"""AWS Lambda event-source mappings: a function consumes a queue, as its execution role."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from constructs_lib.services._model import AS_ROLE, CONSUMER, Link, Service

EVENT_SOURCE_MAPPING_TYPE = "AWS::Lambda::EventSourceMapping"


def event_source_mapping(props: Mapping[str, Any]) -> Iterator[Link]:
    """The mapping's queue -> its function (the consumer, for the checks: the mapping)."""
    label = f"batch {props['BatchSize']}" if "BatchSize" in props else ""
    if props.get("FilterCriteria"):
        label = ", ".join(x for x in (label, "filtered") if x)
    yield Link(
        CONSUMER,
        props.get("FunctionName"),
        "Properties/EventSourceArn",
        source=props.get("EventSourceArn"),
        filter=props.get("FilterCriteria"),
        label=label,
    )


LAMBDA = Service(
    # the mapping polls with the function's execution role
    "lambda", "Lambda", "lambda.amazonaws.com", AS_ROLE, "Lambda event-source mapping",
    readers={EVENT_SOURCE_MAPPING_TYPE: event_source_mapping},
    can_use_aws_managed_sqs_key=True,
)  # fmt: skip
