"""``constructs-lib review BASE HEAD``: the report, and an exit code a CI job can gate on.

Exit codes:

- 0: reviewed; no ``--fail-on`` class is hit (without ``--fail-on``, always 0);
- 1: reviewed; a ``--fail-on`` class is hit (the report says which);
- 2: BASE or HEAD could not be read (not a cloud assembly, template or git
  ref; a synth that failed) or the options are wrong.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from constructs_lib.review import compare
from constructs_lib.review.inputs import DEFAULT_SYNTH, Options, load_side
from constructs_lib.review.report import GATES, as_json, markdown
from constructs_lib.templates.errors import AssemblyError

EXIT_OK = 0
EXIT_GATED = 1
EXIT_UNREADABLE = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = (
        f"exit codes: {EXIT_OK} reviewed (no --fail-on class hit), {EXIT_GATED} a --fail-on "
        f"class is hit, {EXIT_UNREADABLE} BASE or HEAD unreadable. docs/review.md has the rest."
    )
    parser.add_argument(
        "base",
        metavar="BASE",
        help="the app before the change: a cdk.out, a folder of templates or snapshot files, "
        "a template file, or a git ref",
    )
    parser.add_argument("head", metavar="HEAD", help="the app after the change (the same forms)")
    parser.add_argument(
        "--format",
        choices=("markdown", "json"),
        default="markdown",
        help="markdown: the report for a pull-request comment (default); json: for other tools",
    )
    parser.add_argument(
        "--fail-on",
        action="append",
        default=[],
        metavar="CLASS[,CLASS]",
        help="exit 1 when the change hits one of these classes: "
        + "; ".join(f"{name}: {what}" for name, what in GATES.items()),
    )
    parser.add_argument(
        "--marker",
        action="store_true",
        help="start the Markdown report with the HTML comment a workflow finds its comment by",
    )
    parser.add_argument("--output", type=Path, help="write the report to this file, not stdout")
    refs = parser.add_argument_group("git refs")
    refs.add_argument(
        "--repo", type=Path, default=Path("."), help="the repository of git refs (default: .)"
    )
    refs.add_argument(
        "--snapshots",
        metavar="DIR",
        help="the repository folder of snapshot files to read at a ref (default: any "
        "__snapshots__ folder holding templates)",
    )
    refs.add_argument(
        "--synth",
        action="store_true",
        help="synthesize a ref even when it has snapshot files",
    )
    refs.add_argument(
        "--app-dir", default=".", help="the app's folder in the repository (where cdk.json is)"
    )
    refs.add_argument(
        "--synth-command",
        default=DEFAULT_SYNTH,
        help="shell command that synthesizes a ref's app into {out} "
        f"(default: {DEFAULT_SYNTH!r})",
    )


def fail_on_classes(values: list[str]) -> list[str]:
    """``--fail-on`` values, comma lists flattened; ValueError naming an unknown class."""
    classes = [c.strip() for value in values for c in value.split(",") if c.strip()]
    unknown = [c for c in classes if c not in GATES]
    if unknown:
        raise ValueError(
            f"--fail-on {', '.join(unknown)}: unknown class (known: {', '.join(GATES)})"
        )
    return list(dict.fromkeys(classes))


def run(args: argparse.Namespace) -> int:
    try:
        fail_on = fail_on_classes(args.fail_on)
    except ValueError as err:
        print(f"review refused: {err}", file=sys.stderr, flush=True)
        return EXIT_UNREADABLE
    options = Options(
        repo=args.repo,
        snapshots=args.snapshots,
        synth=args.synth,
        app_dir=args.app_dir,
        synth_command=args.synth_command,
    )
    try:
        base = load_side(args.base, options)
        head = load_side(args.head, options)
        review = compare(base, head)
    except AssemblyError as err:
        print(f"review refused: {err}", file=sys.stderr, flush=True)
        return EXIT_UNREADABLE
    failing = review.failing(fail_on)
    code = EXIT_GATED if failing else EXIT_OK
    if args.format == "json":
        text = json.dumps(as_json(review, fail_on=fail_on, exit_code=code), indent=2) + "\n"
    else:
        text = markdown(review, marker=args.marker)
        if failing:
            text += f"\n**Gate**: this change hits `--fail-on {','.join(failing)}`.\n"
    if args.output is not None:
        args.output.write_text(text)
    else:
        sys.stdout.write(text)
    if failing:
        print(f"review: --fail-on {','.join(failing)} hit", file=sys.stderr, flush=True)
    return code
