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
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import IConstruct

_PATHS: weakref.WeakKeyDictionary[IConstruct, str] = weakref.WeakKeyDictionary()
_STACKS: weakref.WeakKeyDictionary[IConstruct, Stack] = weakref.WeakKeyDictionary()
_ENVS: weakref.WeakKeyDictionary[IResource | Stack, tuple[str, str]] = weakref.WeakKeyDictionary()

#: Resources whose ``env`` is their stack's: these L2 classes take no account
#: or region (an imported queue or topic is another class, its env read from
#: its ARN).
_BUILT_IN_ITS_STACK = (sqs.Queue, sns.Topic)

#: aws-cdk-lib's string token (``${Token[...]}``) and stringified number token
#: (core/lib/private/encoding: STRING_TOKEN_REGEX, STRINGIFIED_NUMBER_PATTERN).
_STRING_TOKEN = re.compile(r"\$\{Token\[[a-zA-Z0-9:._-]+\]\}|-1\.\d{10,16}e\+289")
_STRINGIFIED_NUMBER = re.compile(r"-1\.\d{10,16}e\+289")


def adopt(construct: IConstruct, scope: IConstruct, construct_id: str) -> None:
    """Records the path and stack of ``construct``, just made in ``scope`` as
    ``construct_id``, from its scope's: what the constructs library computes
    (the scopes' ids joined by '/', a '/' in an id written '--'), known here
    without a round trip."""
    parent = path_of(scope)
    own = construct_id.replace("/", "--")
    _PATHS[construct] = f"{parent}/{own}" if parent else own
    _STACKS[construct] = construct if isinstance(construct, Stack) else stack_of(scope)


def path_of(construct: IConstruct) -> str:
    """``construct.node.path``."""
    try:
        return _PATHS[construct]
    except KeyError:
        path = _PATHS[construct] = construct.node.path
        return path


def id_of(construct: IConstruct) -> str:
    """``construct.node.id``: the last part of its path."""
    return path_of(construct).rpartition("/")[2]


def stack_of(construct: IConstruct) -> Stack:
    """``Stack.of(construct)``."""
    if isinstance(construct, Stack):  # Stack.of(a stack) is the stack itself
        return construct
    try:
        return _STACKS[construct]
    except KeyError:
        stack = _STACKS[construct] = Stack.of(construct)
        return stack


def env_of(resource: IResource) -> tuple[str, str]:
    """(account, region) of ``resource.env``: for a resource built in a stack,
    the stack's; for an imported one, what its ARN says."""
    if isinstance(resource, _BUILT_IN_ITS_STACK):
        return stack_env(resource)
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
