"""The template model: synthesized CloudFormation, read once and resolved once.

Every part of the library that reads what ``cdk synth`` wrote goes through
here: SqsPatternChecks, the diagrams, the fleet simulator, the tools and the
test kit.

- `assembly`: a cloud assembly read through its manifest (stacks, nested
  stage assemblies, nested stacks, file assets), or template files;
- `references`: the one walker over ``Ref``, ``Fn::GetAtt``, ``Fn::Sub``,
  ``Fn::Join``...: what a value points at, and `resolve_intrinsics`;
- `values`: the one resolver of a template's values to the names and ARNs
  AWS would give them (``Fn::ImportValue``, ``Fn::Select``, ``Fn::FindInMap``,
  pseudo parameters...), and back from such a string to its resource.

Plain Python: no aws-cdk-lib, boto3 or moto.
"""

from __future__ import annotations

from constructs_lib.templates.assembly import (
    Assembly,
    FileAsset,
    Resource,
    ResourceId,
    StackTemplate,
    file_assets,
    load,
)
from constructs_lib.templates.errors import AssemblyError
from constructs_lib.templates.references import (
    Reference,
    referenced_names,
    references,
    resolve_intrinsics,
    texts,
)
from constructs_lib.templates.values import Unresolved, Values

__all__ = [
    "Assembly",
    "AssemblyError",
    "FileAsset",
    "Reference",
    "Resource",
    "ResourceId",
    "StackTemplate",
    "Unresolved",
    "Values",
    "file_assets",
    "load",
    "referenced_names",
    "references",
    "resolve_intrinsics",
    "texts",
]
