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

from constructs_lib._deprecation import aliases
from constructs_lib._version import __version__ as __version__
from constructs_lib.errors import ConstructOptionError, OptionProblem

if TYPE_CHECKING:
    from constructs_lib.alarm_topic import AlarmTopic
    from constructs_lib.bucket_to_queue import BucketToQueue
    from constructs_lib.dashboard import PatternDashboard
    from constructs_lib.event_rule_to_queue import EventRuleToQueue
    from constructs_lib.lambda_queue_consumer import LambdaQueueConsumer
    from constructs_lib.option_codes import OptionCode
    from constructs_lib.pipe_to_queue import PipeToQueue
    from constructs_lib.queue_worker_fleet import FleetScalingPolicy, QueueWorkerFleet

    # the old names, for type checkers; at run time they warn (`_deprecated`)
    from constructs_lib.queue_worker_fleet import FleetScalingPolicy as WorkerScaling  # noqa: F401
    from constructs_lib.schedule_to_queue import ScheduleToQueue
    from constructs_lib.secure_queue import SecureQueue, SecureQueueOptions
    from constructs_lib.topic_fanout import FanoutSubscription, TopicFanout
    from constructs_lib.topic_fanout import FanoutSubscription as FanoutQueue  # noqa: F401

#: Public name -> module that defines it, imported when the name is first used.
_LAZY = {
    "AlarmTopic": "constructs_lib.alarm_topic",
    "BucketToQueue": "constructs_lib.bucket_to_queue",
    "EventRuleToQueue": "constructs_lib.event_rule_to_queue",
    "FanoutSubscription": "constructs_lib.topic_fanout",
    "FleetScalingPolicy": "constructs_lib.queue_worker_fleet",
    "LambdaQueueConsumer": "constructs_lib.lambda_queue_consumer",
    "OptionCode": "constructs_lib.option_codes",
    "PatternDashboard": "constructs_lib.dashboard",
    "PipeToQueue": "constructs_lib.pipe_to_queue",
    "QueueWorkerFleet": "constructs_lib.queue_worker_fleet",
    "ScheduleToQueue": "constructs_lib.schedule_to_queue",
    "SecureQueue": "constructs_lib.secure_queue",
    "SecureQueueOptions": "constructs_lib.secure_queue",
    "TopicFanout": "constructs_lib.topic_fanout",
}

#: Old public names (CHANGELOG.md, issue 22): they work, with a DeprecationWarning.
_deprecated = aliases(
    "constructs_lib",
    {
        "FanoutQueue": "constructs_lib.topic_fanout:FanoutSubscription",
        "WorkerScaling": "constructs_lib.queue_worker_fleet:FleetScalingPolicy",
    },
)

__all__ = [
    "AlarmTopic",
    "BucketToQueue",
    "ConstructOptionError",
    "EventRuleToQueue",
    "FanoutSubscription",
    "FleetScalingPolicy",
    "LambdaQueueConsumer",
    "OptionCode",
    "OptionProblem",
    "PatternDashboard",
    "PipeToQueue",
    "QueueWorkerFleet",
    "ScheduleToQueue",
    "SecureQueue",
    "SecureQueueOptions",
    "TopicFanout",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        return _deprecated(name)  # an old name, or AttributeError
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
