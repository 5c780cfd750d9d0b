"""``constructs-lib check``: SqsPatternChecks over a synthesized app, for any CDK language.

Reads a cloud assembly (``cdk synth`` writes ``cdk.out``) or CloudFormation
template files, and prints each finding: rule id, severity, the construct
path of the resource to fix, what is wrong, the fix that fits it and where
AWS documents it. Acknowledgments recorded in the assembly are honoured (see
`findings`).

Exit codes: 0 no error (advisories are printed, and count only with
``--strict``), 1 errors (or, with ``--strict``, any finding), 2 the input
could not be read. Needs neither aws-cdk-lib nor cdk-nag.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from constructs_lib.checks.engine import Report, check
from constructs_lib.checks.findings import Finding
from constructs_lib.templates.assembly import Acknowledgment, load
from constructs_lib.templates.errors import AssemblyError

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
        "--strict",
        action="store_true",
        help="exit 1 on advisories too (by default only errors fail the check)",
    )
    parser.add_argument(
        "--show-acknowledged",
        action="store_true",
        help="also print the acknowledged findings, with their reasons",
    )


def exit_code(report: Report, *, strict: bool = False) -> int:
    failing = report.findings if strict else report.errors
    return EXIT_FINDINGS if failing else EXIT_CLEAN


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
    return exit_code(report, strict=args.strict)


def _lines(item: Finding) -> list[str]:
    checked = item.rule
    return [
        f"{item.rule_id}  {item.severity}  {item.path}  "
        f"({item.resource.stack}: {item.resource.logical_id}, {item.location})",
        f"  problem: {checked.name}: {item.detail}",
        f"  fix: {item.fix}",
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
    if report.findings:
        levels = ", ".join(
            _count(len(found), noun)
            for found, noun in ((report.errors, "error"), (report.advisories, "advisory"))
            if found
        )
        summary = (
            f"{_count(len(report.findings), 'finding')}: {levels} "
            f"({', '.join(report.rule_ids)}) in {scope}"
        )
    else:
        summary = f"no findings in {scope}"
    if report.acknowledged:
        summary += f"; {len(report.acknowledged)} acknowledged"
        if not show_acknowledged:
            summary += " (--show-acknowledged lists them)"
    return "\n".join([*lines, summary])


def _count(number: int, noun: str) -> str:
    plural = noun[:-1] + "ies" if noun.endswith("y") else noun + "s"
    return f"{number} {noun if number == 1 else plural}"


def _finding_json(item: Finding) -> dict[str, Any]:
    checked = item.rule
    return {
        "rule": item.rule_id,
        "severity": item.severity,
        "path": item.path,
        "stack": item.resource.stack,
        "logicalId": item.resource.logical_id,
        "location": item.location,
        "name": checked.name,
        "problem": list(item.details),
        "explanation": checked.explanation,
        "fix": item.fix,
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
        "summary": {"errors": len(report.errors), "advisories": len(report.advisories)},
        "checked": checked,
    }
