"""Use case: buffering traffic spikes.

Producers write into a standard queue as fast as they like; consumers drain it
at their own pace. SSE-SQS, TLS-only, a DLQ after 5 failed receives.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Duration, Stack
from constructs import Construct

from constructs_lib import SecureQueue


class BufferingStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.jobs = SecureQueue(self, "Jobs", visibility_timeout=Duration.minutes(5))
