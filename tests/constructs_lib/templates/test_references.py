"""The template model's one walker: what a value points at (issue 22).

The checks' creation order, the diagram's edges and SP9's "fixed at synth"
all ask it; before, each had its own walker and they disagreed at the edges.
"""

from __future__ import annotations

from typing import Any

import pytest

from constructs_lib.templates.references import (
    Reference,
    direct_reference,
    referenced_names,
    references,
    resolve_intrinsics,
    texts,
)

ARN_OF_QUEUE = {"Fn::GetAtt": ["Queue4A7E3555", "Arn"]}


@pytest.mark.parametrize(
    ("value", "names"),
    [
        ({"Ref": "Topic"}, {"Topic"}),
        (ARN_OF_QUEUE, {"Queue4A7E3555"}),
        ({"Fn::GetAtt": "Queue.Arn"}, {"Queue"}),  # YAML's short form
        ({"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${Queue.QueueName}"}, {"Queue"}),
        # a name of Fn::Sub's own variables is not a reference: its value is
        ({"Fn::Sub": ["${Name}-${Other}", {"Name": {"Ref": "Bucket"}}]}, {"Bucket", "Other"}),
        ({"Fn::Sub": "${!Literal}"}, set()),
        ({"Fn::Join": ["", ["arn:aws:sqs:", {"Ref": "AWS::Region"}, ":", ARN_OF_QUEUE]]},
         {"Queue4A7E3555"}),
        ({"Fn::If": ["Cond", {"Ref": "A"}, {"Ref": "B"}]}, {"A", "B"}),
        ({"Properties": [{"Endpoint": {"Ref": "Q"}}, {"TopicArn": {"Ref": "T"}}]}, {"Q", "T"}),
        ({"Ref": "AWS::AccountId"}, set()),
    ],
)  # fmt: skip
def test_referenced_names(value: Any, names: set[str]) -> None:
    assert referenced_names(value) == names


def test_pseudo_parameters_only_when_asked() -> None:
    value = {"Fn::Sub": "${AWS::StackName}-${Queue.Arn}"}
    assert list(references(value, pseudo=True)) == [
        Reference("AWS::StackName"),
        Reference("Queue", "Arn"),
    ]
    assert [r.name for r in references(value)] == ["Queue"]


def test_texts_are_the_literal_pieces_where_a_spelled_out_name_ends() -> None:
    joined = {"Fn::Join": [":", ["arn:aws:sqs", {"Ref": "AWS::Region"}, "111", "orders"]]}
    assert list(texts(joined))[-1] == ":111:orders"  # after the last name: "orders" ends it
    assert list(texts({"Fn::Sub": "https://sqs/${AWS::AccountId}/jobs"})) == ["https://sqs//jobs"]
    assert list(texts("arn:aws:sns:us-east-1:111:alerts")) == ["arn:aws:sns:us-east-1:111:alerts"]


def test_direct_reference_is_a_whole_ref_or_get_att_only() -> None:
    assert direct_reference({"Ref": "Q"}) == "Q"
    assert direct_reference(ARN_OF_QUEUE) == "Queue4A7E3555"
    assert direct_reference({"Fn::Sub": "${Q}"}) is None
    assert direct_reference({"Ref": "Q", "Extra": 1}) is None  # not an intrinsic


def test_resolve_joins_and_hands_every_other_intrinsic_to_the_resolver() -> None:
    seen: list[Any] = []

    def resolver(intrinsic: Any) -> str:
        seen.append(intrinsic)
        return "x"

    value = {"Fn::Join": ["-", [{"Ref": "A"}, "b", {"Fn::Select": [0, [{"Ref": "C"}]]}]]}
    assert resolve_intrinsics(value, resolver) == "x-b-x"
    # arguments are resolved first: Fn::Select receives the resolved list
    assert seen == [{"Ref": "A"}, {"Ref": "C"}, {"Fn::Select": [0, ["x"]]}]
