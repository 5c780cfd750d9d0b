"""Use case: serverless workflows.

Work arrives in queues from three managed sources, no servers involved: CSV
files uploaded under ``incoming/`` (S3 object-created events), a nightly
report job (EventBridge Scheduler, cron in a time zone) and order events on
the default event bus (an EventBridge rule, transformed to what the workflow
needs). Consumers (Lambda functions) attach to the queues later.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Duration, Stack, TimeZone
from aws_cdk import aws_events as events
from aws_cdk import aws_scheduler as scheduler
from constructs import Construct

from constructs_lib import (
    BucketToQueue,
    EventRuleToQueue,
    PatternDashboard,
    ScheduleToQueue,
    SecureQueue,
)


class ServerlessWorkflowStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.ingest = SecureQueue(self, "Ingest", visibility_timeout=Duration.minutes(5))
        self.uploads = BucketToQueue(
            self, "Uploads", queue=self.ingest, prefix="incoming/", suffix=".csv"
        )

        self.jobs = SecureQueue(self, "Jobs", visibility_timeout=Duration.minutes(15))
        self.nightly_report = ScheduleToQueue(
            self,
            "NightlyReport",
            queue=self.jobs,
            schedule=scheduler.ScheduleExpression.cron(
                hour="2", minute="0", time_zone=TimeZone.EUROPE_BERLIN
            ),
            flexible_time_window=Duration.minutes(15),
            payload={
                "job": "nightly-report",
                "scheduled_time": scheduler.ContextAttribute.scheduled_time,
            },
        )

        self.order_events = EventRuleToQueue(
            self,
            "OrderEvents",
            queue=self.jobs,
            event_pattern=events.EventPattern(source=["shop.orders"], detail_type=["OrderPlaced"]),
            message=events.RuleTargetInput.from_object(
                {
                    "job": "fulfil-order",
                    "order_id": events.EventField.from_path("$.detail.order_id"),
                }
            ),
        )
        # The ingest and jobs queues (jobs drawn once, under the nightly report).
        self.dashboard = PatternDashboard(
            self, "Dashboard", patterns=[self.uploads, self.nightly_report, self.order_events]
        )
