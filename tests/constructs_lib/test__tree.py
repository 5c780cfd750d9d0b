"""constructs_lib._tree: the same answers as aws-cdk-lib, each read once."""

from __future__ import annotations

from typing import Any

import pytest
from aws_cdk import Aws, Duration, Fn, Stack, Token
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from benchmarks.jsii_calls import counting_round_trips
from constructs_lib._tree import adopt, env_of, id_of, is_unresolved, path_of, stack_env, stack_of
from tests.conftest import bare_app, new_stack


def _samples() -> list[Any]:
    lazy = Fn.import_value("Shared")
    number = Token.as_number(Aws.ACCOUNT_ID)
    samples = {
        "plain": "plain",
        "empty": "",
        "marker-only": "Token[but not one]",
        "bad-key": "${Token[not valid!]}",
        "string-token-literal": "${Token[TOKEN.12]}",
        "pseudo": Aws.REGION,
        "intrinsic": lazy,
        "embedded": f"prefix-{lazy}-suffix",
        "arn": f"arn:aws:sqs:{Aws.REGION}:{Aws.ACCOUNT_ID}:q",
        "number-token": number,
        "number-token-string": f"{number}",
        "number-token-in-string": f"n={number}",
        "number-pattern-literal": "-1.8881545897087626e+289",
        "zero": 0,
        "int": 5,
        "negative": -1,
        "bool": True,
        "float": 1.5,
        "list-token": Token.as_list(Aws.NOTIFICATION_ARNS),
        "list": ["a", "b"],
        "duration": Duration.seconds(3),
        "none": None,
    }
    # ids by name: token numbers differ from process to process (xdist workers)
    return [pytest.param(value, id=name) for name, value in samples.items()]


@pytest.mark.parametrize("value", _samples())
def test_is_unresolved_answers_as_aws_cdk_lib(value: Any) -> None:
    assert is_unresolved(value) == Token.is_unresolved(value)


def test_plain_strings_and_ints_need_no_round_trip() -> None:
    with counting_round_trips() as trips:
        answers = [is_unresolved(v) for v in ("plain", "${Token[TOKEN.1]}", 7)]
    assert answers == [False, True, False]
    assert trips.total == 0


def test_tree_facts_are_read_once() -> None:
    stack = new_stack("Facts")
    queue = sqs.Queue(stack, "Q")
    imported = sqs.Queue.from_queue_arn(stack, "I", "arn:aws:sqs:eu-west-1:999999999999:other")

    def facts() -> tuple[Any, ...]:
        return (
            path_of(queue),
            stack_of(queue),
            env_of(queue),
            env_of(imported),
            stack_env(imported),
        )

    expected = (
        "Facts/Q",
        stack,
        ("123456789012", "us-east-1"),
        ("999999999999", "eu-west-1"),  # the imported queue's own ARN
        ("123456789012", "us-east-1"),  # the stack it was imported into
    )
    assert facts() == expected
    with counting_round_trips() as trips:
        assert facts() == expected
    assert trips.total == 0


def test_an_environment_agnostic_stack_has_token_env() -> None:
    stack = Stack(bare_app(), "Agnostic")
    account, region = stack_env(sqs.Queue(stack, "Q"))
    assert is_unresolved(account) and is_unresolved(region)


def test_adopted_paths_and_stacks_are_what_the_constructs_library_says() -> None:
    app = bare_app()
    stack = Stack(app, "Adopting")
    nested = Construct(stack, "Outer")
    made = [
        (Construct(stack, "Plain"), stack, "Plain"),
        (Construct(nested, "Inner"), nested, "Inner"),
        (Construct(nested, "with/slash"), nested, "with/slash"),  # written 'with--slash'
        (Stack(app, "Second"), app, "Second"),  # a stack's stack is itself
    ]
    for construct, scope, construct_id in made:
        adopt(construct, scope, construct_id)
    with counting_round_trips() as trips:
        known = [(path_of(c), id_of(c), stack_of(c)) for c, _, _ in made]
    assert trips.total == 0
    assert known == [(c.node.path, c.node.id, Stack.of(c)) for c, _, _ in made]


def test_a_built_queue_or_topic_has_its_stacks_env() -> None:
    stack = new_stack("Envs")
    built = [sqs.Queue(stack, "Q"), sns.Topic(stack, "T")]
    imported = sns.Topic.from_topic_arn(stack, "I", "arn:aws:sns:eu-west-1:999999999999:t")
    for resource in [*built, imported]:
        assert env_of(resource) == (resource.env.account, resource.env.region)
    assert env_of(imported) == ("999999999999", "eu-west-1")
