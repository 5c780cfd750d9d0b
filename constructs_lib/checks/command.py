"""``constructs-lib check``: SqsPatternChecks over a synthesized app, for any CDK language.

Reads a cloud assembly (``cdk synth`` writes ``cdk.out``) or CloudFormation
template files, and prints each finding: rule id, the construct path of the
resource to fix, what is wrong, the fix and where AWS documents it.
Acknowledgments recorded in the assembly are honoured (see `findings`).

Exit codes: 0 no finding (acknowledged ones aside), 1 findings, 2 the input
could not be read. Needs neither aws-cdk-lib nor cdk-nag.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from constructs_lib.checks.assembly import Acknowledgment, AssemblyError, load
from constructs_lib.checks.engine import Report, check
from constructs_lib.checks.findings import Finding

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_UNREADABLE = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="+",
        metavar="PATH",
        help="a cloud assembly directory (cdk.out) or CloudFormation template files "
        "(JSON, or YAML with PyYAML); several are checked as one app",
    )
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    parser.add_argument(
        "--show-acknowledged",
        action="store_true",
        help="also print the acknowledged findings, with their reasons",
    )


def run(args: argparse.Namespace) -> int:
    try:
        assembly = load(args.paths)
        report = check(assembly)
    except AssemblyError as err:
        print(f"check refused: {err}", file=sys.stderr, flush=True)
        return EXIT_UNREADABLE
    checked = {"stacks": len(assembly.stacks), "resources": len(assembly.resources)}
    if args.json:
        print(json.dumps(as_json(report, checked), indent=2))
    else:
        print(as_text(report, checked, show_acknowledged=args.show_acknowledged))
    return EXIT_FINDINGS if report.findings else EXIT_CLEAN


def _lines(item: Finding) -> list[str]:
    checked = item.rule
    return [
        f"{item.rule_id}  {item.path}  ({item.resource.stack}: {item.resource.logical_id})",
        f"  problem: {checked.name}: {item.detail}",
        f"  fix: {checked.fix}",
        f"  see: {checked.sources[0]}",
    ]


def as_text(report: Report, checked: dict[str, int], *, show_acknowledged: bool = False) -> str:
    lines: list[str] = []
    for item in report.findings:
        lines += [*_lines(item), ""]
    if show_acknowledged:
        for item, ack in report.acknowledged:
            lines += [*_lines(item), f"  acknowledged at {ack.path or '(app)'}: {ack.reason}", ""]
    scope = f"{_count(checked['stacks'], 'stack')}, {_count(checked['resources'], 'resource')}"
    summary = (
        f"{_count(len(report.findings), 'finding')} ({', '.join(report.rule_ids)}) in {scope}"
        if report.findings
        else f"no findings in {scope}"
    )
    if report.acknowledged:
        summary += f"; {len(report.acknowledged)} acknowledged"
        if not show_acknowledged:
            summary += " (--show-acknowledged lists them)"
    return "\n".join([*lines, summary])


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _finding_json(item: Finding) -> dict[str, Any]:
    checked = item.rule
    return {
        "rule": item.rule_id,
        "path": item.path,
        "stack": item.resource.stack,
        "logicalId": item.resource.logical_id,
        "location": item.location,
        "name": checked.name,
        "problem": list(item.details),
        "explanation": checked.explanation,
        "fix": checked.fix,
        "sources": list(checked.sources),
    }


def _acknowledgment_json(ack: Acknowledgment) -> dict[str, str]:
    return {"id": ack.rule, "path": ack.path, "reason": ack.reason}


def as_json(report: Report, checked: dict[str, int]) -> dict[str, Any]:
    return {
        "findings": [_finding_json(f) for f in report.findings],
        "acknowledged": [
            {**_finding_json(f), "acknowledgment": _acknowledgment_json(a)}
            for f, a in report.acknowledged
        ],
        "checked": checked,
    }
