"""The VPC endpoints a `QueueWorkerFleet` needs where its subnets have no internet route.

What a worker calls, read from `constructs_lib.runtime.worker` and the user
data (`_worker_user_data`), each with its endpoint in `WORKER_VPC_ENDPOINTS`.
What it does not need, and why:

- the instance metadata service (IMDSv2, link-local): the instance role's
  credentials and the group's name (an instance tag) come from there;
- KMS: SQS decrypts a queue's messages with its key on the worker's behalf;
- CloudWatch: Auto Scaling publishes the group metrics the scaling reads,
  SQS the queue's; the worker publishes nothing;
- SSM: CloudFormation resolves the Amazon Linux AMI's public parameter at
  deploy time.

The endpoints belong to the VPC, not to one fleet: `worker_vpc_endpoints`
adds each under the VPC with a fixed id, reuses one the VPC already has
(a second fleet, or one the app made) and opens the interface endpoints to
the fleet's security group only.
"""

from __future__ import annotations

import json
import weakref
from dataclasses import dataclass

from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2

__all__ = ["WORKER_VPC_ENDPOINTS", "WorkerEndpoint", "worker_vpc_endpoints"]


@dataclass(frozen=True)
class WorkerEndpoint:
    """One endpoint the workers need without an internet route, and why."""

    #: its id under the VPC
    construct_id: str
    #: the service's endpoint name (``com.amazonaws.<region>.<service>``)
    service: str
    #: a gateway endpoint (S3: route tables, free) or an interface endpoint
    gateway: bool
    why: str


WORKER_VPC_ENDPOINTS: tuple[WorkerEndpoint, ...] = (
    WorkerEndpoint(
        "S3",
        "s3",
        gateway=True,
        why="The user data downloads the worker's and the handler's code assets from the "
        "CDK assets bucket, and dnf installs python3-boto3 from Amazon Linux 2023's "
        "repositories, which are S3 buckets of the Region.",
    ),
    WorkerEndpoint(
        "SqsEndpoint",
        "sqs",
        gateway=False,
        why="The worker reads the queue's visibility timeout and receives, deletes and "
        "extends the visibility of its messages (GetQueueAttributes, ReceiveMessage, "
        "DeleteMessageBatch, ChangeMessageVisibilityBatch).",
    ),
    WorkerEndpoint(
        "AutoScalingEndpoint",
        "autoscaling",
        gateway=False,
        why="On scale-in (which the worker sees in the instance metadata's target "
        "lifecycle state) the worker completes the drain lifecycle action "
        "(CompleteLifecycleAction).",
    ),
)

#: An interface endpoint's ingress rule for the workers' security group.
_INGRESS_DESCRIPTION = "HTTPS from the workers"


def worker_vpc_endpoints(vpc: ec2.IVpc, workers: ec2.ISecurityGroup) -> list[ec2.IVpcEndpoint]:
    """The endpoints of `WORKER_VPC_ENDPOINTS` in ``vpc``, added where it has none
    (private DNS on, open to no one), each interface endpoint admitting HTTPS
    from ``workers``."""
    existing = _endpoints_in(vpc)
    endpoints: list[ec2.IVpcEndpoint] = []
    for wanted in WORKER_VPC_ENDPOINTS:
        found = next((e for e, name in existing if name.endswith(f".{wanted.service}")), None)
        if wanted.gateway:
            if found is None:
                found = vpc.add_gateway_endpoint(
                    wanted.construct_id, service=ec2.GatewayVpcEndpointAwsService.S3
                )
                _SERVICE_NAMES[found] = f".{wanted.service}"
            endpoints.append(found)
            continue
        interface = found if isinstance(found, ec2.InterfaceVpcEndpoint) else None
        if interface is None:
            interface = vpc.add_interface_endpoint(
                wanted.construct_id,
                service=getattr(ec2.InterfaceVpcEndpointAwsService, wanted.service.upper()),
                open=False,
            )
            _SERVICE_NAMES[interface] = f".{wanted.service}"
        interface.connections.allow_default_port_from(workers, _INGRESS_DESCRIPTION)
        endpoints.append(interface)
    return endpoints


#: The service names (their last part, enough to tell them apart) of the
#: endpoints added here: a second fleet in the same VPC finds them without
#: reading each one back from the jsii process.
_SERVICE_NAMES: weakref.WeakKeyDictionary[ec2.IVpcEndpoint, str] = weakref.WeakKeyDictionary()


def _endpoints_in(vpc: ec2.IVpc) -> list[tuple[ec2.IVpcEndpoint, str]]:
    """The endpoints this app already added to ``vpc``, each with its service name:
    a second one for a service would fail the deployment (a gateway's route
    exists already, an interface endpoint's private DNS name is taken)."""
    found: list[tuple[ec2.IVpcEndpoint, str]] = []
    for child in vpc.node.children:
        if not isinstance(child, ec2.InterfaceVpcEndpoint | ec2.GatewayVpcEndpoint):
            continue
        known = _SERVICE_NAMES.get(child)
        if known is not None:
            found.append((child, known))
            continue
        resource = child.node.default_child
        if isinstance(resource, ec2.CfnVPCEndpoint):
            found.append((child, _service_name(vpc, resource)))
    return found


def _service_name(vpc: ec2.IVpc, resource: ec2.CfnVPCEndpoint) -> str:
    """The endpoint's service name, concrete or the last part of its join with
    the Region's reference (``.sqs``); its JSON where it is neither."""
    resolved = Stack.of(vpc).resolve(resource.service_name)
    if isinstance(resolved, dict) and "Fn::Join" in resolved:
        parts = resolved["Fn::Join"][1]
        resolved = parts[-1] if parts and isinstance(parts[-1], str) else json.dumps(parts)
    return resolved if isinstance(resolved, str) else json.dumps(resolved)
