"""``AWS::EC2::SecurityGroupEgress``: moto 5.2.5's CloudFormation skips it.

Realized with moto's ``authorize_security_group_egress`` (CIDR or
destination group), so ``describe_security_groups`` shows the rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from moto.ec2.exceptions import InvalidPermissionNotFoundError
from moto.ec2.models import ec2_backends

from constructs_lib_testing.adapters._model import Adapter, AdapterModel, physical_id_of

if TYPE_CHECKING:
    from constructs_lib_testing.deployed_stack import DeployedStack


def _rule(p: dict[str, Any]) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "ip_protocol": str(p["IpProtocol"]),
        "from_port": str(p.get("FromPort", -1)),
        "to_port": str(p.get("ToPort", -1)),
        "ip_ranges": [{"CidrIp": p["CidrIp"]}] if "CidrIp" in p else [],
    }
    if "DestinationSecurityGroupId" in p:
        rule["source_groups"] = [{"GroupId": physical_id_of(p["DestinationSecurityGroupId"])}]
    return rule


class Ec2SecurityGroupEgress(AdapterModel):
    """One egress rule of a security group."""

    CFN_TYPE = "AWS::EC2::SecurityGroupEgress"

    def apply(self) -> None:
        self.group_id = physical_id_of(self.properties["GroupId"])
        ec2_backends[self.account_id][self.region_name].authorize_security_group_egress(
            self.group_id, **_rule(self.properties)
        )

    def remove(self) -> None:
        backend = ec2_backends[self.account_id][self.region_name]
        if backend.get_security_group_by_name_or_id(self.group_id) is None:
            return  # the group went first (moto deletes in its own order): no rule left
        try:
            backend.revoke_security_group_egress(self.group_id, **_rule(self.properties))
        except InvalidPermissionNotFoundError:
            return  # already gone, as CloudFormation would accept

    @classmethod
    def verify(
        cls, deployed: DeployedStack, logical_id: str, resource: dict[str, Any]
    ) -> list[str]:
        props = resource["Properties"]
        group_id = deployed.resolve_ref(props["GroupId"]) if "Ref" in props["GroupId"] else None
        if group_id is None:  # Fn::GetAtt GroupId: find it among the stack's groups
            logical = props["GroupId"]["Fn::GetAtt"][0]
            group_id = deployed.physical_id(logical)
        (group,) = deployed.client("ec2").describe_security_groups(GroupIds=[group_id])[
            "SecurityGroups"
        ]
        for permission in group["IpPermissionsEgress"]:
            if permission.get("FromPort") == props.get("FromPort") and permission.get(
                "ToPort"
            ) == props.get("ToPort"):
                return []
        return [
            f"{logical_id}: group {group_id} has no egress rule for port {props.get('FromPort')}"
        ]


ADAPTER = Adapter.realizing(
    Ec2SecurityGroupEgress,
    "authorize_security_group_egress (CIDR or destination group)",
    relies_on=(
        "moto.ec2.models:ec2_backends",
        "moto.ec2.models:EC2Backend.authorize_security_group_egress(ip_protocol, from_port, "
        "to_port, ip_ranges, source_groups)",
        "moto.ec2.models:EC2Backend.revoke_security_group_egress(ip_protocol, from_port, "
        "to_port, ip_ranges, source_groups)",
        "moto.ec2.models:EC2Backend.get_security_group_by_name_or_id",
        "moto.ec2.exceptions:InvalidPermissionNotFoundError",
    ),
)
