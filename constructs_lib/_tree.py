"""What the construct tree says, read from the jsii process once.

Every read of a construct's path, its stack, or a resource's account and
region is a round trip to the jsii (Node) process (``node.path`` is two), and
such round trips, not template synthesis, are what a construct of this
library costs beyond the L2s it builds (docs/evidence.md, "Speed"). These
facts never change once a construct exists, so they are read once per object
and kept in weak maps (an object that goes away takes its entry with it).

`is_unresolved` answers ``Token.is_unresolved`` for plain strings and ints in
Python, the way aws-cdk-lib decides it, and asks the jsii process only about
anything else.
"""

from __future__ import annotations

import re
import weakref
from typing import Any

from aws_cdk import IResource, Stack, Token
from constructs import IConstruct

_PATHS: weakref.WeakKeyDictionary[IConstruct, str] = weakref.WeakKeyDictionary()
_STACKS: weakref.WeakKeyDictionary[IConstruct, Stack] = weakref.WeakKeyDictionary()
_ENVS: weakref.WeakKeyDictionary[IResource | Stack, tuple[str, str]] = weakref.WeakKeyDictionary()

#: aws-cdk-lib's string token (``${Token[...]}``) and stringified number token
#: (core/lib/private/encoding: STRING_TOKEN_REGEX, STRINGIFIED_NUMBER_PATTERN).
_STRING_TOKEN = re.compile(r"\$\{Token\[[a-zA-Z0-9:._-]+\]\}|-1\.\d{10,16}e\+289")
_STRINGIFIED_NUMBER = re.compile(r"-1\.\d{10,16}e\+289")


def path_of(construct: IConstruct) -> str:
    """``construct.node.path``."""
    try:
        return _PATHS[construct]
    except KeyError:
        path = _PATHS[construct] = construct.node.path
        return path


def stack_of(construct: IConstruct) -> Stack:
    """``Stack.of(construct)``."""
    try:
        return _STACKS[construct]
    except KeyError:
        stack = _STACKS[construct] = Stack.of(construct)
        return stack


def env_of(resource: IResource) -> tuple[str, str]:
    """(account, region) of ``resource.env``: for a resource built in a stack,
    the stack's; for an imported one, what its ARN says."""
    try:
        return _ENVS[resource]
    except KeyError:
        env = resource.env
        found = _ENVS[resource] = (env.account, env.region)
        return found


def stack_env(construct: IConstruct) -> tuple[str, str]:
    """(account, region) of the stack ``construct`` belongs to."""
    stack = stack_of(construct)
    try:
        return _ENVS[stack]
    except KeyError:
        found = _ENVS[stack] = (stack.account, stack.region)
        return found


def is_unresolved(value: Any) -> bool:
    """``Token.is_unresolved(value)``; plain strings and ints without a round trip.

    A string is a token when it holds a string token (or a stringified number
    token, which older aws-cdk-lib releases also count without ``Token[``:
    those few strings go to the jsii process); a Python int never is (number
    tokens are floats).
    """
    if isinstance(value, str):
        if "Token[" in value:
            return _STRING_TOKEN.search(value) is not None
        if _STRINGIFIED_NUMBER.search(value) is None:
            return False
    elif type(value) is int:
        return False
    return bool(Token.is_unresolved(value))
