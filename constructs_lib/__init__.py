"""constructs_lib: AWS CDK v2 constructs for the patterns of Amazon SQS.

The public API is what ``__all__`` lists; everything else is internal.
"""

from constructs_lib.errors import ConstructOptionError, OptionProblem
from constructs_lib.lambda_queue_consumer import LambdaQueueConsumer
from constructs_lib.queue_worker_fleet import QueueWorkerFleet, WorkerScaling
from constructs_lib.secure_queue import SecureQueue

__all__ = [
    "ConstructOptionError",
    "LambdaQueueConsumer",
    "OptionProblem",
    "QueueWorkerFleet",
    "SecureQueue",
    "WorkerScaling",
]
