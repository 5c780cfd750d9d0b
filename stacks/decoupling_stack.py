"""Use case: decoupling microservices.

The order service publishes every order event once, to one SNS topic; billing,
shipping and analytics each own a queue that receives only the events they
need (filter policies on message attributes and on the body) and consume at
their own pace. A service can be down without the others noticing.
"""

from __future__ import annotations

from typing import Any

from aws_cdk import Duration, Stack
from aws_cdk import aws_sns as sns
from constructs import Construct

from constructs_lib import FanoutSubscription, PatternDashboard, SecureQueue, TopicFanout


class DecouplingStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.billing = SecureQueue(self, "Billing", visibility_timeout=Duration.minutes(2))
        self.shipping = SecureQueue(self, "Shipping", visibility_timeout=Duration.minutes(2))
        self.analytics = SecureQueue(self, "Analytics")
        self.orders = TopicFanout(
            self,
            "Orders",
            queues=[
                # Billing charges placed orders and refunds cancelled ones.
                FanoutSubscription(
                    id="Billing",
                    queue=self.billing,
                    filter_policy={
                        "event_type": sns.SubscriptionFilter.string_filter(
                            allowlist=["order_placed", "order_cancelled"]
                        )
                    },
                ),
                # Shipping only needs paid orders that contain physical goods:
                # the body says so, not the attributes.
                FanoutSubscription(
                    id="Shipping",
                    queue=self.shipping,
                    filter_policy_with_message_body={
                        "status": sns.FilterOrPolicy.filter(
                            sns.SubscriptionFilter.string_filter(allowlist=["paid"])
                        ),
                        "physical": sns.FilterOrPolicy.filter(
                            sns.SubscriptionFilter.exists_filter()
                        ),
                    },
                ),
                # Analytics gets everything.
                FanoutSubscription(id="Analytics", queue=self.analytics),
            ],
        )
        # One section per subscribed queue, and the subscription DLQ.
        self.dashboard = PatternDashboard(self, "Dashboard", patterns=[self.orders])
