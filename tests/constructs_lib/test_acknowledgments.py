"""`skip_checkov`: the one writer of checkov's skips, for the constructs and the stacks."""

from __future__ import annotations

import re

import pytest
from aws_cdk import Stack
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Template
from constructs import Construct

from constructs_lib.acknowledgments import skip_checkov
from tests.conftest import REPO_ROOT, new_stack


def metadata(stack: Stack, construct: Construct) -> object:
    child = construct.node.default_child
    logical_id = stack.get_logical_id(child)  # type: ignore[arg-type]
    return Template.from_stack(stack).to_json()["Resources"][logical_id]["Metadata"]["checkov"]


def test_skips_add_up_one_per_check_sorted() -> None:
    stack = new_stack()
    group = logs.LogGroup(stack, "Logs")
    skip_checkov(group, {"CKV_AWS_66": "retention is the app's", "CKV_AWS_158": "service keys"})
    skip_checkov(group.node.default_child, {"CKV_AWS_158": "service keys"})  # type: ignore[arg-type]
    skip_checkov(group, {"CKV_AWS_1": "one more"})
    assert metadata(stack, group) == {
        "skip": [
            {"id": "CKV_AWS_1", "comment": "one more"},
            {"id": "CKV_AWS_158", "comment": "service keys"},
            {"id": "CKV_AWS_66", "comment": "retention is the app's"},
        ]
    }


def test_one_check_with_two_reasons_is_refused() -> None:
    stack = new_stack()
    queue = sqs.Queue(stack, "Q")
    skip_checkov(queue, {"CKV_AWS_27": "SSE-SQS"})
    with pytest.raises(ValueError, match="CKV_AWS_27 is skipped already, for another reason"):
        skip_checkov(queue, {"CKV_AWS_27": "something else"})


def test_a_construct_without_a_resource_is_refused() -> None:
    with pytest.raises(TypeError, match="has no CloudFormation resource"):
        skip_checkov(Construct(new_stack(), "Empty"), {"CKV_AWS_1": "x"})


def test_nothing_else_in_the_project_writes_checkov_metadata() -> None:
    writer = re.compile(r"""add_metadata\(\s*["']checkov["']""")
    found = [
        str(path.relative_to(REPO_ROOT))
        for folder in ("constructs_lib", "stacks", "tools", "benchmarks")
        for path in (REPO_ROOT / folder).rglob("*.py")
        if writer.search(path.read_text())
    ]
    assert found == ["constructs_lib/acknowledgments.py"]
