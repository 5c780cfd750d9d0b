"""A synth-time check that a stack fits CloudFormation's 500-resource quota.

Every construct of the library registers itself with `register_pattern`; the
first registration in a stack adds one validation to it. At synth, when the
stack holds more resources than the quota, synth fails with a message that
counts the resources of each pattern and says what to do: split the stack or
move patterns into nested stacks (each has its own quota). aws-cdk-lib's own
check comes later, lists resource types only and gives no advice.

Template size (1 MB): aws-cdk-lib already warns with advice
(``@aws-cdk/core:Stack.templateSize``). The library's patterns cost under 1 KB
of template per resource (docs/evidence.md), so the resource quota is reached
long before the size quota, and no second check is needed.
"""

from __future__ import annotations

import weakref

import jsii
from aws_cdk import CfnResource, NestedStack, Stack
from constructs import Construct, IValidation

from constructs_lib import defaults
from constructs_lib._tree import stack_of

#: Id of the (resource-less) construct that marks a stack as checked.
CHECK_ID = "ConstructsLibStackLimits"

#: The aws-cdk-lib context key that sets the per-stack resource limit.
RESOURCE_LIMIT_CONTEXT = "@aws-cdk/core:stackResourceLimit"


def register_pattern(pattern: Construct) -> None:
    """Counts ``pattern`` in its stack's resource-quota check (added on first use)."""
    stack = stack_of(pattern)
    check = _CHECKS.get(stack)
    if check is None:
        found = stack.node.try_find_child(CHECK_ID)
        check = found if isinstance(found, _StackLimitsCheck) else _StackLimitsCheck(stack)
        _CHECKS[stack] = check
    check.patterns.append(pattern)


def resource_limit(stack: Stack) -> int:
    value = stack.node.try_get_context(RESOURCE_LIMIT_CONTEXT)
    return defaults.STACK_RESOURCE_LIMIT if value is None else int(value)


def stack_resources(stack: Stack) -> list[CfnResource]:
    """The CloudFormation resources of ``stack`` itself (not of its nested stacks)."""
    nodes = stack.node.find_all()
    resources = [c for c in nodes if isinstance(c, CfnResource)]
    nested = [c.node.path + "/" for c in nodes if isinstance(c, NestedStack) and c is not stack]
    if nested:
        resources = [r for r in resources if not r.node.path.startswith(tuple(nested))]
    return resources


#: Each stack's check, kept here: finding it in the tree is two jsii round trips.
_CHECKS: weakref.WeakKeyDictionary[Stack, _StackLimitsCheck] = weakref.WeakKeyDictionary()


@jsii.implements(IValidation)
class _StackLimitsCheck(Construct):
    def __init__(self, stack: Stack) -> None:
        super().__init__(stack, CHECK_ID)
        self._stack = stack
        self.patterns: list[Construct] = []
        stack.node.add_validation(self)

    def validate(self) -> list[str]:
        limit = resource_limit(self._stack)
        if limit <= 0:
            return []
        resources = stack_resources(self._stack)
        if len(resources) <= limit:
            return []
        return [self._message(resources, limit)]

    def _message(self, resources: list[CfnResource], limit: int) -> str:
        paths = [r.node.path for r in resources]
        pattern_paths = [(p, p.node.path) for p in self.patterns]
        # outermost patterns only: a SecureQueue inside a TopicFanout counts once
        outer = [
            (p, path)
            for p, path in pattern_paths
            if not any(path.startswith(other + "/") for _, other in pattern_paths)
        ]
        per_kind: dict[str, list[int]] = {}
        for pattern, path in outer:
            count = sum(1 for r in paths if r.startswith(path + "/"))
            per_kind.setdefault(type(pattern).__name__, []).append(count)
        in_patterns = sum(sum(c) for c in per_kind.values())
        parts = [
            f"{len(counts)} {kind} ({sum(counts)} resources, {max(counts)} at most per pattern)"
            for kind, counts in sorted(per_kind.items())
        ]
        parts.append(f"{len(resources) - in_patterns} other resources")
        return (
            f"Stack {self._stack.node.path} has {len(resources)} CloudFormation resources; "
            f"CloudFormation allows {limit} per stack, so the deployment would fail. "
            f"Resources: {', '.join(parts)}. What to do: split the stack (move some "
            "patterns into another Stack of the app), or put groups of patterns into "
            "aws_cdk.NestedStack scopes (each nested stack has its own quota of "
            f"{defaults.STACK_RESOURCE_LIMIT}). If the account's quota was raised, set the "
            f"context key {RESOURCE_LIMIT_CONTEXT} to the new limit."
        )
