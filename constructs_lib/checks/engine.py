"""Runs every rule over an assembly and sets acknowledged findings apart."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from constructs_lib.checks import consumer_rules, delivery_rules, statement_rules, topology_rules
from constructs_lib.checks.assembly import Acknowledgment, Assembly
from constructs_lib.checks.findings import Finding, acknowledgment_for, merged
from constructs_lib.checks.wiring import Wiring

RuleCheck = Callable[[Wiring], Iterator[Finding]]

#: Every rule's check, in rule order (SP1 ... SP10).
CHECKS: tuple[RuleCheck, ...] = (
    delivery_rules.aws_managed_key_targets,
    delivery_rules.producers_not_allowed,
    statement_rules.unscoped_service_grants,
    consumer_rules.mapping_settings,
    consumer_rules.dead_letter_queues,
    topology_rules.fifo_mismatches,
    delivery_rules.alarm_topics,
    statement_rules.principals_missing_at_deploy,
    topology_rules.retained_fixed_names,
    topology_rules.notifications_before_policy,
)


@dataclass
class Report:
    findings: list[Finding]
    acknowledged: list[tuple[Finding, Acknowledgment]] = field(default_factory=list)

    @property
    def rule_ids(self) -> list[str]:
        """The rules with findings, each once, in rule order."""
        ids = {f.rule_id for f in self.findings}
        return sorted(ids, key=lambda i: int(i.rsplit("SP", 1)[1]))


def check(assembly: Assembly, extra_acknowledgments: Iterable[Acknowledgment] = ()) -> Report:
    """Every finding of every rule, acknowledgments recorded in the assembly applied."""
    wiring = Wiring(assembly)
    found = merged(item for check_rule in CHECKS for item in check_rule(wiring))
    acknowledgments = [*assembly.acknowledgments(), *extra_acknowledgments]
    report = Report([])
    for item in found:
        ack = acknowledgment_for(item, acknowledgments)
        if ack is None:
            report.findings.append(item)
        else:
            report.acknowledged.append((item, ack))
    return report
