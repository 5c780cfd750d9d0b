"""Code that runs against a deployed account (operators' tools, workers).

Nothing here imports aws_cdk: these modules need only boto3 (the ``cli``
extra), so they run on a worker, in a Lambda function or on an operator's
laptop without the 400 MB of aws-cdk-lib.
"""

from constructs_lib._extras import CLI_MODULES, require_extra

require_extra("constructs_lib.runtime", "cli", CLI_MODULES)

from constructs_lib.runtime.dlq_redrive import (  # noqa: E402  (after the extra check)
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
