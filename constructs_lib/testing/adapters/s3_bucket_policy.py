"""``AWS::S3::BucketPolicy``: moto 5.2.5's CloudFormation rejects it as unsupported.

Realized as AWS does it: ``put_bucket_policy`` on ``Bucket`` (readable with
``get_bucket_policy``). moto stores the policy but does not enforce it (a
TLS-deny statement does not stop plain-HTTP requests to moto).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from moto.core.common_models import CloudFormationModel
from moto.s3.models import s3_backends
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
