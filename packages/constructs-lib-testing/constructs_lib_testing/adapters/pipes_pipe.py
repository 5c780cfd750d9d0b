"""``AWS::Pipes::Pipe``: moto 5.2.5's CloudFormation skips it as unsupported.

Realized with moto's EventBridge Pipes backend (``create_pipe``), so
``describe_pipe`` returns the deployed configuration. moto stores pipes only:
they never poll their source (AWS would, continuously); the strict account's
``run_pipe`` polls an SQS source once, as the pipe's role. ``Ref`` returns the
name and ``Fn::GetAtt Arn`` the ARN, as in AWS.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from moto.pipes.models import pipes_backends

from constructs_lib_testing.adapters._model import Adapter, AdapterModel, described_mismatches

if TYPE_CHECKING:
    from constructs_lib_testing.deployed_stack import DeployedStack

#: The properties ``create_pipe`` takes, by its keyword argument.
_ARGUMENTS = {
    "description": "Description",
    "desired_state": "DesiredState",
    "source": "Source",
    "source_parameters": "SourceParameters",
    "enrichment": "Enrichment",
    "enrichment_parameters": "EnrichmentParameters",
    "target": "Target",
    "target_parameters": "TargetParameters",
    "role_arn": "RoleArn",
    "tags": "Tags",
    "log_configuration": "LogConfiguration",
    "kms_key_identifier": "KmsKeyIdentifier",
}


class PipesPipe(AdapterModel):
    """Creates the pipe in moto's Pipes backend (stored, never run)."""

    CFN_TYPE = "AWS::Pipes::Pipe"
    NAME_PROPERTY = "Name"
    CFN_ATTRIBUTES = ("Arn",)

    def apply(self) -> None:
        backend = pipes_backends[self.account_id][self.region_name]
        arguments: dict[str, Any] = {n: self.properties.get(k) for n, k in _ARGUMENTS.items()}
        pipe = backend.create_pipe(name=self.physical_name, **arguments)
        self.arn = pipe.arn

    def remove(self) -> None:
        pipes_backends[self.account_id][self.region_name].delete_pipe(self.physical_name)

    @classmethod
    def verify(
        cls, deployed: DeployedStack, logical_id: str, resource: dict[str, Any]
    ) -> list[str]:
        name, pipes = deployed.physical_id(logical_id), deployed.client("pipes")
        return described_mismatches(
            logical_id,
            f"pipe {name}",
            lambda: pipes.describe_pipe(Name=name),
            resource["Properties"],
            ("Source", "Target", "RoleArn"),
        )


ADAPTER = Adapter.realizing(
    PipesPipe,
    "create_pipe (the strict account can run it: one poll of an SQS source)",
    relies_on=(
        "moto.pipes.models:pipes_backends",
        "moto.pipes.models:EventBridgePipesBackend.create_pipe(name, description, desired_state, "
        "source, source_parameters, enrichment, enrichment_parameters, target, "
        "target_parameters, role_arn, tags, log_configuration, kms_key_identifier)",
        "moto.pipes.models:EventBridgePipesBackend.delete_pipe",
        "moto.pipes.models:Pipe.arn",
    ),
)
