"""What the message-source constructs share: their queue targets and key checks.

Every source (SNS, EventBridge, Scheduler, S3) accepts either a `SecureQueue`
or any `sqs.IQueue`. Services that write into a queue as themselves (SNS, S3,
EventBridge) need the queue's KMS key policy to admit them, which the
AWS-managed key ``alias/aws/sqs`` never does: they then drop every message
without an error anyone sees (aws-cdk #11122, #19796). The check here turns
that into a synth-time error.

A queue may also live in another account or region (``Queue.from_queue_arn``
with that ARN). `queue_location` says where, compared with the stack; every
construct, the consumers too, answers with `refuse_queue_location` (a
`ConstructOptionError` naming the option where AWS cannot deliver there) and
`warn_queue_in_other_account` (what the queue's owner must allow where AWS can
but the queue's policies are not this app's).
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Annotations, Stack, Token
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from constructs_lib._validation import OptionValidator
from constructs_lib.secure_queue import SecureQueue

#: A queue target: the library's SecureQueue, or any queue.
QueueTarget = SecureQueue | sqs.IQueue

_AWS_MANAGED_SQS_ALIAS = "alias/aws/sqs"


def queue_of(target: QueueTarget) -> sqs.IQueue:
    """The SQS queue messages are sent to."""
    return target.queue if isinstance(target, SecureQueue) else target


def optional_queue_of(target: QueueTarget | None) -> sqs.IQueue | None:
    return queue_of(target) if target is not None else None


def key_of(target: QueueTarget) -> kms.IKey | None:
    """The customer-managed key the queue is encrypted with, if one is known."""
    if isinstance(target, SecureQueue):
        return None if target.uses_aws_managed_key else target.encryption_key
    return target.encryption_master_key


def describe(target: QueueTarget) -> str:
    """The construct path, for error messages."""
    return target.node.path


def uses_aws_managed_key(target: QueueTarget) -> bool:
    """True when the queue is known to be encrypted with ``alias/aws/sqs``.

    Detected from a SecureQueue's encryption, an ``sqs.Queue``'s
    ``encryption_type`` (``KMS_MANAGED``), or an imported queue whose
    ``key_arn`` names the alias. An imported queue without a key ARN cannot be
    checked.
    """
    if isinstance(target, SecureQueue):
        return target.uses_aws_managed_key
    if target.encryption_type == sqs.QueueEncryption.KMS_MANAGED:
        return True
    key = target.encryption_master_key
    if key is None:
        return False
    alias_name = getattr(key, "alias_name", None)
    if isinstance(alias_name, str) and alias_name == _AWS_MANAGED_SQS_ALIAS:
        return True
    arn = key.key_arn
    return not Token.is_unresolved(arn) and arn.endswith(f":{_AWS_MANAGED_SQS_ALIAS}")


def reject_aws_managed_key(
    v: OptionValidator, option: str, target: QueueTarget, service: str
) -> None:
    """Fails ``option`` when ``service`` would have to write with alias/aws/sqs."""
    v.check(
        not uses_aws_managed_key(target),
        option,
        describe(target),
        f"is encrypted with the AWS-managed key alias/aws/sqs, whose key policy "
        f"{service} cannot use: {service} would silently drop every message. "
        "Use SSE-SQS (SecureQueue's default) or a customer-managed key "
        "(encryption=KMS)",
    )


def grant_service_key_use(
    target: QueueTarget, principal: iam.IPrincipal, conditions: dict[str, object]
) -> None:
    """Lets a service principal encrypt into the queue's customer-managed key.

    SQS needs ``kms:GenerateDataKey`` (to encrypt) and ``kms:Decrypt`` (to
    reuse data keys) from whoever sends; the statement goes into the key
    policy, scoped by ``conditions`` (source ARN or account). An imported key
    ignores it, which `warn_if_policy_unmanaged` reports for the queue.
    """
    key = key_of(target)
    if key is None:
        return
    key.add_to_resource_policy(
        iam.PolicyStatement(
            actions=["kms:Decrypt", "kms:GenerateDataKey"],
            principals=[principal],
            resources=["*"],
            conditions=conditions,
        )
    )


def warn_if_policy_unmanaged(scope: Construct, target: QueueTarget, service: str) -> None:
    """An imported queue's policy is not this stack's: say what it must allow.

    A queue built in this app (``sqs.Queue``) gets the statements; an imported
    one (``Queue.from_queue_arn`` and the like) silently drops them.
    """
    if isinstance(queue_of(target), sqs.Queue):
        return
    if queue_location(scope, target).other_account:
        return  # warn_queue_in_other_account says more
    Annotations.of(scope).add_warning_v2(
        "constructs_lib:Sources:QueuePolicyUnmanaged",
        f"{describe(target)} is imported: its queue policy is not managed here and "
        f"must itself allow sqs:SendMessage from {service}, or nothing arrives.",
    )


# --- queues of another account or region ----------------------------------------


@dataclass(frozen=True)
class QueueLocation:
    """Where a queue lives compared with the stack that uses it.

    Known only when both sides are concrete: a queue imported by ARN into an
    environment-agnostic stack (account and region are deploy-time tokens)
    counts as local, and only the imported-queue warning applies.
    """

    account: str
    region: str
    other_account: bool
    other_region: bool

    @property
    def foreign(self) -> bool:
        return self.other_account or self.other_region


def queue_location(scope: Construct, target: QueueTarget) -> QueueLocation:
    queue = queue_of(target)
    stack = Stack.of(scope)
    account, region = queue.env.account, queue.env.region
    return QueueLocation(
        account=account,
        region=region,
        other_account=differs(account, stack.account),
        other_region=differs(region, stack.region),
    )


def differs(a: str, b: str) -> bool:
    """True only when both are concrete and not equal (an account or a region).

    Not ``Token.compare_strings``: its TokenComparison results are jsii objects
    that compare unequal in Python even when they are the same value.
    """
    return not Token.is_unresolved(a) and not Token.is_unresolved(b) and a != b


def refuse_queue_location(
    v: OptionValidator,
    option: str,
    target: QueueTarget,
    location: QueueLocation,
    *,
    other_account: str | None = None,
    other_region: str | None = None,
) -> None:
    """Fails ``option`` for a queue where the service cannot reach it.

    ``other_account`` / ``other_region``: why a queue of another account /
    region cannot work, or None where AWS supports it.
    """
    value = queue_of(target).queue_arn
    if location.other_region and other_region is not None:
        v.fail(option, value, f"is in region {location.region}: {other_region}")
    elif location.other_account and other_account is not None:
        v.fail(option, value, f"is in account {location.account}: {other_account}")


def warn_queue_in_other_account(
    scope: Construct, target: QueueTarget, location: QueueLocation, must_allow: str
) -> None:
    """The queue's owner, not this app, writes its policies: say what they must allow."""
    if not location.other_account:
        return
    Annotations.of(scope).add_warning_v2(
        "constructs_lib:Sources:QueueInOtherAccount",
        f"{queue_of(target).queue_arn} is in account {location.account}: its owner must allow "
        f"{must_allow}, or nothing arrives. If the queue uses a customer-managed key, its key "
        "policy must allow the same principal kms:GenerateDataKey and kms:Decrypt.",
    )
