"""One notion of "a queue" for every construct: `QueueRef`.

Every construct takes a `SecureQueue` or any ``sqs.IQueue`` where it needs a
queue. `QueueRef` unwraps that union once: ``queue`` is the ``sqs.IQueue``
(what every construct exposes as its ``queue`` attribute), ``secure_queue``
the SecureQueue it belongs to, if any, and ``facts`` what can be read of it
at synth, as plain values (`QueueFacts`) that the constructs' rule tables
take. This module is the one place that reads a queue's settings back from
its L1 (``CfnQueue``): the L2 keeps the visibility timeout and content-based
deduplication nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from constructs_lib import _aws
from constructs_lib._queue_facts import QueueFacts
from constructs_lib._tree import env_of, is_unresolved, path_of, stack_env
from constructs_lib.secure_queue import SecureQueue

#: A queue as the constructs accept it: the library's SecureQueue, or any queue.
AnyQueue = SecureQueue | sqs.IQueue


class QueueRef:
    """A queue target, unwrapped once: the ``sqs.IQueue``, its SecureQueue, its facts."""

    def __init__(self, target: AnyQueue) -> None:
        if isinstance(target, SecureQueue):
            self.queue: sqs.IQueue = target.queue
            self.secure_queue: SecureQueue | None = target
        else:
            self.queue = target
            self.secure_queue = None

    @classmethod
    def optional(cls, target: AnyQueue | None) -> QueueRef | None:
        return cls(target) if target is not None else None

    @property
    def path(self) -> str:
        """The construct path the user passed (the SecureQueue's, not its child's)."""
        return self.facts.path

    @cached_property
    def facts(self) -> QueueFacts:
        queue, secure = self.queue, self.secure_queue
        if secure is not None:
            # What the SecureQueue built its queue with: no need to read it back.
            return secure.facts
        cfn = _cfn_queue(queue)
        redrive_known, max_receive_count = _redrive_of(queue)
        return QueueFacts(
            path=path_of(queue),
            fifo=bool(queue.fifo),
            visibility_timeout_seconds=_visibility_seconds(cfn),
            content_based_deduplication=(
                bool(cfn.content_based_deduplication) if cfn is not None else None
            ),
            redrive_known=redrive_known,
            max_receive_count=max_receive_count,
            aws_managed_key=_uses_aws_managed_key(queue),
            built_here=isinstance(queue, sqs.Queue),
        )

    @property
    def customer_key(self) -> kms.IKey | None:
        """The customer-managed key the queue is encrypted with, if one is known."""
        if self.secure_queue is not None:
            secure = self.secure_queue
            return None if secure.uses_aws_managed_key else secure.encryption_key
        return self.queue.encryption_master_key

    @property
    def oldest_message_age_alarm(self) -> cloudwatch.Alarm | None:
        """The SecureQueue's own age alarm, which consumers reuse."""
        return self.secure_queue.oldest_message_age_alarm if self.secure_queue else None

    def location(self, scope: Construct) -> QueueLocation:
        """Where the queue lives compared with ``scope``'s stack."""
        account, region = env_of(self.queue)
        stack_account, stack_region = stack_env(scope)
        return QueueLocation(
            account=account,
            region=region,
            other_account=differs(account, stack_account),
            other_region=differs(region, stack_region),
        )


@dataclass(frozen=True)
class DeadLetterQueueRef:
    """The dead-letter queue a producer ends up with: passed in, created, or none."""

    ref: QueueRef | None = None
    #: True when the producer created it (then its alarms are the producer's)
    created: bool = False

    @property
    def queue(self) -> sqs.IQueue | None:
        return self.ref.queue if self.ref else None

    @property
    def secure_queue(self) -> SecureQueue | None:
        return self.ref.secure_queue if self.ref else None

    @property
    def alarms(self) -> list[cloudwatch.Alarm]:
        """The created DLQ's alarms; a DLQ passed in keeps its alarms to its owner."""
        secure = self.secure_queue
        return secure.alarms if secure is not None and self.created else []


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


def differs(a: str, b: str) -> bool:
    """True only when both are concrete and not equal (an account or a region).

    Not ``Token.compare_strings``: its TokenComparison results are jsii objects
    that compare unequal in Python even when they are the same value.
    """
    return a != b and not is_unresolved(a) and not is_unresolved(b)


# --- the facts, read back from what aws-cdk-lib keeps -------------------------------


def _cfn_queue(queue: sqs.IQueue) -> sqs.CfnQueue | None:
    """The L1 of a queue built in this app; an imported queue has none."""
    cfn = queue.node.default_child if isinstance(queue, sqs.Queue) else None
    return cfn if isinstance(cfn, sqs.CfnQueue) else None


def _visibility_seconds(cfn: sqs.CfnQueue | None) -> float | None:
    # The L2 keeps the visibility timeout only in its L1 (CfnQueue).
    if cfn is None:
        return None
    value = cfn.visibility_timeout
    if value is None:
        return _aws.SQS_DEFAULT_VISIBILITY_TIMEOUT_SECONDS
    if is_unresolved(value):
        return None
    return float(value)


def _redrive_of(queue: sqs.IQueue) -> tuple[bool, int | None]:
    """(known, max receive count or None without a DLQ).

    A queue built in this app carries its redrive policy in the L2; an
    imported one does not, and then nothing is known.
    """
    if not isinstance(queue, sqs.Queue):
        return False, None
    dead_letter = queue.dead_letter_queue
    if dead_letter is None:
        return True, None
    max_receive_count = dead_letter.max_receive_count
    if is_unresolved(max_receive_count):
        return False, None
    return True, int(max_receive_count)


def _uses_aws_managed_key(queue: sqs.IQueue) -> bool:
    """True when ``queue`` is known to be encrypted with ``alias/aws/sqs``.

    Detected from an ``sqs.Queue``'s ``encryption_type`` (``KMS_MANAGED``) or
    a key whose alias or ARN names the alias. An imported queue without a key
    ARN cannot be checked.
    """
    if queue.encryption_type == sqs.QueueEncryption.KMS_MANAGED:
        return True
    key = queue.encryption_master_key
    if key is None:
        return False
    alias_name = getattr(key, "alias_name", None)
    if isinstance(alias_name, str) and alias_name == _aws.AWS_MANAGED_SQS_KEY_ALIAS:
        return True
    arn = key.key_arn
    return not is_unresolved(arn) and arn.endswith(f":{_aws.AWS_MANAGED_SQS_KEY_ALIAS}")
