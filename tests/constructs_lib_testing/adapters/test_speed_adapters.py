"""The adapters that only make moto faster: the same answers as moto as released."""

from __future__ import annotations

import string
from typing import Any

import pytest
from moto.events.utils import EventTemplateParser
from moto.sqs import models as sqs_models

from constructs_lib_testing.adapters import events_input_paths, sqs_receipt_handles
from constructs_lib_testing.adapters.registry import activate_adapters, deactivate_adapters
from tests.constructs_lib_testing.support import all_parts_inactive

EVENT: dict[str, Any] = {
    "version": "0", "id": "abc", "detail-type": "Order placed", "source": "shop",
    "account": "123456789012", "time": 1796637600, "region": "us-east-1",
    "resources": ["arn:aws:s3:::b"], "detail": {"order": {"id": 7, "lines": [1, 2]}},
    "ingestion-time": "2026-12-07T10:00:01Z",
}  # fmt: skip


@pytest.fixture
def released() -> Any:
    """moto as released: every part of the local account off for the test."""
    with all_parts_inactive():
        yield


@pytest.fixture
def original_parse(released: None) -> Any:
    return EventTemplateParser.parse


@pytest.mark.parametrize(
    ("template", "paths"),
    [
        (None, None),  # moto's default: the whole event
        ('{"id": <id>, "kind": "<kind>"}', {"id": "$.detail.order.id", "kind": "$.detail-type"}),
        ('{"lines": <lines>, "none": "<x>"}', {"lines": "$.detail.order.lines", "x": "$.nope"}),
    ],
)
def test_kept_input_paths_deliver_the_same_events(
    original_parse: Any, template: str | None, paths: dict[str, str] | None
) -> None:
    expected = original_parse(template, paths, EVENT)
    activate_adapters()
    try:
        assert EventTemplateParser.parse is not original_parse
        for _ in range(3):  # the second and third use the kept expressions
            assert EventTemplateParser.parse(template, paths, EVENT) == expected
    finally:
        deactivate_adapters()
    assert EventTemplateParser.parse is original_parse
    assert events_input_paths.parsed_path.cache_info().hits > 0


def test_receipt_handles_keep_moto_s_alphabet_and_length(released: None) -> None:
    assert sqs_models.generate_receipt_handle.__module__ == "moto.sqs.utils"
    original = sqs_models.generate_receipt_handle()
    activate_adapters()
    try:
        handles = {sqs_models.generate_receipt_handle() for _ in range(200)}
    finally:
        deactivate_adapters()
    assert len(handles) == 200  # drawn, not repeated
    for handle in (original, *handles):
        assert len(handle) == sqs_receipt_handles.RECEIPT_HANDLE_LENGTH
        assert set(handle) <= set(string.ascii_lowercase)
