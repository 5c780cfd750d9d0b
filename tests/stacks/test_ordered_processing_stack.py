"""The Powertools layer the stack deploys: the version the tests run, or one chosen by context."""

from __future__ import annotations

import tomllib

import pytest
from aws_cdk.assertions import Template

from stacks import build_example_app
from stacks.ordered_processing_stack import POWERTOOLS_LAYER_PARAMETER, POWERTOOLS_VERSION
from tests.conftest import REPO_ROOT, bare_app, cdk_context


def test_layer_version_equals_the_pinned_dev_dependency() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    assert "aws-lambda-powertools" in project["project"]["optional-dependencies"]["dev"]
    constraints = (REPO_ROOT / "constraints.txt").read_text().splitlines()
    pins = [line for line in constraints if line.startswith("aws_lambda_powertools==")]
    assert pins == [f"aws_lambda_powertools=={POWERTOOLS_VERSION}"]
    assert POWERTOOLS_LAYER_PARAMETER.endswith(f"/python3.14/{POWERTOOLS_VERSION}")


def test_local_accounts_publish_the_layer_parameter() -> None:
    from stacks.public_parameters import EXAMPLE_PUBLIC_PARAMETERS

    assert POWERTOOLS_LAYER_PARAMETER in EXAMPLE_PUBLIC_PARAMETERS


def _layer_parameter_of(context: dict[str, object]) -> str:
    """The SSM parameter the synthesized OrderedProcessing stack reads the layer from."""
    app = bare_app(context={**cdk_context(), **context})
    stacks = {s.stack_name: s for s in build_example_app(app)}
    template = Template.from_stack(stacks["OrderedProcessing"]).to_json()
    defaults = [
        p["Default"]
        for p in template["Parameters"].values()
        if str(p.get("Default", "")).startswith("/aws/service/powertools/")
    ]
    assert len(defaults) == 1
    return str(defaults[0])


def test_the_layer_can_follow_latest_where_a_version_parameter_is_missing() -> None:
    """Versioned parameters have gone missing in regions before
    (powertools-lambda-python #7689): a deploy there fails with
    'Unable to fetch parameters [...] from parameter store'. ``latest`` exists
    wherever the layer is published."""
    assert _layer_parameter_of({}) == POWERTOOLS_LAYER_PARAMETER
    assert _layer_parameter_of({"powertools_layer_version": "latest"}) == (
        "/aws/service/powertools/python/x86_64/python3.14/latest"
    )
    assert _layer_parameter_of({"powertools_layer_version": "3.36.0"}).endswith("/3.36.0")


def test_a_malformed_layer_version_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="powertools_layer_version"):
        _layer_parameter_of({"powertools_layer_version": "3.37"})


def test_the_deploying_page_says_how_to_check_the_parameter_exists_in_a_region() -> None:
    page = (REPO_ROOT / "docs/deploying.md").read_text()
    assert f"aws ssm get-parameter --name {POWERTOOLS_LAYER_PARAMETER} " in page
    assert "-c powertools_layer_version=latest" in page
