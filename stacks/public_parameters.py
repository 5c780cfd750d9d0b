"""The AWS public SSM parameters the example app reads, as AWS publishes them.

A local account lacks them (moto ships only the AMI ones): `tools.deploy_local`
and the runtime tests write these into it
(``LocalAccount(public_parameters=EXAMPLE_PUBLIC_PARAMETERS)``,
`constructs_lib_testing.public_parameters.put_public_parameters`).
"""

from __future__ import annotations

from stacks.ordered_processing_stack import POWERTOOLS_LAYER_PARAMETER

#: Parameter name -> the value AWS publishes in us-east-1 (OrderedProcessing:
#: the Powertools layer of the version the stack pins).
EXAMPLE_PUBLIC_PARAMETERS: dict[str, str] = {
    POWERTOOLS_LAYER_PARAMETER: (
        "arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python314-x86_64:1"
    ),
}
