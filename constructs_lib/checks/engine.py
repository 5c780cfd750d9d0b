"""Runs every rule over an assembly and sets acknowledged findings apart."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from constructs_lib.checks import (
    consumer_rules,
    delivery_rules,
    instance_rules,
    redrive_rules,
    region_rules,
    statement_rules,
    topology_rules,
)
from constructs_lib.checks.catalog import ADVISORY, ERROR
from constructs_lib.checks.findings import Finding, acknowledgment_for, merged
from constructs_lib.checks.wiring import Wiring
from constructs_lib.templates.assembly import Acknowledgment, Assembly

RuleCheck = Callable[[Wiring], Iterator[Finding]]

#: Rule number -> its check, which finds that rule's findings only (SP12 and
#: SP13, one question with two levels, share theirs).
CHECKS: dict[int, RuleCheck] = {
    1: delivery_rules.aws_managed_key_targets,
    2: delivery_rules.producers_not_allowed,
    3: statement_rules.unscoped_service_grants,
    4: consumer_rules.mapping_settings,
    5: consumer_rules.queues_without_dead_letter_queue,
    6: topology_rules.fifo_mismatches,
    7: delivery_rules.alarm_topics,
    8: statement_rules.principals_missing_at_deploy,
    9: topology_rules.retained_fixed_names,
    10: topology_rules.notifications_before_policy,
    11: consumer_rules.partial_batch_responses,
    12: consumer_rules.lambda_max_receive_count,
    13: consumer_rules.lambda_max_receive_count,
    14: redrive_rules.dead_letter_queue_retention,
    15: redrive_rules.dead_letter_queue_types,
    16: delivery_rules.targets_without_dead_letter_queue,
    17: instance_rules.metadata_tag_keys,
    18: statement_rules.eventbridge_key_conditions,
    19: region_rules.alarm_actions_in_other_regions,
    20: region_rules.group_notifications_in_other_regions,
}


@dataclass
class Report:
    findings: list[Finding]
    acknowledged: list[tuple[Finding, Acknowledgment]] = field(default_factory=list)

    @property
    def rule_ids(self) -> list[str]:
        """The rules with findings, each once, in rule order."""
        ids = {f.rule_id for f in self.findings}
        return sorted(ids, key=lambda i: int(i.rsplit("SP", 1)[1]))

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ERROR]

    @property
    def advisories(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == ADVISORY]


def check(assembly: Assembly, extra_acknowledgments: Iterable[Acknowledgment] = ()) -> Report:
    """Every finding of every rule, acknowledgments recorded in the assembly applied."""
    wiring = Wiring(assembly)
    found = merged(
        item for check_rule in dict.fromkeys(CHECKS.values()) for item in check_rule(wiring)
    )
    acknowledgments = [*assembly.acknowledgments(), *extra_acknowledgments]
    report = Report([])
    for item in found:
        ack = acknowledgment_for(item, acknowledgments)
        if ack is None:
            report.findings.append(item)
        else:
            report.acknowledged.append((item, ack))
    return report
