"""The Powertools layer the stack deploys is the version the tests run."""

from __future__ import annotations

import tomllib

from stacks.ordered_processing_stack import POWERTOOLS_LAYER_PARAMETER, POWERTOOLS_VERSION
from tests.conftest import REPO_ROOT


def test_layer_version_equals_the_pinned_dev_dependency() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    assert "aws-lambda-powertools" in project["project"]["optional-dependencies"]["dev"]
    constraints = (REPO_ROOT / "constraints.txt").read_text().splitlines()
    pins = [line for line in constraints if line.startswith("aws_lambda_powertools==")]
    assert pins == [f"aws_lambda_powertools=={POWERTOOLS_VERSION}"]
    assert POWERTOOLS_LAYER_PARAMETER.endswith(f"/python3.14/{POWERTOOLS_VERSION}")


def test_local_accounts_publish_the_layer_parameter() -> None:
    from constructs_lib.testing.public_parameters import PUBLIC_PARAMETERS

    assert POWERTOOLS_LAYER_PARAMETER in PUBLIC_PARAMETERS
