"""One synth with aws-cdk-lib's built-in CloudFormation validation on.

The rest of the suite turns it off for speed (3-4 s per synth); this test keeps
the example app honest against it.
"""

from __future__ import annotations

import pytest

from stacks import build_example_app
from tests.conftest import HAS_BUILTIN_VALIDATION, new_app


@pytest.mark.skipif(
    not HAS_BUILTIN_VALIDATION,
    reason="this aws-cdk-lib has no built-in CloudFormation validation to pass",
)
def test_example_app_passes_builtin_cloudformation_validation() -> None:
    app = new_app(validation=True)
    stacks = build_example_app(app)
    assembly = app.synth()  # raises on a validation error
    assert {s.stack_name for s in assembly.stacks} == {s.stack_name for s in stacks}
