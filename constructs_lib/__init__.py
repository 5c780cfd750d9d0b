"""constructs_lib: AWS CDK v2 constructs for the patterns of Amazon SQS.

The public API is what ``__all__`` lists; everything else is internal.

Constructs are imported on first use (PEP 562): ``python -m constructs_lib``
and the runtime modules under ``constructs_lib.runtime`` must run where
aws-cdk-lib is not installed (a worker, a Lambda function), and importing it
costs a Node process and about a second even where it is.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from constructs_lib.errors import ConstructOptionError, OptionProblem

if TYPE_CHECKING:
    from constructs_lib.lambda_queue_consumer import LambdaQueueConsumer
    from constructs_lib.queue_worker_fleet import QueueWorkerFleet, WorkerScaling
    from constructs_lib.secure_queue import SecureQueue

#: Public name -> module that defines it, imported when the name is first used.
_LAZY = {
    "LambdaQueueConsumer": "constructs_lib.lambda_queue_consumer",
    "QueueWorkerFleet": "constructs_lib.queue_worker_fleet",
    "SecureQueue": "constructs_lib.secure_queue",
    "WorkerScaling": "constructs_lib.queue_worker_fleet",
}

__all__ = [
    "ConstructOptionError",
    "LambdaQueueConsumer",
    "OptionProblem",
    "QueueWorkerFleet",
    "SecureQueue",
    "WorkerScaling",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'constructs_lib' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
