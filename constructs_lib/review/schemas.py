"""Which property changes make CloudFormation replace a resource: AWS's resource schemas.

The replacement semantics are not written here. They are the CloudFormation
resource schemas that cfn-lint bundles (``cfnlint/data/schemas/providers/
<region>.json``, read through ``cfnlint.schema.PROVIDER_SCHEMA_MANAGER``), the
same schemas the CloudFormation registry publishes. The CloudFormation CLI's
user guide ("Resource type schema") defines the two lists read here:

- ``createOnlyProperties``: "A list of JSON pointers to properties that are
  only able to be specified by the customer when creating a resource.
  Conversely, any property *not* in this list can be applied to an Update
  request." A change to one replaces the resource;
- ``conditionalCreateOnlyProperties``: "A list of JSON pointers for
  properties that can only be updated under certain conditions." A change to
  one may replace the resource: the review says "may".

The CloudFormation user guide ("Update behaviors of stack resources") says
what replacement is: "AWS CloudFormation recreates the resource during an
update, which also generates a new physical ID. AWS CloudFormation usually
creates the replacement resource first, changes references from other
dependent resources to point to the replacement resource, and then deletes
the old resource." Adding or removing such a property counts as a change too
(the same page: an update is triggered "if you add or remove a property that
requires replacement, even if the actual value doesn't change").

cfn-lint is the extra ``review`` (``pip install 'constructs-lib[review]'``);
it is imported on first use.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from constructs_lib.templates.references import is_intrinsic

#: The region whose schemas are read when a stack names none (environment-agnostic).
DEFAULT_REGION = "us-east-1"
_PREFIX = "/properties/"


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


#: The value at a JSON pointer a resource does not set.
ABSENT: Any = _Absent()


@dataclass(frozen=True)
class Replacing:
    """The properties of one resource type whose change replaces the resource."""

    resource_type: str
    #: JSON pointers below ``/properties/`` (``QueueName``, ``A/*/B``)
    always: tuple[str, ...]
    #: the same, for ``conditionalCreateOnlyProperties``
    conditionally: tuple[str, ...]
    #: False when no schema of this type is known (a custom resource, a new type)
    known: bool = True


def _pointers(schema: Mapping[str, Any], key: str) -> tuple[str, ...]:
    return tuple(p.removeprefix(_PREFIX) for p in schema.get(key) or () if p.startswith(_PREFIX))


@functools.cache
def replacing(resource_type: str, region: str | None = None) -> Replacing:
    """What replaces a resource of ``resource_type``, from its schema in ``region``."""
    manager = importlib.import_module("cfnlint.schema").PROVIDER_SCHEMA_MANAGER
    if (
        resource_type.startswith("Custom::")
        or resource_type == "AWS::CloudFormation::CustomResource"
    ):
        # Custom resources have no schema: their handler decides (a new physical id it returns).
        return Replacing(resource_type, (), (), known=False)
    for candidate in dict.fromkeys([region or DEFAULT_REGION, DEFAULT_REGION]):
        try:
            schema = manager.get_resource_schema(candidate, resource_type).schema
        except Exception:
            continue
        return Replacing(
            resource_type,
            _pointers(schema, "createOnlyProperties"),
            _pointers(schema, "conditionalCreateOnlyProperties"),
        )
    return Replacing(resource_type, (), (), known=False)


def values_at(properties: Mapping[str, Any], pointer: str) -> Iterator[tuple[str, Any]]:
    """(concrete path, value) of each place ``pointer`` names (``*``: every list item);
    `ABSENT` where the resource does not set it."""
    yield from _walk(properties, pointer.split("/"), "")


def _walk(value: Any, parts: list[str], where: str) -> Iterator[tuple[str, Any]]:
    if not parts:
        yield where, value
        return
    if is_intrinsic(value):
        # an Fn::If or a token above the pointer: the intrinsic itself is what changes
        yield where, value
        return
    head, rest = parts[0], parts[1:]
    if head == "*":
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield from _walk(item, rest, f"{where}/{index}" if where else str(index))
        return
    if isinstance(value, Mapping) and head in value:
        yield from _walk(value[head], rest, f"{where}/{head}" if where else head)
    elif "*" not in rest:
        yield (f"{where}/{'/'.join(parts)}" if where else "/".join(parts)), ABSENT
