"""Every behaviour of AWS the strict local account plays, with the page that documents it.

A model is a claim about AWS. This table is where each claim is written once,
with the AWS page and a short quote:

- `DELIVERIES`: for each service delivery the strict account judges, each
  request it makes (to the target's resource policy, to the target's KMS
  key, to a role's trust policy) and the condition keys that request
  carries. Where AWS documents nothing, the key is *left out* (`LeftOut`,
  with why): a policy that relies on it then fails locally, as it may in AWS.
- `BEHAVIOURS`: what services refuse, and which principals exist and when.

`constructs_lib.testing.strict` builds every delivery's request context from
`request_context` (nothing else), and a test records every request the strict
account makes and fails on a key this table does not document for it.
docs/testing.md publishes the table (`markdown`; a test keeps them equal).

Standard library only, in the AWS-facts layer beside `_aws` (anything may
import it: the constructs, SqsPatternChecks, the local account): the later
registry of delivering services (one description per service: its principal,
the keys it sends) is meant to absorb it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

#: The stages of a delivery: the request each one makes and what judges it.
RESOURCE = "resource"  # sqs:SendMessage / sns:Publish, judged by the queue or topic policy
KEY = "key"  # kms:GenerateDataKey and kms:Decrypt, judged by the target key's policy
TRUST = "trust"  # sts:AssumeRole, judged by the execution role's trust policy
STAGES = (TRUST, RESOURCE, KEY)


@dataclass(frozen=True)
class Evidence:
    """An AWS page and the words on it that document a behaviour."""

    url: str
    quote: str


@dataclass(frozen=True)
class SentKey:
    """A condition key a request carries, and the value it holds."""

    key: str
    value: str
    evidence: Evidence


@dataclass(frozen=True)
class LeftOut:
    """A key the local account does not send, because AWS documents no such key here."""

    key: str
    why: str
    evidence: Evidence


@dataclass(frozen=True)
class Stage:
    """One request of a delivery."""

    action: str
    judged_by: str
    keys: tuple[SentKey, ...]
    left_out: tuple[LeftOut, ...] = ()

    @property
    def documented(self) -> frozenset[str]:
        return frozenset(k.key.lower() for k in self.keys)


@dataclass(frozen=True)
class Delivery:
    """A service putting a message into a queue or topic, as the strict account plays it."""

    id: str
    title: str
    #: who calls: a service principal, or ``role`` (the execution role of the source)
    caller: str
    stages: Mapping[str, Stage] = field(default_factory=dict)


@dataclass(frozen=True)
class Behaviour:
    """A refusal or a principal's existence the strict account plays."""

    id: str
    kind: str  # "refuses" or "principal"
    what: str
    evidence: Evidence


class UndocumentedKey(ValueError):
    """A delivery was about to send a condition key the table does not document for it."""


# --- the evidence ------------------------------------------------------------------

_SECURE_TRANSPORT = Evidence(
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"
    "#condition-keys-securetransport",
    "aws:SecureTransport ... Availability - This key is always included in the request "
    'context. (SQS: "All requests to queues with SSE enabled must use HTTPS": services '
    "deliver over TLS, so the value is true.)",
)
_KMS_SOURCE = Evidence(
    "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-services.html"
    "#least-privilege-source-arn",
    "The ARN and account values are included in the authorization context only when a "
    "request comes to AWS KMS from another AWS service.",
)
_SNS_SQS = Evidence(
    "https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html",
    "Use the aws:SourceArn or aws:SourceAccount global condition keys ... the following "
    "policy allows MyTopic to send messages to MyQueue.",
)
_S3_DESTINATIONS = Evidence(
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html",
    'the destination SQS queue ... "ArnLike": {"aws:SourceArn": "arn:aws:s3:*:*:bucket-name"}, '
    '"StringEquals": {"aws:SourceAccount": "bucket-owner-account-id"}',
)
_EVENTBRIDGE_TARGETS = Evidence(
    "https://docs.aws.amazon.com/eventbridge/latest/userguide/cross-service-confused-deputy-prevention.html",
    "We recommend using the aws:SourceArn and aws:SourceAccount global condition context keys "
    "in resource policies ... For EventBridge event bus rule targets, the value of "
    "aws:SourceArn must be the rule ARN.",
)
_EVENTBRIDGE_KMS = Evidence(
    "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html",
    "adding the aws:SourceAccount and aws:SourceArn to a KMS policy is not supported for "
    "EventBridge-to-encrypted topics. (EventBridge's own page for an encrypted SQS target, "
    "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-troubleshooting.html, gives "
    'the key statement with no condition: "Allow EventBridge to use the key".)',
)
_SCHEDULER_TRUST = Evidence(
    "https://docs.aws.amazon.com/scheduler/latest/UserGuide/cross-service-confused-deputy-prevention.html",
    "We recommend using the aws:SourceArn and aws:SourceAccount global condition context keys "
    "in your schedule execution role ... The value of aws:SourceArn must be your EventBridge "
    "Scheduler schedule group ARN",
)
_VIA_SERVICE = Evidence(
    "https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html"
    "#conditions-kms-via-service",
    "The kms:ViaService condition key limits use of an KMS key to requests from specified "
    "AWS services ... only when the request comes from Amazon EC2 or Amazon RDS ... on "
    "behalf of ExampleUser.",
)
_CALLER_ACCOUNT = Evidence(
    "https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html"
    "#conditions-kms-caller-account",
    "You can use this condition key to allow or deny access to all identities (IAM users "
    "and roles) in an AWS account.",
)
_KMS_SERVICE_PRINCIPAL_KEYS = Evidence(
    "https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html",
    "kms:ViaService and kms:CallerAccount are documented for IAM identities calling through "
    "a service; no page documents them in a request a service principal makes.",
)
_CLOUDWATCH_SNS = Evidence(
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/US_SetupSNS.html",
    "we recommend that you use the aws:SourceArn and aws:SourceAccount global condition keys "
    "in the Amazon SNS resource policy that grants permission to CloudWatch ... "
    '"aws:SourceArn": "arn:aws:cloudwatch:us-east-2:111122223333:alarm:*"',
)
_SOURCE_OWNER = Evidence(
    "https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html",
    "When publishing events to Amazon SNS, the following services support aws:SourceOwner: "
    "... Amazon CloudWatch ...",
)
_SNS_EVENT_SOURCES_KMS = Evidence(
    "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html"
    "#compatibility-with-aws-services",
    "Add the aws:SourceAccount and aws:SourceArn condition keys to the KMS resource policy to "
    "further protect the KMS key from confused deputy attacks.",
)
_S3_SNS = Evidence(
    "https://docs.aws.amazon.com/AmazonS3/latest/userguide/grant-destinations-permissions-to-s3.html",
    'the destination SNS topic ... "ArnLike": {"aws:SourceArn": "arn:aws:s3:*:*:bucket-name"}, '
    '"StringEquals": {"aws:SourceAccount": "bucket-owner-account-id"}',
)


def _secure() -> SentKey:
    return SentKey("aws:SecureTransport", "true", _SECURE_TRANSPORT)


def _source(arn: str, account: str, evidence: Evidence) -> tuple[SentKey, SentKey]:
    return (
        SentKey("aws:SourceArn", arn, evidence),
        SentKey("aws:SourceAccount", account, evidence),
    )


_KMS_ACTIONS = "kms:GenerateDataKey, kms:Decrypt"


def _key_stage(keys: tuple[SentKey, ...], left_out: tuple[LeftOut, ...] = ()) -> Stage:
    return Stage(
        _KMS_ACTIONS, "the key policy of the target's customer-managed key", keys, left_out
    )


_NO_KMS_CONTEXT_FOR_SERVICES = (
    LeftOut(
        "kms:ViaService",
        "documented for IAM identities calling through a service, not for service principals",
        _KMS_SERVICE_PRINCIPAL_KEYS,
    ),
    LeftOut(
        "kms:CallerAccount",
        "documented for IAM identities of an account, not for service principals",
        _KMS_SERVICE_PRINCIPAL_KEYS,
    ),
)

DELIVERIES: dict[str, Delivery] = {
    d.id: d
    for d in (
        Delivery(
            "sns-sqs",
            "SNS topic -> SQS queue (and the subscription's DLQ)",
            "sns.amazonaws.com",
            {
                RESOURCE: Stage(
                    "sqs:SendMessage",
                    "the queue policy",
                    (*_source("the topic's ARN", "the topic's account", _SNS_SQS), _secure()),
                ),
                KEY: _key_stage(
                    (*_source("the topic's ARN", "the topic's account", _KMS_SOURCE), _secure()),
                    _NO_KMS_CONTEXT_FOR_SERVICES,
                ),
            },
        ),
        Delivery(
            "s3-sqs",
            "S3 event notification -> SQS queue",
            "s3.amazonaws.com",
            {
                RESOURCE: Stage(
                    "sqs:SendMessage",
                    "the queue policy (also when the configuration is written)",
                    (
                        *_source("the bucket's ARN", "the bucket's account", _S3_DESTINATIONS),
                        _secure(),
                    ),
                ),
                KEY: _key_stage(
                    (*_source("the bucket's ARN", "the bucket's account", _KMS_SOURCE), _secure()),
                    _NO_KMS_CONTEXT_FOR_SERVICES,
                ),
            },
        ),
        Delivery(
            "s3-sns",
            "S3 event notification -> SNS topic (checked when the configuration is written)",
            "s3.amazonaws.com",
            {
                RESOURCE: Stage(
                    "sns:Publish",
                    "the topic policy",
                    (*_source("the bucket's ARN", "the bucket's account", _S3_SNS), _secure()),
                ),
            },
        ),
        Delivery(
            "eventbridge-sqs",
            "EventBridge rule -> SQS queue (and the target's DLQ)",
            "events.amazonaws.com",
            {
                RESOURCE: Stage(
                    "sqs:SendMessage",
                    "the queue policy",
                    (
                        *_source("the rule's ARN", "the rule's account", _EVENTBRIDGE_TARGETS),
                        _secure(),
                    ),
                ),
                KEY: _key_stage(
                    (_secure(),),
                    (
                        LeftOut(
                            "aws:SourceArn",
                            "AWS documents no source keys in EventBridge's KMS requests",
                            _EVENTBRIDGE_KMS,
                        ),
                        LeftOut(
                            "aws:SourceAccount",
                            "AWS documents no source keys in EventBridge's KMS requests",
                            _EVENTBRIDGE_KMS,
                        ),
                        *_NO_KMS_CONTEXT_FOR_SERVICES,
                    ),
                ),
            },
        ),
        Delivery(
            "scheduler-sqs",
            "EventBridge Scheduler schedule -> SQS queue (and the target's DLQ), as its role",
            "role",
            {
                TRUST: Stage(
                    "sts:AssumeRole (scheduler.amazonaws.com)",
                    "the execution role's trust policy",
                    (
                        *_source(
                            "the schedule group's ARN", "the schedule's account", _SCHEDULER_TRUST
                        ),
                        _secure(),
                    ),
                ),
                RESOURCE: Stage(
                    "sqs:SendMessage",
                    "the queue policy and the role's identity policies",
                    (_secure(),),
                ),
                KEY: _key_stage(
                    (
                        SentKey("kms:ViaService", "sqs.<region>.amazonaws.com", _VIA_SERVICE),
                        SentKey("kms:CallerAccount", "the role's account", _CALLER_ACCOUNT),
                        _secure(),
                    )
                ),
            },
        ),
        Delivery(
            "cloudwatch-sns",
            "CloudWatch alarm action -> SNS topic",
            "cloudwatch.amazonaws.com",
            {
                RESOURCE: Stage(
                    "sns:Publish",
                    "the topic policy (SNS's default one when the topic has none)",
                    (
                        *_source("the alarm's ARN", "the alarm's account", _CLOUDWATCH_SNS),
                        SentKey("aws:SourceOwner", "the alarm's account", _SOURCE_OWNER),
                        _secure(),
                    ),
                ),
                KEY: _key_stage(
                    (
                        *_source("the alarm's ARN", "the alarm's account", _SNS_EVENT_SOURCES_KMS),
                        _secure(),
                    ),
                    (
                        LeftOut(
                            "aws:SourceOwner",
                            "documented for SNS topic policies, not for KMS requests",
                            _SOURCE_OWNER,
                        ),
                        *_NO_KMS_CONTEXT_FOR_SERVICES,
                    ),
                ),
            },
        ),
    )
}

BEHAVIOURS: tuple[Behaviour, ...] = (
    Behaviour(
        "s3-validates-destinations",
        "refuses",
        "S3 refuses a notification configuration whose queue or topic policy does not let it "
        "send (InvalidArgument: Unable to validate the following destination configurations)",
        Evidence(
            "https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html",
            "Amazon S3 ... first verifies that any Amazon Simple Notification Service (Amazon SNS) "
            "or Amazon Simple Queue Service (Amazon SQS) destination exists, and that the bucket "
            "owner has permission to publish to it by sending a test notification.",
        ),
    ),
    Behaviour(
        "aws-managed-sqs-key",
        "refuses",
        "alias/aws/sqs admits only principals of its account calling through SQS: no service "
        "principal may use it (SNS, S3 and EventBridge deliveries are dropped)",
        Evidence(
            "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html",
            "you cannot modify the key policy of an AWS managed KMS key for Amazon SQS. The "
            "policy for this KMS key includes permissions for all principals in the account "
            "(that are authorized to use Amazon SQS) to use encrypted queues.",
        ),
    ),
    Behaviour(
        "kms-key-policy-principals",
        "refuses",
        "KMS refuses a key policy naming an IAM role or user that does not exist "
        "(MalformedPolicyDocumentException)",
        Evidence(
            "https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html",
            "MalformedPolicyDocumentException: The request was rejected because the specified "
            "policy is not syntactically or semantically correct.",
        ),
    ),
    Behaviour(
        "iam-trust-policy-principals",
        "refuses",
        "IAM refuses a trust policy naming an IAM role or user that does not exist "
        "(MalformedPolicyDocument: Invalid principal in policy)",
        Evidence(
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",
            "If your Principal element in a role trust policy contains an ARN that points to a "
            "specific IAM role, then that ARN transforms to the role unique principal ID when "
            "you save the policy.",
        ),
    ),
    Behaviour(
        "refusal-dead-letters",
        "refuses",
        "a delivery refused by a policy goes to the subscription's or target's DLQ when that "
        "one accepts it; otherwise it is dropped",
        Evidence(
            "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html",
            "for errors that result from missing permissions to a target, or a target resource "
            "that no longer exists, all retry attempts fail until an action is taken to resolve "
            "the underlying issue. Rather than retrying, EventBridge sends these events directly "
            "to the DLQ",
        ),
    ),
    Behaviour(
        "autoscaling-service-linked-role",
        "principal",
        "AWSServiceRoleForAutoScaling exists only once the account's first Auto Scaling group "
        "was created",
        Evidence(
            "https://docs.aws.amazon.com/autoscaling/ec2/userguide/autoscaling-service-linked-role.html",
            "Amazon EC2 Auto Scaling creates the AWSServiceRoleForAutoScaling service-linked role "
            "for you the first time that you create an Auto Scaling group",
        ),
    ),
    Behaviour(
        "iam-entities",
        "principal",
        "IAM roles and users exist once created (looked up in the account that owns them); "
        "account ids, root ARNs and service principals are not looked up",
        Evidence(
            "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html",
            "You can specify AWS accounts, IAM users, IAM roles, and some AWS services as "
            "principals in a key policy.",
        ),
    ),
)


def stage(delivery: str, stage_name: str) -> Stage:
    """The request ``delivery`` makes at ``stage_name``.

    :raises KeyError: naming the deliveries and stages the table has.
    """
    found = DELIVERIES.get(delivery)
    if found is None or stage_name not in found.stages:
        raise KeyError(
            f"no {stage_name!r} request of delivery {delivery!r} in the table; it has "
            + ", ".join(f"{d.id}: {'/'.join(d.stages)}" for d in DELIVERIES.values())
        )
    return found.stages[stage_name]


def request_context(
    delivery: str, stage_name: str, known: Mapping[str, str | bool]
) -> dict[str, str | bool]:
    """The condition keys of one request, exactly the ones the table documents.

    :param known: the values the local account can supply for this request, by
        key name; it must supply every documented key, and may supply keys the
        table leaves out (they are dropped: the pessimistic side).
    :raises UndocumentedKey: for a key that is neither documented nor left out
        for this request (the table lacks a row: add it, with its page).
    """
    found = stage(delivery, stage_name)
    left_out = {k.key.lower() for k in found.left_out}
    documented = found.documented
    context: dict[str, str | bool] = {}
    for key, value in known.items():
        name = key.lower()
        if name in documented:
            context[key] = value
        elif name not in left_out:
            raise UndocumentedKey(
                f"{delivery} ({stage_name}): {key} is not in the table of service facts "
                "(constructs_lib/_service_facts.py); document it with its AWS page, or "
                "list it as left out"
            )
    missing = documented - {k.lower() for k in context}
    if missing:
        raise UndocumentedKey(
            f"{delivery} ({stage_name}): no value for {', '.join(sorted(missing))}, which the "
            "table says AWS sends"
        )
    return context


def markdown() -> str:
    """The table as docs/testing.md publishes it."""
    lines = [
        "| delivery | request (judged by) | keys sent | left out (pessimistic) | AWS page |",
        "|---|---|---|---|---|",
    ]
    for delivery in DELIVERIES.values():
        for name in STAGES:
            if name not in delivery.stages:
                continue
            found = delivery.stages[name]
            sent = "<br>".join(f"`{k.key}` = {k.value}" for k in found.keys)
            left = "<br>".join(f"`{k.key}`: {k.why}" for k in found.left_out) or "-"
            pages = _pages(found)
            lines.append(
                f"| {delivery.title} (`{delivery.caller}`) | {found.action} ({found.judged_by}) "
                f"| {sent} | {left} | {pages} |"
            )
    lines += ["", "| behaviour | what | AWS page | quote |", "|---|---|---|---|"]
    for behaviour in BEHAVIOURS:
        lines.append(
            f"| {behaviour.kind} | {behaviour.what} | <{behaviour.evidence.url}> "
            f"| {behaviour.evidence.quote} |"
        )
    return "\n".join(lines)


def _pages(found: Stage) -> str:
    seen: list[str] = []
    for evidence in [k.evidence for k in found.keys] + [k.evidence for k in found.left_out]:
        if evidence.url not in seen:
            seen.append(evidence.url)
    return "<br>".join(f"<{url}>" for url in seen)


def quotes() -> list[tuple[str, str]]:
    """(url, quote) of every piece of evidence, once each."""
    seen: dict[tuple[str, str], None] = {}
    for delivery in DELIVERIES.values():
        for found in delivery.stages.values():
            evidence = [k.evidence for k in found.keys] + [k.evidence for k in found.left_out]
            for item in evidence:
                seen[(item.url, item.quote)] = None
    for behaviour in BEHAVIOURS:
        seen[(behaviour.evidence.url, behaviour.evidence.quote)] = None
    return list(seen)


BEGIN_MARKER = "<!-- service facts: generated by python -m constructs_lib._service_facts -->"
END_MARKER = "<!-- end of service facts -->"


def rewrite(path: str) -> bool:
    """Puts `markdown` between the markers of the file at ``path``; True if it changed."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    if BEGIN_MARKER not in text or END_MARKER not in text:
        raise ValueError(f"{path} has no {BEGIN_MARKER!r} ... {END_MARKER!r} section")
    head, rest = text.split(BEGIN_MARKER, 1)
    _, tail = rest.split(END_MARKER, 1)
    new = f"{head}{BEGIN_MARKER}\n{markdown()}\n{END_MARKER}{tail}"
    if new != text:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(new)
    return new != text


if __name__ == "__main__":  # python -m constructs_lib._service_facts docs/testing.md
    import sys

    for target in sys.argv[1:] or ["docs/testing.md"]:
        print(f"{target}: {'rewritten' if rewrite(target) else 'up to date'}")
