#!/usr/bin/env python3
"""The example app: builds the stacks, checks them with cdk-nag, synthesizes.

Three rule packs judge it at every synth; any unacknowledged finding fails
`cdk synth`: cdk-nag's AwsSolutions and Serverless (one resource at a time) and
the library's SqsPatternChecks (the wiring across resources).
"""

from aws_cdk import App, Validations
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from constructs_lib.checks import SqsPatternChecks
from stacks import build_example_app

app = App()
build_example_app(app)
Validations.of(app).add_plugins(
    AwsSolutionsChecks(app), ServerlessChecks(app), SqsPatternChecks(app)
)
app.synth()
