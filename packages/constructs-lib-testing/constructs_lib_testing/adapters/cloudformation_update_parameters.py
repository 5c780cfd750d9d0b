"""UpdateStack with ``UsePreviousValue``: keep the value the stack resolved.

The CDK CLI updates a stack with ``UsePreviousValue: true`` for parameters it
does not change, ``BootstrapVersion`` (an SSM-typed parameter with a default)
among them. moto 5.2.5 looks the previous value up among the parameters the
*caller* passed at creation only, so a parameter that took its default raises
``KeyError`` (an HTTP error the CLI reports as "no changes": the update is
silently lost). AWS uses the stack's previous, resolved value; this patch of
moto's backend does the same (no resource type is involved). Upstream, it is
the same change to ``CloudFormationBackend._resolve_update_parameters``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.cloudformation.models import CloudFormationBackend, Stack

from constructs_lib_testing.activation import MotoPatch
from constructs_lib_testing.adapters._model import Adapter

_SSM_TYPE = "AWS::SSM::Parameter::Value"


def _wrap_resolve_update_parameters(original: Callable[..., Any]) -> Callable[..., Any]:
    def resolve(
        self: CloudFormationBackend, instance: Any, incoming_params: list[dict[str, str]]
    ) -> dict[str, str]:
        if not isinstance(instance, Stack):
            return dict(original(self, instance, incoming_params))
        return _previous_values(instance, incoming_params)

    return resolve


def _previous_values(instance: Stack, incoming_params: list[dict[str, str]]) -> dict[str, str]:
    resolved: dict[str, Any] = dict(instance.stack_parameters)
    declared: dict[str, Any] = instance.template_dict.get("Parameters", {})
    parameters: dict[str, str] = {}
    for parameter in incoming_params:
        key = parameter["ParameterKey"]
        if parameter.get("UsePreviousValue", False):
            if key in instance.parameters:
                parameters[key] = instance.parameters[key]
            elif str(declared.get(key, {}).get("Type", "")).startswith(_SSM_TYPE):
                # The previous *input* of an SSM-typed parameter is its
                # default (the SSM key), which moto resolves again on update.
                continue
            elif key in resolved:
                parameters[key] = resolved[key]
        elif "ParameterValue" in parameter:
            parameters[key] = parameter["ParameterValue"]
    return parameters


ADAPTER = Adapter(
    name="cloudformation_update_parameters",
    resource_types=(),
    mends="UpdateStack's UsePreviousValue keeps a defaulted parameter's resolved value",
    patches=(
        MotoPatch(
            "moto.cloudformation.models:CloudFormationBackend._resolve_update_parameters",
            _wrap_resolve_update_parameters,
            relies_on=(
                "moto.cloudformation.models:Stack.stack_parameters",
                "moto.cloudformation.models:Stack#parameters",
                "moto.cloudformation.models:Stack#template_dict",
            ),
        ),
    ),
    upstream="CloudFormationBackend._resolve_update_parameters: fall back to the stack's "
    "resolved parameters",
)
