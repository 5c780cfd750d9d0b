"""The seam between synthesized templates and the evaluator: resolve intrinsics first.

`resolve_intrinsics` walks a policy document and replaces every
CloudFormation intrinsic (a one-key object whose key is ``Ref`` or starts
with ``Fn::``) by what ``resolver`` returns for it. The resolver decides what
a reference means: the deployed physical value (the local account), or a
placeholder ARN per logical id (a synth-time check). ``Fn::Join`` is resolved
here once its parts are, since it is plain string work; everything else goes
to the resolver, which may raise for what it cannot resolve.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

#: Given one intrinsic (``{"Fn::GetAtt": ["Queue", "Arn"]}``), its plain value.
Resolver = Callable[[Mapping[str, Any]], Any]


def is_intrinsic(value: Any) -> bool:
    if not isinstance(value, Mapping) or len(value) != 1:
        return False
    (key,) = value
    return bool(key == "Ref" or key.startswith("Fn::") or key == "Condition")


def resolve_intrinsics(value: Any, resolver: Resolver) -> Any:
    """``value`` with every intrinsic replaced by its resolved, plain value."""
    if is_intrinsic(value):
        ((function, argument),) = value.items()
        if function == "Fn::Join":
            separator, parts = argument
            resolved = resolve_intrinsics(parts, resolver)
            return str(separator).join(str(p) for p in resolved)
        return resolver({function: resolve_intrinsics(argument, resolver)})
    if isinstance(value, Mapping):
        return {k: resolve_intrinsics(v, resolver) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_intrinsics(v, resolver) for v in value]
    return value
