"""YAML CloudFormation templates, with the short intrinsic tags (``!Ref``, ``!GetAtt``...).

Only needed for hand-written templates: CDK writes JSON. PyYAML is not a
dependency of the library; without it a YAML template is refused by name.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from constructs_lib.templates.errors import AssemblyError


def parse_yaml_template(path: Path, text: str) -> Any:
    try:
        yaml: Any = importlib.import_module("yaml")
    except ImportError as err:
        raise AssemblyError(
            f"{path}: a YAML template needs PyYAML (pip install pyyaml), or pass JSON"
        ) from err

    def intrinsic(loader: Any, suffix: str, node: Any) -> Any:
        name = suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}"
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if suffix == "GetAtt":
                value = str(value).split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return {name: value}

    # A SafeLoader of its own, so that the tags are not added to PyYAML's.
    loader: Any = type("CloudFormationLoader", (yaml.SafeLoader,), {})
    loader.add_multi_constructor("!", intrinsic)
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as err:
        raise AssemblyError(f"{path}: invalid YAML: {err}") from err
