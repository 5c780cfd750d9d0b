"""How every construct answers a queue of another account or region.

(What a queue is and what is known of it: test__queues.py.)"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from aws_cdk import Duration, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_events as events
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Annotations, Match, Template

from constructs_lib import (
    ConstructOptionError,
    EventRuleToQueue,
    FanoutSubscription,
    LambdaQueueConsumer,
    OptionCode,
    QueueWorkerFleet,
    ScheduleToQueue,
    SecureQueue,
    TopicFanout,
)
from tests.sources_synth import new_stack

OTHER_ACCOUNT = "arn:aws:sqs:us-east-1:999999999999:q"
OTHER_REGION = "arn:aws:sqs:eu-west-1:123456789012:q"
FOREIGN = {"other-account": OTHER_ACCOUNT, "other-region": OTHER_REGION}


def _fanout(stack: Stack, queue: sqs.IQueue) -> None:
    TopicFanout(stack, "Fanout", queues=[FanoutSubscription(id="Sub", queue=queue)])


def _rule(stack: Stack, queue: sqs.IQueue) -> None:
    EventRuleToQueue(stack, "Rule", queue=queue, event_pattern=events.EventPattern(source=["x"]))


def _schedule(stack: Stack, queue: sqs.IQueue) -> None:
    ScheduleToQueue(
        stack,
        "Schedule",
        queue=queue,
        schedule=scheduler.ScheduleExpression.rate(Duration.hours(1)),
        payload="tick",
    )


def _lambda(stack: Stack, queue: sqs.IQueue) -> None:
    function = lambda_.Function.from_function_attributes(
        stack,
        "Fn",
        function_arn="arn:aws:lambda:us-east-1:123456789012:function:f",
        same_environment=True,
    )
    LambdaQueueConsumer(
        stack, "Consumer", function=function, queue=queue, function_timeout=Duration.seconds(3)
    )


def _fleet(stack: Stack, queue: sqs.IQueue) -> None:
    vpc = ec2.Vpc(
        stack,
        "Vpc",
        max_azs=2,
        nat_gateways=0,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="W", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        ],
    )
    QueueWorkerFleet(stack, "Fleet", queue=queue, vpc=vpc, handler="m:f")


CONSTRUCTS: dict[str, Callable[[Stack, sqs.IQueue], None]] = {
    "TopicFanout": _fanout,
    "EventRuleToQueue": _rule,
    "ScheduleToQueue": _schedule,
    "LambdaQueueConsumer": _lambda,
    "QueueWorkerFleet": _fleet,
}

#: What AWS supports, per construct: None = refused by name (the reason's words),
#: else the principal the queue's owner must allow (named in the warning).
EXPECTED: dict[tuple[str, str], tuple[str, str]] = {
    ("TopicFanout", "other-account"): ("warn", "sns.amazonaws.com"),
    ("TopicFanout", "other-region"): ("ok", ""),
    ("EventRuleToQueue", "other-account"): ("warn", "role"),
    ("EventRuleToQueue", "other-region"): ("refuse", "EventBridge delivers to SQS queues in"),
    ("ScheduleToQueue", "other-account"): ("warn", "role"),
    ("ScheduleToQueue", "other-region"): ("refuse", "Scheduler"),
    ("LambdaQueueConsumer", "other-account"): ("warn", "role"),
    ("LambdaQueueConsumer", "other-region"): ("refuse", "event-source mapping"),
    ("QueueWorkerFleet", "other-account"): ("refuse", "metrics"),
    ("QueueWorkerFleet", "other-region"): ("refuse", "metrics"),
}


def _build(construct: str, where: str) -> Stack:
    stack = new_stack()
    construct_fn = CONSTRUCTS[construct]
    construct_fn(stack, sqs.Queue.from_queue_arn(stack, "Foreign", FOREIGN[where]))
    return stack


def _warnings(stack: Stack) -> list[str]:
    return [
        str(m.entry.data)
        for m in Annotations.from_stack(stack).find_warning("*", Match.string_like_regexp(".*"))
    ]


@pytest.mark.parametrize(("construct", "where"), sorted(EXPECTED))
def test_a_queue_of_another_account_or_region_gets_the_answer_aws_gives(
    construct: str, where: str
) -> None:
    answer, words = EXPECTED[(construct, where)]
    if answer == "refuse":
        with pytest.raises(ConstructOptionError) as caught:
            _build(construct, where)
        (problem,) = [p for p in caught.value.problems if p.option == "queue"]
        assert FOREIGN[where] in str(problem.value)
        assert words in problem.allowed
        assert problem.code == (
            OptionCode.QUEUE_IN_OTHER_REGION
            if where == "other-region"
            else OptionCode.QUEUE_IN_OTHER_ACCOUNT
        )
        return
    stack = _build(construct, where)
    Template.from_stack(stack)  # synthesizes
    foreign = [w for w in _warnings(stack) if "Sources:QueueInOtherAccount" in w]
    if answer == "ok":
        assert foreign == []
        return
    (warning,) = foreign
    assert "999999999999" in warning and "must allow" in warning
    assert words in warning


def test_a_rule_delivers_to_another_accounts_queue_through_a_role_of_its_own() -> None:
    """EventBridge sends to a target in another account of the same region as
    an execution role of the rule's account (AWS: "Sending events to an AWS
    service in another account"); the queue's owner allows that role."""
    stack = _build("EventRuleToQueue", "other-account")
    template = Template.from_stack(stack).to_json()
    (rule,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::Events::Rule"]
    (target,) = rule["Properties"]["Targets"]
    assert target["Arn"] == OTHER_ACCOUNT
    role_id = target["RoleArn"]["Fn::GetAtt"][0]
    role = template["Resources"][role_id]["Properties"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "events.amazonaws.com"}
    assert trust["Condition"]["StringEquals"] == {"aws:SourceAccount": "123456789012"}
    policies = [
        r["Properties"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::IAM::Policy" and {"Ref": role_id} in r["Properties"]["Roles"]
    ]
    (send,) = [s for p in policies for s in p["PolicyDocument"]["Statement"]]
    assert "sqs:SendMessage" in send["Action"] and send["Resource"] == OTHER_ACCOUNT
    (warning,) = [w for w in _warnings(stack) if "QueueInOtherAccount" in w]
    assert "TargetRole" in warning
    # no cross-account event bus machinery (aws-cdk-lib's path for in-app stacks)
    assert "EventBusPolicy" not in json.dumps(template)


def test_a_subscription_dead_letter_queue_of_another_account_or_region_is_refused() -> None:
    """SNS keeps a subscription's DLQ in the subscription's account and Region."""
    for arn in (OTHER_ACCOUNT, OTHER_REGION):
        stack = new_stack()
        with pytest.raises(ConstructOptionError) as caught:
            TopicFanout(
                stack,
                "Fanout",
                subscription_dead_letter_queue=sqs.Queue.from_queue_arn(stack, "Dlq", arn),
            )
        (problem,) = caught.value.problems
        assert problem.option == "subscription_dead_letter_queue"
        assert "same account and Region" in problem.allowed
        assert problem.code == (
            OptionCode.QUEUE_IN_OTHER_ACCOUNT
            if arn == OTHER_ACCOUNT
            else OptionCode.QUEUE_IN_OTHER_REGION
        )


@pytest.mark.parametrize("construct", ["EventRuleToQueue", "ScheduleToQueue"])
def test_a_target_dead_letter_queue_of_another_region_is_refused(construct: str) -> None:
    stack = new_stack()
    dlq = sqs.Queue.from_queue_arn(stack, "Dlq", OTHER_REGION)
    queue = SecureQueue(stack, "Q")
    with pytest.raises(ConstructOptionError) as caught:
        if construct == "EventRuleToQueue":
            EventRuleToQueue(
                stack,
                "R",
                queue=queue,
                event_pattern=events.EventPattern(source=["x"]),
                target_dead_letter_queue=dlq,
            )
        else:
            ScheduleToQueue(
                stack,
                "S",
                queue=queue,
                schedule=scheduler.ScheduleExpression.rate(Duration.hours(1)),
                payload="tick",
                target_dead_letter_queue=dlq,
            )
    (problem,) = caught.value.problems
    assert problem.option == "target_dead_letter_queue"
    assert "eu-west-1" in problem.allowed
    assert problem.code == OptionCode.QUEUE_IN_OTHER_REGION


def test_an_env_agnostic_stack_cannot_tell_and_only_warns_that_the_queue_is_imported() -> None:
    stack = new_stack(env=False)
    _rule(stack, sqs.Queue.from_queue_arn(stack, "Foreign", OTHER_ACCOUNT))
    messages = _warnings(stack)
    assert any("QueuePolicyUnmanaged" in m for m in messages)
    assert not any("QueueInOtherAccount" in m for m in messages)
