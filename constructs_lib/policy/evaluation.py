"""Who may do what: IAM's evaluation logic over plain policy documents.

A `Request` names the caller (a service principal, an IAM role, user or
role session, an account's root user), the action, the resource and the
request context (condition keys). `evaluate_policy` judges one policy
document; `authorize` combines a resource policy with identity policies as
the IAM User Guide's "Policy evaluation logic" does:

1. an explicit ``Deny`` in any of them wins;
2. else, within one account, an ``Allow`` in either the resource policy or an
   identity policy suffices; across accounts both must allow;
3. else the request is implicitly denied ("no statement allows").

The root user "has full access" in its own account: allowed unless denied,
and across accounts a resource policy naming its account suffices (it needs
no identity policy). A resource policy that names the account (``"AWS":
"123456789012"`` or ``arn:aws:iam::123456789012:root``) *delegates* to the
account's identity policies: a role then needs an identity policy too. Role
trust policies and KMS key policies are stricter ("they must explicitly allow
access for principals"): for ``sts:`` and ``kms:`` actions (or with
``identity_needs_delegation``) identity policies count only where the
resource policy allows or delegates, for the root user too.

A resource policy naming a role applies to that role's sessions
(`Caller.session`, ``arn:aws:sts::<account>:assumed-role/<name>/<session>``).
``NotPrincipal`` exempts a caller only when the whole chain AWS may check is
listed (the account, the role, the session: "AWS might validate the account
first and then the user"), so such a Deny never fails open.

Statements IAM would refuse are refused (`PolicySyntaxError`): ``Action``
with ``NotAction``, ``Resource`` with ``NotResource``, ``Principal`` with
``NotPrincipal``; in an identity policy, ``Principal``/``NotPrincipal`` or no
``Resource``/``NotResource``. Policy variables are substituted from the
request (`constructs_lib.policy.variables`) or raise.

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
from constructs_lib.policy.variables import refuse_variable, substitute

_ACCOUNT_ID = re.compile(r"^\d{12}$")
_ROOT_ARN = re.compile(r"^arn:[\w-]+:iam::(\d{12}):root$")
_IAM_ARN_ACCOUNT = re.compile(r"^arn:[\w-]+:(?:iam|sts)::(\d{12}):")
_ROLE_ARN = re.compile(r"^arn:[\w-]+:iam::(\d{12}):role/(?:.*/)?([^/]+)$")
_SESSION_ARN = re.compile(r"^arn:[\w-]+:sts::(\d{12}):assumed-role/([^/]+)/([^/]+)$")
#: Actions whose resource policy (role trust policy, KMS key policy) must itself
#: allow: IAM User Guide, "Policy evaluation logic".
_STRICT_SERVICES = ("sts", "kms")


class CallerKind(enum.Enum):
    SERVICE = "service"
    ROLE = "role"
    #: a role session (``AssumeRole``'s temporary credentials)
    SESSION = "session"
    USER = "user"
    ROOT = "root"


#: Callers whose identity policies count (a session: its role's).
IAM_CALLERS = (CallerKind.ROLE, CallerKind.SESSION, CallerKind.USER)


@dataclass(frozen=True)
class Caller:
    """Who makes a request: build it with `service`, `role`, `session`, `user` or `root`."""

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
        if _SESSION_ARN.match(arn):
            raise PolicySyntaxError(
                f"{arn!r} is a role session, not a role: use Caller.session (a resource "
                "policy naming the role applies to its sessions)"
            )
        return cls(CallerKind.ROLE, arn, _account_of(arn))

    @classmethod
    def session(cls, arn: str) -> Caller:
        """A role session, ``arn:aws:sts::<account>:assumed-role/<role name>/<session name>``."""
        found = _SESSION_ARN.match(arn)
        if found is None:
            raise PolicySyntaxError(
                f"{arn!r} is not an assumed-role session ARN "
                "(arn:aws:sts::<account>:assumed-role/<role name>/<session name>)"
            )
        return cls(CallerKind.SESSION, arn, found.group(1))

    @property
    def role_name(self) -> str | None:
        """The role a session belongs to (None for other callers)."""
        found = _SESSION_ARN.match(self.name) if self.kind is CallerKind.SESSION else None
        return found.group(2) if found else None

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
        or ``"identity"`` (statements apply to the caller they are attached to,
        and need ``Resource``/``NotResource``).
    :raises PolicySyntaxError: for anything it cannot judge (never a silent allow).
    """
    if kind not in ("resource", "identity"):
        raise ValueError(f"kind must be 'resource' or 'identity', got {kind!r}")
    denied, allowed, delegated = [], [], []
    context = request.context_values
    version, statements = _parsed(document, label=label)
    for index, statement in enumerate(statements):
        sid = str(statement.get("Sid") or f"#{index + 1}")
        where = f"{label}, statement {sid}"
        _check_grammar(statement, kind=kind, where=where)
        effect = statement.get("Effect")
        if effect not in ("Allow", "Deny"):
            raise PolicySyntaxError(f"{where}: Effect must be Allow or Deny, got {effect!r}")
        match = _statement_match(
            statement, request, context, version=version, deny=effect == "Deny", where=where
        )
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
    return _parsed(document, label=label)[1]


def _parsed(
    document: Mapping[str, Any] | str | None, *, label: str
) -> tuple[str | None, list[Mapping[str, Any]]]:
    """(``Version``, statements) of a policy document."""
    if document is None or document == "":
        return None, []
    parsed = json.loads(document) if isinstance(document, str) else document
    if not isinstance(parsed, Mapping):
        raise PolicySyntaxError(f"{label}: a policy document must be an object")
    statements = parsed.get("Statement", [])
    listed = [statements] if isinstance(statements, Mapping) else list(statements)
    # a null entry is an Fn::If that chose AWS::NoValue: CloudFormation drops it
    version = parsed.get("Version")
    return (str(version) if version is not None else None), [s for s in listed if s is not None]


#: Elements of which a statement holds one at most (IAM User Guide, "Grammar of
#: the IAM JSON policy language": each pair is a choice).
_EXCLUSIVE = (("Action", "NotAction"), ("Resource", "NotResource"), ("Principal", "NotPrincipal"))


def _check_grammar(statement: Mapping[str, Any], *, kind: str, where: str) -> None:
    """Refuses what IAM refuses to store."""
    for positive, negative in _EXCLUSIVE:
        if positive in statement and negative in statement:
            raise PolicySyntaxError(
                f"{where}: a statement has both {positive} and {negative}; IAM accepts one"
            )
    if "Action" not in statement and "NotAction" not in statement:
        raise PolicySyntaxError(f"{where}: a statement needs Action or NotAction")
    if kind == "identity":
        for element in ("Principal", "NotPrincipal"):
            if element in statement:
                raise PolicySyntaxError(
                    f'{where}: {element} in an identity policy; IAM: "You cannot use the '
                    f'{element} element in an identity-based policy"'
                )
        if "Resource" not in statement and "NotResource" not in statement:
            raise PolicySyntaxError(
                f"{where}: an identity policy statement needs Resource or NotResource"
            )
    elif "Principal" not in statement and "NotPrincipal" not in statement:
        raise PolicySyntaxError(f"{where}: a resource policy statement needs Principal")


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
        an IAM caller (a session: its role's; ignored for service principals
        and the root user, which have none).
    :param identity_needs_delegation: the resource policy must allow or
        delegate before identity policies count. Always so for ``sts:`` and
        ``kms:`` actions (role trust policies, KMS key policies), whatever
        is passed.
    """
    results = [evaluate_policy(resource_policy, request, label=resource_label)]
    if request.caller.kind in IAM_CALLERS:
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
    strict = identity_needs_delegation or _service_of(request.action) in _STRICT_SERVICES
    return _allow_or_implicit_deny(
        request, results, resource_account or request.caller.account, strict
    )


def _service_of(action: str) -> str:
    return action.partition(":")[0].lower()


def _allow_or_implicit_deny(
    request: Request,
    results: list[PolicyResult],
    resource_account: str | None,
    strict: bool,
) -> Decision:
    resource, identities = results[0], results[1:]
    caller = request.caller
    identity_allow = next((r for r in identities if r.allowed_by), None)
    same_account = caller.account == resource_account
    if resource.allowed_by and (
        caller.kind in (CallerKind.SERVICE, CallerKind.ROOT) or same_account
    ):
        return _allowed(resource, resource.allowed_by[0])
    if caller.kind is CallerKind.ROOT and same_account and not strict:
        return Decision(
            True,
            f"allowed: the root user of account {caller.account} has full access in its "
            "own account, and no statement denies it",
        )
    if identity_allow is not None:
        resource_agrees = bool(resource.allowed_by or resource.delegated_by)
        if resource_agrees or (same_account and not strict):
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
    version: str | None,
    deny: bool,
    where: str,
) -> _Match:
    principal = _principal_part(statement, request.caller, deny=deny, where=where)
    if principal is _Match.NO:
        return principal
    if not _actions_match(statement, request.action, where):
        return _Match.NO
    if not _resources_match(statement, request.resource, context, version, where):
        return _Match.NO
    if "Condition" in statement and not block_holds(
        statement["Condition"], context, where=where, version=version
    ):
        return _Match.NO
    return principal


def _actions_match(statement: Mapping[str, Any], action: str, where: str) -> bool:
    element = "Action" if "Action" in statement else "NotAction"
    patterns = policy_values(statement[element], where=f"{where} {element}")
    for pattern in patterns:
        refuse_variable(pattern, where=f"{where} {element}", why="in Action or NotAction")
    listed = any(action_matches(p, action) for p in patterns)
    return listed if element == "Action" else not listed


def _resources_match(
    statement: Mapping[str, Any],
    resource: str,
    context: ContextValues,
    version: str | None,
    where: str,
) -> bool:
    element = "Resource" if "Resource" in statement else "NotResource"
    if element not in statement:
        return True  # trust and key-less resource policies apply to their own resource
    patterns = [
        substitute(p, context, version=version, wildcards=True, where=f"{where} {element}")
        for p in policy_values(statement[element], where=f"{where} {element}")
    ]
    # a null variable matches no resource
    listed = any(resource_matches(p, resource) for p in patterns if p is not None)
    return listed if element == "Resource" else not listed


def _principal_part(
    statement: Mapping[str, Any], caller: Caller, *, deny: bool, where: str
) -> _Match:
    if "Principal" in statement:
        return principal_matches(statement["Principal"], caller, where=where)
    if "NotPrincipal" in statement:
        exempted = _exempted(statement["NotPrincipal"], caller, where=where)
        return _Match.NO if exempted else _Match.YES
    return _Match.YES  # an identity policy: it applies to its own caller


def principal_matches(element: Any, caller: Caller, *, where: str) -> _Match:
    """Whether a ``Principal`` element names ``caller``, or only its account."""
    best = _Match.NO
    for principal_type, name in _principal_names(element, where=where):
        match = _one_principal(principal_type, name, caller, where=where)
        if match is _Match.YES:
            return match
        if match is _Match.ACCOUNT:
            best = match
    return best


def _principal_names(element: Any, *, where: str) -> list[tuple[str, str]]:
    if element == "*":
        return [("AWS", "*")]
    if not isinstance(element, Mapping):
        raise PolicySyntaxError(f'{where}: Principal must be "*" or an object, got {element!r}')
    names = []
    for principal_type, value in element.items():
        for name in policy_values(value, where=f"{where} Principal {principal_type}"):
            refuse_variable(name, where=f"{where} Principal", why="in Principal elements")
            names.append((str(principal_type), name))
    return names


def _exempted(element: Any, caller: Caller, *, where: str) -> bool:
    """Whether ``NotPrincipal`` exempts ``caller``: every link AWS may check is listed.

    IAM User Guide, "NotPrincipal": "AWS might validate the account first and
    then the user", for a session "the account first, then the role, and then
    the assumed-role user"; listing only the user "might ... deny access to the
    AWS account that contains the user". Where AWS might deny, the Deny holds.
    """
    names = _principal_names(element, where=where)
    if ("AWS", "*") in names:
        return True
    if caller.kind is CallerKind.SERVICE:
        return any(
            kind == "Service" and name.lower() == caller.name.lower() for kind, name in names
        )
    aws = [name for kind, name in names if kind == "AWS"]
    for name in aws:
        if "*" in name or "?" in name:
            raise PolicySyntaxError(
                f'{where}: {name!r}: a wildcard in an AWS principal is only valid as "*"'
            )
    account_listed = any(
        (name if _ACCOUNT_ID.match(name) else _root_account(name)) == caller.account for name in aws
    )
    if caller.kind is CallerKind.ROOT:
        return account_listed
    own_listed = caller.name in aws
    if caller.kind is CallerKind.SESSION:
        role_listed = any(_names_sessions_role(name, caller) for name in aws)
        return account_listed and role_listed and own_listed
    return account_listed and own_listed


def _names_sessions_role(name: str, caller: Caller) -> bool:
    """Whether role ARN ``name`` is the role of session ``caller`` (role names are
    unique in an account; a session ARN drops the role's path)."""
    found = _ROLE_ARN.match(name)
    return (
        found is not None
        and found.group(1) == caller.account
        and found.group(2) == caller.role_name
    )


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
    if caller.kind is CallerKind.SERVICE:
        return _Match.NO
    if caller.name == name:
        return _Match.YES
    if caller.kind is CallerKind.SESSION and _names_sessions_role(name, caller):
        return _Match.YES
    return _Match.NO


def _root_account(name: str) -> str | None:
    found = _ROOT_ARN.match(name)
    return found.group(1) if found else None
