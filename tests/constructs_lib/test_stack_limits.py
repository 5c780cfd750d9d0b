"""The stack resource-quota check: clear failure at synth with what to do."""

from __future__ import annotations

import json
import re

import pytest
from aws_cdk import App, NestedStack, Stack
from aws_cdk import aws_sqs as sqs

from constructs_lib import SecureQueue
from constructs_lib.stack_limits import CHECK_ID, RESOURCE_LIMIT_CONTEXT
from tests.conftest import bare_app

#: SecureQueue with defaults: queue, DLQ, two queue policies, two alarms.
RESOURCES_PER_SECURE_QUEUE = 6


def _app(**context: object) -> App:
    return bare_app(context=dict(context))


def _stack_of_queues(app: App, count: int, extra_plain_queues: int = 0) -> Stack:
    stack = Stack(app, "Many")
    for i in range(count):
        SecureQueue(stack, f"Q{i}")
    for i in range(extra_plain_queues):
        sqs.Queue(stack, f"Plain{i}", enforce_ssl=True)
    return stack


def test_largest_stack_that_fits_synthesizes_under_both_quotas() -> None:
    app = _app()
    _stack_of_queues(app, 83)  # 498 resources
    template = app.synth().get_stack_by_name("Many").template
    assert len(template["Resources"]) == 83 * RESOURCES_PER_SECURE_QUEUE
    # the resource quota binds first: 498 resources stay far below 1 MB
    assert len(json.dumps(template, indent=1)) < 1_000_000


def test_one_resource_too_many_fails_at_synth_saying_what_to_do() -> None:
    # The same check at a limit of 50 (set through the context) keeps the test fast.
    app = _app(**{RESOURCE_LIMIT_CONTEXT: 50})
    _stack_of_queues(app, 7, extra_plain_queues=5)  # 42 + 5 queues + 5 policies
    with pytest.raises(RuntimeError) as caught:
        app.synth()
    message = str(caught.value)
    assert "Stack Many has 52 CloudFormation resources" in message
    assert "CloudFormation allows 50 per stack, so the deployment would fail" in message
    assert "7 SecureQueue (42 resources, 6 at most per pattern), 10 other resources" in message
    assert "split the stack (move some patterns into another Stack of the app)" in message
    assert "aws_cdk.NestedStack scopes (each nested stack has its own quota of 500)" in message
    assert RESOURCE_LIMIT_CONTEXT in message


def test_exactly_at_the_limit_synthesizes() -> None:
    app = _app(**{RESOURCE_LIMIT_CONTEXT: 42})
    _stack_of_queues(app, 7)
    assert len(app.synth().get_stack_by_name("Many").template["Resources"]) == 42


def test_zero_turns_the_check_off_as_in_aws_cdk_lib() -> None:
    app = _app(**{RESOURCE_LIMIT_CONTEXT: 0})
    _stack_of_queues(app, 2)
    assert len(app.synth().get_stack_by_name("Many").template["Resources"]) == 12


def test_a_raised_quota_in_context_is_honoured() -> None:
    app = _app(**{RESOURCE_LIMIT_CONTEXT: 30})
    _stack_of_queues(app, 4)  # 24
    assert len(app.synth().get_stack_by_name("Many").template["Resources"]) == 24


def test_nested_stacks_have_their_own_quota() -> None:
    app = _app(**{RESOURCE_LIMIT_CONTEXT: 30})
    stack = Stack(app, "Parent")
    for n in range(2):
        nested = NestedStack(stack, f"Part{n}")
        for i in range(4):
            SecureQueue(nested, f"Q{i}")  # 24 each, 48 in all
    SecureQueue(stack, "Own")
    assembly = app.synth()
    assert len(assembly.get_stack_by_name("Parent").template["Resources"]) == 2 + 6


def test_the_check_is_added_once_per_stack_and_only_with_library_patterns() -> None:
    app = _app()
    with_patterns = _stack_of_queues(app, 3)
    plain = Stack(app, "Plain")
    sqs.Queue(plain, "Q")
    assert [c.node.id for c in with_patterns.node.children].count(CHECK_ID) == 1
    assert plain.node.try_find_child(CHECK_ID) is None


def test_each_pattern_kind_is_counted_and_nested_patterns_only_once() -> None:
    from constructs_lib import FanoutSubscription, TopicFanout

    app = _app(**{RESOURCE_LIMIT_CONTEXT: 20})
    stack = Stack(app, "Fanout")
    queues = [SecureQueue(stack, name) for name in ("A", "B", "C")]
    # TopicFanout creates its own SecureQueue (the subscriptions' DLQ) inside it
    TopicFanout(stack, "Orders", queues=[FanoutSubscription(q.node.id, q) for q in queues])
    with pytest.raises(RuntimeError) as caught:
        app.synth()
    message = str(caught.value)
    assert "3 SecureQueue (18 resources, 6 at most per pattern)" in message
    assert re.search(r"1 TopicFanout \(\d+ resources", message), message
    assert "0 other resources" in message
