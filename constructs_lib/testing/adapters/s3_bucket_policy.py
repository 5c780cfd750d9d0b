"""``AWS::S3::BucketPolicy``: moto 5.2.5's CloudFormation rejects it as unsupported.

Realized as AWS does it: ``put_bucket_policy`` on ``Bucket`` (readable with
``get_bucket_policy``).

moto evaluates a bucket's policy on object requests, but without any request
context: a ``Deny`` whose condition it cannot evaluate applies always. The
TLS-only statement every secure bucket carries (``Deny`` when
``aws:SecureTransport`` is ``false``) would then refuse every ``PutObject``,
which AWS never does for boto3's HTTPS requests. So the adapter makes the
bucket evaluate ``aws:SecureTransport`` as AWS does for HTTPS requests (such a
statement does not apply) and leaves every other statement to moto.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, cast

from moto.core.common_models import CloudFormationModel
from moto.iam.access_control import IAMPolicy, PermissionResult
from moto.s3.models import FakeBucket, s3_backends
from moto.utilities.utils import get_partition

from constructs_lib.testing.adapters._base import (
    AdapterModel,
    physical_id_of,
    policy_statements,
    register_model,
    resolved_matches,
)

if TYPE_CHECKING:
    from constructs_lib.testing.deploy import DeployedStack


_TLS_ONLY_CONDITION = {"Bool": {"aws:SecureTransport": "false"}}


class TlsAwareBucket(FakeBucket):
    """A moto bucket whose policy check knows that boto3 requests use TLS.

    Not a CloudFormation model (moto only looks at direct subclasses of
    ``CloudFormationModel``): the adapter re-classes the bucket it applies a
    policy to; the subclass only replaces ``get_permission``.
    """

    def get_permission(self, action: str, resource: str) -> Any:
        if self.policy is None:
            return PermissionResult.NEUTRAL
        document = json.loads(self.policy.decode())
        statements = policy_statements(document)
        applicable = [s for s in statements if s.get("Condition") != _TLS_ONLY_CONDITION]
        if not applicable:
            return PermissionResult.NEUTRAL
        return IAMPolicy(json.dumps(document | {"Statement": applicable})).is_action_permitted(
            action, resource
        )


@register_model
class S3BucketPolicy(AdapterModel, CloudFormationModel):
    """Puts ``PolicyDocument`` as the policy of ``Bucket``."""

    CFN_TYPE = "AWS::S3::BucketPolicy"

    def _backend(self) -> Any:
        return s3_backends[self.account_id][get_partition(self.region_name)]

    def apply(self) -> None:
        bucket = physical_id_of(self.properties["Bucket"])
        self._backend().put_bucket_policy(
            bucket, json.dumps(self.properties["PolicyDocument"]).encode()
        )
        fake_bucket = self._backend().get_bucket(bucket)
        if type(fake_bucket) is FakeBucket:
            cast(Any, fake_bucket).__class__ = TlsAwareBucket

    def remove(self) -> None:
        bucket = physical_id_of(self.properties["Bucket"])
        if bucket in self._backend().buckets:
            self._backend().delete_bucket_policy(bucket)

    @classmethod
    def verify(
        cls, deployed: DeployedStack, logical_id: str, resource: dict[str, Any]
    ) -> list[str]:
        bucket = deployed.resolve_ref(resource["Properties"]["Bucket"])
        expected = policy_statements(resource["Properties"]["PolicyDocument"])
        try:
            policy = deployed.client("s3").get_bucket_policy(Bucket=bucket)["Policy"]
        except Exception as err:  # NoSuchBucketPolicy is generated per client
            return [f"{logical_id}: bucket {bucket} has no policy ({err})"]
        actual = policy_statements(policy)
        if not resolved_matches(expected, actual):
            return [
                f"{logical_id}: bucket {bucket} has policy statements {actual}, expected {expected}"
            ]
        return []
