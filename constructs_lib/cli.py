"""The library's command line: ``python -m constructs_lib <command> ...``.

Each command is a `Command`: a name, a function that adds its arguments to its
sub-parser, and a function that runs it and returns the exit code. A new
command is one more entry in `COMMANDS`. Nothing here imports aws_cdk.

Exit codes: 0 done, 1 some messages were not moved (or the run was cut short),
2 refused (bad options, queues that do not fit together), 3 an AWS error,
130 interrupted. ``check``: 0 no finding, 1 findings, 2 unreadable input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

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
    #: takes --endpoint-url/--region (it talks to AWS)
    connects: bool = True


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
    parser.add_argument("--rate", type=float, help="at most N messages per second")
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
        "exit 1 on findings",
        add_arguments=_check_arguments,
        run=_check,
        connects=False,
    ),
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m constructs_lib",
        description="Operator commands of constructs_lib (they need boto3 or nothing, "
        "never aws-cdk-lib).",
    )
    # Connection options belong to every command, after its name.
    connection = argparse.ArgumentParser(add_help=False)
    connection.add_argument("--endpoint-url", help="endpoint (default: boto3's, AWS_ENDPOINT_URL)")
    connection.add_argument("--region", help="AWS region (default: boto3's, AWS_REGION)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        sub = commands.add_parser(
            command.name,
            help=command.help,
            description=command.help,
            parents=[connection] if command.connects else [],
        )
        command.add_arguments(sub)
        sub.set_defaults(run=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except KeyboardInterrupt:
        _err("interrupted")
        return EXIT_INTERRUPTED
    return code
