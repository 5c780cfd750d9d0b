"""What every construct that notifies an SNS topic does to that topic.

CloudWatch alarms publish as the service principal ``cloudwatch.amazonaws.com``;
Auto Scaling notifications as the account's service-linked role
``AWSServiceRoleForAutoScaling``. Two facts of AWS make a topic drop them
silently:

- an explicit topic policy (``enforce_ssl=True`` writes one) *replaces* SNS's
  default policy, whose ``AWS:SourceOwner`` statement is what let the
  account's alarms publish. Without an allow for CloudWatch every alarm action
  fails with "not authorized to perform SNS:Publish". The Auto Scaling role
  publishes by its own IAM policy (``sns:Publish`` on ``*``), which a topic of
  the same account honours without naming it;
- an encrypted topic needs its KMS key policy to let the publisher use the key.
  For Auto Scaling that means its service-linked role, which exists only after
  the account's first Auto Scaling group: KMS refuses a key policy naming a
  principal that does not exist (``MalformedPolicyDocumentException``), and
  the role's policy grants no KMS action, so the account-root form cannot
  delegate to it. The grant is therefore made to any principal, held by
  conditions to that role's ARN (``aws:PrincipalArn``), this account
  (``kms:CallerAccount``) and calls SNS makes (``kms:ViaService``), the form of
  AWS's own ``aws/sns`` key policy.

`allow_alarms` and `allow_auto_scaling_notifications` add those statements to a
topic (and key) of this app, idempotently (identical statements are merged),
and warn for an imported topic or key with what its owner must allow.

Both first refuse a topic of another Region (`ConstructOptionError` naming
the option and both Regions): CloudWatch refuses an alarm action on a topic
of another Region ("Invalid region ... specified. Only <region> is
supported"), and Auto Scaling notifies topics of the group's Region. Where a
Region is unknown at synth (an environment-agnostic stack, a token ARN) they
warn instead of guessing.
`check_notification_topic` refuses a topic on the AWS-managed key
``alias/aws/sns``, which no AWS service can use (`check_notification_key`
the key itself).
"""

from __future__ import annotations

import weakref

from aws_cdk import Annotations, ArnFormat, CfnResource, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct

from constructs_lib import _aws, services
from constructs_lib._tree import is_unresolved, path_of, stack_of
from constructs_lib._validation import OptionRules, raise_problems
from constructs_lib.acknowledgments import skip_checkov
from constructs_lib.errors import OptionProblem
from constructs_lib.option_codes import OptionCode
from constructs_lib.services.autoscaling import SERVICE_LINKED_ROLE
from constructs_lib.services.cloudwatch import CLOUDWATCH

_CLOUDWATCH = CLOUDWATCH.principal
_AWS_MANAGED_SNS_ALIAS = _aws.AWS_MANAGED_SNS_KEY_ALIAS
_KEY_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey*"]
AUTO_SCALING_ROLE_NAME = SERVICE_LINKED_ROLE
#: checkov's CKV_AWS_33 flags any ``*`` principal in a key policy, conditions or not.
_WILDCARD_PRINCIPAL_REASON = (
    "The '*' principal is held by aws:PrincipalArn to Auto Scaling's service-linked "
    "role, kms:CallerAccount to this account and kms:ViaService to SNS: that role "
    "may not exist yet (KMS refuses a missing principal) and has no KMS permission "
    "of its own (AWS's aws/sns key policy uses the same form)"
)


def check_notification_topic(v: OptionRules, option: str, topic: sns.ITopic | None) -> None:
    """Refuses a topic encrypted with ``alias/aws/sns``: no service can publish to it."""
    if topic is not None:
        check_notification_key(v, option, topic.master_key, _describe(topic))


def check_notification_key(
    v: OptionRules, option: str, key: kms.IKey | None, described: str
) -> None:
    """Refuses ``alias/aws/sns`` as the key of a topic that services notify."""
    v.check(
        not _uses_aws_managed_key(key),
        option,
        described,
        f"is encrypted with the AWS-managed key {_AWS_MANAGED_SNS_ALIAS}, whose key "
        "policy admits only principals of the account: CloudWatch alarms and Auto "
        "Scaling notifications would be dropped. Use a customer-managed key (AlarmTopic)",
        code=OptionCode.SNS_AWS_MANAGED_KEY_UNUSABLE,
    )


#: The grants made already, per topic of this app: (what, the stack whose
#: account and region they name). A second construct notifying the same topic
#: would add identical statements (merged at synth) and warn about nothing new,
#: so it adds none: each statement costs round trips to the jsii process.
_GRANTED: weakref.WeakKeyDictionary[sns.Topic, list[tuple[str, Stack]]] = (
    weakref.WeakKeyDictionary()
)


def _granted_before(topic: sns.Topic, what: str, stack: Stack) -> bool:
    """True if ``what`` was granted on ``topic`` for ``stack`` (a topic whose key
    is imported is never counted: each construct gets its own warning)."""
    if not isinstance(topic.master_key, kms.Key | None):
        return False
    done = _GRANTED.setdefault(topic, [])
    if any(kind == what and known is stack for kind, known in done):
        return True
    done.append((what, stack))
    return False


#: Why a topic of another Region cannot receive what the option sends.
_OTHER_REGION = {
    "alarm_topic": "CloudWatch alarm actions must name an SNS topic of the alarm's own "
    "Region (CloudWatch answers 'Invalid region <region> specified. Only <alarm's region> "
    "is supported' and the deployment fails). Use a topic of this Region",
    "notifications_topic": "Auto Scaling sends a group's notifications to an SNS topic of "
    "the group's own Region. Use a topic of this Region",
}


def topic_region_problems(
    scope: Construct, option: str, topic: sns.ITopic | None
) -> list[OptionProblem]:
    """The problem of ``option``'s topic in another Region than ``scope``'s stack;
    none when both Regions are one, or either is known only at deploy."""
    regions = _regions(scope, topic)
    if regions is None or topic is None:
        return []
    here, there = regions
    if here == there or is_unresolved(here) or is_unresolved(there):
        return []
    return [
        OptionProblem(
            option,
            _describe(topic),
            f"is in region {there}, this stack in {here}: {_OTHER_REGION[option]}",
            OptionCode.TOPIC_IN_OTHER_REGION,
        )
    ]


def refuse_topic_of_another_region(scope: Construct, option: str, topic: sns.ITopic) -> None:
    """Raises `ConstructOptionError` for ``option``'s topic in another Region than
    ``scope``'s stack (`topic_region_problems`); warns when either Region is
    unknown at synth."""
    raise_problems(scope, topic_region_problems(scope, option, topic))
    regions = _regions(scope, topic)
    if regions is not None and (is_unresolved(regions[0]) or is_unresolved(regions[1])):
        here, there = regions
        Annotations.of(scope).add_warning_v2(
            "constructs_lib:AlarmTopics:TopicRegionUnknown",
            f"{option} {_describe(topic)} is in region {_text(there)} and this stack in "
            f"{_text(here)}: one of them is known only at deploy, so they cannot be "
            f"compared here. {_OTHER_REGION[option]}.",
        )


def _regions(scope: Construct, topic: sns.ITopic | None) -> tuple[str, str] | None:
    """(the stack's Region, the topic's), or None when they are one stack's."""
    stack = stack_of(scope)
    if topic is None or (isinstance(topic, sns.Topic) and stack_of(topic) is stack):
        return None  # one stack, one Region
    return stack.region, topic.env.region


def allow_alarms(scope: Construct, topic: sns.ITopic) -> None:
    """Lets the alarms of ``scope``'s account and region publish to ``topic``.

    :raises ConstructOptionError: ``alarm_topic`` is in another Region.
    """
    refuse_topic_of_another_region(scope, "alarm_topic", topic)
    stack = stack_of(scope)
    if isinstance(topic, sns.Topic) and _granted_before(topic, "alarms", stack):
        return
    alarms = stack.format_arn(
        service="cloudwatch",
        resource="alarm",
        resource_name="*",
        arn_format=ArnFormat.COLON_RESOURCE_NAME,
    )
    conditions = {
        "ArnLike": {"aws:SourceArn": alarms},
        "StringEquals": {"aws:SourceAccount": stack.account},
    }
    principal = iam.ServicePrincipal(_CLOUDWATCH)
    if not isinstance(topic, sns.Topic):
        _warn_unmanaged(scope, topic, _alarm_allowance(scope, topic))
        return
    _warn_if_default_policy_replaced(scope, topic)
    topic.add_to_resource_policy(
        iam.PolicyStatement(
            actions=["sns:Publish"],
            principals=[principal],
            resources=[topic.topic_arn],
            conditions=conditions,
        )
    )
    _grant_key(
        scope,
        topic,
        iam.PolicyStatement(
            actions=_KEY_ACTIONS, principals=[principal], resources=["*"], conditions=conditions
        ),
        who=f"{_CLOUDWATCH} (this account's alarms)",
    )


def allow_auto_scaling_notifications(scope: Construct, topic: sns.ITopic) -> None:
    """Lets Auto Scaling's service-linked role of ``scope``'s account use ``topic``'s key.

    :raises ConstructOptionError: ``notifications_topic`` is in another Region.
    """
    refuse_topic_of_another_region(scope, "notifications_topic", topic)
    stack = stack_of(scope)
    if isinstance(topic, sns.Topic) and _granted_before(topic, "auto scaling", stack):
        return
    role_arn = stack.format_arn(
        service="iam", region="", resource="role", resource_name=AUTO_SCALING_ROLE_NAME
    )
    if not isinstance(topic, sns.Topic):
        _warn_unmanaged(scope, topic, _auto_scaling_allowance(scope, topic))
        return
    statement = iam.PolicyStatement(
        actions=_KEY_ACTIONS,
        principals=[iam.AnyPrincipal()],
        resources=["*"],
        conditions={
            "ArnEquals": {"aws:PrincipalArn": role_arn},
            "StringEquals": {
                "kms:CallerAccount": stack.account,
                "kms:ViaService": services.via_service("sns", stack_of(topic).region),
            },
        },
    )
    if _grant_key(scope, topic, statement, who=f"Auto Scaling's role {_concrete_role(scope)}"):
        _skip_checkov_wildcard_principal(topic.master_key)


# --- internals -----------------------------------------------------------------


def _grant_key(
    scope: Construct, topic: sns.Topic, statement: iam.PolicyStatement, *, who: str
) -> bool:
    """Adds ``statement`` to the topic's key policy; warns when the key is imported."""
    key = topic.master_key
    if key is None:
        return False
    if isinstance(key, kms.Key):
        key.add_to_resource_policy(statement)
        return True
    Annotations.of(scope).add_warning_v2(
        "constructs_lib:AlarmTopics:KeyPolicyUnmanaged",
        f"{_describe(topic)} is encrypted with the imported key {_text(key.key_arn)}: its key "
        f"policy is not managed here and must let {who} use {', '.join(_KEY_ACTIONS)}, "
        "or the notifications are dropped.",
    )
    return False


def _warn_if_default_policy_replaced(scope: Construct, topic: sns.Topic) -> None:
    if topic.node.try_find_child("Policy") is not None:
        return
    Annotations.of(scope).add_warning_v2(
        "constructs_lib:AlarmTopics:DefaultTopicPolicyReplaced",
        f"{_describe(topic)} had no topic policy: the statement letting CloudWatch alarms "
        "publish creates one, which replaces SNS's default topic policy. Principals of this "
        "account keep publishing through their IAM policies; other AWS services that "
        "relied on the default policy need a statement of their own.",
    )


def _warn_unmanaged(scope: Construct, topic: sns.ITopic, allowance: str) -> None:
    Annotations.of(scope).add_warning_v2(
        "constructs_lib:AlarmTopics:TopicPolicyUnmanaged",
        f"{_describe(topic)} is imported: its policies are not managed here. {allowance}",
    )


def _alarm_allowance(scope: Construct, topic: sns.ITopic) -> str:
    stack = stack_of(scope)
    alarms = (
        f"arn:{_partition(topic)}:cloudwatch:{_text(stack.region)}:{_text(stack.account)}:alarm:*"
    )
    return (
        f"Its topic policy must allow sns:Publish to {_CLOUDWATCH} for aws:SourceArn "
        f"{alarms} (SNS's default policy does; an explicit one must say so), and if it is "
        f"encrypted its key policy must let {_CLOUDWATCH} use "
        f"{', '.join(_KEY_ACTIONS)}, or the alarms are not notified."
    )


def _auto_scaling_allowance(scope: Construct, topic: sns.ITopic) -> str:
    return (
        f"Auto Scaling publishes as {_concrete_role(scope)}: a topic of another account "
        "must allow it sns:Publish, and if the topic is encrypted its key policy must let "
        f"that role use {', '.join(_KEY_ACTIONS)} (by aws:PrincipalArn: the role exists "
        "only after the account's first Auto Scaling group), or the notifications are "
        "dropped."
    )


def _concrete_role(scope: Construct) -> str:
    return f"arn:aws:iam::{_text(stack_of(scope).account)}:role/{AUTO_SCALING_ROLE_NAME}"


def _skip_checkov_wildcard_principal(key: kms.IKey | None) -> None:
    if key is not None and isinstance(key.node.default_child, CfnResource):
        skip_checkov(key, {"CKV_AWS_33": _WILDCARD_PRINCIPAL_REASON})


def _uses_aws_managed_key(key: kms.IKey | None) -> bool:
    if key is None or isinstance(key, kms.Key):  # a key of this app is customer-managed
        return False
    alias_name = getattr(key, "alias_name", None)
    if isinstance(alias_name, str) and alias_name == _AWS_MANAGED_SNS_ALIAS:
        return True
    arn = key.key_arn
    return not is_unresolved(arn) and arn.endswith(f":{_AWS_MANAGED_SNS_ALIAS}")


def _describe(topic: sns.ITopic) -> str:
    if isinstance(topic, sns.Topic):  # a topic of this app: its ARN is known at deploy
        return path_of(topic)
    arn = topic.topic_arn
    return path_of(topic) if is_unresolved(arn) else arn


def _partition(topic: sns.ITopic) -> str:
    arn = topic.topic_arn
    return "aws" if is_unresolved(arn) else arn.split(":")[1]


def _text(value: str) -> str:
    """A value for a warning: tokens are unreadable there, so name the placeholder."""
    return "<unknown at synth>" if is_unresolved(value) else value
