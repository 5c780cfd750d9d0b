"""Code that runs against a deployed account (operators' tools, workers).

Nothing here imports aws_cdk: these modules need only boto3 (the ``cli``
extra), so they run on a worker, in a Lambda function or on an operator's
laptop without the 400 MB of aws-cdk-lib.

The package itself needs nothing: ``worker_settings`` (standard library
only) is the contract `QueueWorkerFleet` shares with its worker, and a CDK
app synthesizes the fleet after a plain ``pip install constructs-lib``. The
redrive API below asks for the ``cli`` extra when it is first used (PEP 562).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'constructs_lib.runtime' has no attribute {name!r}")
    # dlq_redrive checks the cli extra before it imports botocore.
    value = getattr(importlib.import_module("constructs_lib.runtime.dlq_redrive"), name)
    globals()[name] = value
    return value
