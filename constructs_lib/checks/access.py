"""Would AWS let a delivery through? Asked of the library's one policy evaluator.

Each question becomes a `constructs_lib.policy.Request` with the context the
sending service really supplies (docs: SQS "Key management", the services'
own guides), judged against the policies the app deploys:

- SNS, S3 and CloudWatch send ``aws:SourceArn`` (the topic, bucket, alarm)
  and ``aws:SourceAccount``, to SQS/SNS and to KMS alike;
- EventBridge sends them to SQS; what it sends to KMS for a queue target is
  not documented (for an encrypted topic the SNS guide says the keys are not
  supported), so a key statement whose verdict hangs on them is not judged;
- CloudWatch publishing to a topic also carries ``AWS:SourceOwner`` (what
  SNS's default topic policy tests);
- Scheduler and Pipes send with their execution role (the registry's
  ``sends_as_role``): the role's identity policies, and for a key the key
  policy (directly or by delegating to the account).

A queue without any queue policy lets only its own account's principals in;
a topic without a topic policy keeps SNS's default (the owner account's
services may publish); a key without ``KeyPolicy`` gets KMS's default (the
account root only). A verdict is ``None`` when it cannot be known at synth
(a policy value resolved only at deploy, a role outside the app, a managed
policy the template does not hold).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from constructs_lib.checks.wiring import QUEUE, TOPIC, Delivery, Wiring
from constructs_lib.policy import Caller, CallerKind, PolicySyntaxError, Request, authorize
from constructs_lib.services import kms_requests_without_source_keys, via_service
from constructs_lib.services.cloudwatch import CLOUDWATCH
from constructs_lib.templates.assembly import Resource
from constructs_lib.templates.values import Unresolved

#: What a producer needs on the target's KMS key (SQS developer guide, "Key management").
KMS_PRODUCER_ACTIONS = ("kms:GenerateDataKey", "kms:Decrypt")

#: Producers (by principal) whose KMS requests may lack aws:SourceArn/aws:SourceAccount:
#: the registry's table leaves them out of their KMS requests (EventBridge: the SNS
#: developer guide says the keys are not supported in a key policy for
#: EventBridge-to-encrypted-topic delivery; for queue targets AWS documents neither way,
#: and aws-cdk-lib's own grant, feature flag
#: @aws-cdk/aws-events:eventsTargetQueueSameAccount, relies on aws:SourceAccount). A key
#: statement that needs them is therefore not judged for such a producer.
KMS_SERVICES_WITHOUT_SOURCE_CONTEXT: dict[str, str] = kms_requests_without_source_keys()


@dataclass(frozen=True)
class Verdict:
    #: None: cannot be known at synth
    allowed: bool | None
    reason: str


UNKNOWN = Verdict(None, "cannot be judged at synth")


def may_send(wiring: Wiring, delivery: Delivery) -> Verdict:
    """Does the target's resource policy (or the producer's role) allow the delivery?"""
    target = delivery.target
    action = "sqs:SendMessage" if target.type == QUEUE else "sns:Publish"
    try:
        arn = wiring.values.arn(target.id)
        document = wiring.policy_document(target)
        if document is None and target.type == TOPIC:
            return Verdict(
                True, "SNS's default topic policy lets the owner account's services publish"
            )
        caller, identities = _caller(wiring, delivery)
        if document is None and caller.kind is CallerKind.SERVICE:
            return Verdict(
                False,
                f"{target.path} has no queue policy: only its own account's principals may send",
            )
        context = {**_source_context(wiring, delivery), "aws:SecureTransport": True}
        if delivery.service is CLOUDWATCH:
            context["aws:SourceOwner"] = wiring.values.account(delivery.producer.id.stack)
        return _decide(
            wiring,
            Request(caller, action, arn, context),
            resource_policy=document,
            label=f"the {_word(target)} policy of {target.path}",
            account=wiring.values.account(target.id.stack),
            identities=identities,
        )
    except (Unresolved, PolicySyntaxError):
        return UNKNOWN


def may_use_key(wiring: Wiring, delivery: Delivery, key: Resource) -> Verdict:
    """Does the key policy allow the producer ``kms:GenerateDataKey`` and ``kms:Decrypt``?"""
    try:
        arn = wiring.values.arn(key.id)
        document = wiring.policy_document(key) or _default_key_policy(wiring, key)
        caller, identities = _caller(wiring, delivery)
        contexts = [_kms_context(wiring, delivery, key, with_source=True)]
        if delivery.service.principal in KMS_SERVICES_WITHOUT_SOURCE_CONTEXT:
            contexts.append(_kms_context(wiring, delivery, key, with_source=False))
        verdicts = []
        for context in contexts:
            for action in KMS_PRODUCER_ACTIONS:
                request = Request(caller, action, arn, context)
                verdict = _decide(
                    wiring,
                    request,
                    resource_policy=document,
                    label=f"the key policy of {key.path}",
                    account=wiring.values.account(key.id.stack),
                    identities=identities,
                    key=True,
                )
                if verdict.allowed is not True:
                    break
            verdicts.append(verdict)
    except (Unresolved, PolicySyntaxError):
        return UNKNOWN
    if len({v.allowed for v in verdicts}) > 1:
        return UNKNOWN  # the answer hangs on keys AWS does not document for this producer
    return verdicts[0]


def _kms_context(
    wiring: Wiring, delivery: Delivery, key: Resource, *, with_source: bool
) -> dict[str, Any]:
    context = _source_context(wiring, delivery) if with_source else {}
    if delivery.service.sends_as_role:
        region = wiring.values.region(key.id.stack)
        service = "sqs" if delivery.target.type == QUEUE else "sns"
        context["kms:ViaService"] = via_service(service, region)
        context["kms:CallerAccount"] = wiring.values.account(key.id.stack)
    return context


def _decide(
    wiring: Wiring,
    request: Request,
    *,
    resource_policy: Any,
    label: str,
    account: str,
    identities: list[tuple[str, Any]] | None,
    key: bool = False,
) -> Verdict:
    decision = authorize(
        request,
        resource_policy=resource_policy,
        resource_label=label,
        resource_account=account,
        identity_policies=identities or (),
        identity_needs_delegation=key,
    )
    if decision.allowed:
        return Verdict(True, decision.reason)
    if identities is None:
        return UNKNOWN  # the role's policies are not all in the app
    if decision.explicit_deny:
        return Verdict(False, f"statement {decision.statement} of {decision.policy} denies it")
    where = " or ".join([label, *(name for name, _ in identities)])
    return Verdict(False, f"no statement of {where} allows {request.caller} {request.action}")


def _caller(wiring: Wiring, delivery: Delivery) -> tuple[Caller, list[tuple[str, Any]] | None]:
    """The caller, and its identity policies (None when they cannot all be seen)."""
    if not delivery.service.sends_as_role:
        return Caller.service(delivery.service.principal), []
    if delivery.role is None:
        raise Unresolved(f"the {delivery.service.producer}'s execution role is outside the app")
    policies, complete = wiring.identity_policies(delivery.role)
    return Caller.role(wiring.values.arn(delivery.role.id)), policies if complete else None


def _source_context(wiring: Wiring, delivery: Delivery) -> dict[str, Any]:
    if delivery.service.sends_as_role:
        return {}  # a role's own request: no source service
    producer = delivery.producer
    return {
        "aws:SourceArn": wiring.values.arn(producer.id),
        "aws:SourceAccount": wiring.values.account(producer.id.stack),
    }


def _default_key_policy(wiring: Wiring, key: Resource) -> dict[str, Any]:
    root = f"arn:aws:iam::{wiring.values.account(key.id.stack)}:root"
    return {
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": root}, "Action": "kms:*", "Resource": "*"}
        ]
    }


def _word(resource: Resource) -> str:
    return "queue" if resource.type == QUEUE else "topic"
