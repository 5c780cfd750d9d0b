"""The library's command line: ``constructs-lib <command> ...`` (or ``python -m constructs_lib``).

Each command is a `Command`: a name, a function that adds its arguments to its
sub-parser, a function that runs it and returns the exit code, and the extra
whose modules it needs. A new command is one more entry in `COMMANDS`.
Nothing here imports aws_cdk; a command whose extra is missing says in one
line what to install and exits 2.

Exit codes: 0 done, 1 some messages were not moved (or the run was cut short),
2 refused (bad options, queues that do not fit together), 3 an AWS error,
130 interrupted. ``check``: 0 no error, 1 errors (any finding with ``--strict``),
2 unreadable input.
``simulate-fleet``: 0 done, 2 input it cannot use (or matplotlib missing).
``review``: 0 reviewed, 1 a ``--fail-on`` class is hit, 2 BASE or HEAD unreadable
(docs/review.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from constructs_lib import __version__
from constructs_lib._extras import (
    CLI_MODULES,
    SIMULATE_MODULES,
    missing_extra_hint,
    missing_modules,
)

EXIT_OK = 0
EXIT_INCOMPLETE = 1
EXIT_REFUSED = 2
EXIT_AWS_ERROR = 3
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    #: The extra that installs the modules the command imports, and those modules.
    extra: str = "cli"
    needs: tuple[str, ...] = CLI_MODULES
    #: takes --endpoint-url/--region (it talks to AWS)
    connects: bool = True

    def missing(self) -> list[str]:
        """The modules of `needs` not installed here."""
        return missing_modules(self.needs)


def _sqs_client(args: argparse.Namespace) -> Any:
    import boto3

    # boto3 also honours AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_SQS and AWS_REGION.
    return boto3.client("sqs", endpoint_url=args.endpoint_url, region_name=args.region)


def _err(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


# --- redrive ------------------------------------------------------------------


def _redrive_arguments(parser: argparse.ArgumentParser) -> None:
    from constructs_lib.runtime import dlq_redrive as r

    parser.add_argument("--dlq", required=True, help="dead-letter queue: URL, ARN or name")
    parser.add_argument(
        "--to",
        help="destination queue (URL, ARN or name); default: the DLQ's source queue",
    )
    parser.add_argument(
        "--method",
        choices=r.METHODS,
        default="auto",
        help="auto: StartMessageMoveTask, or receive/send/delete where the endpoint "
        "lacks it (default); move-task; manual",
    )
    parser.add_argument("--max-messages", type=int, help="move at most N messages")
    parser.add_argument(
        "--rate",
        type=float,
        help=f"at most N messages per second (a move task: 1 to {r.MOVE_TASK_MAX_RATE})",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="count and sample; move and consume nothing"
    )
    parser.add_argument(
        "--samples",
        type=int,
        default=r.DRY_RUN_SAMPLES,
        help=f"messages shown by --dry-run (default {r.DRY_RUN_SAMPLES}, at most 10)",
    )
    parser.add_argument(
        "--visibility-timeout",
        type=int,
        default=r.VISIBILITY_TIMEOUT_SECONDS,
        help=f"seconds a message is hidden while moved (default {r.VISIBILITY_TIMEOUT_SECONDS})",
    )
    parser.add_argument(
        "--wait-time",
        type=int,
        default=r.WAIT_TIME_SECONDS,
        help=f"long polling seconds per receive (default {r.WAIT_TIME_SECONDS})",
    )
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")


def _redrive(args: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    from constructs_lib.runtime import dlq_redrive as r

    sqs = _sqs_client(args)
    try:
        if args.dry_run:
            report = r.dry_run(sqs, args.dlq, to=args.to, samples=args.samples)
            print(json.dumps(report.as_dict(), indent=2) if args.json else report.summary())
            return EXIT_OK
        result = r.redrive(
            sqs,
            args.dlq,
            to=args.to,
            method=args.method,
            max_messages=args.max_messages,
            rate=args.rate,
            visibility_timeout=args.visibility_timeout,
            wait_time_seconds=args.wait_time,
            progress=_err,
        )
    except r.RedriveError as err:
        _err(f"redrive refused: {err}")
        return EXIT_REFUSED
    except (ClientError, BotoCoreError) as err:
        _err(f"redrive failed: {err}")
        return EXIT_AWS_ERROR
    print(json.dumps(result.as_dict(), indent=2) if args.json else result.summary())
    if result.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_OK if result.ok else EXIT_INCOMPLETE


# --- check ---------------------------------------------------------------------


def _check_arguments(parser: argparse.ArgumentParser) -> None:
    from constructs_lib.checks import command

    command.add_arguments(parser)


def _check(args: argparse.Namespace) -> int:
    from constructs_lib.checks import command

    return command.run(args)


# --- simulate-fleet -------------------------------------------------------------


def _simulate_arguments(parser: argparse.ArgumentParser) -> None:
    from constructs_lib.simulation import command

    command.add_arguments(parser)


def _simulate(args: argparse.Namespace) -> int:
    from constructs_lib.simulation import command

    return command.run(args)


# --- review ---------------------------------------------------------------------


def _review_arguments(parser: argparse.ArgumentParser) -> None:
    from constructs_lib.review import command

    command.add_arguments(parser)


def _review(args: argparse.Namespace) -> int:
    from constructs_lib.review import command

    return command.run(args)


COMMANDS: tuple[Command, ...] = (
    Command(
        name="redrive",
        help="move messages from a dead-letter queue back to its source (or another queue)",
        add_arguments=_redrive_arguments,
        run=_redrive,
    ),
    Command(
        name="check",
        help="SqsPatternChecks over a synthesized app (cdk.out) or CloudFormation templates: "
        "exit 1 on errors (--strict: on advisories too)",
        add_arguments=_check_arguments,
        run=_check,
        needs=(),  # plain Python: no boto3, no aws-cdk-lib
        connects=False,
    ),
    Command(
        name="simulate-fleet",
        help="simulate a QueueWorkerFleet (options or synthesized template) under a load, "
        "minute by minute: a table and a PNG",
        add_arguments=_simulate_arguments,
        run=_simulate,
        extra="simulate",
        needs=SIMULATE_MODULES,
        connects=False,
    ),
    Command(
        name="review",
        help="what a change does to messages: compare two synthesized apps (cdk.out, templates, "
        "snapshots or git refs) and print a Markdown report; --fail-on gates a merge",
        add_arguments=_review_arguments,
        run=_review,
        extra="review",
        needs=("cfnlint",),  # CloudFormation's resource schemas, as cfn-lint bundles them
        connects=False,
    ),
)


def build_parser(prog: str = "constructs-lib") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Operator commands of constructs_lib (they need boto3 or nothing, "
        "never aws-cdk-lib).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    # Connection options belong to every command, after its name.
    connection = argparse.ArgumentParser(add_help=False)
    connection.add_argument("--endpoint-url", help="endpoint (default: boto3's, AWS_ENDPOINT_URL)")
    connection.add_argument("--region", help="AWS region (default: boto3's, AWS_REGION)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        if command.missing():  # its arguments come from modules that are not here
            commands.add_parser(command.name, help=f"{command.help} (needs {_extra(command)})")
            continue
        sub = commands.add_parser(
            command.name,
            help=command.help,
            description=command.help,
            parents=[connection] if command.connects else [],
        )
        command.add_arguments(sub)
        sub.set_defaults(run=command.run)
    return parser


def _extra(command: Command) -> str:
    return f"constructs-lib[{command.extra}]"


def _chosen_command(argv: Sequence[str]) -> Command | None:
    """The command named by the first word that is not an option (options follow it)."""
    word = next((arg for arg in argv if not arg.startswith("-")), None)
    return next((command for command in COMMANDS if command.name == word), None)


def main(argv: Sequence[str] | None = None, prog: str = "constructs-lib") -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    command = _chosen_command(arguments)
    missing = command.missing() if command else []
    if command and missing:
        _err(missing_extra_hint(f"{prog} {command.name}", command.extra, missing))
        return EXIT_REFUSED
    args = build_parser(prog).parse_args(arguments)
    try:
        code: int = args.run(args)
    except KeyboardInterrupt:
        _err("interrupted")
        return EXIT_INTERRUPTED
    return code
