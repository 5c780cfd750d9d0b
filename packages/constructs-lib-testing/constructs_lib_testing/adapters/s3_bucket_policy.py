"""``AWS::S3::BucketPolicy``: moto 5.2.5's CloudFormation rejects it as unsupported.

Realized as AWS does it: ``put_bucket_policy`` on ``Bucket`` (readable with
``get_bucket_policy``).

moto evaluates a bucket's policy on object requests, but without any request
context: a ``Deny`` whose condition it cannot evaluate applies always. The
TLS-only statement every secure bucket carries (``Deny`` when
``aws:SecureTransport`` is ``false``) would then refuse every ``PutObject``,
which AWS never does for boto3's HTTPS requests. So, while the adapters are
active, moto's bucket policy check evaluates ``aws:SecureTransport`` as AWS
does for HTTPS requests (such a statement does not apply) and leaves every
other statement to moto.

Upstream, moto's ``FakeBucket.get_permission`` would take the request's
context (``aws:SecureTransport`` from the request's scheme) and the policy
evaluation would apply conditions it can evaluate.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from moto.iam.access_control import IAMPolicy, PermissionResult
from moto.s3.models import FakeBucket, s3_backends
from moto.utilities.utils import get_partition

from constructs_lib_testing.activation import MotoPatch
from constructs_lib_testing.adapters._model import (
    Adapter,
    AdapterModel,
    physical_id_of,
    policy_mismatches,
    policy_statements,
)

if TYPE_CHECKING:
    from constructs_lib_testing.deployed_stack import DeployedStack


_TLS_ONLY_CONDITION = {"Bool": {"aws:SecureTransport": "false"}}


def _wrap_get_permission(original: Callable[..., Any]) -> Callable[..., Any]:
    """moto's bucket policy check, knowing that boto3's requests use TLS.

    moto evaluates the policy without a request context, so a TLS-only
    ``Deny`` would apply to every request; AWS never applies it to an HTTPS
    request. Such statements are left out; every other one is moto's to judge.
    """

    def get_permission(self: FakeBucket, action: str, resource: str) -> Any:
        if self.policy is None:
            return original(self, action, resource)
        document = json.loads(self.policy.decode())
        statements = policy_statements(document)
        applicable = [s for s in statements if s.get("Condition") != _TLS_ONLY_CONDITION]
        if len(applicable) == len(statements):
            return original(self, action, resource)
        if not applicable:
            return PermissionResult.NEUTRAL
        return IAMPolicy(json.dumps(document | {"Statement": applicable})).is_action_permitted(
            action, resource
        )

    return get_permission


class S3BucketPolicy(AdapterModel):
    """Puts ``PolicyDocument`` as the policy of ``Bucket``."""

    CFN_TYPE = "AWS::S3::BucketPolicy"

    def _backend(self) -> Any:
        return s3_backends[self.account_id][get_partition(self.region_name)]

    def apply(self) -> None:
        bucket = physical_id_of(self.properties["Bucket"])
        self._backend().put_bucket_policy(
            bucket, json.dumps(self.properties["PolicyDocument"]).encode()
        )

    def remove(self) -> None:
        bucket = physical_id_of(self.properties["Bucket"])
        if bucket in self._backend().buckets:
            self._backend().delete_bucket_policy(bucket)

    @classmethod
    def verify(
        cls, deployed: DeployedStack, logical_id: str, resource: dict[str, Any]
    ) -> list[str]:
        bucket = deployed.resolve_ref(resource["Properties"]["Bucket"])
        expected = resource["Properties"]["PolicyDocument"]
        try:
            policy = deployed.client("s3").get_bucket_policy(Bucket=bucket)["Policy"]
        except Exception as err:  # NoSuchBucketPolicy is generated per client
            return [f"{logical_id}: bucket {bucket} has no policy ({err})"]
        return policy_mismatches(logical_id, f"bucket {bucket}", expected, policy)


ADAPTER = Adapter(
    name="s3_bucket_policy",
    resource_types=(S3BucketPolicy.CFN_TYPE,),
    mends="put_bucket_policy; moto's policy check then treats requests as HTTPS, as AWS does",
    model=S3BucketPolicy,
    patches=(
        MotoPatch(
            "moto.s3.models:FakeBucket.get_permission",
            _wrap_get_permission,
            relies_on=(
                "moto.s3.models:FakeBucket#policy",
                "moto.iam.access_control:IAMPolicy.is_action_permitted",
                "moto.iam.access_control:PermissionResult.NEUTRAL",
            ),
        ),
    ),
    relies_on=(
        "moto.s3.models:s3_backends",
        "moto.s3.models:S3Backend.put_bucket_policy",
        "moto.s3.models:S3Backend.delete_bucket_policy",
        "moto.s3.models:S3Backend#buckets",
        "moto.utilities.utils:get_partition",
    ),
    upstream="FakeBucket.get_permission: evaluate aws:SecureTransport from the request",
)
