"""The registry: what the docs' table says, and how moto finds the models."""

from __future__ import annotations

import pytest
from moto.cloudformation import parsing

from constructs_lib_testing.adapters import ADAPTERS, MODELS, moto_adapters
from constructs_lib_testing.adapters.__main__ import with_table
from tests.conftest import REPO_ROOT

TESTING_DOC = REPO_ROOT / "docs" / "testing.md"


def test_the_docs_table_is_the_registry() -> None:
    text = TESTING_DOC.read_text(encoding="utf-8")
    assert with_table(text) == text, (
        "docs/testing.md's adapter table is stale: "
        "python -m constructs_lib_testing.adapters docs/testing.md"
    )


def test_every_adapter_has_a_row_and_every_type_is_named() -> None:
    text = TESTING_DOC.read_text(encoding="utf-8")
    for adapter in ADAPTERS:
        assert f"| `{adapter.name}` |" in text
        assert all(f"`{t}`" in text for t in adapter.resource_types)


def test_a_file_without_the_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="no '<!-- adapter table"):
        with_table("# no table here\n")


def test_moto_resolves_the_models_only_while_active() -> None:
    with moto_adapters():
        for resource_type, model in MODELS.items():
            assert parsing.get_model_map()[resource_type] is model
            assert parsing.get_name_type_map()[resource_type] == model.NAME_PROPERTY
