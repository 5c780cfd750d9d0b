"""``AWS::EC2::VPCEndpoint``, ``FlowLog`` and ``RouteTable``: deletable with their stack.

moto 5.2.5's models of these types have no ``delete_from_cloudformation_json``:
deleting a stack leaves the endpoints (with their network interfaces), the
flow log and the subnets' route tables behind, and the stack's VPC then fails
to delete ("has dependencies"). While the adapters are active, each of these
moto models has the delete CloudFormation does. Upstream, these are the three
classmethods to add to moto's models, as written here.
"""

from __future__ import annotations

from typing import Any

from moto.ec2.models import ec2_backends

from constructs_lib_testing.activation import MotoPatch
from constructs_lib_testing.adapters._model import Adapter


def _delete_vpc_endpoint(
    cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
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


def _delete_flow_log(
    cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
) -> None:
    backend = ec2_backends[account_id][region_name]
    if resource_name in backend.flow_logs:
        backend.delete_flow_logs([resource_name])


def _delete_route_table(
    cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
) -> None:
    # Its subnet associations went with their subnets in AWS; moto keeps them
    # (its SubnetRouteTableAssociation has no delete either): dropped first.
    backend = ec2_backends[account_id][region_name]
    table = backend.route_tables.get(resource_name)
    if table is not None:
        table._associations.clear()
        backend.delete_route_table(resource_name)


def _added(delete: Any) -> Any:
    return lambda _absent: classmethod(delete)


ADAPTER = Adapter(
    name="ec2_vpc_teardown",
    resource_types=("AWS::EC2::VPCEndpoint", "AWS::EC2::FlowLog", "AWS::EC2::RouteTable"),
    mends="deleted with their stack (moto leaves them, and the VPC cannot go)",
    patches=(
        MotoPatch(
            "moto.ec2.models.vpcs:VPCEndPoint.delete_from_cloudformation_json",
            _added(_delete_vpc_endpoint),
            adds=True,
            relies_on=(
                "moto.ec2.models.vpcs:VPCBackend#vpc_end_points",
                "moto.ec2.models.vpcs:VPCEndPoint#route_table_ids",
                "moto.ec2.models:EC2Backend.delete_vpc_endpoints",
            ),
        ),
        MotoPatch(
            "moto.ec2.models.flow_logs:FlowLogs.delete_from_cloudformation_json",
            _added(_delete_flow_log),
            adds=True,
            relies_on=(
                "moto.ec2.models.flow_logs:FlowLogsBackend#flow_logs",
                "moto.ec2.models:EC2Backend.delete_flow_logs",
            ),
        ),
        MotoPatch(
            "moto.ec2.models.route_tables:RouteTable.delete_from_cloudformation_json",
            _added(_delete_route_table),
            adds=True,
            relies_on=(
                "moto.ec2.models.route_tables:RouteBackend#route_tables",
                "moto.ec2.models.route_tables:RouteTable#_associations",
                "moto.ec2.models:EC2Backend.delete_route_table",
            ),
        ),
    ),
    relies_on=("moto.ec2.models:ec2_backends",),
    upstream="VPCEndPoint, FlowLogs, RouteTable: add delete_from_cloudformation_json",
)
