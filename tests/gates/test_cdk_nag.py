"""cdk-nag's AwsSolutions and Serverless packs over every stack of the example app.

cdk-nag 3 runs as a validation plugin: any unacknowledged finding raises at
synth. The example app (app.py) carries the same plugin, so `cdk synth` fails
the same way.
"""

from __future__ import annotations

import pytest
from aws_cdk import Validations
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from stacks import build_example_app
from tests.conftest import new_app

pytestmark = pytest.mark.gates


def test_example_app_has_no_aws_solutions_or_serverless_findings() -> None:
    app = new_app()
    build_example_app(app)
    Validations.of(app).add_plugins(AwsSolutionsChecks(app), ServerlessChecks(app))
    app.synth()  # raises on any finding


def test_cdk_nag_really_reports_a_finding() -> None:
    """The gate above would be worthless if the plugin were silently off."""
    from aws_cdk import Stack
    from aws_cdk import aws_sqs as sqs

    app = new_app()
    stack = Stack(app, "Naive")
    sqs.Queue(stack, "NoDlqNoTls", encryption=sqs.QueueEncryption.UNENCRYPTED)
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    with pytest.raises(Exception, match="AwsSolutions-SQS"):
        app.synth()
