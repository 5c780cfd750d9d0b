"""What every delivery's table shares: the pages of IAM and KMS, and AWS's general refusals."""

from __future__ import annotations

from constructs_lib.services._model import (
    KEY,
    RESOURCE,
    TRUST,
    Behaviour,
    Delivery,
    Evidence,
    LeftOut,
    SentKey,
    Stage,
)

SECURE_TRANSPORT = Evidence(
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"
    "#condition-keys-securetransport",
    "aws:SecureTransport ... Availability - This key is always included in the request "
    'context. (SQS: "All requests to queues with SSE enabled must use HTTPS": services '
    "deliver over TLS, so the value is true.)",
)
KMS_SOURCE = Evidence(
    "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-services.html"
    "#least-privilege-source-arn",
    "The ARN and account values are included in the authorization context only when a "
    "request comes to AWS KMS from another AWS service.",
)
VIA_SERVICE = Evidence(
    "https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html"
    "#conditions-kms-via-service",
    "The kms:ViaService condition key limits use of an KMS key to requests from specified "
    "AWS services ... only when the request comes from Amazon EC2 or Amazon RDS ... on "
    "behalf of ExampleUser.",
)
CALLER_ACCOUNT = Evidence(
    "https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html"
    "#conditions-kms-caller-account",
    "You can use this condition key to allow or deny access to all identities (IAM users "
    "and roles) in an AWS account.",
)
KMS_SERVICE_PRINCIPAL_KEYS = Evidence(
    "https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html",
    "kms:ViaService and kms:CallerAccount are documented for IAM identities calling through "
    "a service; no page documents them in a request a service principal makes.",
)
SQS_KEY_MANAGEMENT = Evidence(
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html",
    "you cannot modify the key policy of an AWS managed KMS key for Amazon SQS. The "
    "policy for this KMS key includes permissions for all principals in the account "
    "(that are authorized to use Amazon SQS) to use encrypted queues.",
)


def via_service(service: str, region: str) -> str:
    """``kms:ViaService``'s value for calls ``service`` (``sqs``, ``sns``) makes in ``region``."""
    return f"{service}.{region}.amazonaws.com"


def secure() -> SentKey:
    return SentKey("aws:SecureTransport", "true", SECURE_TRANSPORT)


def source_keys(arn: str, account: str, evidence: Evidence) -> tuple[SentKey, SentKey]:
    return (
        SentKey("aws:SourceArn", arn, evidence),
        SentKey("aws:SourceAccount", account, evidence),
    )


KMS_ACTIONS = "kms:GenerateDataKey, kms:Decrypt"


def key_stage(keys: tuple[SentKey, ...], left_out: tuple[LeftOut, ...] = ()) -> Stage:
    return Stage(KMS_ACTIONS, "the key policy of the target's customer-managed key", keys, left_out)


#: What a service principal's KMS request does not carry (documented for IAM callers only).
NO_KMS_CONTEXT_FOR_SERVICES = (
    LeftOut(
        "kms:ViaService",
        "documented for IAM identities calling through a service, not for service principals",
        KMS_SERVICE_PRINCIPAL_KEYS,
    ),
    LeftOut(
        "kms:CallerAccount",
        "documented for IAM identities of an account, not for service principals",
        KMS_SERVICE_PRINCIPAL_KEYS,
    ),
)


def as_itself(
    delivery_id: str,
    title: str,
    principal: str,
    source: tuple[str, str],
    evidence: Evidence,
    *,
    action: str = "sqs:SendMessage",
    judged_by: str = "the queue policy",
    also_sent: tuple[SentKey, ...] = (),
    key_evidence: Evidence | None = KMS_SOURCE,
    key_keys: tuple[SentKey, ...] | None = None,
    key_left_out: tuple[LeftOut, ...] = (),
) -> Delivery:
    """A delivery by a service principal: the source's ARN and account (``source``, in
    words) in the target's request (``evidence``) and, unless ``key_evidence`` is None,
    in its KMS request too (``key_keys``: what that one carries instead)."""
    arn, account = source
    stages = {
        RESOURCE: Stage(
            action, judged_by, (*source_keys(arn, account, evidence), *also_sent, secure())
        )
    }
    if key_evidence is not None:
        sent = (
            key_keys
            if key_keys is not None
            else (*source_keys(arn, account, key_evidence), secure())
        )
        stages[KEY] = key_stage(sent, (*key_left_out, *NO_KMS_CONTEXT_FOR_SERVICES))
    return Delivery(delivery_id, title, principal, stages)


_ROLE_JUDGES = "the queue policy and the role's identity policies"


def as_role(
    delivery_id: str,
    title: str,
    principal: str,
    trust: tuple[SentKey, ...],
    trust_left_out: tuple[LeftOut, ...] = (),
    *,
    action: str = "sqs:SendMessage",
) -> Delivery:
    """A delivery by a service that assumes a role (``trust``: the keys of its AssumeRole
    request) and then calls SQS as that role: the role's own requests, no source keys."""
    return Delivery(
        delivery_id,
        title,
        "role",
        {
            TRUST: Stage(
                f"sts:AssumeRole ({principal})",
                "the execution role's trust policy",
                (*trust, secure()),
                trust_left_out,
            ),
            RESOURCE: Stage(
                action, "the queue policy and the role's identity policies", (secure(),)
            ),
            KEY: key_stage(
                (
                    SentKey("kms:ViaService", via_service("sqs", "<region>"), VIA_SERVICE),
                    SentKey("kms:CallerAccount", "the role's account", CALLER_ACCOUNT),
                    secure(),
                )
            ),
        },
    )


#: AWS's refusals that are no one service's.
GENERAL_BEHAVIOURS: tuple[Behaviour, ...] = (
    Behaviour(
        "aws-managed-sqs-key",
        "refuses",
        "alias/aws/sqs admits only principals of its account calling through SQS: no service "
        "principal may use it (SNS, S3 and EventBridge deliveries are dropped)",
        SQS_KEY_MANAGEMENT,
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
