"""`SqsPatternChecks`: the rules as a cdk-nag 3 pack, run by aws-cdk-lib at synth.

cdk-nag 3's packs are validation plugins: aws-cdk-lib writes the cloud
assembly, then calls each plugin's ``validate`` with the template paths and
the construct tree. cdk-nag's own packs judge one ``CfnResource`` at a time
(``check_resource``); these rules judge the wiring across every resource of
every stack, so this pack reads the synthesized assembly whole, exactly as
``constructs-lib check cdk.out`` does, and reports through the same
framework: errors fail the synth, advisories are warnings; both appear in
``validation-report.json``, and honour acknowledgments
(``Validations.of(scope).acknowledge``) in both the cdk-nag form
(``SqsPatterns-SP2``) and aws-cdk-lib's (``SqsPatterns::SqsPatterns-SP2``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from aws_cdk import (
    IPolicyValidationContext,
    PolicyValidationPluginReport,
    PolicyViolatingResource,
    PolicyViolation,
    Stack,
    Validations,
)
from cdk_nag import NagPack
from constructs import IConstruct

from constructs_lib.checks.catalog import ADVISORY, ERROR, PACK_NAME, RULES, Severity
from constructs_lib.checks.engine import check
from constructs_lib.checks.findings import Finding
from constructs_lib.templates.assembly import Acknowledgment, Assembly, stacks_for_templates

#: A rule's severity -> the level aws-cdk-lib's validation report gives it: an error
#: fails the synth, a warning is reported and the synth goes on.
PACK_SEVERITY: dict[Severity, str] = {ERROR: "error", ADVISORY: "warning"}


class SqsPatternChecks(NagPack):
    """The wiring rules of SQS patterns (``SqsPatterns-SP1`` ... ``SP20``) as a cdk-nag pack.

    Errors fail the synth; advisories (a risk that hangs on code or intent the
    templates do not show) are warnings in the report.

    :param scope: the app (as for cdk-nag's packs).
    :param verbose: add each rule's explanation and sources to its findings.
    :param write_suppressions_to_cloud_formation: cdk-nag's option: write the
        acknowledged rules into each resource's ``Metadata.cdk_nag``.

    Example::

        app = App()
        build_my_stacks(app)
        Validations.of(app).add_plugins(AwsSolutionsChecks(app), SqsPatternChecks(app))
        app.synth()  # fails on any unacknowledged error
    """

    def __init__(
        self,
        scope: IConstruct | None = None,
        *,
        verbose: bool | None = None,
        write_suppressions_to_cloud_formation: bool | None = None,
    ) -> None:
        super().__init__(
            scope,
            verbose=verbose,
            write_suppressions_to_cloud_formation=write_suppressions_to_cloud_formation,
        )
        self._pack_name = PACK_NAME
        self._verbose = bool(verbose)

    @property
    def name(self) -> str:
        return PACK_NAME

    @property
    def rule_ids(self) -> list[str]:
        return [r.id for r in RULES]

    def _check_resource(self, node: Any) -> None:
        """Unused: no rule here can judge one resource alone (see `validate`)."""

    def validate(self, context: IPolicyValidationContext) -> PolicyValidationPluginReport:
        stacks = stacks_for_templates(s.template_path for s in context.stack_templates)
        report = check(Assembly(stacks), _acknowledgments_outside_stacks(context.app_construct))
        sources = {s.name: str(s.source) for s in stacks}
        # aws-cdk-lib applies its own acknowledgment form itself, and records the
        # reason in validation-report.json: hand those findings on for that.
        for_cdk = [f for f, ack in report.acknowledged if ack.rule.startswith(f"{PACK_NAME}::")]
        found = sorted(report.findings + for_cdk)
        violations = [self._violation(f, sources[f.resource.stack]) for f in found]
        # Advisories are warnings: reported, and the synth goes on (as cdk-nag's warnings).
        errors = [f for f in report.findings if f.severity == ERROR]
        return PolicyValidationPluginReport(success=not errors, violations=violations)

    def validate_scope(self, scope: IConstruct) -> PolicyValidationPluginReport:
        raise TypeError(
            "SqsPatternChecks judges the synthesized templates as a whole, not a construct "
            "tree: register it with Validations.of(app).add_plugins(SqsPatternChecks(app)) "
            "and synthesize, or run `constructs-lib check cdk.out`"
        )

    def _violation(self, item: Finding, template_path: str) -> PolicyViolation:
        checked = item.rule
        description = f"{checked.name}: {item.detail}"
        if self._verbose:
            description += f". {checked.explanation} ({', '.join(checked.sources)})"
        return PolicyViolation(
            rule_name=checked.id,
            description=description,
            fix=f"{item.fix} See {checked.sources[0]}",
            severity=PACK_SEVERITY[item.severity],
            rule_metadata={
                "explanation": checked.explanation,
                "sources": " ".join(checked.sources),
                "severity": item.severity,
            },
            violating_resources=[
                PolicyViolatingResource(
                    construct_path=item.path,
                    resource_logical_id=item.resource.logical_id,
                    template_path=template_path,
                    locations=[item.location],
                )
            ],
        )


def _acknowledgments_outside_stacks(root: IConstruct) -> list[Acknowledgment]:
    """Acknowledgments on the app and its stages: no stack's metadata holds those."""
    found = []
    for node in _above_stacks(root):
        for entry in node.node.metadata:
            if entry.type == Validations.ACKNOWLEDGED_RULES_METADATA_KEY and entry.data:
                found += [
                    Acknowledgment(rule, node.node.path, str(why))
                    for rule, why in entry.data.items()
                ]
    return found


def _above_stacks(node: IConstruct) -> Iterator[IConstruct]:
    yield node
    for child in node.node.children:
        if not Stack.is_stack(child):
            yield from _above_stacks(child)
