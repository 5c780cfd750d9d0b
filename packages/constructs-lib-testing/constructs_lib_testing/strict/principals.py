"""Part ``principals``: a policy naming an IAM role or user that does not exist is refused.

AWS validates the principals of a key policy (KMS ``CreateKey`` and
``PutKeyPolicy``: ``MalformedPolicyDocumentException: Policy contains a
statement with one or more invalid principals``) and of a role's trust
policy (IAM ``CreateRole``/``UpdateAssumeRolePolicy``: ``MalformedPolicyDocument:
Invalid principal in policy``). CloudFormation's ``AWS::KMS::Key`` and
``AWS::IAM::Role`` go through the same calls, so a stack naming a missing
role fails too.

Service-linked roles are no exception: ``AWSServiceRoleForAutoScaling``
exists once the account's first Auto Scaling group was created, which this
part models (moto creates none).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from moto.core.exceptions import ServiceException
from moto.iam.exceptions import MalformedPolicyDocument
from moto.iam.models import iam_backends

from constructs_lib.policy import statements_of
from constructs_lib.services.autoscaling import AUTOSCALING, SERVICE_LINKED_ROLE_NAME
from constructs_lib_testing.activation import MotoPatch, register_part
from constructs_lib_testing.strict.state import STRICT_GROUP, enabled

#: The moto internals this module uses besides its patches (the upgrade checklist reads them).
MOTO_INTERNALS = (
    "moto.core.exceptions:ServiceException",
    "moto.iam.exceptions:MalformedPolicyDocument",
    "moto.iam.models:iam_backends",
)

_IAM_ENTITY = re.compile(r"^arn:[\w-]+:iam::(\d{12}):(role|user)/(?:(.*)/)?([^/]+)$")
AUTOSCALING_SERVICE = AUTOSCALING.principal


class KmsMalformedPolicyDocument(ServiceException):
    """KMS's answer to a key policy it cannot accept.

    A ``ServiceException`` is serialized in the protocol of the API that met
    it: JSON for KMS's own CreateKey, XML when CloudFormation's CreateStack does.
    """

    code = "MalformedPolicyDocumentException"


def missing_principals(policy: Any) -> list[str]:
    """The IAM role and user ARNs named as ``AWS`` principals that do not exist."""
    missing = []
    for statement in statements_of(policy, label="policy"):
        for element in ("Principal", "NotPrincipal"):
            principal = statement.get(element)
            if not isinstance(principal, dict):
                continue
            names = principal.get("AWS", [])
            for name in [names] if isinstance(names, str) else names:
                if isinstance(name, str) and not _entity_exists(name):
                    missing.append(name)
    return missing


def _entity_exists(arn: str) -> bool:
    found = _IAM_ENTITY.match(arn)
    if found is None:
        return True  # "*", an account, a root ARN, a session: not an entity to look up
    account, kind, _path, name = found.groups()
    backend = iam_backends[account]["aws"]
    if kind == "user":
        return name in backend.users
    return any(role.arn == arn for role in backend.get_roles())


def _wrap_create_key(original: Callable[..., Any]) -> Callable[..., Any]:
    def create_key(self: Any, policy: Any, *args: Any, **kwargs: Any) -> Any:
        _refuse_for_kms(policy)
        return original(self, policy, *args, **kwargs)

    return create_key


def _wrap_put_key_policy(original: Callable[..., Any]) -> Callable[..., Any]:
    def put_key_policy(self: Any, key_id: str, policy: str) -> None:
        _refuse_for_kms(policy)
        original(self, key_id, policy)

    return put_key_policy


def _refuse_for_kms(policy: Any) -> None:
    if enabled("principals") and policy:
        missing = missing_principals(policy)
        if missing:
            raise KmsMalformedPolicyDocument(
                "Policy contains a statement with one or more invalid principals "
                f"(no such IAM entity: {', '.join(missing)})."
            )


def _wrap_create_role(original: Callable[..., Any]) -> Callable[..., Any]:
    def create_role(self: Any, role_name: str, assume_role_policy_document: str,
                    *args: Any, **kwargs: Any) -> Any:  # fmt: skip
        _refuse_for_iam(assume_role_policy_document)
        return original(self, role_name, assume_role_policy_document, *args, **kwargs)

    return create_role


def _wrap_update_assume_role_policy(original: Callable[..., Any]) -> Callable[..., Any]:
    def update(self: Any, role_name: str, policy_document: str) -> None:
        _refuse_for_iam(policy_document)
        original(self, role_name, policy_document)

    return update


def _refuse_for_iam(policy: Any) -> None:
    if enabled("principals") and policy:
        missing = missing_principals(policy)
        if missing:
            raise MalformedPolicyDocument(f'Invalid principal in policy: "AWS":"{missing[0]}"')


def _wrap_create_auto_scaling_group(original: Callable[..., Any]) -> Callable[..., Any]:
    def create(self: Any, *args: Any, **kwargs: Any) -> Any:
        group = original(self, *args, **kwargs)
        if enabled("principals"):
            ensure_autoscaling_service_linked_role(self.account_id)
        return group

    return create


def ensure_autoscaling_service_linked_role(account_id: str) -> None:
    """Create ``AWSServiceRoleForAutoScaling`` if absent, as AWS does with the first group."""
    backend = iam_backends[account_id]["aws"]
    if not any(r.name == SERVICE_LINKED_ROLE_NAME for r in backend.get_roles()):
        backend.create_service_linked_role(
            AUTOSCALING_SERVICE, "Default Service-Linked Role enables access to AWS "
            "Services and Resources used or managed by Auto Scaling", ""
        )  # fmt: skip


register_part(
    "principals",
    "key and trust policies naming a missing IAM role or user are refused; the Auto "
    "Scaling service-linked role exists only after the first group",
    [
        MotoPatch("moto.kms.models:KmsBackend.create_key", _wrap_create_key),
        MotoPatch("moto.kms.models:KmsBackend.put_key_policy", _wrap_put_key_policy),
        MotoPatch(
            "moto.iam.models:IAMBackend.create_role",
            _wrap_create_role,
            relies_on=("moto.iam.models:IAMBackend.get_roles", "moto.iam.models:IAMBackend#users"),
        ),
        MotoPatch(
            "moto.iam.models:IAMBackend.update_assume_role_policy",
            _wrap_update_assume_role_policy,
        ),
        MotoPatch(
            "moto.autoscaling.models:AutoScalingBackend.create_auto_scaling_group",
            _wrap_create_auto_scaling_group,
            relies_on=("moto.iam.models:IAMBackend.create_service_linked_role",),
        ),
    ],
    group=STRICT_GROUP,
)
