"""Would AWS let this caller put a message into this queue or topic? (policies read from moto)

The checks of one delivery, shared by every producer: the target's resource
policy, then, for an encrypted target, its key's policy (``kms:GenerateDataKey``
and ``kms:Decrypt``). The AWS-managed keys (``alias/aws/sqs``,
``alias/aws/sns``) are judged by the fixed policy AWS gives them, which lets
only principals of the account use the key, through the service: never a
service principal.

Every request's condition keys come from the registry of delivering services
(`constructs_lib.services`, its table of requests): a `Source` names the delivery's row and
what the local account knows (the source's ARN and account), and
`request_context` keeps exactly the keys AWS documents for that request,
leaving out the rest (EventBridge's KMS requests carry no source keys).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from moto.iam.models import iam_backends
from moto.kms.models import kms_backends
from moto.sns.models import sns_backends
from moto.sqs.models import sqs_backends

from constructs_lib import services as facts
from constructs_lib.policy import Caller, Decision, Request, authorize

#: The moto internals this module reads (the upgrade checklist reads them).
MOTO_INTERNALS = (
    "moto.iam.models:iam_backends",
    "moto.iam.models:IAMBackend.get_role_by_arn",
    "moto.kms.models:kms_backends",
    "moto.kms.models:KmsBackend.describe_key",
    "moto.sns.models:sns_backends",
    "moto.sns.models:SNSBackend#topics",
    "moto.sqs.models:sqs_backends",
    "moto.sqs.models:SQSBackend#queues",
)

IdentityPolicies = Sequence[tuple[str, Mapping[str, Any] | str]]


@dataclass(frozen=True)
class Source:
    """Where a delivery comes from: its row in the table of service facts and
    what the local account knows of it (the keys the table may ask for)."""

    #: the delivery's id in `constructs_lib.services.DELIVERIES`
    delivery: str
    #: the source resource (topic, bucket, rule, alarm, schedule group); None: the
    #: caller's own request (a role's)
    arn: str | None = None
    account: str | None = None
    #: the account a service publishes for (``aws:SourceOwner``), where it says so
    owner: str | None = None

    def known(self) -> dict[str, str | bool]:
        """Every key the local account could send; the table keeps the documented ones."""
        known: dict[str, str | bool] = {"aws:SecureTransport": True}
        if self.arn is not None:
            known["aws:SourceArn"] = self.arn
        if self.account is not None:
            known["aws:SourceAccount"] = self.account
        if self.owner is not None:
            known["aws:SourceOwner"] = self.owner
        return known

    def context(
        self, stage: str, extra: Mapping[str, str | bool] | None = None
    ) -> dict[str, str | bool]:
        """The condition keys of this delivery's request at ``stage``, from the table."""
        return facts.request_context(self.delivery, stage, self.known() | dict(extra or {}))


def arn_parts(arn: str) -> tuple[str, str, str, str]:
    """(service, region, account, resource) of an ARN."""
    parts = arn.split(":", 5)
    return parts[2], parts[3], parts[4], parts[5]


def target_refusal(
    caller: Caller,
    target_arn: str,
    source: Source,
    identity_policies: IdentityPolicies = (),
    *,
    with_key: bool = True,
) -> Decision | None:
    """Why SQS or SNS would refuse ``caller`` putting a message into ``target_arn``
    (``sqs:SendMessage`` to a queue, ``sns:Publish`` to a topic); None if it would not.

    A queue or topic moto does not know is left to moto (it answers as it always
    did). ``with_key=False`` judges the resource policy only.
    """
    service, region, account, name = arn_parts(target_arn)
    target: Any
    if service == "sns":
        action, word = "sns:Publish", "topic"
        target = sns_backends[account][region].topics.get(target_arn)
    else:
        action, word = "sqs:SendMessage", "queue"
        target = sqs_backends[account][region].queues.get(name)
    if target is None:
        return None
    return _resource_then_key(
        Request(caller, action, target_arn, source.context(facts.RESOURCE)),
        target, f"{word} policy of {target_arn}", service if with_key else "", source,
        identity_policies,
    )  # fmt: skip


def _resource_then_key(
    request: Request,
    target: Any,
    label: str,
    via: str,
    source: Source,
    identity_policies: IdentityPolicies = (),
) -> Decision | None:
    """The target's (a moto queue or topic) resource policy, then, unless ``via`` is
    empty, its key's policy."""
    _, region, account, _ = arn_parts(request.resource)
    decision = authorize(
        request,
        resource_policy=target.policy,
        resource_label=label,
        resource_account=account,
        identity_policies=identity_policies,
    )
    if not decision:
        return decision
    key = getattr(target, "kms_master_key_id", None)
    if key and via:
        return key_refusal(
            request.caller, str(key), via, account, region, source, identity_policies
        )
    return None


def key_refusal(
    caller: Caller,
    key_ref: str,
    via: str,
    account: str,
    region: str,
    source: Source,
    identity_policies: IdentityPolicies = (),
    *,
    actions: tuple[str, ...] = ("kms:GenerateDataKey", "kms:Decrypt"),
) -> Decision | None:
    """Why KMS would refuse ``caller`` the data key of ``key_ref`` (through ``via``):
    ``actions``, a producer's two by default (a reader needs ``kms:Decrypt`` only).

    The request carries what the table documents for ``source``'s delivery:
    ``kms:ViaService`` and ``kms:CallerAccount`` only for an IAM caller (a
    role), source keys only where the service is documented to send them.
    """
    found = _key_policy(key_ref, via, account, region)
    if isinstance(found, Decision):
        return found
    key_arn, policy, label = found
    candidates: dict[str, str | bool] = {"kms:ViaService": facts.via_service(via, region)}
    if caller.account is not None:
        candidates["kms:CallerAccount"] = caller.account
    kms_context = source.context(facts.KEY, candidates)
    for action in actions:
        decision = authorize(
            Request(caller, action, key_arn, kms_context),
            resource_policy=policy,
            resource_label=label,
            resource_account=arn_parts(key_arn)[2],
            identity_policies=identity_policies,
            identity_needs_delegation=True,
        )
        if not decision:
            return decision
    return None


def _key_policy(
    key_ref: str, via: str, account: str, region: str
) -> tuple[str, Mapping[str, Any] | str, str] | Decision:
    if key_ref.startswith("arn:"):
        _, region, account, _ = arn_parts(key_ref)
    managed_alias = f"alias/aws/{via}"
    label = (
        f"the AWS-managed key {managed_alias} (its fixed policy lets only principals "
        f"of account {account} use it, through {via.upper()}; no service principal)"
    )
    managed = aws_managed_key_policy(account, region, via)
    if key_ref.endswith(managed_alias):
        return f"arn:aws:kms:{region}:{account}:{managed_alias}", managed, label
    try:
        key = kms_backends[account][region].describe_key(key_ref)
    except Exception:  # moto raises KeyError or its NotFoundException
        return Decision(False, f"key {key_ref} does not exist in {account}/{region}")
    if managed_alias in key.aliases:
        return key.arn, managed, label
    return key.arn, key.policy or "", f"key policy of {key.arn}"


def aws_managed_key_policy(account: str, region: str, service: str) -> dict[str, Any]:
    """The policy AWS gives ``alias/aws/<service>`` (it cannot be changed)."""
    return {
        "Version": "2012-10-17",
        "Id": f"auto-{service}-2",
        "Statement": [
            {
                "Sid": f"Allow access through {service.upper()} for all principals in the "
                f"account that are authorized to use {service.upper()}",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": [
                    "kms:Encrypt",
                    "kms:Decrypt",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:CreateGrant",
                    "kms:DescribeKey",
                ],
                "Resource": "*",
                "Condition": {
                    "StringEquals": {
                        "kms:CallerAccount": account,
                        "kms:ViaService": facts.via_service(service, region),
                    }
                },
            },
            {
                "Sid": "Allow direct access to key metadata to the account",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                "Action": ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"],
                "Resource": "*",
            },
        ],
    }


def role_identity_policies(role_arn: str) -> IdentityPolicies | Decision:
    """The inline and attached policies of a role, or why there is no such role."""
    account = arn_parts(role_arn)[2]
    try:
        role = iam_backends[account]["aws"].get_role_by_arn(role_arn)
    except Exception:  # moto's NotFoundException
        return Decision(False, f"role {role_arn} does not exist")
    policies: list[tuple[str, Mapping[str, Any] | str]] = [
        (f"policy {name} of role {role.name}", document) for name, document in role.policies.items()
    ]
    for managed in role.managed_policies.values():
        version = next(v for v in managed.versions if v.is_default)
        policies.append((f"managed policy {managed.arn}", version.document))
    return policies


def role_trust_refusal(role_arn: str, service: str, source: Source) -> Decision | None:
    """Why ``service`` could not assume ``role_arn`` (its trust policy); None if it could."""
    context = source.context(facts.TRUST)
    account = arn_parts(role_arn)[2]
    try:
        role = iam_backends[account]["aws"].get_role_by_arn(role_arn)
    except Exception:  # moto's NotFoundException
        return Decision(False, f"role {role_arn} does not exist")
    decision = authorize(
        Request(Caller.service(service), "sts:AssumeRole", role_arn, context),
        resource_policy=role.assume_role_policy_document,
        resource_label=f"trust policy of role {role.name}",
        resource_account=account,
    )
    return None if decision else decision
