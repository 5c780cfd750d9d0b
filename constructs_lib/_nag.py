"""Acknowledging a cdk-nag finding from inside a construct, on any admitted aws-cdk-lib.

cdk-nag 3 names a finding by rule and resource (``AwsSolutions-IAM5[Resource::<arn>]``),
with the resource's tokens rendered its own way; an acknowledgment must
repeat that id exactly (`nag_rendering`), and aws-cdk-lib before 2.269 refuses
some such ids (`acknowledge_nag_finding` then warns instead).
"""

from __future__ import annotations

from aws_cdk import Acknowledgment, Annotations, Stack, Validations
from constructs import Construct, IConstruct


def acknowledge_nag_finding(
    scope: Construct, resource: IConstruct, rule_id: str, reason: str, warning_id: str
) -> None:
    """Acknowledge a cdk-nag finding on ``resource``, or warn where aws-cdk-lib cannot.

    ``rule_id`` is in cdk-nag 3's own form (``AwsSolutions-IAM5[Resource::<arn>]``,
    no ``AwsSolutions::`` namespace), which aws-cdk-lib accepts from 2.252 on as
    long as the ARN holds no ``::``. An env-agnostic stack's ARN does
    (``<AWS::Region>``), and aws-cdk-lib before 2.269 refuses every such id: the
    finding cannot be acknowledged there, so the warning ``warning_id`` says
    what to do instead of failing the user's synth.
    """
    try:
        Validations.of(resource).acknowledge(Acknowledgment(id=rule_id, reason=reason))
    except RuntimeError as error:
        if "InvalidValidationId" not in str(error):
            raise
        Annotations.of(scope).add_warning_v2(
            warning_id,
            f"this aws-cdk-lib cannot acknowledge the cdk-nag finding {rule_id} ({reason}) "
            "because the id holds '::'. If you run cdk-nag, give the stack an account and "
            "region, or use aws-cdk-lib 2.269.0 or later.",
        )


def nag_rendering(scope: Construct, value: str) -> str:
    """A token-bearing string as cdk-nag prints it in a finding's id.

    cdk-nag shows ``Ref``s as ``<LogicalId>`` (pseudo parameters as
    ``<AWS::Region>``) and ``Fn::GetAtt`` as ``<LogicalId.Attribute>``.
    """

    def render(part: object) -> str:
        if isinstance(part, str):
            return part
        if isinstance(part, dict) and "Ref" in part:
            return f"<{part['Ref']}>"
        if isinstance(part, dict) and "Fn::GetAtt" in part:
            return f"<{'.'.join(part['Fn::GetAtt'])}>"
        if isinstance(part, dict) and "Fn::Join" in part:
            separator, parts = part["Fn::Join"]
            return str(separator).join(render(p) for p in parts)
        raise ValueError(f"cannot render {part!r} as cdk-nag does")

    return render(Stack.of(scope).resolve(value))
