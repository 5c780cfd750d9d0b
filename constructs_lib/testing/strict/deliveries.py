"""Part ``deliveries``: every service delivery moto performs is judged as AWS judges it.

Hooked (each patch lists the moto internals it relies on):

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
- CloudWatch alarm -> SNS: `publish_from_service`, called by the alarms part.

A refused delivery is not sent, as in AWS, and is recorded as a `Drop`.
"""

from __future__ import annotations

import datetime
import json
import threading
import uuid
from collections.abc import Callable
from typing import Any

from moto.s3.exceptions import S3ClientError
from moto.scheduler.models import scheduler_backends
from moto.sns.models import sns_backends
from moto.sqs.models import sqs_backends

from constructs_lib.policy import Caller, Decision
from constructs_lib.testing.activation import MotoPatch, register_part
from constructs_lib.testing.strict.state import STRICT_GROUP, Drop, enabled, now, record_drop
from constructs_lib.testing.strict.targets import (
    Source,
    arn_parts,
    queue_refusal,
    role_identity_policies,
    role_trust_refusal,
    topic_refusal,
)

#: The moto internals this module uses besides its patches (the upgrade checklist reads them).
MOTO_INTERNALS = (
    "moto.s3.exceptions:S3ClientError",
    "moto.scheduler.models:scheduler_backends",
    "moto.sns.models:sns_backends",
    "moto.sns.models:SNSBackend.publish",
    "moto.sqs.models:sqs_backends",
)

SNS = "sns.amazonaws.com"
S3 = "s3.amazonaws.com"
EVENTS = "events.amazonaws.com"
SCHEDULER = "scheduler.amazonaws.com"
_MESSAGE_PREVIEW = 200
# Subscription.publish picks its queue from the subscription's endpoint: a DLQ
# delivery swaps it for one call, one at a time.
_ENDPOINT_SWAP = threading.Lock()


def _drop(producer: str, source: str, target: str, message: Any, refusal: Decision,
          dead_lettered_to: str | None = None) -> None:  # fmt: skip
    text = message if isinstance(message, str) else json.dumps(message, default=str)
    record_drop(
        Drop(
            producer=producer,
            source=source,
            target=target,
            message=text[:_MESSAGE_PREVIEW],
            policy=refusal.policy,
            reason=refusal.reason,
            dead_lettered_to=dead_lettered_to,
        )
    )


def _dlq_accepts(caller: Caller, dlq_arn: str | None, source: Source) -> bool:
    return bool(dlq_arn) and queue_refusal(caller, str(dlq_arn), source) is None


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
        source = Source("sns-sqs", topic_arn, arn_parts(topic_arn)[2])
        refusal = queue_refusal(Caller.service(SNS), self.endpoint, source)
        if refusal is None:
            return original(self, message, message_id, *args, **kwargs)
        dlq = json.loads(self.attributes.get("RedrivePolicy") or "{}").get("deadLetterTargetArn")
        dead_lettered = _dlq_accepts(Caller.service(SNS), dlq, source)
        _drop(SNS, topic_arn, self.endpoint, message, refusal, dlq if dead_lettered else None)
        if dead_lettered:
            with _ENDPOINT_SWAP:
                endpoint, self.endpoint = self.endpoint, dlq
                try:
                    original(self, message, message_id, *args, **kwargs)
                finally:
                    self.endpoint = endpoint
        return None

    return publish


def _passes_filter(subscription: Any, message: str, kwargs: dict[str, Any]) -> bool:
    # A message the filter policy stops is not a delivery: nothing to judge.
    matcher = subscription._filter_policy_matcher
    return matcher is None or bool(matcher.matches(kwargs.get("message_attributes"), message))


# --- S3 -> SQS -------------------------------------------------------------------


def _wrap_s3_send_sqs_message(original: Callable[..., Any]) -> Callable[..., Any]:
    def send(account_id: str, event_body: Any, queue_name: str, region_name: str) -> None:
        if not enabled("deliveries"):
            return original(account_id, event_body, queue_name, region_name)  # type: ignore[no-any-return]
        bucket_arn = f"arn:aws:s3:::{_bucket_of(event_body)}"
        queue_arn = f"arn:aws:sqs:{region_name}:{account_id}:{queue_name}"
        refusal = queue_refusal(
            Caller.service(S3), queue_arn, Source("s3-sqs", bucket_arn, account_id)
        )
        if refusal is not None:
            _drop(S3, bucket_arn, queue_arn, event_body, refusal)
            return None
        return original(account_id, event_body, queue_name, region_name)  # type: ignore[no-any-return]

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
    refusals = []
    for entry in config.get("QueueConfiguration", []):
        to_queue = Source("s3-sqs", bucket_arn, account)
        refusal = queue_refusal(Caller.service(S3), entry["Queue"], to_queue, with_key=False)
        if refusal is not None:
            refusals.append(f"{entry['Queue']}: {refusal.reason}")
    for entry in config.get("TopicConfiguration", []):
        to_topic = Source("s3-sns", bucket_arn, account)
        refusal = topic_refusal(Caller.service(S3), entry["Topic"], to_topic, with_key=False)
        if refusal is not None:
            refusals.append(f"{entry['Topic']}: {refusal.reason}")
    return refusals


def _bucket_of(event_body: dict[str, Any]) -> str:
    if "Records" in event_body:
        return str(event_body["Records"][0]["s3"]["bucket"]["name"])
    return str(event_body["Bucket"])  # the s3:TestEvent


# --- EventBridge -> SQS ------------------------------------------------------------


def _wrap_rule_send_to_sqs(original: Callable[..., Any]) -> Callable[..., Any]:
    def send(self: Any, resource_id: str, event: dict[str, Any], group_id: Any = None) -> None:
        if not enabled("deliveries"):
            return original(self, resource_id, event, group_id)  # type: ignore[no-any-return]
        target = _target_for_queue(self, resource_id)
        queue_arn = target["Arn"]
        source = Source("eventbridge-sqs", self.arn, self.account_id)
        refusal = queue_refusal(Caller.service(EVENTS), queue_arn, source)
        if refusal is None:
            return original(self, resource_id, event, group_id)  # type: ignore[no-any-return]
        dlq = target.get("DeadLetterConfig", {}).get("Arn")
        dead_lettered = _dlq_accepts(Caller.service(EVENTS), dlq, source)
        _drop(EVENTS, self.arn, queue_arn, event, refusal, dlq if dead_lettered else None)
        if dead_lettered:
            original(self, arn_parts(dlq)[3], dict(event), None)
        return None

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
    queue_arn, role_arn = target["Arn"], target["RoleArn"]
    body = _with_context_attributes(target.get("Input") or "{}", schedule.arn)
    group_arn = f"arn:aws:scheduler:{region}:{account_id}:schedule-group/{group}"
    refusal = _scheduler_refusal(role_arn, queue_arn, group_arn, account_id)
    if refusal is None:
        _send(queue_arn, body, target.get("SqsParameters", {}).get("MessageGroupId"))
        return True
    dlq = target.get("DeadLetterConfig", {}).get("Arn")
    dead_lettered = bool(dlq) and _scheduler_refusal(role_arn, dlq, group_arn, account_id) is None
    _drop(SCHEDULER, schedule.arn, queue_arn, body, refusal, dlq if dead_lettered else None)
    if dead_lettered:
        _send(dlq, body, None)
    return False


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


def _scheduler_refusal(
    role_arn: str, queue_arn: str, group_arn: str, account_id: str
) -> Decision | None:
    if enabled("deliveries") is False:
        return None
    trust = role_trust_refusal(role_arn, SCHEDULER, Source("scheduler-sqs", group_arn, account_id))
    if trust is not None:
        return trust
    policies = role_identity_policies(role_arn)
    if isinstance(policies, Decision):
        return policies
    # the role's own request: no source keys (the table's RESOURCE and KEY rows)
    return queue_refusal(Caller.role(role_arn), queue_arn, Source("scheduler-sqs"), policies)


def _send(queue_arn: str, body: str, group_id: str | None) -> None:
    _, region, account, name = arn_parts(queue_arn)
    sqs_backends[account][region].send_message(name, body, group_id=group_id)


# --- CloudWatch (and other services) -> SNS --------------------------------------------

#: Service principal -> its row in the table of service facts.
_PUBLISHING_SERVICES = {"cloudwatch.amazonaws.com": "cloudwatch-sns"}


def publish_from_service(
    service: str, source_arn: str, topic_arn: str, message: str, subject: str | None = None
) -> bool:
    """``service`` publishes to ``topic_arn`` on behalf of ``source_arn`` (an alarm).

    Judged by the topic policy and the topic's key; False (and a `Drop`) if refused.
    """
    _, region, account, _ = arn_parts(topic_arn)
    delivery = _PUBLISHING_SERVICES.get(service)
    if delivery is None:
        raise ValueError(
            f"{service} publishing to SNS is not in the table of service facts; known: "
            + ", ".join(sorted(_PUBLISHING_SERVICES))
        )
    source = Source(delivery, source_arn, arn_parts(source_arn)[2], owner=arn_parts(source_arn)[2])
    refusal = topic_refusal(Caller.service(service), topic_arn, source)
    if refusal is not None and enabled("deliveries"):
        _drop(service, source_arn, topic_arn, message, refusal)
        return False
    sns_backends[account][region].publish(message, arn=topic_arn, subject=subject)
    return True


register_part(
    "deliveries",
    "SNS, S3, EventBridge, Scheduler and CloudWatch deliveries judged by the target's "
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
