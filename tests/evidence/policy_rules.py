"""Security rules checked over synthesized CloudFormation templates (plain JSON).

Written over the template, not over constructs: they apply to every stack of
the example app and to any template a user hands them. Each rule returns a
list of findings (strings naming the logical id and the statement); an empty
list means the template passes. tests/evidence/test_security.py runs them over
every template and shows each rule failing on a crafted bad template;
tests/evidence/test_security_bare_app.py runs them over every construct
synthesized in an App without feature flags.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

Template = dict[str, Any]
Statement = dict[str, Any]

#: Resource types whose policy document is a *resource* policy, and where it sits.
RESOURCE_POLICY_PROPERTY: dict[str, str] = {
    "AWS::SQS::QueuePolicy": "PolicyDocument",
    "AWS::SNS::TopicPolicy": "PolicyDocument",
    "AWS::S3::BucketPolicy": "PolicyDocument",
    "AWS::KMS::Key": "KeyPolicy",
}

#: Condition keys that tie a service principal to one source (confused deputy).
SOURCE_SCOPE_KEYS = frozenset({"aws:sourcearn", "aws:sourceaccount"})

#: Service principals AWS documents as NOT sending aws:SourceArn/SourceAccount
#: in the request that a key policy evaluates: conditioning them would drop
#: every delivery silently. Only allowed in a KMS key policy.
KMS_SERVICES_WITHOUT_SOURCE_CONTEXT: dict[str, str] = {
    "events.amazonaws.com": (
        "EventBridge's KMS requests to an encrypted target carry no aws:SourceArn/"
        "aws:SourceAccount (AWS: 'not supported in a KMS key policy for EventBridge')"
    ),
}

#: Wildcard actions on sqs/sns/kms that AWS itself requires, with the reason.
#: Key: (resource type or "IAM", action). Deny statements are never findings.
ALLOWED_WILDCARD_ACTIONS: dict[str, str] = {
    "kms:GenerateDataKey*": (
        "AWS's documented producer permission for SSE-KMS queues/topics: covers "
        "GenerateDataKey and GenerateDataKeyWithoutPlaintext, nothing else"
    ),
    "kms:ReEncrypt*": "ReEncryptFrom/ReEncryptTo, as aws-cdk-lib's key grants write it",
}

#: The one statement AWS requires in every key policy: the account root may use
#: the key, so that IAM policies in the account can grant it at all. Without it
#: the key becomes unmanageable (AWS: "default key policy").
ROOT_KEY_STATEMENT_REASON = (
    "KMS default key policy: the account root gets kms:* so IAM policies can grant "
    "the key; without it nobody but the key policy can ever use or manage the key"
)

_WILDCARD_SERVICES = ("sqs:", "sns:", "kms:")

#: AWS-managed policies granting sqs:*/sns:*/kms:* or everything.
BROAD_MANAGED_POLICIES = (
    "AmazonSQSFullAccess",
    "AmazonSNSFullAccess",
    "AWSKeyManagementServicePowerUser",
    "AdministratorAccess",
    "PowerUserAccess",
)


# --- small helpers over the JSON ---------------------------------------------


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def resources_of_type(template: Template, resource_type: str) -> dict[str, dict[str, Any]]:
    return {
        lid: r for lid, r in template.get("Resources", {}).items() if r.get("Type") == resource_type
    }


def statements(document: Any) -> list[Statement]:
    if not isinstance(document, dict):
        return []
    return [s for s in as_list(document.get("Statement")) if isinstance(s, dict)]


def resource_policy_statements(template: Template) -> Iterator[tuple[str, str, Statement]]:
    """(logical id, resource type, statement) of every resource policy."""
    for lid, resource in template.get("Resources", {}).items():
        prop = RESOURCE_POLICY_PROPERTY.get(resource.get("Type", ""))
        if prop is None:
            continue
        document = resource.get("Properties", {}).get(prop)
        for statement in statements(document):
            yield lid, resource["Type"], statement


def identity_policy_statements(template: Template) -> Iterator[tuple[str, Statement]]:
    """(logical id, statement) of every IAM identity policy in the template."""
    for lid, resource in template.get("Resources", {}).items():
        kind = resource.get("Type")
        props = resource.get("Properties", {})
        if kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            for statement in statements(props.get("PolicyDocument")):
                yield lid, statement
        elif kind in ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"):
            for inline in as_list(props.get("Policies")):
                for statement in statements(inline.get("PolicyDocument")):
                    yield lid, statement


def service_principals(statement: Statement) -> list[str]:
    principal = statement.get("Principal")
    if not isinstance(principal, dict):
        return []
    return [p for p in as_list(principal.get("Service")) if isinstance(p, str)]


def aws_principals(statement: Statement) -> list[Any]:
    principal = statement.get("Principal")
    if principal == "*":
        return ["*"]
    if not isinstance(principal, dict):
        return []
    return as_list(principal.get("AWS"))


def condition_keys(statement: Statement) -> set[str]:
    keys: set[str] = set()
    for block in (statement.get("Condition") or {}).values():
        if isinstance(block, dict):
            keys.update(k.lower() for k in block)
    return keys


def actions(statement: Statement) -> list[str]:
    return [a for a in as_list(statement.get("Action")) if isinstance(a, str)]


def refers_to(value: Any, logical_id: str) -> bool:
    """True if ``value`` is a Ref / GetAtt of ``logical_id`` (or contains one)."""
    if isinstance(value, dict):
        if value.get("Ref") == logical_id:
            return True
        get_att = value.get("Fn::GetAtt")
        if isinstance(get_att, list) and get_att and get_att[0] == logical_id:
            return True
        return any(refers_to(v, logical_id) for v in value.values())
    if isinstance(value, list):
        return any(refers_to(v, logical_id) for v in value)
    return False


def is_root_principal(value: Any) -> bool:
    """``arn:<partition>:iam::<account>:root`` as a string or an Fn::Join of one."""
    if isinstance(value, str):
        return value.endswith(":root") and ":iam::" in value
    if isinstance(value, dict) and "Fn::Join" in value:
        parts = value["Fn::Join"][1]
        return bool(parts) and isinstance(parts[-1], str) and parts[-1].endswith(":root")
    return False


def _describe(lid: str, statement: Statement) -> str:
    sid = statement.get("Sid")
    return f"{lid}{f' ({sid})' if sid else ''}: {statement.get('Effect')} {actions(statement)}"


# --- rule 1: TLS only ----------------------------------------------------------


def _denies_plain_http(statement: Statement, needed_actions: tuple[str, ...], target: str) -> bool:
    if statement.get("Effect") != "Deny":
        return False
    bool_block = (statement.get("Condition") or {}).get("Bool") or {}
    secure = {k.lower(): v for k, v in bool_block.items()}.get("aws:securetransport")
    if str(secure).lower() != "false":
        return False
    if aws_principals(statement) != ["*"]:
        return False
    if not any(a in needed_actions for a in actions(statement)):
        return False
    return refers_to(statement.get("Resource"), target)


def tls_only_findings(template: Template) -> list[str]:
    """Every SQS queue and SNS topic has a Deny for requests without TLS.

    Queues: ``sqs:*`` (or ``*``) denied to everyone when aws:SecureTransport is
    false. Topics: ``sns:Publish`` or ``sns:*`` — aws-cdk-lib's ``enforce_ssl``
    on a topic denies Publish (the data path), which is what AWS's
    SNS best-practice policy shows.
    """
    findings = []
    for kind, policy_type, key, needed in (
        ("AWS::SQS::Queue", "AWS::SQS::QueuePolicy", "Queues", ("sqs:*", "*")),
        ("AWS::SNS::Topic", "AWS::SNS::TopicPolicy", "Topics", ("sns:Publish", "sns:*", "*")),
    ):
        policies = resources_of_type(template, policy_type)
        for lid in resources_of_type(template, kind):
            covering = [
                p for p in policies.values() if refers_to(p.get("Properties", {}).get(key), lid)
            ]
            ok = any(
                _denies_plain_http(s, needed, lid)
                for p in covering
                for s in statements(p["Properties"].get("PolicyDocument"))
            )
            if not ok:
                findings.append(
                    f"{kind} {lid}: no Deny of {needed[0]} when aws:SecureTransport=false"
                )
    return findings


# --- rule 2: service principals scoped ----------------------------------------


def service_scope_findings(template: Template) -> list[str]:
    """Every Allow to an AWS service principal in a resource policy names its source."""
    findings = []
    for lid, kind, statement in resource_policy_statements(template):
        if statement.get("Effect") != "Allow":
            continue
        services = service_principals(statement)
        if not services or condition_keys(statement) & SOURCE_SCOPE_KEYS:
            continue
        unscoped = [
            s
            for s in services
            if not (kind == "AWS::KMS::Key" and s in KMS_SERVICES_WITHOUT_SOURCE_CONTEXT)
        ]
        if unscoped:
            findings.append(
                f"{kind} {_describe(lid, statement)}: service {unscoped} without "
                "aws:SourceArn/aws:SourceAccount"
            )
    return findings


# --- rule 3: no wildcard actions on sqs/sns/kms --------------------------------


def _wildcards(statement: Statement) -> list[str]:
    return [
        a
        for a in actions(statement)
        if "*" in a
        and (a == "*" or a.lower().startswith(_WILDCARD_SERVICES))
        and a not in ALLOWED_WILDCARD_ACTIONS
    ]


def wildcard_action_findings(template: Template) -> list[str]:
    """No Allow with ``*``, ``sqs:*``, ``sns:*``, ``kms:*`` or similar wildcards.

    Deny statements (the TLS-only ones use ``sqs:*``) are fine. The exceptions
    are `ALLOWED_WILDCARD_ACTIONS` and the account-root statement of a key
    policy (`ROOT_KEY_STATEMENT_REASON`).
    """
    findings = []
    for lid, kind, statement in resource_policy_statements(template):
        if statement.get("Effect") != "Allow" or not _wildcards(statement):
            continue
        root_only = aws_principals(statement) and all(
            is_root_principal(p) for p in aws_principals(statement)
        )
        if kind == "AWS::KMS::Key" and root_only and not service_principals(statement):
            continue
        findings.append(f"{kind} {_describe(lid, statement)}: wildcard {_wildcards(statement)}")
    for lid, statement in identity_policy_statements(template):
        if statement.get("Effect") == "Allow" and _wildcards(statement):
            findings.append(f"IAM {_describe(lid, statement)}: wildcard {_wildcards(statement)}")
    # An AWS-managed policy such as AmazonSQSFullAccess is a wildcard by another name.
    for lid, resource in template.get("Resources", {}).items():
        for arn in as_list(resource.get("Properties", {}).get("ManagedPolicyArns")):
            text = str(arn)
            if any(name in text for name in BROAD_MANAGED_POLICIES):
                findings.append(f"{resource.get('Type')} {lid}: broad managed policy {text}")
    return findings


# --- rule 4: no principal that may not exist at creation ----------------------

#: Service-linked roles exist only once their service first needed them (Auto
#: Scaling's after the account's first group). KMS and IAM refuse a policy
#: naming a principal that does not exist (MalformedPolicyDocumentException:
#: "Policy contains a statement with one or more invalid principals").
SERVICE_LINKED_ROLE_PATH = "role/aws-service-role/"


def _mentions(value: Any, text: str) -> bool:
    return text in json.dumps(value)


def service_linked_role_principal_findings(template: Template) -> list[str]:
    """No resource or trust policy names a service-linked role as its Principal.

    Name such a role in a condition (``aws:PrincipalArn``) instead: conditions
    are not checked against existing principals.
    """
    trust = [
        (lid, "AWS::IAM::Role", statement)
        for lid, role in resources_of_type(template, "AWS::IAM::Role").items()
        for statement in statements(role.get("Properties", {}).get("AssumeRolePolicyDocument"))
    ]
    return [
        f"{kind} {_describe(lid, statement)}: principal is a service-linked role, "
        "which may not exist yet when the policy is created"
        for lid, kind, statement in [*resource_policy_statements(template), *trust]
        if _mentions(statement.get("Principal"), SERVICE_LINKED_ROLE_PATH)
    ]


# --- rule 5: alarm topics admit the alarms ------------------------------------

_CLOUDWATCH = "cloudwatch.amazonaws.com"


def _admits_cloudwatch(statement: Statement, needed_actions: tuple[str, ...]) -> bool:
    return (
        statement.get("Effect") == "Allow"
        and _CLOUDWATCH in service_principals(statement)
        and any(a in needed_actions for a in actions(statement))
    )


def _alarm_topic_ids(template: Template) -> set[str]:
    topics = resources_of_type(template, "AWS::SNS::Topic")
    return {
        lid
        for alarm in resources_of_type(template, "AWS::CloudWatch::Alarm").values()
        for action in as_list(alarm.get("Properties", {}).get("AlarmActions"))
        for lid in topics
        if refers_to(action, lid)
    }


def alarm_topic_findings(template: Template) -> list[str]:
    """Every topic of the template that an alarm notifies lets CloudWatch publish.

    An explicit topic policy replaces SNS's default one, so it must allow
    ``sns:Publish`` to ``cloudwatch.amazonaws.com``; a topic encrypted with a
    key of the template needs that key to admit CloudWatch too. A topic with
    no policy keeps SNS's default one, which admits the account's alarms.
    """
    findings = []
    policies = resources_of_type(template, "AWS::SNS::TopicPolicy").values()
    keys = resources_of_type(template, "AWS::KMS::Key")
    for lid in sorted(_alarm_topic_ids(template)):
        covering = [p for p in policies if refers_to(p.get("Properties", {}).get("Topics"), lid)]
        topic_statements = [
            st for p in covering for st in statements(p["Properties"].get("PolicyDocument"))
        ]
        if covering and not any(
            _admits_cloudwatch(st, ("sns:Publish",)) for st in topic_statements
        ):
            findings.append(f"AWS::SNS::Topic {lid}: its topic policy does not let alarms publish")
        key_ref = template["Resources"][lid].get("Properties", {}).get("KmsMasterKeyId")
        for key_id, key in keys.items():
            if not refers_to(key_ref, key_id):
                continue
            key_statements = statements(key.get("Properties", {}).get("KeyPolicy"))
            if not any(_admits_cloudwatch(st, ("kms:GenerateDataKey*",)) for st in key_statements):
                findings.append(
                    f"AWS::SNS::Topic {lid}: key {key_id} does not let CloudWatch encrypt alarms"
                )
    return findings


RULES = {
    "tls_only": tls_only_findings,
    "service_principals_scoped": service_scope_findings,
    "no_wildcard_actions": wildcard_action_findings,
    "no_service_linked_role_principals": service_linked_role_principal_findings,
    "alarm_topics_admit_cloudwatch": alarm_topic_findings,
}
