"""The example app: one stack per use case, each composing constructs_lib only."""

from __future__ import annotations

from aws_cdk import App, Environment, Stack, Tags

from stacks.buffering_stack import BufferingStack
from stacks.decoupling_stack import DecouplingStack
from stacks.ordered_processing_stack import OrderedProcessingStack
from stacks.serverless_workflow_stack import ServerlessWorkflowStack

#: The local account (moto) and region the example deploys to unless the
#: context says otherwise (`cdk deploy -c account=... -c region=...`).
DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"


def example_environment(app: App) -> Environment:
    """The target environment: fixed, so synth never depends on the machine."""
    account = app.node.try_get_context("account") or DEFAULT_ACCOUNT
    region = app.node.try_get_context("region") or DEFAULT_REGION
    return Environment(account=str(account), region=str(region))


def build_example_app(app: App) -> list[Stack]:
    """Adds every stack of the example app to ``app`` and returns them.

    ``-c stage=<name>`` tags every resource with ``stage=<name>``.
    """
    env = example_environment(app)
    stage = app.node.try_get_context("stage")
    if stage:
        Tags.of(app).add("stage", str(stage))
    return [
        BufferingStack(app, "Buffering", env=env),
        OrderedProcessingStack(app, "OrderedProcessing", env=env),
        DecouplingStack(app, "Decoupling", env=env),
        ServerlessWorkflowStack(app, "ServerlessWorkflow", env=env),
    ]
