"""Code that runs against a deployed account (operators' tools, workers).

Nothing here imports aws_cdk: these modules need only boto3, so they run on a
worker, in a Lambda function or on an operator's laptop without the 400 MB of
aws-cdk-lib.
"""

from constructs_lib.runtime.dlq_redrive import (
    DryRunReport,
    MessageSample,
    QueueRef,
    RedriveError,
    RedriveResult,
    dry_run,
    is_not_implemented,
    redrive,
    resolve_queue,
)

__all__ = [
    "DryRunReport",
    "MessageSample",
    "QueueRef",
    "RedriveError",
    "RedriveResult",
    "dry_run",
    "is_not_implemented",
    "redrive",
    "resolve_queue",
]
