"""Acknowledged checkov findings, written into the template with their reasons.

checkov reads ``Metadata.checkov.skip`` of a resource, so the reason travels
with the template: a reviewer reads it in a snapshot, and anybody who runs
checkov on the deployed template gets the same answer. `skip_checkov` is the
one writer of that metadata, for the constructs and for your stacks alike:
each call adds to the skips a resource has (one entry per check id, sorted).

Example::

    skip_checkov(flow_log_group, {"CKV_AWS_158": LOG_GROUP_SSE})
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aws_cdk import CfnResource
from constructs import IConstruct

__all__ = ["LOG_GROUP_SSE", "skip_checkov"]

#: CloudWatch Logs encrypts every log group at rest with service keys; a
#: customer key would add a key policy for the Logs service to every group.
LOG_GROUP_SSE = "CloudWatch Logs encrypts log data at rest by default (service-owned keys)"


def skip_checkov(construct: IConstruct, reasons: Mapping[str, str]) -> None:
    """Adds checkov skips (check id -> reason) to ``construct``'s CloudFormation
    resource (itself, or its default child).

    :raises TypeError: ``construct`` has no CloudFormation resource.
    :raises ValueError: a check is skipped again with another reason.
    """
    resource = construct if isinstance(construct, CfnResource) else construct.node.default_child
    if not isinstance(resource, CfnResource):
        raise TypeError(f"{construct.node.path} has no CloudFormation resource to annotate")
    skips = {entry["id"]: entry["comment"] for entry in _skips(resource)}
    for check, reason in reasons.items():
        if skips.get(check, reason) != reason:
            raise ValueError(
                f"{construct.node.path}: {check} is skipped already, for another reason: "
                f"{skips[check]!r}"
            )
        skips[check] = reason
    resource.add_metadata(
        "checkov", {"skip": [{"id": i, "comment": r} for i, r in sorted(skips.items())]}
    )


def _skips(resource: CfnResource) -> list[dict[str, Any]]:
    metadata = resource.get_metadata("checkov")
    return list(metadata.get("skip", [])) if isinstance(metadata, dict) else []
