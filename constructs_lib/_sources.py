"""What the message-source constructs share: their queue targets and key checks.

Every source (SNS, EventBridge, Scheduler, S3) accepts either a `SecureQueue`
or any `sqs.IQueue`, unwrapped once into a `QueueRef`. Services that write
into a queue as themselves (SNS, S3, EventBridge: their ``can_use_aws_managed_sqs_key``
in `constructs_lib.services`) need the queue's KMS key policy
to admit them, which the AWS-managed key ``alias/aws/sqs`` never does: they
then drop every message without an error anyone sees (aws-cdk #11122,
#19796). `reject_aws_managed_key` turns that into a synth-time error.

A queue may also live in another account or region (``Queue.from_queue_arn``
with that ARN). `QueueRef.location` says where, compared with the stack; every
construct, the consumers too, answers with `refuse_queue_location` (a
`ConstructOptionError` naming the option where AWS cannot deliver there) and
`warn_queue_in_other_account` (what the queue's owner must allow where AWS can
but the queue's policies are not this app's).
"""

from __future__ import annotations

from collections.abc import Callable

from aws_cdk import Annotations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from constructs_lib._queue_facts import QueueFacts
from constructs_lib._queues import QueueLocation, QueueRef
from constructs_lib._validation import OptionRules
from constructs_lib.option_codes import OptionCode
from constructs_lib.secure_queue import SecureQueueOptions


def reject_aws_managed_key(v: OptionRules, option: str, facts: QueueFacts, service: str) -> None:
    """Fails ``option`` when ``service`` would have to write with alias/aws/sqs."""
    v.check(
        not facts.aws_managed_key,
        option,
        facts.path,
        f"is encrypted with the AWS-managed key alias/aws/sqs, whose key policy "
        f"{service} cannot use: {service} would silently drop every message. "
        "Use SSE-SQS (SecureQueue's default) or a customer-managed key "
        "(encryption=KMS)",
        code=OptionCode.SQS_AWS_MANAGED_KEY_UNUSABLE,
    )


def reject_aws_managed_key_option(
    v: OptionRules, options_name: str, options: SecureQueueOptions, service: str
) -> None:
    """Fails the options of a queue to create when ``service`` could not write into it."""
    v.check(
        options.resolved_encryption != sqs.QueueEncryption.KMS_MANAGED,
        f"{options_name}.encryption",
        "KMS_MANAGED",
        f"is the AWS-managed key alias/aws/sqs, whose key policy {service} cannot use: "
        f"{service} would silently drop every message. Use SSE-SQS (the default) or "
        "encryption=KMS",
        code=OptionCode.SQS_AWS_MANAGED_KEY_UNUSABLE,
    )


def grant_service_key_use(
    target: QueueRef, principal: iam.IPrincipal, conditions: dict[str, object]
) -> None:
    """Lets a service principal encrypt into the queue's customer-managed key.

    SQS needs ``kms:GenerateDataKey`` (to encrypt) and ``kms:Decrypt`` (to
    reuse data keys) from whoever sends; the statement goes into the key
    policy, scoped by ``conditions`` (source ARN or account). An imported key
    ignores it, which `warn_if_policy_unmanaged` reports for the queue.
    """
    key = target.customer_key
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


def warn_if_policy_unmanaged(scope: Construct, target: QueueRef, service: str) -> None:
    """An imported queue's policy is not this stack's: say what it must allow.

    A queue built in this app (``sqs.Queue``) gets the statements; an imported
    one (``Queue.from_queue_arn`` and the like) silently drops them.
    """
    if target.facts.built_here:
        return
    if target.location(scope).other_account:
        return  # warn_queue_in_other_account says more
    Annotations.of(scope).add_warning_v2(
        "constructs_lib:Sources:QueuePolicyUnmanaged",
        f"{target.path} is imported: its queue policy is not managed here and "
        f"must itself allow sqs:SendMessage from {service}, or nothing arrives.",
    )


# --- queues of another account or region ----------------------------------------


def refuse_queue_location(
    v: OptionRules,
    option: str,
    target: QueueRef,
    location: QueueLocation,
    *,
    other_account: str | None = None,
    other_region: str | None = None,
) -> None:
    """Fails ``option`` for a queue where the service cannot reach it.

    ``other_account`` / ``other_region``: why a queue of another account /
    region cannot work, or None where AWS supports it.
    """
    if location.other_region and other_region is not None:
        v.fail(
            option,
            target.queue.queue_arn,
            f"is in region {location.region}: {other_region}",
            code=OptionCode.QUEUE_IN_OTHER_REGION,
        )
    elif location.other_account and other_account is not None:
        v.fail(
            option,
            target.queue.queue_arn,
            f"is in account {location.account}: {other_account}",
            code=OptionCode.QUEUE_IN_OTHER_ACCOUNT,
        )


def warn_queue_in_other_account(
    scope: Construct,
    target: QueueRef,
    location: QueueLocation,
    must_allow: str | Callable[[], str],
    *,
    key_note: str | None = None,
) -> None:
    """The queue's owner, not this app, writes its policies: say what they must
    allow (``must_allow``, or a function that words it: construct paths cost
    round trips to the jsii process, paid only when there is a warning).

    ``key_note`` replaces the sentence about the queue's customer-managed key
    (where the caller knows more: a role of this account needs both halves).
    """
    if not location.other_account:
        return
    if callable(must_allow):
        must_allow = must_allow()
    if key_note is None:
        key_note = (
            "If the queue uses a customer-managed key, its key policy must allow the same "
            "principal kms:GenerateDataKey and kms:Decrypt."
        )
    Annotations.of(scope).add_warning_v2(
        "constructs_lib:Sources:QueueInOtherAccount",
        f"{target.queue.queue_arn} is in account {location.account}: its owner must allow "
        f"{must_allow}, or nothing arrives. {key_note}",
    )
