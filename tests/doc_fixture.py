"""The names the documentation's construct examples use without defining them.

The examples (README.md, docs/) are written inside a construct (``self``) of
a stack, like code in a user's own stack, and use a few names their page does
not build: the stack, a VPC, an alarm topic, three roles and three queues.
`assumed_names` builds them in ``stack``, so every example runs as printed.
README.md ("One example per pattern") and docs/constructs/index.md ("How the
examples are written") list them.

This module depends only on aws-cdk-lib and constructs_lib: the user-path
test copies it into a fresh ``cdk init`` app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns

from constructs_lib import SecureQueue


def _builders(stack: Any) -> dict[str, Callable[[], Any]]:
    """Name -> how to build it in ``stack`` (nothing is built before it is asked for)."""

    def role(construct_id: str) -> Callable[[], iam.Role]:
        return lambda: iam.Role(stack, construct_id, assumed_by=iam.AccountRootPrincipal())

    def vpc() -> ec2.Vpc:
        isolated = ec2.SubnetConfiguration(
            name="Workers", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED
        )
        return ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0, subnet_configuration=[isolated])

    return {
        "stack": lambda: stack,
        "vpc": vpc,
        "ops_topic": lambda: sns.Topic(stack, "OpsTopic", enforce_ssl=True),
        "worker_role": role("WorkerRole"),
        "order_service_role": role("OrderServiceRole"),
        "uploader_role": role("UploaderRole"),
        "jobs": lambda: SecureQueue(stack, "Jobs"),
        "ingest": lambda: SecureQueue(stack, "Ingest"),
        "orders": lambda: SecureQueue(stack, "Orders"),
    }


#: Every name the documentation's examples may use without defining it.
ASSUMED_NAMES = frozenset(_builders(stack=None))


def assumed_names(stack: Stack, names: Iterable[str] = ASSUMED_NAMES) -> dict[str, Any]:
    """Name -> object, built in ``stack``, for those of ``names`` the fixture knows."""
    builders = _builders(stack)
    return {name: builders[name]() for name in names if name in builders}
