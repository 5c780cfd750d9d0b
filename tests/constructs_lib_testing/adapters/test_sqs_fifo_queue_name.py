from __future__ import annotations

import pytest
from aws_cdk import Stack
from aws_cdk import aws_sqs as sqs

from constructs_lib_testing import deploy_template, logical_id_of
from constructs_lib_testing.adapters import ADAPTERS, sqs_fifo_queue_name
from tests.constructs_lib_testing.support import new_stack, template_of


def test_the_fix_is_registered() -> None:
    assert sqs_fifo_queue_name.ADAPTER in ADAPTERS


@pytest.mark.parametrize(
    ("generated", "expected"),
    [("S-Q-ABC", "S-Q-ABC.fifo"), ("x" * 90, "x" * 75 + ".fifo"), ("a.fifo", "a.fifo")],
)
def test_fifo_queue_name(generated: str, expected: str) -> None:
    assert sqs_fifo_queue_name.fifo_queue_name(generated) == expected


def _fifo_stack(stack: Stack) -> tuple[sqs.Queue, sqs.Queue]:
    unnamed = sqs.Queue(stack, "Unnamed", fifo=True)
    named = sqs.Queue(stack, "Named", fifo=True, queue_name="orders.fifo")
    return unnamed, named


def test_unnamed_fifo_queue_gets_a_fifo_name(moto: None) -> None:
    stack = new_stack()
    unnamed, named = _fifo_stack(stack)
    standard = sqs.Queue(stack, "Standard")
    deployed = deploy_template(template_of(stack), stack_name="A" * 70)

    unnamed_url = deployed.physical_id(logical_id_of(unnamed))
    name = unnamed_url.rsplit("/", 1)[-1]
    assert name.endswith(".fifo") and len(name) <= 80
    attributes = deployed.client("sqs").get_queue_attributes(
        QueueUrl=unnamed_url, AttributeNames=["FifoQueue"]
    )
    assert attributes["Attributes"]["FifoQueue"] == "true"
    assert deployed.physical_id(logical_id_of(named)).endswith("/orders.fifo")
    assert not deployed.physical_id(logical_id_of(standard)).endswith(".fifo")
