"""Part ``deliveries``: each service delivery is judged as AWS judges it.

Each test builds the target with boto3 in moto, delivers through moto's own
code path (publish, put_object, put_events, a schedule), and asserts both the
message's fate and the recorded drop. Each refused case was delivered by
moto before the strict account.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from moto import mock_aws

from constructs_lib_testing.strict import StrictAccount
from constructs_lib_testing.strict.deliveries import publish_from_service
from tests.constructs_lib_testing.strict.support import (
    ACCOUNT,
    allow_service,
    bodies,
    client,
    key,
    policy,
    queue,
)

pytestmark = pytest.mark.runtime

SNS = "sns.amazonaws.com"
EVENTS = "events.amazonaws.com"
ORDERS_RULE = "arn:aws:events:*:*:rule/orders"
BUCKET = "arn:aws:s3:::incoming"


@pytest.fixture(autouse=True)
def moto() -> Any:
    with mock_aws():
        yield


def subscribed(
    name: str,
    queue_policy_for: str | None,
    *,
    key_id: str | None = None,
    attributes: dict[str, str] | None = None,
) -> tuple[str, str, str]:
    """(topic ARN, queue URL, queue ARN): a raw SQS subscription to a new topic."""
    topic = client("sns").create_topic(Name=f"{name}-topic")["TopicArn"]
    queue_arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:{name}"
    statements = (
        [allow_service(SNS, "sqs:SendMessage", queue_arn, queue_policy_for)]
        if queue_policy_for
        else []
    )
    url, arn = queue(name, policy=policy(*statements) if statements else None, key=key_id)
    client("sns").subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=arn,
        Attributes={"RawMessageDelivery": "true", **(attributes or {})},
    )
    return topic, url, arn


def test_sns_to_a_queue_whose_policy_allows_it_is_delivered(strict_account: StrictAccount) -> None:
    topic, url, _ = subscribed("allowed", queue_policy_for="arn:aws:sns:us-east-1:*:allowed-topic")
    client("sns").publish(TopicArn=topic, Message="hello")
    assert bodies(url) == ["hello"]
    assert strict_account.drops == []


def test_sns_to_a_queue_without_the_sns_allow_is_dropped_and_recorded(
    strict_account: StrictAccount,
) -> None:
    topic, url, arn = subscribed("no-allow", queue_policy_for=None)
    client("sns").publish(TopicArn=topic, Message="lost")
    assert bodies(url) == []
    (drop,) = strict_account.take_drops()
    assert (drop.producer, drop.source, drop.target, drop.message) == (SNS, topic, arn, "lost")
    assert drop.reason.startswith(f"no statement of queue policy of {arn} allows sns.amazonaws.com")
    assert drop.dead_lettered_to is None


def test_sns_from_another_topic_than_the_allowed_one_is_dropped(
    strict_account: StrictAccount,
) -> None:
    topic, url, _ = subscribed("other-topic", queue_policy_for="arn:aws:sns:us-east-1:*:elsewhere")
    client("sns").publish(TopicArn=topic, Message="x")
    assert bodies(url) == []
    assert len(strict_account.take_drops()) == 1


def test_a_refused_sns_message_goes_to_the_subscription_dlq(strict_account: StrictAccount) -> None:
    dlq_url, dlq_arn = queue(
        "sub-dlq",
        policy=policy(
            allow_service(
                SNS,
                "sqs:SendMessage",
                f"arn:aws:sqs:us-east-1:{ACCOUNT}:sub-dlq",
                "arn:aws:sns:us-east-1:*:refused-topic",
            )
        ),
    )
    topic, url, _ = subscribed(
        "refused",
        queue_policy_for=None,
        attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn})},
    )
    client("sns").publish(TopicArn=topic, Message="rescued")
    assert bodies(url) == []
    assert bodies(dlq_url) == ["rescued"]
    (drop,) = strict_account.take_drops()
    assert drop.dead_lettered_to == dlq_arn
    assert f"dead-lettered to {dlq_arn}" in str(drop)


def test_a_message_the_filter_policy_stops_is_not_a_drop(strict_account: StrictAccount) -> None:
    topic, url, _ = subscribed(
        "filtered",
        queue_policy_for=None,
        attributes={"FilterPolicy": json.dumps({"kind": ["wanted"]})},
    )
    client("sns").publish(TopicArn=topic, Message="not for this queue")
    assert bodies(url) == []
    assert strict_account.drops == []


def test_sns_to_a_queue_whose_key_lacks_sns_is_dropped_naming_the_key_policy(
    strict_account: StrictAccount,
) -> None:
    key_arn = key()  # root only
    topic, url, _ = subscribed("cmk", queue_policy_for="arn:aws:sns:*:*:cmk-topic", key_id=key_arn)
    client("sns").publish(TopicArn=topic, Message="x")
    assert bodies(url) == []
    (drop,) = strict_account.take_drops()
    assert drop.policy == f"key policy of {key_arn}"
    assert "sns.amazonaws.com kms:GenerateDataKey" in drop.reason


def test_sns_to_a_queue_whose_key_allows_sns_is_delivered(strict_account: StrictAccount) -> None:
    topic, url, _ = subscribed(
        "cmk-ok", queue_policy_for="arn:aws:sns:*:*:cmk-ok-topic", key_id=key(SNS)
    )
    client("sns").publish(TopicArn=topic, Message="sealed")
    assert bodies(url) == ["sealed"]


def test_sns_to_a_queue_on_the_aws_managed_key_never_gets_through(
    strict_account: StrictAccount,
) -> None:
    topic, url, _ = subscribed(
        "managed", queue_policy_for="arn:aws:sns:*:*:managed-topic", key_id="alias/aws/sqs"
    )
    client("sns").publish(TopicArn=topic, Message="x")
    assert bodies(url) == []
    (drop,) = strict_account.take_drops()
    assert drop.policy is not None and drop.policy.startswith("the AWS-managed key alias/aws/sqs")


def test_s3_notification_to_a_queue_whose_key_lacks_s3_is_dropped(
    strict_account: StrictAccount,
) -> None:
    queue_arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:uploads"
    url, arn = queue(
        "uploads",
        key=key(),
        policy=policy(allow_service("s3.amazonaws.com", "sqs:SendMessage", queue_arn, BUCKET)),
    )
    s3 = client("s3")
    s3.create_bucket(Bucket="incoming")
    s3.put_bucket_notification_configuration(
        Bucket="incoming",
        NotificationConfiguration={
            "QueueConfigurations": [{"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}]
        },
    )
    s3.put_object(Bucket="incoming", Key="a.csv", Body=b"1")
    assert bodies(url) == []
    drops = strict_account.take_drops()
    # the s3:TestEvent of the configuration, then the object's event
    assert [d.source for d in drops] == ["arn:aws:s3:::incoming"] * 2
    assert all(d.policy and d.policy.startswith("key policy of") for d in drops)


def _rule_to(queue_arn: str, *, dead_letter: str | None = None) -> str:
    events = client("events")
    rule = events.put_rule(Name="orders", EventPattern=json.dumps({"source": ["shop"]}))["RuleArn"]
    target: dict[str, Any] = {"Id": "q", "Arn": queue_arn}
    if dead_letter:
        target["DeadLetterConfig"] = {"Arn": dead_letter}
    events.put_targets(Rule="orders", Targets=[target])
    return str(rule)


def _put_order() -> None:
    client("events").put_events(
        Entries=[{"Source": "shop", "DetailType": "Order", "Detail": json.dumps({"id": 1})}]
    )


def test_eventbridge_target_on_the_aws_managed_key_is_dropped(
    strict_account: StrictAccount,
) -> None:
    queue_arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:jobs"
    url, _ = queue(
        "jobs",
        key="alias/aws/sqs",
        policy=policy(allow_service(EVENTS, "sqs:SendMessage", queue_arn, ORDERS_RULE)),
    )
    rule = _rule_to(queue_arn)
    _put_order()
    assert bodies(url) == []
    (drop,) = strict_account.take_drops()
    assert (drop.producer, drop.source) == ("events.amazonaws.com", rule)
    assert drop.policy is not None and "alias/aws/sqs" in drop.policy


def test_a_refused_event_goes_to_the_target_dlq(strict_account: StrictAccount) -> None:
    queue_arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:jobs"
    url, _ = queue("jobs")  # no policy: EventBridge is not allowed
    dlq_arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:jobs-dlq"
    dlq_url, _ = queue(
        "jobs-dlq", policy=policy(allow_service(EVENTS, "sqs:SendMessage", dlq_arn, ORDERS_RULE))
    )
    _rule_to(queue_arn, dead_letter=dlq_arn)
    _put_order()
    assert bodies(url) == []
    assert len(bodies(dlq_url)) == 1
    assert strict_account.take_drops()[0].dead_lettered_to == dlq_arn


def _schedule(role_trust: dict[str, Any], role_policy: dict[str, Any], queue_arn: str) -> str:
    iam = client("iam")
    role = iam.create_role(RoleName="sched", AssumeRolePolicyDocument=json.dumps(role_trust))
    iam.put_role_policy(RoleName="sched", PolicyName="send", PolicyDocument=json.dumps(role_policy))
    client("scheduler").create_schedule(
        Name="nightly",
        ScheduleExpression="cron(0 2 * * ? *)",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": queue_arn, "RoleArn": role["Role"]["Arn"], "Input": "report"},
    )
    return str(role["Role"]["Arn"])


SCHEDULER_TRUST = policy(
    {
        "Effect": "Allow",
        "Principal": {"Service": "scheduler.amazonaws.com"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}},
    }
)


def test_a_schedule_sends_through_its_role(strict_account: StrictAccount) -> None:
    url, arn = queue("nightly")
    _schedule(
        SCHEDULER_TRUST,
        policy({"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": arn}),
        arn,
    )
    assert strict_account.fire_schedule("nightly", account_id=ACCOUNT, region="us-east-1")
    assert bodies(url) == ["report"]


def test_a_schedule_whose_role_does_not_trust_the_scheduler_is_dropped(
    strict_account: StrictAccount,
) -> None:
    url, arn = queue("nightly")
    lambda_trust = policy(
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    )
    _schedule(lambda_trust, policy({"Effect": "Allow", "Action": "sqs:*", "Resource": arn}), arn)
    assert not strict_account.fire_schedule("nightly", account_id=ACCOUNT, region="us-east-1")
    assert bodies(url) == []
    (drop,) = strict_account.take_drops()
    assert drop.policy == "trust policy of role sched"


def test_a_schedule_whose_role_may_not_send_is_dropped(strict_account: StrictAccount) -> None:
    _, arn = queue("nightly")
    _schedule(
        SCHEDULER_TRUST,
        policy({"Effect": "Allow", "Action": "sqs:ReceiveMessage", "Resource": arn}),
        arn,
    )
    assert not strict_account.fire_schedule("nightly", account_id=ACCOUNT, region="us-east-1")
    (drop,) = strict_account.take_drops()
    assert (
        "no statement of queue policy of" in drop.reason
        and "policy send of role sched" in drop.reason
    )


def _topic_with_policy(statements: list[dict[str, Any]] | None) -> str:
    sns = client("sns")
    topic = str(sns.create_topic(Name="ops")["TopicArn"])
    if statements is not None:
        sns.set_topic_attributes(
            TopicArn=topic, AttributeName="Policy", AttributeValue=json.dumps(policy(*statements))
        )
    return topic


ALARM = f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:Backlog"


def test_cloudwatch_publishes_to_a_topic_with_the_default_policy(
    strict_account: StrictAccount,
) -> None:
    topic = _topic_with_policy(None)
    assert publish_from_service("cloudwatch.amazonaws.com", ALARM, topic, "{}")


def test_cloudwatch_to_a_topic_policy_with_only_a_tls_deny_is_dropped(
    strict_account: StrictAccount,
) -> None:
    tls_deny = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "sns:Publish",
        "Resource": "*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    topic = _topic_with_policy([tls_deny])
    assert not publish_from_service("cloudwatch.amazonaws.com", ALARM, topic, "{}")
    (drop,) = strict_account.take_drops()
    assert drop.policy == f"topic policy of {topic}"


@pytest.mark.lenient_account("deliveries")
def test_the_marker_gives_back_moto_leniency_for_one_test(strict_account: StrictAccount) -> None:
    topic, url, _ = subscribed("lenient", queue_policy_for=None)
    client("sns").publish(TopicArn=topic, Message="as before")
    assert bodies(url) == ["as before"]
    assert "deliveries" not in strict_account.parts


def test_a_suspended_part_lets_deliveries_through_inside_the_block(
    strict_account: StrictAccount,
) -> None:
    topic, url, _ = subscribed("suspended", queue_policy_for=None)
    with strict_account.suspended("deliveries"):
        client("sns").publish(TopicArn=topic, Message="inside")
    client("sns").publish(TopicArn=topic, Message="outside")
    assert bodies(url) == ["inside"]
    assert [d.message for d in strict_account.take_drops()] == ["outside"]


def test_a_notification_configuration_s3_may_not_deliver_is_refused_when_written(
    strict_account: StrictAccount,
) -> None:
    from botocore.exceptions import ClientError

    _, arn = queue("closed")  # no policy: S3 may not send
    s3 = client("s3")
    s3.create_bucket(Bucket="incoming")
    with pytest.raises(ClientError) as refused:
        s3.put_bucket_notification_configuration(
            Bucket="incoming",
            NotificationConfiguration={
                "QueueConfigurations": [{"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}]
            },
        )
    error = refused.value.response["Error"]
    assert error["Code"] == "InvalidArgument"
    assert error["Message"].startswith(
        "Unable to validate the following destination configurations"
    )
    assert (
        s3.get_bucket_notification_configuration(Bucket="incoming").get("QueueConfigurations")
        is None
    )


# --- issue 20, defect 2: what EventBridge sends to KMS ------------------------------


def _key_for_events(condition: dict[str, Any] | None) -> str:
    statements: list[dict[str, Any]] = [
        {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
         "Action": "kms:*", "Resource": "*"},
        {"Sid": "EventBridge", "Effect": "Allow", "Principal": {"Service": EVENTS},
         "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": "*"}
        | ({"Condition": condition} if condition else {}),
    ]  # fmt: skip
    return str(
        client("kms").create_key(Policy=json.dumps(policy(*statements)))["KeyMetadata"]["Arn"]
    )


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEquals": {"aws:SourceAccount": ACCOUNT}},  # what EventRuleToQueue wrote
        {"ArnEquals": {"aws:SourceArn": f"arn:aws:events:us-east-1:{ACCOUNT}:rule/orders"}},
    ],
)
def test_eventbridge_to_a_key_granted_only_with_source_keys_is_dropped(
    strict_account: StrictAccount, condition: dict[str, Any]
) -> None:
    """https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html

    "adding the aws:SourceAccount and aws:SourceArn to a KMS policy is not
    supported for EventBridge-to-encrypted topics", and for an SQS target AWS
    documents no source key in EventBridge's KMS requests at all (its page
    gives the key statement without a condition). The strict account takes
    the pessimistic side: EventBridge's KMS request carries neither key, so a
    key statement that needs one refuses, as it may in AWS.
    """
    queue_arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:sealed"
    url, _ = queue(
        "sealed",
        key=_key_for_events(condition),
        policy=policy(allow_service(EVENTS, "sqs:SendMessage", queue_arn, ORDERS_RULE)),
    )
    _rule_to(queue_arn)
    _put_order()
    assert bodies(url) == []
    (drop,) = strict_account.take_drops()
    assert drop.policy is not None and drop.policy.startswith("key policy of")
    assert "kms:GenerateDataKey" in drop.reason


def test_eventbridge_to_a_key_granted_without_a_source_condition_is_delivered(
    strict_account: StrictAccount,
) -> None:
    """https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-troubleshooting.html

    The statement EventBridge documents for an encrypted SQS target ("Allow
    EventBridge to use the key", no condition) lets the event through.
    """
    queue_arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:open"
    url, _ = queue(
        "open",
        key=_key_for_events(None),
        policy=policy(allow_service(EVENTS, "sqs:SendMessage", queue_arn, ORDERS_RULE)),
    )
    _rule_to(queue_arn)
    _put_order()
    assert len(bodies(url)) == 1
    strict_account.assert_no_drops()
