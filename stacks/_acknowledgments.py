"""Acknowledged checkov findings, written into the template with their reasons.

checkov reads ``Metadata.checkov.skip`` of a resource, so the reason travels
with the template: a reviewer reads it in the snapshot, and anybody who runs
checkov on the deployed template gets the same answer.
"""

from __future__ import annotations

from aws_cdk import CfnResource
from constructs import IConstruct

#: CloudWatch Logs encrypts every log group at rest with service keys; a
#: customer key would add a key policy for the Logs service to every group.
LOG_GROUP_SSE = "CloudWatch Logs encrypts log data at rest by default (service-owned keys)"


def skip_checkov(construct: IConstruct, reasons: dict[str, str]) -> None:
    """Adds checkov skips (check id -> reason) to the construct's CloudFormation resource."""
    resource = construct if isinstance(construct, CfnResource) else construct.node.default_child
    if not isinstance(resource, CfnResource):
        raise TypeError(f"{construct.node.path} has no CloudFormation resource to annotate")
    resource.add_metadata(
        "checkov", {"skip": [{"id": i, "comment": r} for i, r in sorted(reasons.items())]}
    )
