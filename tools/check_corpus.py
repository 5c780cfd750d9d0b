"""The rules measured over the corpus: the tables of docs/evidence.md ("The corpus").

Synthesizes every corpus app (tests/constructs_lib/checks/corpus/: small
aws-cdk-lib apps, each re-creating the SQS wiring of one public CDK app),
runs SqsPatternChecks over each, and sets every finding against its recorded
verdict: true positives, false positives and misses per rule, and per app.
tests/constructs_lib/checks/test_corpus.py keeps docs/evidence.md equal to
what this prints.

Usage:
    python -m tools.check_corpus           # print the tables
    python -m tools.check_corpus --write   # and replace them in docs/evidence.md

About 10 s (one synth per app, in one process).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EVIDENCE = Path(__file__).resolve().parent.parent / "docs" / "evidence.md"


def replace_block(text: str, block: str) -> str:
    from tests.constructs_lib.checks.corpus import BEGIN, END

    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[:start] + block + text[end:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.check_corpus", description=__doc__)
    parser.add_argument("--write", action="store_true", help="replace the tables in evidence.md")
    args = parser.parse_args(argv)

    import tests.conftest  # noqa: F401  (jsii's environment, as the tests run it)
    from tests.constructs_lib.checks.corpus import check_all, measure, render

    outcomes = measure(check_all())
    block = render(outcomes)
    print(block)
    problems = [
        f"{o.app.name}: {what}"
        for o in outcomes
        for what in (
            [f"finding without a verdict: {rule} at {path}" for rule, path in o.unjudged]
            + [f"missed: {j.rule} at {j.path}" for j in o.misses]
        )
    ]
    for problem in problems:
        print(problem, file=sys.stderr)
    if args.write:
        EVIDENCE.write_text(replace_block(EVIDENCE.read_text(), block))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
