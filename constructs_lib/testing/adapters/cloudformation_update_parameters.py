"""UpdateStack with ``UsePreviousValue``: keep the value the stack resolved.

The CDK CLI updates a stack with ``UsePreviousValue: true`` for parameters it
does not change, ``BootstrapVersion`` (an SSM-typed parameter with a default)
among them. moto 5.2.5 looks the previous value up among the parameters the
*caller* passed at creation only, so a parameter that took its default raises
``KeyError`` (an HTTP error the CLI reports as "no changes": the update is
silently lost). AWS uses the stack's previous, resolved value; this patch of
moto's backend does the same. It is a patch of one method, not an adapter:
no resource type is involved.
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation.models import CloudFormationBackend, Stack

_original = CloudFormationBackend._resolve_update_parameters
_SSM_TYPE = "AWS::SSM::Parameter::Value"


def _resolve_update_parameters(
    self: CloudFormationBackend, instance: Any, incoming_params: list[dict[str, str]]
) -> dict[str, str]:
    if not isinstance(instance, Stack):
        return _original(self, instance, incoming_params)
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


def install() -> None:
    """Idempotent: replaces moto's method with the one above."""
    CloudFormationBackend._resolve_update_parameters = _resolve_update_parameters  # type: ignore[method-assign]


install()
