"""constructs_lib: AWS CDK v2 constructs for the patterns of Amazon SQS.

The public API is what ``__all__`` lists; everything else is internal.
"""

from constructs_lib.bucket_to_queue import BucketToQueue
from constructs_lib.errors import ConstructOptionError, OptionProblem
from constructs_lib.event_rule_to_queue import EventRuleToQueue
from constructs_lib.schedule_to_queue import ScheduleToQueue
from constructs_lib.secure_queue import SecureQueue
from constructs_lib.topic_fanout import FanoutQueue, TopicFanout

__all__ = [
    "BucketToQueue",
    "ConstructOptionError",
    "EventRuleToQueue",
    "FanoutQueue",
    "OptionProblem",
    "ScheduleToQueue",
    "SecureQueue",
    "TopicFanout",
]
