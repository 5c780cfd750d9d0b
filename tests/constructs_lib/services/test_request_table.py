"""The table of what AWS does, which the strict local account plays (issue 20).

Each row is a service's own in the registry of delivering services
(`constructs_lib.services`, issue 22); the table is their union.

Every request the strict account makes for a delivery must carry exactly the
condition keys the table documents for it (a key AWS does not document is left
out: the pessimistic side), every row names an AWS page and a quote, and
docs/testing.md publishes the table as the module renders it.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from typing import Any

import pytest
from moto import mock_aws

from constructs_lib import services as facts
from constructs_lib.policy import CallerKind, Request
from constructs_lib_testing.strict import StrictAccount, deliveries, targets
from constructs_lib_testing.strict.deliveries import publish_from_service
from tests.conftest import REPO_ROOT
from tests.constructs_lib_testing.strict.support import ACCOUNT, client, policy, queue

TESTING_MD = REPO_ROOT / "docs" / "testing.md"
BEGIN = facts.BEGIN_MARKER
END = facts.END_MARKER


def test_request_context_keeps_documented_keys_and_drops_the_left_out() -> None:
    known = {
        "aws:SourceArn": "arn:aws:events:us-east-1:111122223333:rule/r",
        "aws:SourceAccount": "111122223333",
        "aws:SecureTransport": True,
        "kms:ViaService": "sqs.us-east-1.amazonaws.com",
    }
    assert facts.request_context("eventbridge-sqs", facts.KEY, known) == {
        "aws:SecureTransport": True
    }
    known.pop("kms:ViaService")  # not a key of SQS's own request: it would raise
    resource = facts.request_context("eventbridge-sqs", facts.RESOURCE, known)
    assert set(resource) == {"aws:SourceArn", "aws:SourceAccount", "aws:SecureTransport"}


def test_a_key_the_table_does_not_document_raises() -> None:
    with pytest.raises(facts.UndocumentedKey, match="aws:PrincipalOrgID"):
        facts.request_context(
            "sns-sqs",
            facts.RESOURCE,
            {"aws:SourceArn": "a", "aws:SourceAccount": "1", "aws:SecureTransport": True,
             "aws:PrincipalOrgID": "o-1"},
        )  # fmt: skip


def test_a_documented_key_the_local_account_cannot_supply_raises() -> None:
    with pytest.raises(facts.UndocumentedKey, match="aws:sourcearn"):
        facts.request_context("sns-sqs", facts.RESOURCE, {"aws:SecureTransport": True})


def test_every_row_names_an_aws_page_and_a_quote() -> None:
    for url, quote in facts.quotes():
        assert re.match(r"^https://docs\.aws\.amazon\.com/", url), url
        assert len(quote) > 20, (url, quote)
    for delivery in facts.DELIVERIES.values():
        for stage in delivery.stages.values():
            assert stage.keys, (delivery.id, stage)


def test_docs_testing_md_publishes_the_table() -> None:
    text = TESTING_MD.read_text(encoding="utf-8")
    assert BEGIN in text and END in text, "docs/testing.md lacks the service-facts markers"
    published = text.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert published == facts.markdown().strip(), (
        "docs/testing.md's table differs: run python -m constructs_lib.services docs/testing.md"
    )


# --- every delivery the strict account plays, recorded ------------------------------

EVENTS = "events.amazonaws.com"


def _delivery_of(request: Request) -> tuple[str, str]:
    """(delivery id, stage) of one recorded request."""
    caller, action, resource = request.caller, request.action.lower(), request.resource
    stage = facts.TRUST if action.startswith("sts:") else (
        facts.KEY if action.startswith("kms:") else facts.RESOURCE
    )  # fmt: skip
    if caller.kind in (CallerKind.ROLE, CallerKind.SESSION):
        return ("pipes-sqs" if ":role/pipe" in caller.name else "scheduler-sqs"), stage
    if caller.name in ("scheduler.amazonaws.com", "pipes.amazonaws.com"):
        return f"{caller.name.split('.')[0]}-sqs", stage
    found_ids = [
        d.id for d in facts.DELIVERIES.values() if d.caller == caller.name and stage in d.stages
    ]
    if len(found_ids) > 1:  # S3 to a queue or a topic
        target = "sns" if action.startswith("sns:") else "sqs"
        found_ids = [i for i in found_ids if i.endswith(f"-{target}")]
    assert len(found_ids) == 1, (caller, action, resource, found_ids)
    return found_ids[0], stage


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> dict[tuple[str, str], list[set[str]]]:
    seen: dict[tuple[str, str], list[set[str]]] = defaultdict(list)
    original = targets.authorize

    def spy(request: Request, **kwargs: Any) -> Any:
        seen[_delivery_of(request)].append({k.lower() for k in request.context})
        return original(request, **kwargs)

    # every module of the strict account that asks the evaluator (a pipe's reads too)
    monkeypatch.setattr(targets, "authorize", spy)
    monkeypatch.setattr(deliveries, "authorize", spy)
    return seen


def _open_key(*services: str) -> str:
    statements = [
        {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
         "Action": "kms:*", "Resource": "*"},
        *[{"Effect": "Allow", "Principal": {"Service": s},
           "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*"} for s in services],
    ]  # fmt: skip
    return str(
        client("kms").create_key(Policy=json.dumps(policy(*statements)))["KeyMetadata"]["Arn"]
    )


def _open_queue(name: str, key: str, service: str) -> tuple[str, str]:
    arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:{name}"
    statement = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sqs:SendMessage",
                 "Resource": arn}  # fmt: skip
    return queue(name, key=key, policy=policy(statement))


@pytest.mark.runtime
def test_every_delivery_sends_only_the_keys_the_table_documents(
    strict_account: StrictAccount, recorded: dict[tuple[str, str], list[set[str]]]
) -> None:
    """Each delivery the strict account plays, through each of its requests:
    a key outside the table (or a documented one missing) fails here."""
    with mock_aws():
        key = _open_key("sns.amazonaws.com", "s3.amazonaws.com", EVENTS, "cloudwatch.amazonaws.com")
        # SNS -> SQS
        topic = client("sns").create_topic(Name="t")["TopicArn"]
        _, sns_queue = _open_queue("from-sns", key, "sns.amazonaws.com")
        client("sns").subscribe(TopicArn=topic, Protocol="sqs", Endpoint=sns_queue)
        client("sns").publish(TopicArn=topic, Message="m")
        # S3 -> SQS, S3 -> SNS (written and delivered)
        _, s3_queue = _open_queue("from-s3", key, "s3.amazonaws.com")
        s3_topic = client("sns").create_topic(Name="s3t")["TopicArn"]
        s3_publish = {"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
                      "Action": "sns:Publish", "Resource": s3_topic}  # fmt: skip
        client("sns").set_topic_attributes(
            TopicArn=s3_topic, AttributeName="Policy", AttributeValue=json.dumps(policy(s3_publish))
        )
        client("s3").create_bucket(Bucket="incoming")
        client("s3").put_bucket_notification_configuration(
            Bucket="incoming",
            NotificationConfiguration={
                "QueueConfigurations": [{"QueueArn": s3_queue, "Events": ["s3:ObjectCreated:*"]}],
                "TopicConfigurations": [{"TopicArn": s3_topic, "Events": ["s3:ObjectRemoved:*"]}],
            },
        )
        client("s3").put_object(Bucket="incoming", Key="k", Body=b"x")
        # EventBridge -> SQS
        _, eb_queue = _open_queue("from-events", key, EVENTS)
        client("events").put_rule(Name="r", EventPattern=json.dumps({"source": ["shop"]}))
        client("events").put_targets(Rule="r", Targets=[{"Id": "q", "Arn": eb_queue}])
        client("events").put_events(Entries=[{"Source": "shop", "DetailType": "x", "Detail": "{}"}])
        # Scheduler -> SQS, as its role
        _, sched_queue = queue("from-schedule", key=key)
        trust = policy({"Effect": "Allow", "Principal": {"Service": "scheduler.amazonaws.com"},
                        "Action": "sts:AssumeRole"})  # fmt: skip
        role = client("iam").create_role(RoleName="s", AssumeRolePolicyDocument=json.dumps(trust))
        client("iam").put_role_policy(
            RoleName="s", PolicyName="p",
            PolicyDocument=json.dumps(policy({"Effect": "Allow", "Action": ["sqs:SendMessage",
                "kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*"})),
        )  # fmt: skip
        client("scheduler").create_schedule(
            Name="n", ScheduleExpression="rate(1 hour)", FlexibleTimeWindow={"Mode": "OFF"},
            Target={"Arn": sched_queue, "RoleArn": role["Role"]["Arn"], "Input": "x"},
        )  # fmt: skip
        strict_account.fire_schedule("n", account_id=ACCOUNT, region="us-east-1")
        # EventBridge Pipes, an encrypted SQS source -> SQS, as its role
        source_url, pipe_source = queue("pipe-source", key=key)
        _, pipe_target = queue("from-pipe", key=key)
        trust = policy({"Effect": "Allow", "Principal": {"Service": "pipes.amazonaws.com"},
                        "Action": "sts:AssumeRole"})  # fmt: skip
        pipe_role = client("iam").create_role(
            RoleName="pipe", AssumeRolePolicyDocument=json.dumps(trust)
        )["Role"]["Arn"]
        client("iam").put_role_policy(
            RoleName="pipe", PolicyName="p",
            PolicyDocument=json.dumps(policy({"Effect": "Allow", "Action": ["sqs:*",
                "kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*"})),
        )  # fmt: skip
        client("pipes").create_pipe(
            Name="p", RoleArn=pipe_role, Source=pipe_source, Target=pipe_target
        )
        client("sqs").send_message(QueueUrl=source_url, MessageBody="m")
        assert strict_account.run_pipe("p", account_id=ACCOUNT, region="us-east-1").delivered
        # CloudWatch -> SNS (an encrypted topic)
        alarm_topic = client("sns").create_topic(Name="ops", Attributes={"KmsMasterKeyId": key})
        publish_from_service(
            "cloudwatch.amazonaws.com",
            f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:a",
            alarm_topic["TopicArn"],
            "{}",
        )
        strict_account.take_drops()

    for (delivery, stage), contexts in recorded.items():
        documented = facts.stage(delivery, stage).documented
        for keys in contexts:
            assert keys == documented, (delivery, stage, keys ^ documented)
    played = {(d.id, s) for d in facts.DELIVERIES.values() for s in d.stages}
    assert played <= set(recorded), f"not exercised: {sorted(played - set(recorded))}"
