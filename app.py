#!/usr/bin/env python3
"""The example app: builds the stacks, checks them with cdk-nag, synthesizes."""

from aws_cdk import App, Validations
from cdk_nag import AwsSolutionsChecks, ServerlessChecks

from stacks import build_example_app

app = App()
build_example_app(app)
Validations.of(app).add_plugins(AwsSolutionsChecks(app), ServerlessChecks(app))
app.synth()
