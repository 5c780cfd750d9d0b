"""The README's option tables must say what the constructors do.

For every construct the library exports, the README has a section whose
options table lists exactly the keyword-only parameters of ``__init__``, and
whose default column states each parameter's actual default.
"""

from __future__ import annotations

import inspect
import re

import pytest
from aws_cdk import Duration
from constructs import Construct

import constructs_lib
from tests.conftest import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text()

CONSTRUCTS = [
    obj
    for name in constructs_lib.__all__
    if inspect.isclass(obj := getattr(constructs_lib, name)) and issubclass(obj, Construct)
]


def options_table(section_title: str) -> dict[str, str]:
    """Option name -> default cell of the first table under `### <title>`."""
    match = re.search(
        rf"^### {re.escape(section_title)}\n(.*?)(?=^### |^## |\Z)", README, re.M | re.S
    )
    assert match, f"README has no '### {section_title}' section"
    rows = re.findall(r"^\| `(\w+)` \| [^|]* \| ([^|]*) \|", match.group(1), re.M)
    return {name: default.strip() for name, default in rows}


def rendered(default: object) -> str | None:
    if default is None or default is inspect.Parameter.empty:
        return None  # "none" and "required" are explained in words, per option
    if isinstance(default, Duration):
        return default.to_human_string()
    if isinstance(default, bool):
        return str(default)
    if isinstance(default, int):
        return str(default)
    if hasattr(default, "name"):
        return str(default.name)
    return str(default)


@pytest.mark.parametrize("construct", CONSTRUCTS, ids=lambda c: c.__name__)
def test_readme_documents_every_option_with_its_default(construct: type) -> None:
    params = {
        name: p
        for name, p in inspect.signature(construct.__init__).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    }
    table = options_table(construct.__name__)
    assert sorted(table) == sorted(params)
    for name, param in params.items():
        if param.default is inspect.Parameter.empty:
            continue  # required: the table says so in words
        expected = rendered(param.default)
        if expected is not None:
            assert expected in table[name], f"{construct.__name__}.{name}: default {expected}"


def test_readme_opens_with_the_two_commands() -> None:
    assert "make synth" in README and "make test" in README
    ci = (REPO_ROOT / ".ci" / "run").read_text()
    assert "make test" in ci
