"""Part ``deliveries``: every service delivery moto performs is judged as AWS judges it.

Every delivery goes through one flow, `deliver`: the target's verdict (the
caller and the condition keys come from the service's description in
`constructs_lib.services`); a refusal tries the dead-letter queue the
service keeps, is recorded as a `Drop`, and the message goes where it was
accepted, or nowhere. Hooked (each patch lists the moto internals it relies on):

- SNS -> SQS: ``moto.sns.models.Subscription.publish``; a refused message goes
  to the subscription's DLQ (``RedrivePolicy``) when that one accepts it;
- S3 notification -> SQS: ``moto.s3.notifications._send_sqs_message``; and,
  as in AWS, writing a notification configuration whose queue or topic policy
  does not let S3 send fails ("Unable to validate the following destination
  configurations": ``S3Backend.put_bucket_notification_configuration``);
- EventBridge rule -> SQS: ``moto.events.models.Rule._send_to_sqs_queue``; a
  refused event goes to the target's ``DeadLetterConfig`` queue when that accepts it;
- Scheduler -> SQS: moto never runs schedules; `fire_schedule` runs one now,
  through its role (trust policy for ``scheduler.amazonaws.com``, then the
  role's identity policies, the queue policy and the key policy);
- EventBridge Pipes, SQS source -> SQS: moto stores pipes and never runs them;
  `run_pipe` polls the source once, as the pipe's role (its reads of the
  source judged too); what it cannot deliver stays in the source queue, whose
  redrive policy dead-letters it (AWS: "A pipe inherits dead-letter queue (DLQ)
  behavior from the source");
- CloudWatch alarm -> SNS: `publish_from_service`, called by the alarms part.
"""

from __future__ import annotations

import datetime
import json
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from moto.pipes.models import pipes_backends
from moto.s3.exceptions import S3ClientError
from moto.scheduler.models import scheduler_backends
from moto.sns.models import sns_backends
from moto.sqs.models import sqs_backends

from constructs_lib import services
from constructs_lib.policy import Caller, Decision, Request, authorize
from constructs_lib.services import Service
from constructs_lib.services.eventbridge import EVENTBRIDGE
from constructs_lib.services.pipes import PIPES
from constructs_lib.services.s3 import S3
from constructs_lib.services.scheduler import SCHEDULER
from constructs_lib.services.sns import SNS
from constructs_lib_testing.activation import MotoPatch, register_part
from constructs_lib_testing.strict.state import STRICT_GROUP, Drop, enabled, now, record_drop
from constructs_lib_testing.strict.targets import (
    IdentityPolicies,
    Source,
    arn_parts,
    key_refusal,
    role_identity_policies,
    role_trust_refusal,
    target_refusal,
)

#: The moto internals this module uses besides its patches (the upgrade checklist reads them).
MOTO_INTERNALS = (
    "moto.pipes.models:pipes_backends",
    "moto.pipes.models:EventBridgePipesBackend.describe_pipe",
    "moto.pipes.models:Pipe#source",
    "moto.pipes.models:Pipe#target",
    "moto.pipes.models:Pipe#role_arn",
    "moto.pipes.models:Pipe#source_parameters",
    "moto.pipes.models:Pipe#target_parameters",
    "moto.pipes.models:Pipe#desired_state",
    "moto.s3.exceptions:S3ClientError",
    "moto.scheduler.models:scheduler_backends",
    "moto.sns.models:sns_backends",
    "moto.sns.models:SNSBackend.publish",
    "moto.sqs.models:sqs_backends",
    "moto.sqs.models:SQSBackend.receive_message(queue_name, count, wait_seconds_timeout, "
    "visibility_timeout)",
    "moto.sqs.models:SQSBackend.delete_message",
    "moto.sqs.models:SQSBackend.get_queue",
    "moto.sqs.models:Queue.attributes",
    "moto.sqs.models:Message#id",
    "moto.sqs.models:Message#body",
    "moto.sqs.models:Message#receipt_handle",
    "moto.sqs.models:Message#sender_id",
    "moto.sqs.models:Message#sent_timestamp",
    "moto.sqs.models:Message#approximate_receive_count",
    "moto.sqs.models:Message#approximate_first_receive_timestamp",
    "moto.sqs.models:Message#group_id",
    "moto.sqs.models:Message#deduplication_id",
    "moto.sqs.models:Message.body_md5",
)

_MESSAGE_PREVIEW = 200
# Subscription.publish picks its queue from the subscription's endpoint: a DLQ
# delivery swaps it for one call, one at a time.
_ENDPOINT_SWAP = threading.Lock()

#: A verdict on putting the message into an ARN: why AWS refuses it, or None.
Judge = Callable[[str], Decision | None]


# --- the one delivery flow ---------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """Where a delivery went: ``delivered`` into the target, or not (then recorded)."""

    delivered: bool
    #: what forwarding into the target returned (moto's own result)
    result: Any = None


def deliver(
    service: Service,
    source_arn: str,
    target_arn: str,
    message: Any,
    *,
    judge: Judge,
    forward: Callable[[str], Any],
    dead_letter_arn: str | None = None,
) -> Outcome:
    """Refused -> try the dead-letter queue -> record -> forward: every service's delivery.

    ``judge`` says whether AWS lets the service put the message into an ARN,
    ``forward`` puts it there (the target, or the DLQ the service keeps for
    what it cannot deliver: a subscription's, a target's; None: the service
    keeps none and a refused message is dropped).
    """
    refusal = judge(target_arn)
    if refusal is None:
        return Outcome(True, forward(target_arn))
    dead_lettered = dead_letter_arn is not None and judge(dead_letter_arn) is None
    text = message if isinstance(message, str) else json.dumps(message, default=str)
    record_drop(
        Drop(
            producer=service.principal,
            source=source_arn,
            target=target_arn,
            message=text[:_MESSAGE_PREVIEW],
            policy=refusal.policy,
            reason=refusal.reason,
            dead_lettered_to=dead_letter_arn if dead_lettered else None,
        )
    )
    if dead_lettered and dead_letter_arn is not None:
        forward(dead_letter_arn)
    return Outcome(False)


def judge_of(service: Service, source: Source, *, role_arn: str | None = None) -> Judge:
    """How AWS judges ``service`` putting a message into a queue or topic ARN.

    A service that sends as itself is judged by the target's policies (its
    principal, its source's keys); one that sends as a role (Scheduler, Pipes)
    first assumes it (the role's trust policy), then is judged as the role (its
    identity policies beside the target's).
    """
    if not enabled("deliveries"):
        return lambda arn: None
    if not service.sends_as_role:

        def as_itself(arn: str) -> Decision | None:
            return target_refusal(Caller.service(service.principal), arn, source)

        return as_itself
    if role_arn is None:
        raise ValueError(f"{service.name} sends as a role: name it")

    def as_role(arn: str) -> Decision | None:
        policies = assumed(service, role_arn, source)
        if isinstance(policies, Decision):
            return policies
        # the role's own request: no source keys (the table's RESOURCE and KEY rows)
        return target_refusal(Caller.role(role_arn), arn, Source(source.delivery), policies)

    return as_role


def assumed(service: Service, role_arn: str, source: Source) -> IdentityPolicies | Decision:
    """``service`` assumes ``role_arn`` (its trust policy, with the keys of ``source``'s
    trust request): the role's identity policies, or why it cannot."""
    trust = role_trust_refusal(role_arn, service.principal, source)
    return trust if trust is not None else role_identity_policies(role_arn)


# --- SNS -> SQS ----------------------------------------------------------------


def _wrap_subscription_publish(original: Callable[..., Any]) -> Callable[..., Any]:
    def publish(self: Any, message: str, message_id: str, *args: Any, **kwargs: Any) -> Any:
        if (
            not enabled("deliveries")
            or self.protocol != "sqs"
            or not _passes_filter(self, message, kwargs)
        ):
            return original(self, message, message_id, *args, **kwargs)
        topic_arn = self.topic.arn
        endpoint = self.endpoint

        def forward(arn: str) -> Any:
            if arn == endpoint:
                return original(self, message, message_id, *args, **kwargs)
            with _ENDPOINT_SWAP:
                self.endpoint = arn
                try:
                    return original(self, message, message_id, *args, **kwargs)
                finally:
                    self.endpoint = endpoint

        redrive = json.loads(self.attributes.get("RedrivePolicy") or "{}")
        return deliver(
            SNS,
            topic_arn,
            endpoint,
            message,
            judge=judge_of(SNS, Source("sns-sqs", topic_arn, arn_parts(topic_arn)[2])),
            forward=forward,
            dead_letter_arn=redrive.get("deadLetterTargetArn"),
        ).result

    return publish


def _passes_filter(subscription: Any, message: str, kwargs: dict[str, Any]) -> bool:
    # A message the filter policy stops is not a delivery: nothing to judge.
    matcher = subscription._filter_policy_matcher
    return matcher is None or bool(matcher.matches(kwargs.get("message_attributes"), message))


# --- S3 -> SQS -------------------------------------------------------------------


def _wrap_s3_send_sqs_message(original: Callable[..., Any]) -> Callable[..., Any]:
    def send(account_id: str, event_body: Any, queue_name: str, region_name: str) -> Any:
        if not enabled("deliveries"):
            return original(account_id, event_body, queue_name, region_name)
        bucket_arn = f"arn:aws:s3:::{_bucket_of(event_body)}"
        queue_arn = f"arn:aws:sqs:{region_name}:{account_id}:{queue_name}"
        return deliver(
            S3,
            bucket_arn,
            queue_arn,
            event_body,
            judge=judge_of(S3, Source("s3-sqs", bucket_arn, account_id)),
            forward=lambda _: original(account_id, event_body, queue_name, region_name),
        ).result

    return send


class UnableToValidateDestinations(S3ClientError):
    """S3's answer to a notification configuration it may not deliver to."""

    code = "InvalidArgument"


def _wrap_put_bucket_notification(original: Callable[..., Any]) -> Callable[..., Any]:
    # S3 checks, when the configuration is written, that each queue's or topic's
    # policy lets it send; the key is not checked then (its messages are dropped later).
    def put(self: Any, bucket_name: str, notification_config: dict[str, Any]) -> Any:
        if enabled("deliveries"):
            refusals = _unvalidated_destinations(self.account_id, bucket_name, notification_config)
            if refusals:
                raise UnableToValidateDestinations(
                    "Unable to validate the following destination configurations: "
                    + "; ".join(refusals)
                )
        return original(self, bucket_name, notification_config)

    return put


def _unvalidated_destinations(account: str, bucket: str, config: dict[str, Any]) -> list[str]:
    bucket_arn = f"arn:aws:s3:::{bucket}"
    caller = Caller.service(S3.principal)
    refusals = []
    destinations = [
        *(("s3-sqs", entry["Queue"]) for entry in config.get("QueueConfiguration", [])),
        *(("s3-sns", entry["Topic"]) for entry in config.get("TopicConfiguration", [])),
    ]
    for delivery, arn in destinations:
        refusal = target_refusal(caller, arn, Source(delivery, bucket_arn, account), with_key=False)
        if refusal is not None:
            refusals.append(f"{arn}: {refusal.reason}")
    return refusals


def _bucket_of(event_body: dict[str, Any]) -> str:
    if "Records" in event_body:
        return str(event_body["Records"][0]["s3"]["bucket"]["name"])
    return str(event_body["Bucket"])  # the s3:TestEvent


# --- EventBridge -> SQS ------------------------------------------------------------


def _wrap_rule_send_to_sqs(original: Callable[..., Any]) -> Callable[..., Any]:
    def send(self: Any, resource_id: str, event: dict[str, Any], group_id: Any = None) -> Any:
        if not enabled("deliveries"):
            return original(self, resource_id, event, group_id)
        target = _target_for_queue(self, resource_id)
        queue_arn = target["Arn"]

        def forward(arn: str) -> Any:
            if arn == queue_arn:
                return original(self, resource_id, event, group_id)
            return original(self, arn_parts(arn)[3], dict(event), None)

        return deliver(
            EVENTBRIDGE,
            self.arn,
            queue_arn,
            event,
            judge=judge_of(EVENTBRIDGE, Source("eventbridge-sqs", self.arn, self.account_id)),
            forward=forward,
            dead_letter_arn=target.get("DeadLetterConfig", {}).get("Arn"),
        ).result

    return send


def _target_for_queue(rule: Any, queue_name: str) -> dict[str, Any]:
    for target in rule.targets:
        arn = str(target["Arn"])
        if (
            arn.startswith("arn:")
            and arn_parts(arn)[0] == "sqs"
            and arn_parts(arn)[3] == queue_name
        ):
            return dict(target)
    fallback = f"arn:aws:sqs:{rule.region_name}:{rule.account_id}:{queue_name}"
    return {"Arn": fallback}


# --- Scheduler -> SQS ----------------------------------------------------------------


def fire_schedule(name: str, *, group: str, account_id: str, region: str) -> bool:
    """Deliver schedule ``group/name``'s SQS target now; False (and a `Drop`) if refused."""
    schedule = scheduler_backends[account_id][region].get_schedule(group, name)
    target = schedule.target
    queue_arn = target["Arn"]
    body = _with_context_attributes(target.get("Input") or "{}", schedule.arn)
    group_arn = f"arn:aws:scheduler:{region}:{account_id}:schedule-group/{group}"
    group_id = target.get("SqsParameters", {}).get("MessageGroupId")
    return deliver(
        SCHEDULER,
        schedule.arn,
        queue_arn,
        body,
        judge=judge_of(
            SCHEDULER, Source("scheduler-sqs", group_arn, account_id), role_arn=target["RoleArn"]
        ),
        forward=lambda arn: _send(arn, body, group_id if arn == queue_arn else None),
        dead_letter_arn=target.get("DeadLetterConfig", {}).get("Arn"),
    ).delivered


def _with_context_attributes(body: str, schedule_arn: str) -> str:
    """The payload with Scheduler's context attributes filled in, as Scheduler sends it."""
    scheduled = datetime.datetime.fromtimestamp(now(), tz=datetime.UTC)
    values = {
        "<aws.scheduler.schedule-arn>": schedule_arn,
        "<aws.scheduler.scheduled-time>": scheduled.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "<aws.scheduler.execution-id>": str(uuid.uuid4()),
        "<aws.scheduler.attempt-number>": "1",
    }
    for placeholder, value in values.items():
        body = body.replace(placeholder, value)
    return body


def _send(queue_arn: str, body: str, group_id: str | None, dedup_id: str | None = None) -> Any:
    _, region, account, name = arn_parts(queue_arn)
    return sqs_backends[account][region].send_message(
        name, body, group_id=group_id, deduplication_id=dedup_id
    )


# --- EventBridge Pipes, SQS source -> SQS --------------------------------------------

#: What a pipe's role does to its SQS source (EventBridge user guide, "Amazon SQS as a
#: source": "sqs:ReceiveMessage, sqs:DeleteMessage, sqs:GetQueueAttributes").
PIPE_SOURCE_ACTIONS = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")
#: The ``StateReason`` AWS stops such a pipe with ("Amazon EventBridge Pipes error
#: handling and troubleshooting").
PIPE_STOPPED = (
    "Pipes does not have required permissions to perform Queue operations "
    "(sqs:ReceiveMessage, sqs:DeleteMessage and sqs:GetQueueAttributes)"
)
#: The records of one poll when the pipe sets no BatchSize (EventBridge user guide:
#: "By default, EventBridge polls up to 10 messages in your queue simultaneously").
PIPE_DEFAULT_BATCH = 10


@dataclass(frozen=True)
class PipeRun:
    """One poll of a pipe's SQS source: the records delivered and refused, or why it stopped."""

    delivered: int = 0
    refused: int = 0
    #: the pipe could not read its source (AWS then stops it with this ``StateReason``)
    state_reason: str | None = None


def run_pipe(name: str, *, account_id: str, region: str) -> PipeRun:
    """Poll pipe ``name``'s SQS source once and deliver what it read, as AWS would.

    The pipe assumes its role (trust policy for ``pipes.amazonaws.com``), reads a
    batch with it (the role's identity policies, the source's queue and key
    policies judge ``sqs:ReceiveMessage``, ``sqs:DeleteMessage``,
    ``sqs:GetQueueAttributes``, ``kms:Decrypt``), sends each record to the
    target as the role and deletes it from the source; a refused record stays
    in the source, visible again after the queue's visibility timeout, and the
    source's redrive policy moves it to the source's DLQ after its receives.

    Not played (moto does not run pipes, and this models only what the library
    builds): stream sources, filter criteria, enrichment, input templates.
    """
    pipe = pipes_backends[account_id][region].describe_pipe(name)
    if pipe.desired_state == "STOPPED":
        return PipeRun()
    parameters = pipe.source_parameters or {}
    target_parameters = pipe.target_parameters or {}
    service, source_region, source_account, queue_name = arn_parts(pipe.source)
    unplayed = [
        what
        for what, present in (
            ("a stream source", service != "sqs"),
            ("filter criteria", bool(parameters.get("FilterCriteria"))),
            ("an input template", bool(target_parameters.get("InputTemplate"))),
            ("enrichment", bool(getattr(pipe, "enrichment", None))),
        )
        if present
    ]
    if unplayed:
        raise NotImplementedError(
            f"pipe {name}: {', '.join(unplayed)} is not played by the strict account"
        )
    source = Source("pipes-sqs", pipe.arn, account_id)
    stopped = _pipe_source_refusal(pipe.role_arn, pipe.source, source)
    if stopped is not None:
        return PipeRun(state_reason=f"{PIPE_STOPPED}: {stopped.reason}")
    backend = sqs_backends[source_account][source_region]
    queue = backend.get_queue(queue_name)
    batch = int((parameters.get("SqsQueueParameters") or {}).get("BatchSize") or PIPE_DEFAULT_BATCH)
    # each record stays invisible for the queue's visibility timeout until deleted
    visibility = int(queue.attributes.get("VisibilityTimeout", 30))
    messages = backend.receive_message(queue_name, batch, 0, visibility)
    judge = judge_of(PIPES, source, role_arn=pipe.role_arn)
    sqs_target = target_parameters.get("SqsQueueParameters") or {}
    delivered = refused = 0
    for message in messages:
        record = _sqs_record(message, pipe.source, source_region)
        body = json.dumps(record)

        def forward(arn: str, record: Mapping[str, Any] = record, body: str = body) -> Any:
            sent = _send(
                arn,
                body,
                _dynamic(sqs_target.get("MessageGroupId"), record),
                _dynamic(sqs_target.get("MessageDeduplicationId"), record),
            )
            backend.delete_message(queue_name, str(record["receiptHandle"]))
            return sent

        outcome = deliver(PIPES, pipe.arn, pipe.target, body, judge=judge, forward=forward)
        delivered += outcome.delivered
        refused += not outcome.delivered
    return PipeRun(delivered, refused)


def _pipe_source_refusal(role_arn: str, queue_arn: str, source: Source) -> Decision | None:
    """Why the pipe's role may not read its source queue (trust, identity, queue, key)."""
    if not enabled("deliveries"):
        return None
    policies = assumed(PIPES, role_arn, source)
    if isinstance(policies, Decision):
        return policies
    own = Source(source.delivery)
    caller = Caller.role(role_arn)
    _, region, account, name = arn_parts(queue_arn)
    queue = sqs_backends[account][region].queues.get(name)
    if queue is None:
        return Decision(False, f"the source queue {queue_arn} does not exist")
    for action in PIPE_SOURCE_ACTIONS:
        decision = authorize(
            Request(caller, action, queue_arn, own.context(services.RESOURCE)),
            resource_policy=queue.policy,
            resource_label=f"queue policy of {queue_arn}",
            resource_account=account,
            identity_policies=policies,
        )
        if not decision:
            return replace(decision, reason=f"{action}: {decision.reason}")
    key = getattr(queue, "kms_master_key_id", None)
    if key:
        return key_refusal(
            caller, str(key), "sqs", account, region, own, policies, actions=("kms:Decrypt",)
        )
    return None


def _sqs_record(message: Any, queue_arn: str, region: str) -> dict[str, Any]:
    """The record EventBridge Pipes reads from an SQS source (EventBridge user guide,
    "Amazon SQS as a source", its example events)."""
    attributes = {
        "ApproximateReceiveCount": str(message.approximate_receive_count),
        "SentTimestamp": str(message.sent_timestamp),
        "SenderId": str(message.sender_id),
        "ApproximateFirstReceiveTimestamp": str(message.approximate_first_receive_timestamp),
    }
    if message.group_id:
        attributes["MessageGroupId"] = message.group_id
    if message.deduplication_id:
        attributes["MessageDeduplicationId"] = message.deduplication_id
    return {
        "messageId": message.id,
        "receiptHandle": message.receipt_handle,
        "body": message.body,
        "attributes": attributes,
        "messageAttributes": {},
        "md5OfBody": message.body_md5,
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


def _dynamic(value: Any, record: Mapping[str, Any]) -> str | None:
    """A target parameter: a literal, or a dynamic JSON path (``$.attributes.MessageGroupId``)
    into the record (EventBridge user guide, "Dynamic path parameters")."""
    if value is None:
        return None
    text = str(value)
    if not text.startswith("$."):
        return text
    found: Any = record
    for part in text[2:].split("."):
        found = found.get(part) if isinstance(found, Mapping) else None
    return None if found is None else str(found)


# --- CloudWatch (and other services) -> SNS --------------------------------------------


def publish_from_service(
    service: str, source_arn: str, topic_arn: str, message: str, subject: str | None = None
) -> bool:
    """``service`` publishes to ``topic_arn`` on behalf of ``source_arn`` (an alarm).

    Judged by the topic policy and the topic's key; False (and a `Drop`) if refused.
    """
    _, region, account, _ = arn_parts(topic_arn)
    publishers = {
        s.principal: d.id
        for s in services.SERVICES
        for d in s.deliveries
        if d.caller == s.principal and d.id.endswith("-sns") and not d.id.startswith("s3-")
    }
    publisher, delivery = services.by_principal(service), publishers.get(service)
    if publisher is None or delivery is None:
        raise ValueError(
            f"{service} publishing to SNS is not in the registry of services; known: "
            + ", ".join(sorted(publishers))
        )
    owner = arn_parts(source_arn)[2]
    return deliver(
        publisher,
        source_arn,
        topic_arn,
        message,
        judge=judge_of(publisher, Source(delivery, source_arn, owner, owner=owner)),
        forward=lambda arn: sns_backends[account][region].publish(
            message, arn=arn, subject=subject
        ),
    ).delivered


register_part(
    "deliveries",
    "SNS, S3, EventBridge, Scheduler, Pipes and CloudWatch deliveries judged by the target's "
    "resource and key policies; refused ones dropped and recorded",
    [
        MotoPatch(
            "moto.sns.models:Subscription.publish",
            _wrap_subscription_publish,
            relies_on=(
                "moto.sns.models:Subscription#_filter_policy_matcher",
                "moto.sns.models:Subscription#attributes",
                "moto.sns.models:Subscription#endpoint",
                "moto.sns.models:Subscription#topic",
            ),
        ),
        MotoPatch(
            "moto.s3.models:S3Backend.put_bucket_notification_configuration",
            _wrap_put_bucket_notification,
        ),
        MotoPatch(
            "moto.s3.notifications:_send_sqs_message",
            _wrap_s3_send_sqs_message,
            relies_on=("moto.s3.notifications:send_event", "moto.s3.notifications:send_test_event"),
        ),
        MotoPatch(
            "moto.events.models:Rule._send_to_sqs_queue",
            _wrap_rule_send_to_sqs,
            relies_on=("moto.events.models:Rule#targets", "moto.events.models:Rule.arn"),
        ),
    ],
    group=STRICT_GROUP,
)
