"""``AWS::EC2::VPCEndpoint``, ``FlowLog`` and ``RouteTable``: deletable with their stack.

moto 5.2.5's models of these types have no ``delete_from_cloudformation_json``:
deleting a stack leaves the endpoints (with their network interfaces), the
flow log and the subnets' route tables behind, and the stack's VPC then fails
to delete ("has dependencies").
These overrides of moto's own models delete them as CloudFormation does.
They are overrides, not adapters: moto creates these types itself.
"""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.ec2.models import ec2_backends
from moto.ec2.models.flow_logs import FlowLogs
from moto.ec2.models.route_tables import RouteTable
from moto.ec2.models.vpcs import VPCEndPoint

from constructs_lib.testing.adapters._base import register_model


@register_model
class DeletableVpcEndpoint(VPCEndPoint, CloudFormationModel):
    """moto's ``VPCEndPoint``, removed (with its interfaces) on stack delete."""

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
    ) -> None:
        backend = ec2_backends[account_id][region_name]
        endpoint = backend.vpc_end_points.get(resource_name)
        if endpoint is None:
            return
        # a gateway endpoint's routes went with route tables deleted before it
        endpoint.route_table_ids = [
            r for r in endpoint.route_table_ids or [] if r in backend.route_tables
        ]
        backend.delete_vpc_endpoints([resource_name])
        backend.vpc_end_points.pop(resource_name, None)


@register_model
class DeletableFlowLog(FlowLogs, CloudFormationModel):
    """moto's ``FlowLogs``, removed on stack delete."""

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
    ) -> None:
        backend = ec2_backends[account_id][region_name]
        if resource_name in backend.flow_logs:
            backend.delete_flow_logs([resource_name])


@register_model
class DeletableRouteTable(RouteTable, CloudFormationModel):
    """moto's ``RouteTable``, removed on stack delete.

    Its subnet associations went with their subnets in AWS; moto keeps them
    (its ``SubnetRouteTableAssociation`` has no delete either), so they are
    dropped here first.
    """

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
    ) -> None:
        backend = ec2_backends[account_id][region_name]
        table = backend.route_tables.get(resource_name)
        if table is not None:
            table._associations.clear()
            backend.delete_route_table(resource_name)
