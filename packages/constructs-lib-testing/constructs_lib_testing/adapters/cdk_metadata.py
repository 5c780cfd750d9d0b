"""``AWS::CDK::Metadata``: the CDK CLI adds it; moto 5.2.5's CloudFormation skips it.

In AWS it is a real, inert resource that only records which constructs a stack
uses (``Template.from_stack`` does not add it; ``cdk synth`` does, under the
condition ``CDKMetadataAvailable``). Here it is registered as the same inert
resource, so a template from cdk.out deploys with every resource accounted for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from constructs_lib_testing.adapters._model import Adapter, AdapterModel

if TYPE_CHECKING:
    from constructs_lib_testing.deployed_stack import DeployedStack


class CdkMetadata(AdapterModel):
    """Inert: nothing to create, nothing to check beyond its stack entry."""

    CFN_TYPE = "AWS::CDK::Metadata"

    def apply(self) -> None:
        pass

    def remove(self) -> None:
        pass

    @classmethod
    def verify(
        cls, deployed: DeployedStack, logical_id: str, resource: dict[str, Any]
    ) -> list[str]:
        # The stack-resource entry (checked before verify runs) is all there is.
        return []


ADAPTER = Adapter.realizing(CdkMetadata, "inert, as in AWS")
