"""Section 3, permissions: resource, key, trust and identity policies widened or narrowed.

"Widened" is decided by the project's policy evaluator (`constructs_lib.policy`,
IAM's evaluation logic over plain documents), not by comparing JSON: the
review asks both versions of a policy the same requests and reports the ones
whose answer changed. A policy *widens* when HEAD admits a request BASE did
not admit, and *narrows* when the reverse holds (IAM User Guide, "Policy
evaluation logic": an explicit Deny wins, else an Allow is needed; a resource
policy naming an account delegates to that account's identity policies, which
the review counts as admitted, the generous reading).

The requests are made from the policies themselves:

- callers: every principal either version names (a service principal, a
  role, an account), a role named by an ``aws:PrincipalArn`` condition, and
  for ``"*"`` a principal of the resource's own account and one of another;
- actions and resources: every action either version names, on the policy's
  own resource (a key's ``"*"`` is the key), or, for identity policies, on
  every resource the statement names;
- contexts: one that satisfies each statement's equality and pattern
  conditions (``aws:SourceArn``, ``aws:SourceAccount``, ``kms:ViaService``...),
  the same from another account (every account id in it replaced), one with
  no source keys, and each over plain HTTP (``aws:SecureTransport`` false).

So "events.amazonaws.com may now send to Jobs from another account" means:
the request EventBridge makes for a rule of another account is denied by
BASE's queue policy and allowed by HEAD's. A policy that cannot be resolved at
synth (a parameter, an import) or that the evaluator refuses is reported as
changed and not judged, and counts as widened for ``--fail-on``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from constructs_lib.checks.wiring import BUCKET, KEY, QUEUE, ROLE, TOPIC
from constructs_lib.policy import Caller, PolicySyntaxError, Request, evaluate_policy, statements_of
from constructs_lib.policy.evaluation import principal_matches
from constructs_lib.review.changes import Comparison, Side, compact, title
from constructs_lib.review.report import GATE_PERMISSIONS_WIDENED, PERMISSIONS, Item
from constructs_lib.services import as_json
from constructs_lib.templates.assembly import Resource, ResourceId
from constructs_lib.templates.values import Unresolved

FUNCTION = "AWS::Lambda::Function"
LAMBDA_PERMISSION = "AWS::Lambda::Permission"

#: The account a request "from another account" comes from.
OTHER_ACCOUNT = "999999999999"
#: What a wildcard of a condition or resource pattern is filled with.
FILL = "review-probe"
_ACCOUNT = re.compile(r"(?<!\d)\d{12}(?!\d)")
_ROLE_ARN = re.compile(r"^arn:[\w-]+:iam::\d{12}:role/")

#: Context keys that say which account a request comes from (replaced for "another account").
_SOURCE_KEYS = ("aws:sourceaccount", "aws:sourcearn", "aws:sourceowner", "aws:sourceorgid")

#: Context keys that describe the caller itself: a service principal has none.
_PRINCIPAL_KEYS = ("aws:principalarn", "aws:principalaccount", "kms:calleraccount")

#: How a sentence says an action (the others: "call <action> on").
VERBS = {
    "*": "do anything with",
    "sqs:*": "do anything with",
    "sqs:SendMessage": "send to",
    "sqs:ReceiveMessage": "receive from",
    "sqs:DeleteMessage": "delete messages of",
    "sqs:ChangeMessageVisibility": "hide messages of",
    "sqs:GetQueueAttributes": "read the attributes of",
    "sqs:GetQueueUrl": "look up",
    "sns:*": "do anything with",
    "sns:Publish": "publish to",
    "sns:Subscribe": "subscribe to",
    "kms:*": "do anything with",
    "kms:Decrypt": "decrypt with",
    "kms:Encrypt": "encrypt with",
    "kms:GenerateDataKey": "make data keys with",
    "kms:GenerateDataKey*": "make data keys with",
    "kms:ReEncrypt*": "re-encrypt with",
    "kms:DescribeKey": "describe",
    "s3:*": "do anything with",
    "s3:GetObject": "read objects of",
    "s3:PutObject": "write objects to",
    "s3:DeleteObject": "delete objects of",
    "sts:AssumeRole": "assume",
    "lambda:InvokeFunction": "invoke",
}

_PROTOCOLS = {
    "": "",
    "other account": " from another account",
    "no source": " with no condition",
    "plain http": " over plain HTTP",
}

#: Which circumstance a widening is said with (the widest), and a narrowing (the
#: app's own requests first: those break a path that worked).
_WIDENING_ORDER = ("other account", "no source", "", "plain http")
_NARROWING_ORDER = ("", "no source", "other account", "plain http")


@dataclass(frozen=True)
class _Holder:
    """A policy of one side: whose, which kind, and its document(s)."""

    resource: Resource
    kind: str
    #: (label, document) of each policy; for a resource policy one, possibly None
    documents: tuple[tuple[str, Any], ...]
    #: the ARN requests name (the resource's own), for resource policies
    arn: str
    account: str
    #: why it could not be read, if it could not
    unreadable: str | None = None

    @property
    def identity(self) -> bool:
        return self.kind == "identity policies"


@dataclass(frozen=True)
class _Probe:
    caller: Caller
    who: str
    action: str
    #: (resource ARN of BASE, of HEAD) and how the sentence names it
    resources: tuple[str, str]
    on: str
    context: tuple[tuple[str, str], ...]
    #: "" (the statement's own conditions met), "other account", "no source", "plain http"
    circumstance: str
    #: for "": the conditions met, in words (``when aws:SourceArn like ...``)
    condition: str = ""


def items(comparison: Comparison) -> Iterator[Item]:
    base = _holders(comparison, comparison.base)
    head = _holders(comparison, comparison.head)
    names = _arn_names(comparison)
    for key in sorted(base.keys() | head.keys(), key=lambda k: (k[0].stack, k[0].logical_id, k[1])):
        old, new = base.get(key), head.get(key)
        if new is None:
            assert old is not None
            pair = comparison.pair_of_base(old.resource.id)
            if pair is None or pair.head is None:
                continue  # the resource is gone: sections 1 and "other" say so
            # the resource stays without this kind of policy: AWS's default applies
            new = _without_policy(comparison.head, pair.head, old.kind)
        elif old is None:
            pair = comparison.pair_of_head(new.resource.id)
            if pair is not None and pair.base is not None:
                old = _without_policy(comparison.base, pair.base, new.kind)
        if old is not None and _same(old, new):
            continue
        yield from _compare(comparison, old, new, names)
    yield from _managed(comparison)


def _without_policy(side: Side, resource: Resource, kind: str) -> _Holder:
    try:
        arn = side.values.arn(resource.id)
    except Unresolved:
        arn = ""
    return _Holder(resource, kind, ((kind, None),), arn, side.values.account(resource.id.stack))


# --- who holds which policy ----------------------------------------------------------


def _former_names(comparison: Comparison) -> list[tuple[str, str]]:
    """(HEAD's name, BASE's name) of every ARN, URL and name of a renamed resource,
    longest first: HEAD's documents say them as BASE did, so that a renamed queue does
    not read as a new grant on another queue."""
    pairs: dict[str, str] = {}
    for new, old in comparison.renames.items():
        try:
            after = comparison.head.values.identity(new)
            before = comparison.base.values.identity(old)
        except Unresolved:
            continue
        pairs[after.ref] = before.ref
        for attribute, value in after.attributes.items():
            if attribute in before.attributes:
                pairs[value] = before.attributes[attribute]
    return sorted(((a, b) for a, b in pairs.items() if a != b), key=lambda p: -len(p[0]))


def _renamed(value: Any, names: Sequence[tuple[str, str]]) -> Any:
    if not names or value is None:
        return value
    text = json.dumps(value)
    for new, old in names:
        text = text.replace(json.dumps(new)[1:-1], json.dumps(old)[1:-1])
    return json.loads(text)


def _holders(comparison: Comparison, side: Side) -> dict[tuple[ResourceId, str], _Holder]:
    found: dict[tuple[ResourceId, str], _Holder] = {}
    wiring = side.wiring
    names = _former_names(comparison) if side is comparison.head else []
    for resource in side.assembly.resources.values():
        canonical = comparison.canonical(resource.id, side)
        account = side.values.account(resource.id.stack)
        try:
            arn = _renamed(side.values.arn(resource.id), names)
        except Unresolved:
            arn = ""
        kinds: list[tuple[str, Any]] = []
        try:
            if resource.type in (QUEUE, TOPIC, BUCKET):
                if wiring.policies_of(resource):
                    kinds.append(("resource policy", wiring.policy_document(resource)))
            elif resource.type == KEY:
                kinds.append(("key policy", wiring.policy_document(resource)))
            elif resource.type == ROLE:
                trust = wiring.resolved(resource, resource.prop("AssumeRolePolicyDocument"))
                kinds.append(("trust policy", trust))
            elif resource.type == FUNCTION:
                permissions = _lambda_permissions(side, resource, arn)
                if permissions is not None:
                    kinds.append(("resource policy", permissions))
        except Unresolved as err:
            kind = {KEY: "key policy", ROLE: "trust policy"}.get(resource.type, "resource policy")
            found[(canonical, kind)] = _Holder(resource, kind, (), arn, account, str(err))
        for kind, document in kinds:
            document = _renamed(as_json(document), names)
            found[(canonical, kind)] = _Holder(resource, kind, ((kind, document),), arn, account)
        if resource.type == ROLE:
            # the documents the app holds; managed policies from outside are `_managed`'s
            documents, _ = wiring.identity_policies(resource)
            if documents:
                found[(canonical, "identity policies")] = _Holder(
                    resource,
                    "identity policies",
                    tuple((label, _renamed(as_json(d), names)) for label, d in documents),
                    arn,
                    account,
                )
    return found


def _managed_arns(side: Side, role: Resource) -> set[str]:
    """The role's managed policies that are not in the app (AWS-managed ones, others')."""
    found = set()
    for value in role.prop("ManagedPolicyArns") or ():
        if side.values.find(role.id.stack, value, "AWS::IAM::ManagedPolicy") is not None:
            continue  # the app's own: its document is compared with the others
        try:
            found.add(side.values.text(role.id.stack, value))
        except Unresolved:
            found.add(compact(value, 100))
    return found


def _managed(comparison: Comparison) -> Iterator[Item]:
    """Managed policies from outside the app attached to or detached from a kept role."""
    for pair in comparison.pairs:
        if pair.base is None or pair.head is None or pair.head.type != ROLE:
            continue
        before = _managed_arns(comparison.base, pair.base)
        after = _managed_arns(comparison.head, pair.head)
        name = title(pair.head)
        holder = _Holder(pair.head, "identity policies", (), "", "")
        for arn in sorted(after - before):
            text = f"role **{name}** now has the managed policy `{arn}`, with all it allows."
            yield _item("widened", holder, text, rank=8, widened=True)
        for arn in sorted(before - after):
            text = f"role **{name}** no longer has the managed policy `{arn}`."
            yield _item("narrowed", holder, text, rank=40)


def _lambda_permissions(side: Side, function: Resource, arn: str) -> dict[str, Any] | None:
    """The function's resource policy, as the ``AWS::Lambda::Permission``s that make it."""
    statements = []
    for permission in side.assembly.of_type(LAMBDA_PERMISSION):
        target = side.values.find(permission.id.stack, permission.prop("FunctionName"), FUNCTION)
        if target != function:
            continue
        resolved = side.wiring.resolved(permission, dict(permission.properties))
        principal = str(resolved.get("Principal", ""))
        kind = "Service" if principal.endswith(".amazonaws.com") else "AWS"
        statement: dict[str, Any] = {
            "Sid": permission.id.logical_id,
            "Effect": "Allow",
            "Principal": "*" if principal == "*" else {kind: principal},
            "Action": resolved.get("Action"),
            "Resource": arn,
        }
        condition: dict[str, dict[str, Any]] = {}
        if resolved.get("SourceArn"):
            condition.setdefault("ArnLike", {})["aws:SourceArn"] = resolved["SourceArn"]
        if resolved.get("SourceAccount"):
            condition.setdefault("StringEquals", {})["aws:SourceAccount"] = resolved[
                "SourceAccount"
            ]
        if condition:
            statement["Condition"] = condition
        statements.append(statement)
    return {"Version": "2012-10-17", "Statement": statements} if statements else None


def _same(old: _Holder, new: _Holder) -> bool:
    if old.unreadable or new.unreadable:
        return old.unreadable == new.unreadable and _canonical(old) == _canonical(new)
    return _canonical(old) == _canonical(new)


def _canonical(holder: _Holder) -> str:
    documents = [d for _, d in holder.documents]
    # the holder's own ARN differs when it was renamed: compare documents with it named alike
    text = json.dumps(documents, sort_keys=True, default=str)
    return text.replace(holder.arn, "<self>") if holder.arn else text


# --- the requests ---------------------------------------------------------------------


def _statements(holder: _Holder | None) -> list[Mapping[str, Any]]:
    if holder is None:
        return []
    found: list[Mapping[str, Any]] = []
    for label, document in holder.documents:
        found += statements_of(as_json(document), label=label)
    return found


def _values(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in (value if isinstance(value, list) else [value])]


def _callers(statements: Sequence[Mapping[str, Any]], holder: _Holder) -> list[tuple[Caller, str]]:
    if holder.identity:
        return [(Caller.role(holder.arn), f"role **{title(holder.resource)}**")]
    own = holder.account
    found: dict[str, tuple[Caller, str]] = {}

    def anyone() -> None:
        for account, who in (
            (own, f"any principal of account {own}"),
            (OTHER_ACCOUNT, "any principal of any account"),
        ):
            caller = Caller.role(f"arn:aws:iam::{account}:role/{FILL}")
            found.setdefault(caller.name, (caller, who))

    for statement in statements:
        principal = statement.get("Principal", statement.get("NotPrincipal"))
        if "NotPrincipal" in statement or principal == "*":
            anyone()
        elif isinstance(principal, Mapping):
            for name in _values(principal.get("Service")):
                found.setdefault(name, (Caller.service(name), name))
            for name in _values(principal.get("AWS")):
                if name == "*":
                    anyone()
                elif re.fullmatch(r"\d{12}", name) or name.endswith(":root"):
                    account = _ACCOUNT.search(name)
                    if account:
                        caller = Caller.role(f"arn:aws:iam::{account.group()}:role/{FILL}")
                        who = f"principals of account {account.group()}"
                        found.setdefault(caller.name, (caller, who))
                elif _ROLE_ARN.match(name) and "*" not in name:
                    found.setdefault(name, (Caller.role(name), f"role {name.rsplit('/', 1)[-1]}"))
        for operator, block in (statement.get("Condition") or {}).items():
            if not isinstance(block, Mapping) or "Not" in operator:
                continue
            for key, value in block.items():
                if key.lower() == "aws:principalarn":
                    for name in _values(value):
                        if _ROLE_ARN.match(name) and "*" not in name and "?" not in name:
                            caller = Caller.role(name)
                            found.setdefault(name, (caller, f"role {name.rsplit('/', 1)[-1]}"))
    return list(found.values())


def _satisfying(statement: Mapping[str, Any]) -> dict[str, str | None]:
    """Context values that meet the statement's equality, pattern, Bool and Null conditions
    (None: the key must be absent)."""
    context: dict[str, str | None] = {}
    for operator, block in (statement.get("Condition") or {}).items():
        if not isinstance(block, Mapping):
            continue
        plain = operator.split(":", 1)[-1].removesuffix("IfExists")
        for key, value in block.items():
            first = next(iter(_values(value)), None)
            if first is None:
                continue
            if plain in ("StringEquals", "StringEqualsIgnoreCase", "ArnEquals", "Bool"):
                context[key.lower()] = first
            elif plain in ("StringLike", "ArnLike"):
                context[key.lower()] = first.replace("*", FILL).replace("?", "x")
            elif plain == "Null":
                context[key.lower()] = None if first.lower() == "true" else FILL
    return context


def _applies(statement: Mapping[str, Any], caller: Caller) -> bool:
    """Whether the statement is about ``caller`` (an identity policy's always is)."""
    if "Principal" not in statement:
        return True  # NotPrincipal, or an identity policy
    try:
        match = principal_matches(statement["Principal"], caller, where="review")
    except PolicySyntaxError:
        return False
    return match.value != "no"


def _condition_words(statement: Mapping[str, Any]) -> str:
    """``when aws:SourceArn like arn:...:alarm:* and aws:SourceAccount = 1234...``: the
    statement's conditions on the request, not on who calls."""
    said = []
    for operator, block in (statement.get("Condition") or {}).items():
        if not isinstance(block, Mapping):
            continue
        plain = operator.split(":", 1)[-1].removesuffix("IfExists")
        word = "like" if "Like" in plain else "absent" if plain == "Null" else "="
        if "Not" in plain:
            word = "not " + word
        for key, value in block.items():
            if key.lower() in (*_PRINCIPAL_KEYS, "aws:securetransport"):
                continue
            values = _values(value)
            if plain == "Null":
                said.append(f"{key} {'absent' if values[:1] == ['true'] else 'present'}")
                continue
            shown = values[0] if len(values) == 1 else "[" + ", ".join(values) + "]"
            said.append(f"{key} {word} {shown}")
    return "when " + " and ".join(said) if said else ""


def _contexts(
    statements: Sequence[Mapping[str, Any]], caller: Caller
) -> list[tuple[tuple[tuple[str, str], ...], str, str]]:
    """(context, circumstance, conditions in words) of each request to ask about."""
    base: dict[str, str | None] = {"aws:securetransport": "true"}
    if caller.account is not None:
        base.update(
            {
                "aws:principalarn": caller.name,
                "aws:principalaccount": caller.account,
                "kms:calleraccount": caller.account,
            }
        )
    found: dict[tuple[tuple[str, str], ...], tuple[str, str]] = {}

    def add(context: Mapping[str, str | None], circumstance: str, words: str = "") -> None:
        frozen = tuple(sorted((k, v) for k, v in context.items() if v is not None))
        found.setdefault(frozen, (circumstance, words))

    allows = [s for s in statements if s.get("Effect") == "Allow" and _applies(s, caller)]
    # a request with none of the keys the statements ask for: its own circumstance when
    # some statement about this caller asks for keys, else simply the caller's request
    add(base, "no source" if any(_condition_words(s) for s in allows) else "")
    for statement in allows:
        own = {**base, **_satisfying(statement)}
        for key in _PRINCIPAL_KEYS:  # who calls is the caller's, not the statement's
            own[key] = base.get(key)
        add(own, "", _condition_words(statement))
        other = {
            k: (_ACCOUNT.sub(OTHER_ACCOUNT, v) if v is not None and k in _SOURCE_KEYS else v)
            for k, v in own.items()
        }
        if other != own:
            add(other, "other account")
        add({**own, "aws:securetransport": "false"}, "plain http")
    return [(context, *said) for context, said in found.items()]


def _actions_and_resources(
    statements: Sequence[Mapping[str, Any]],
    holder: _Holder,
    other: _Holder | None,
    names: Mapping[str, str],
) -> list[tuple[str, tuple[str, str], str]]:
    """(action, (BASE's resource, HEAD's resource), how to name it) to ask about."""
    own_base = other.arn if other is not None and other.arn else holder.arn
    pairs: dict[tuple[str, tuple[str, str]], str] = {}
    for statement in statements:
        actions = _values(statement.get("Action")) or _values(statement.get("NotAction"))
        if holder.identity:
            targets = _values(statement.get("Resource")) or _values(statement.get("NotResource"))
            resources = [((_fill(t), _fill(t)), _named(t, names)) for t in targets]
        else:
            name = f"**{title(holder.resource)}**"
            resources = [((own_base, holder.arn), name)]
            if holder.resource.type == BUCKET:  # its objects (the verbs say "objects of")
                objects = (own_base + f"/{FILL}", holder.arn + f"/{FILL}")
                resources.append((objects, name))
        for action in actions:
            for resource, said in resources:
                pairs.setdefault((action, resource), said)
    return [(a, r, name) for (a, r), name in pairs.items()]


def _fill(pattern: str) -> str:
    return pattern.replace("*", FILL).replace("?", "x")


def _named(pattern: str, names: Mapping[str, str]) -> str:
    """A resource of an identity policy: the app's resource it names, else the pattern."""
    if pattern == "*":
        return "any resource"
    if pattern in names:
        return f"**{names[pattern]}**"
    return f"`{compact(pattern, 70)}`"


def _arn_names(comparison: Comparison) -> dict[str, str]:
    """ARN (and URL, name) -> title of every resource of both apps, BASE's last (HEAD's
    documents of renamed resources say BASE's names, `_former_names`)."""
    found: dict[str, str] = {}
    for side in (comparison.head, comparison.base):
        for rid, resource in side.assembly.resources.items():
            try:
                identity = side.values.identity(rid)
            except Unresolved:
                continue
            for alias in identity.aliases:
                found[alias] = title(resource)
    return found


def _probes(old: _Holder | None, new: _Holder, names: Mapping[str, str]) -> list[_Probe]:
    statements = _statements(old) + _statements(new)
    probes = []
    for caller, who in _callers(statements, new):
        contexts = _contexts(statements, caller)
        for action, resources, name in _actions_and_resources(statements, new, old, names):
            for context, circumstance, words in contexts:
                probes.append(
                    _Probe(caller, who, action, resources, name, context, circumstance, words)
                )
    return probes


#: What a policy does with a request: nothing, delegate it to the caller's account (its
#: IAM policies decide), or allow it by itself.
REFUSED, DELEGATED, ALLOWED = 0, 1, 2


def _admits(holder: _Holder | None, probe: _Probe, resource: str) -> int:
    if holder is None:
        return REFUSED
    request = Request(probe.caller, probe.action, resource, dict(probe.context))
    level = REFUSED
    for label, document in holder.documents:
        if document is None:
            continue
        kind = "identity" if holder.identity else "resource"
        result = evaluate_policy(as_json(document), request, label=label, kind=kind)
        if result.denied_by:
            return REFUSED
        if result.allowed_by:
            level = ALLOWED
        elif result.delegated_by:
            level = max(level, DELEGATED)
    return level


#: (before, after) -> how the sentence ends, for a change between the two levels.
_HOW = {
    (REFUSED, ALLOWED): "",
    (DELEGATED, ALLOWED): ", without an IAM policy of {its} own",
    (REFUSED, DELEGATED): ", if {its} own IAM policies allow it",
    (ALLOWED, REFUSED): "",
    (DELEGATED, REFUSED): "",
    (ALLOWED, DELEGATED): ", unless {its} own IAM policies allow it",
}


# --- the report -------------------------------------------------------------------------


def _compare(
    comparison: Comparison, old: _Holder | None, new: _Holder, names: Mapping[str, str]
) -> Iterator[Item]:
    name = title(new.resource)
    whose = f"{new.kind} of {_noun(new.resource)} **{name}**"
    if old is None:
        whose += " (new)"
    if new.unreadable or (old is not None and old.unreadable):
        reason = new.unreadable or (old.unreadable if old else "")
        yield _item(
            "not judged",
            new,
            f"The {whose} changes, but cannot be judged at synth: {reason}.",
            rank=5,
            widened=True,
        )
        return
    try:
        probes = _probes(old, new, names)
        verdicts = [
            (p, _admits(old, p, p.resources[0]), _admits(new, p, p.resources[1])) for p in probes
        ]
    except PolicySyntaxError as err:
        yield _item(
            "not judged", new, f"The {whose} changes, but the evaluator refuses it: {err}.",
            rank=5, widened=True,
        )  # fmt: skip
        return
    wider = _grouped([(p, b, a) for p, b, a in verdicts if a > b], _WIDENING_ORDER)
    narrower = _grouped([(p, b, a) for p, b, a in verdicts if a < b], _NARROWING_ORDER)
    details = tuple(_statement_changes(old, new))
    if not wider and not narrower:
        yield _item(
            "reworded",
            new,
            f"The {whose} changes, and admits the same requests as before.",
            details=details,
            rank=60,
        )
        return
    through = f"Through the {whose}."
    for (who, on, circumstance, words, how), actions in wider.items():
        how = how.format(its="their" if who.startswith("principals") else "its")
        text = f"{who} may now {_verb(actions)} {on}{_said(circumstance, words)}{how}."
        yield _item("widened", new, text, details=(through, *details),
                    rank=_rank(circumstance), widened=True)  # fmt: skip
        details = ()  # the statements are said once per policy
    for (who, on, circumstance, words, how), actions in narrower.items():
        how = how.format(its="their" if who.startswith("principals") else "its")
        text = f"{who} may no longer {_verb(actions)} {on}{_said(circumstance, words)}{how}."
        rank = 15 if circumstance == "" else 40
        yield _item("narrowed", new, text, details=(through, *details), rank=rank)
        details = ()


def _said(circumstance: str, words: str) -> str:
    if circumstance == "":
        return f" {words}" if words else ""
    return _PROTOCOLS[circumstance]


def _rank(circumstance: str) -> int:
    return {"other account": 0, "no source": 2, "plain http": 4}.get(circumstance, 10)


def _grouped(
    found: list[tuple[_Probe, int, int]], order: Sequence[str]
) -> dict[tuple[str, str, str, str, str], list[str]]:
    """(who, on what, circumstance, conditions, how) -> actions; each request said once, in
    the first circumstance of ``order`` it changed in."""
    by_request: dict[tuple[str, str, str], dict[str, tuple[str, str]]] = {}
    for probe, before, after in found:
        seen = by_request.setdefault((probe.who, probe.on, probe.action), {})
        seen.setdefault(probe.circumstance, (probe.condition, _HOW[(before, after)]))
    grouped: dict[tuple[str, str, str, str, str], list[str]] = {}
    for (who, on, action), circumstances in by_request.items():
        for circumstance in order:
            if circumstance in circumstances:
                words, how = circumstances[circumstance]
                grouped.setdefault((who, on, circumstance, words, how), []).append(action)
                break
    return grouped


def _verb(actions: Sequence[str]) -> str:
    """``send to``; ``decrypt with and make data keys with``; past two verbs, the actions."""
    ordered = sorted(actions)
    verbs = list(dict.fromkeys(VERBS.get(a, f"call {a} on") for a in ordered))
    if len(verbs) <= 2:
        return " and ".join(verbs)
    return "call " + ", ".join(ordered[:-1]) + f" and {ordered[-1]} on"


def _noun(resource: Resource) -> str:
    return {
        QUEUE: "queue",
        TOPIC: "topic",
        BUCKET: "bucket",
        KEY: "key",
        ROLE: "role",
        FUNCTION: "function",
    }.get(resource.type, resource.type)


def _statement_changes(old: _Holder | None, new: _Holder) -> Iterator[str]:
    def texts(holder: _Holder | None) -> dict[str, Mapping[str, Any]]:
        found = {}
        for statement in _statements(holder):
            text = json.dumps(statement, sort_keys=True, default=str)
            if holder is not None and holder.arn:
                text = text.replace(holder.arn, "<self>")
            found[text] = statement
        return found

    before, after = texts(old), texts(new)
    added = [after[t] for t in after if t not in before]
    removed = [before[t] for t in before if t not in after]
    for label, statements in (("statement added", added), ("statement removed", removed)):
        for statement in statements[:4]:
            yield f"{label}: `{compact(_short(statement), 200)}`"


def _short(statement: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: statement[k]
        for k in ("Sid", "Effect", "Principal", "Action", "Condition")
        if k in statement
    }


def _item(
    kind: str,
    holder: _Holder,
    text: str,
    *,
    details: tuple[str, ...] = (),
    rank: int,
    widened: bool = False,
) -> Item:
    gates = frozenset({GATE_PERMISSIONS_WIDENED}) if widened else frozenset()
    return Item(
        PERMISSIONS,
        kind,
        title(holder.resource),
        text,
        details,
        gates,
        rank,
        where=str(holder.resource.id),
    )
