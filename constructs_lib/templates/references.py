"""How the values of a CloudFormation template name other things: the one walker.

A template points at its resources, parameters and pseudo parameters with
intrinsics: ``Ref``, ``Fn::GetAtt``, the ``${Name}`` and ``${Name.Attribute}``
of ``Fn::Sub``; ``Fn::Join`` and the others build strings around them. Two
questions are asked of a value, each answered here once:

- what does it point to (`references`, and `texts` for the literal text
  around them): CloudFormation's creation order, the diagram's edges, whether
  a name is fixed at synth;
- what is it, resolved (`resolve_intrinsics`, with a resolver of the
  caller's: `constructs_lib.templates.values.Values` names each resource the
  way AWS would at synth; the local account resolves to what it deployed).

Plain Python: the checks, the diagram and the policy evaluator use it where
aws-cdk-lib is not installed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

#: Given one intrinsic (``{"Fn::GetAtt": ["Queue", "Arn"]}``), its plain value.
Resolver = Callable[[Mapping[str, Any]], Any]

#: A ``${Name}`` or ``${Name.Attribute}`` of ``Fn::Sub`` (``${!Literal}`` excluded).
SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")

#: Pseudo parameters (``AWS::Region``) are named like this; logical ids cannot be.
PSEUDO_PREFIX = "AWS::"


@dataclass(frozen=True)
class Reference:
    """One name a value points at: a logical id, a parameter or a pseudo parameter."""

    name: str
    #: the ``Fn::GetAtt`` (or ``${Name.Attribute}``) attribute; None for a ``Ref``
    attribute: str | None = None

    @property
    def pseudo(self) -> bool:
        return self.name.startswith(PSEUDO_PREFIX)


def is_intrinsic(value: Any) -> bool:
    if not isinstance(value, Mapping) or len(value) != 1:
        return False
    (key,) = value
    return bool(key == "Ref" or key.startswith("Fn::") or key == "Condition")


def get_att_parts(argument: Any) -> tuple[str, str]:
    """``["Queue", "Arn"]`` or ``"Queue.Arn"`` (YAML's short form): (logical id, attribute)."""
    if isinstance(argument, list):
        logical_id, attribute = argument[0], argument[1] if len(argument) > 1 else ""
        return str(logical_id), str(attribute)
    logical_id, _, attribute = str(argument).partition(".")
    return logical_id, attribute


def sub_parts(argument: Any) -> tuple[str, Mapping[str, Any]]:
    """``Fn::Sub``'s text and its own variables (``[text, {Name: value}]`` or ``text``)."""
    if isinstance(argument, list):
        variables = argument[1] if len(argument) > 1 else {}
        return str(argument[0]), variables if isinstance(variables, Mapping) else {}
    return str(argument), {}


def direct_reference(value: Any) -> str | None:
    """The logical id of a plain ``Ref`` or ``Fn::GetAtt`` (not one inside a string)."""
    if is_intrinsic(value):
        ((function, argument),) = value.items()
        if function == "Ref" and isinstance(argument, str):
            return argument
        if function == "Fn::GetAtt" and argument:
            return get_att_parts(argument)[0]
    return None


# --- the walker ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Text:
    """Literal text of a value: a plain string, or what surrounds ``Fn::Sub``'s names."""

    text: str


def _walk(value: Any) -> Iterator[Reference | _Text]:
    if is_intrinsic(value):
        ((function, argument),) = value.items()
        if function == "Ref":
            if isinstance(argument, str):
                yield Reference(argument)
            return
        if function == "Fn::GetAtt":
            if argument:
                yield Reference(*get_att_parts(argument))
            return
        if function == "Fn::Sub":
            text, variables = sub_parts(argument)
            for name in SUB_VARIABLE.findall(text):
                head, _, attribute = name.partition(".")
                if name not in variables and head not in variables:
                    yield Reference(head, attribute or None)
            yield _Text(SUB_VARIABLE.sub("", text))
            yield from _walk(dict(variables))
            return
        if function == "Fn::Join" and isinstance(argument, list) and len(argument) == 2:
            separator, parts = argument
            yield from _walk(parts)
            if isinstance(parts, list):
                # the literal end of the joined string: an ARN's or a URL's last piece
                literal = str(separator).join(p if isinstance(p, str) else "\0" for p in parts)
                yield _Text(literal.split("\0")[-1])
            return
        yield from _walk(argument)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from _walk(item)
    elif isinstance(value, str):
        yield _Text(value)


def references(value: Any, *, pseudo: bool = False) -> Iterator[Reference]:
    """Every name ``value`` points at, at any depth (pseudo parameters only if asked)."""
    for item in _walk(value):
        if isinstance(item, Reference) and (pseudo or not item.pseudo):
            yield item


def referenced_names(value: Any) -> set[str]:
    """The logical ids and parameters ``value`` points at."""
    return {r.name for r in references(value)}


def texts(value: Any) -> Iterator[str]:
    """The literal text of ``value``: plain strings, ``Fn::Sub``'s text without its
    names, the literal end of a ``Fn::Join`` (where a spelled-out ARN or URL ends)."""
    for item in _walk(value):
        if isinstance(item, _Text):
            yield item.text


# --- resolving ----------------------------------------------------------------------


def resolve_intrinsics(value: Any, resolver: Resolver) -> Any:
    """``value`` with every intrinsic replaced by its resolved, plain value.

    ``Fn::Join`` is resolved here once its parts are, since it is plain string
    work; every other intrinsic goes to ``resolver`` (its argument resolved
    first), which may raise for what it cannot resolve.
    """
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
