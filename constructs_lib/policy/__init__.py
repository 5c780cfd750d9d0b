"""One policy evaluator for the whole library: plain Python, standard library only.

Used by the strict local account (`constructs_lib_testing.strict`) to decide
every service delivery, and meant for synth-time wiring checks too, which is
why it imports neither moto, boto3 nor aws-cdk-lib.

The seam for synthesized templates: the evaluator compares plain strings. A
template's policies hold CloudFormation intrinsics (``{"Fn::GetAtt": ...}``,
``{"Fn::Join": ...}``, ``{"Ref": ...}``); resolve them first with
`resolve_intrinsics` (the template model's, `constructs_lib.templates.references`) and a
resolver of your own (e.g. one that names each
resource by a placeholder ARN). An unresolved intrinsic raises
`PolicySyntaxError`: it is never guessed to match.

Why not a library: policyuniverse parses policies and expands actions
against a bundled action list, parliament lints them against IAM's
definitions, iam-ape computes an account's effective permissions; none
evaluates one request with its condition keys, each brings boto3 or a data
file, and moto's own evaluator ignores conditions.

Example::

    from constructs_lib.policy import Caller, Request, authorize

    decision = authorize(
        Request(Caller.service("sns.amazonaws.com"), "sqs:SendMessage", queue_arn,
                {"aws:SourceArn": topic_arn, "aws:SecureTransport": True}),
        resource_policy=queue_policy_json, resource_label=f"queue policy of {queue_arn}",
        resource_account="123456789012",
    )
    decision.allowed, decision.reason
"""

from __future__ import annotations

from constructs_lib.policy.conditions import OPERATORS
from constructs_lib.policy.errors import PolicySyntaxError
from constructs_lib.policy.evaluation import (
    IAM_CALLERS,
    Caller,
    CallerKind,
    Decision,
    PolicyResult,
    Request,
    authorize,
    evaluate_policy,
    statements_of,
)
from constructs_lib.policy.matching import (
    action_matches,
    arn_matches,
    glob_matches,
    resource_matches,
)
from constructs_lib.templates.references import resolve_intrinsics

__all__ = [
    "IAM_CALLERS",
    "OPERATORS",
    "Caller",
    "CallerKind",
    "Decision",
    "PolicyResult",
    "PolicySyntaxError",
    "Request",
    "action_matches",
    "arn_matches",
    "authorize",
    "evaluate_policy",
    "glob_matches",
    "resolve_intrinsics",
    "resource_matches",
    "statements_of",
]
