"""Who may do what: IAM's evaluation logic over plain policy documents.

A `Request` names the caller (a service principal, an IAM role or user, an
account's root), the action, the resource and the request context (condition
keys). `evaluate_policy` judges one policy document; `authorize` combines a
resource policy with identity policies as the IAM User Guide's "Policy
evaluation logic" does:

1. an explicit ``Deny`` in any of them wins;
2. else, within one account, an ``Allow`` in either the resource policy or an
   identity policy suffices; across accounts both must allow;
3. else the request is implicitly denied ("no statement allows").

A resource policy that names the account (``"AWS": "123456789012"`` or
``arn:aws:iam::123456789012:root``) allows that account's root, and
*delegates* to the account's identity policies: a role then needs an identity
policy too. KMS key policies are stricter (``identity_needs_delegation``):
without such a statement a role's identity policies do not count at all.

Every decision carries its reason: which statement of which policy allowed
or denied, or which policies had no statement that allows.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from constructs_lib.policy.conditions import ContextValues, block_holds, policy_values
from constructs_lib.policy.errors import PolicySyntaxError
from constructs_lib.policy.matching import action_matches, resource_matches

_ACCOUNT_ID = re.compile(r"^\d{12}$")
_ROOT_ARN = re.compile(r"^arn:[\w-]+:iam::(\d{12}):root$")
_IAM_ARN_ACCOUNT = re.compile(r"^arn:[\w-]+:(?:iam|sts)::(\d{12}):")


class CallerKind(enum.Enum):
    SERVICE = "service"
    ROLE = "role"
    USER = "user"
    ROOT = "root"


@dataclass(frozen=True)
class Caller:
    """Who makes a request: build it with `service`, `role`, `user` or `root`."""

    kind: CallerKind
    #: the service principal (``sns.amazonaws.com``) or the IAM ARN
    name: str
    #: the caller's account; None for a service principal
    account: str | None

    @classmethod
    def service(cls, principal: str) -> Caller:
        return cls(CallerKind.SERVICE, principal, None)

    @classmethod
    def role(cls, arn: str) -> Caller:
        return cls(CallerKind.ROLE, arn, _account_of(arn))

    @classmethod
    def user(cls, arn: str) -> Caller:
        return cls(CallerKind.USER, arn, _account_of(arn))

    @classmethod
    def root(cls, account: str) -> Caller:
        return cls(CallerKind.ROOT, f"arn:aws:iam::{account}:root", account)

    def __str__(self) -> str:
        return self.name


def _account_of(arn: str) -> str:
    found = _IAM_ARN_ACCOUNT.match(arn)
    if found is None:
        raise PolicySyntaxError(f"{arn!r} is not an IAM ARN")
    return found.group(1)


ContextInput = Mapping[str, str | bool | int | Sequence[str]]


def _normalized_context(context: ContextInput) -> dict[str, tuple[str, ...]]:
    normalized = {}
    for key, value in context.items():
        values = [value] if isinstance(value, str | bool | int) else list(value)
        normalized[key.lower()] = tuple(policy_values(values, where=f"context key {key}"))
    return normalized


@dataclass(frozen=True)
class Request:
    """One request: ``caller`` does ``action`` on ``resource`` with ``context`` keys.

    Context keys are matched case-insensitively, as IAM does; values are
    strings (booleans become ``true``/``false``), or lists for multivalued keys.
    """

    caller: Caller
    action: str
    resource: str
    context: ContextInput = field(default_factory=dict)

    @property
    def context_values(self) -> ContextValues:
        return _normalized_context(self.context)

    def describe(self) -> str:
        keys = ", ".join(f"{k}={v}" for k, v in sorted(self.context.items()))
        return f"{self.caller} {self.action} on {self.resource}" + (f" with {keys}" if keys else "")


class _Match(enum.Enum):
    NO = "no"
    YES = "yes"
    #: the statement names the caller's account: a delegation to its identity policies
    ACCOUNT = "account"


@dataclass(frozen=True)
class PolicyResult:
    """What one policy document says about a request: the deciding statements."""

    label: str
    denied_by: tuple[str, ...] = ()
    allowed_by: tuple[str, ...] = ()
    delegated_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Decision:
    """The verdict on a request, with the reason a person can act on."""

    allowed: bool
    reason: str
    #: label of the policy that decided: the one with the deciding statement, or,
    #: for an implicit deny, the resource policy that has no statement allowing it
    policy: str | None = None
    #: Sid (or ``#<position>``) of that statement
    statement: str | None = None

    @property
    def explicit_deny(self) -> bool:
        return not self.allowed and self.statement is not None

    def __bool__(self) -> bool:
        return self.allowed


def evaluate_policy(
    document: Mapping[str, Any] | str | None,
    request: Request,
    *,
    label: str,
    kind: str = "resource",
) -> PolicyResult:
    """Judge ``request`` against one policy document (a dict or JSON text).

    :param label: names the policy in reasons, e.g. ``queue policy of arn:...``.
    :param kind: ``"resource"`` (statements need ``Principal``/``NotPrincipal``)
        or ``"identity"`` (statements apply to the caller they are attached to).
    :raises PolicySyntaxError: for anything it cannot judge (never a silent allow).
    """
    if kind not in ("resource", "identity"):
        raise ValueError(f"kind must be 'resource' or 'identity', got {kind!r}")
    denied, allowed, delegated = [], [], []
    context = request.context_values
    for index, statement in enumerate(statements_of(document, label=label)):
        sid = str(statement.get("Sid") or f"#{index + 1}")
        where = f"{label}, statement {sid}"
        match = _statement_match(statement, request, context, kind=kind, where=where)
        effect = statement.get("Effect")
        if effect not in ("Allow", "Deny"):
            raise PolicySyntaxError(f"{where}: Effect must be Allow or Deny, got {effect!r}")
        if match is _Match.NO:
            continue
        if effect == "Deny":
            denied.append(sid)
        elif match is _Match.YES:
            allowed.append(sid)
        else:
            delegated.append(sid)
    return PolicyResult(label, tuple(denied), tuple(allowed), tuple(delegated))


def statements_of(
    document: Mapping[str, Any] | str | None, *, label: str
) -> list[Mapping[str, Any]]:
    """The statements of a policy document (JSON text or dict); none for None/empty."""
    if document is None or document == "":
        return []
    parsed = json.loads(document) if isinstance(document, str) else document
    if not isinstance(parsed, Mapping):
        raise PolicySyntaxError(f"{label}: a policy document must be an object")
    statements = parsed.get("Statement", [])
    listed = [statements] if isinstance(statements, Mapping) else list(statements)
    # a null entry is an Fn::If that chose AWS::NoValue: CloudFormation drops it
    return [s for s in listed if s is not None]


def authorize(
    request: Request,
    *,
    resource_policy: Mapping[str, Any] | str | None = None,
    resource_label: str = "resource policy",
    resource_account: str | None = None,
    identity_policies: Iterable[tuple[str, Mapping[str, Any] | str]] = (),
    identity_needs_delegation: bool = False,
) -> Decision:
    """The decision on ``request`` from a resource policy and the caller's identity policies.

    :param resource_account: the account owning the resource (default: the
        caller's, i.e. a same-account request).
    :param identity_policies: ``(label, document)`` of each identity policy of
        an IAM caller (ignored for service principals, which have none).
    :param identity_needs_delegation: KMS key policies: identity policies
        count only when the resource policy delegates to the account.
    """
    results = [evaluate_policy(resource_policy, request, label=resource_label)]
    if request.caller.kind in (CallerKind.ROLE, CallerKind.USER):
        results += [
            evaluate_policy(doc, request, label=label, kind="identity")
            for label, doc in identity_policies
        ]
    for result in results:
        if result.denied_by:
            sid = result.denied_by[0]
            return Decision(
                False, f"denied by statement {sid} of {result.label}", result.label, sid
            )
    return _allow_or_implicit_deny(
        request, results, resource_account or request.caller.account, identity_needs_delegation
    )


def _allow_or_implicit_deny(
    request: Request,
    results: list[PolicyResult],
    resource_account: str | None,
    identity_needs_delegation: bool,
) -> Decision:
    resource, identities = results[0], results[1:]
    caller = request.caller
    identity_allow = next((r for r in identities if r.allowed_by), None)
    same_account = caller.account == resource_account
    if resource.allowed_by and (caller.kind is CallerKind.SERVICE or same_account):
        return _allowed(resource, resource.allowed_by[0])
    if caller.kind is CallerKind.ROOT and resource.delegated_by:
        return _allowed(resource, resource.delegated_by[0])
    if identity_allow is not None:
        resource_agrees = bool(resource.allowed_by or resource.delegated_by)
        if resource_agrees or (same_account and not identity_needs_delegation):
            return _allowed(identity_allow, identity_allow.allowed_by[0])
    labels = " or ".join(r.label for r in results)
    why = f"no statement of {labels} allows {request.describe()}"
    if identity_allow is not None:
        why += (
            f" ({identity_allow.label} allows it, but {resource.label} "
            "does not allow or delegate to the account)"
        )
    return Decision(False, why, resource.label)


def _allowed(result: PolicyResult, sid: str) -> Decision:
    return Decision(True, f"allowed by statement {sid} of {result.label}", result.label, sid)


def _statement_match(
    statement: Mapping[str, Any],
    request: Request,
    context: ContextValues,
    *,
    kind: str,
    where: str,
) -> _Match:
    principal = _principal_part(statement, request.caller, kind=kind, where=where)
    if principal is _Match.NO:
        return principal
    if not _listed(statement, "Action", "NotAction", request.action, action_matches, where):
        return _Match.NO
    if not _listed(statement, "Resource", "NotResource", request.resource, resource_matches, where):
        return _Match.NO
    if "Condition" in statement and not block_holds(statement["Condition"], context, where=where):
        return _Match.NO
    return principal


def _listed(
    statement: Mapping[str, Any],
    positive: str,
    negative: str,
    value: str,
    matches: Any,
    where: str,
) -> bool:
    if positive in statement:
        patterns = policy_values(statement[positive], where=f"{where} {positive}")
        return any(matches(p, value) for p in patterns)
    if negative in statement:
        patterns = policy_values(statement[negative], where=f"{where} {negative}")
        return not any(matches(p, value) for p in patterns)
    if positive == "Action":
        raise PolicySyntaxError(f"{where}: a statement needs Action or NotAction")
    return True  # no Resource: trust and key-less policies apply to their own resource


def _principal_part(
    statement: Mapping[str, Any], caller: Caller, *, kind: str, where: str
) -> _Match:
    if "Principal" in statement:
        return principal_matches(statement["Principal"], caller, where=where)
    if "NotPrincipal" in statement:
        listed = principal_matches(statement["NotPrincipal"], caller, where=where)
        return _Match.YES if listed is _Match.NO else _Match.NO
    if kind == "resource":
        raise PolicySyntaxError(f"{where}: a resource policy statement needs Principal")
    return _Match.YES


def principal_matches(element: Any, caller: Caller, *, where: str) -> _Match:
    """Whether a ``Principal`` element names ``caller``, or only its account."""
    if element == "*":
        return _Match.YES
    if not isinstance(element, Mapping):
        raise PolicySyntaxError(f'{where}: Principal must be "*" or an object, got {element!r}')
    best = _Match.NO
    for principal_type, value in element.items():
        for name in policy_values(value, where=f"{where} Principal {principal_type}"):
            match = _one_principal(principal_type, name, caller, where=where)
            if match is _Match.YES:
                return match
            if match is _Match.ACCOUNT:
                best = match
    return best


def _one_principal(principal_type: str, name: str, caller: Caller, *, where: str) -> _Match:
    if principal_type == "Service":
        same = caller.kind is CallerKind.SERVICE and caller.name.lower() == name.lower()
        return _Match.YES if same else _Match.NO
    if principal_type != "AWS":
        return _Match.NO  # Federated, CanonicalUser: never one of our callers
    if name == "*":
        return _Match.YES
    account = name if _ACCOUNT_ID.match(name) else _root_account(name)
    if account is not None:
        if caller.account != account:
            return _Match.NO
        return _Match.YES if caller.kind is CallerKind.ROOT else _Match.ACCOUNT
    if "*" in name or "?" in name:
        raise PolicySyntaxError(
            f'{where}: {name!r}: a wildcard in an AWS principal is only valid as "*"'
        )
    same = caller.kind is not CallerKind.SERVICE and caller.name == name
    return _Match.YES if same else _Match.NO


def _root_account(name: str) -> str | None:
    found = _ROOT_ARN.match(name)
    return found.group(1) if found else None
