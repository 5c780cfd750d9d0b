"""The topology diagram finds the wiring of a template: edges are asserted, not only output."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from aws_cdk import Duration, Stack, assertions
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subs
from aws_cdk import aws_sqs as sqs

from constructs_lib import SecureQueue
from constructs_lib.diagram import (
    DEFAULT_BUS,
    build_graph,
    mermaid_id,
    short_name,
    template_to_mermaid,
    to_dot,
    to_mermaid,
)
from tests.conftest import new_app


def queue(**props: Any) -> dict[str, Any]:
    return {"Type": "AWS::SQS::Queue", "Properties": props}


def arn(logical_id: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


# --- hand-written templates ---------------------------------------------------------


FANOUT = {
    "Resources": {
        "OrdersTopicA1B2C3D4": {"Type": "AWS::SNS::Topic", "Properties": {}},
        "BillingQueue0A1B2C3D": queue(
            RedrivePolicy={"deadLetterTargetArn": arn("BillingDlqFFFF0000"), "maxReceiveCount": 3}
        ),
        "BillingDlqFFFF0000": queue(),
        "ShippingQueue12345678": queue(QueueName="shipping"),
        "BillingSub11111111": {
            "Type": "AWS::SNS::Subscription",
            "Properties": {
                "Protocol": "sqs",
                "TopicArn": {"Ref": "OrdersTopicA1B2C3D4"},
                "Endpoint": arn("BillingQueue0A1B2C3D"),
                "FilterPolicy": {"kind": ["invoice"]},
                "RawMessageDelivery": True,
                "RedrivePolicy": {"deadLetterTargetArn": arn("BillingDlqFFFF0000")},
            },
        },
        # An ARN spelled out with Fn::Join and the queue's physical name.
        "ShippingSub22222222": {
            "Type": "AWS::SNS::Subscription",
            "Properties": {
                "Protocol": "sqs",
                "TopicArn": {"Ref": "OrdersTopicA1B2C3D4"},
                "Endpoint": {
                    "Fn::Join": [
                        "",
                        [
                            "arn:aws:sqs:",
                            {"Ref": "AWS::Region"},
                            ":",
                            {"Ref": "AWS::AccountId"},
                            ":shipping",
                        ],
                    ]
                },
                "FilterPolicyScope": "MessageBody",
                "FilterPolicy": json.dumps({"order": {"country": ["DE"]}}),
            },
        },
    }
}


def test_subscriptions_and_dead_letter_queues() -> None:
    graph = build_graph(FANOUT)

    assert graph.labelled_edges() == {
        ("OrdersTopic", "BillingQueue", "raw, filter kind=invoice"),
        ("OrdersTopic", "ShippingQueue", 'filter order={"country":["DE"]} (body)'),
        ("BillingQueue", "BillingDlq", "after 3 receives"),
        ("OrdersTopic", "BillingDlq", "undeliverable"),
    }
    assert graph.nodes["BillingDlqFFFF0000"].kind == "dlq"
    assert graph.nodes["BillingQueue0A1B2C3D"].kind == "queue"
    assert {e.style for e in graph.edges if e.label in ("after 3 receives", "undeliverable")} == {
        "dotted"
    }


EVENTS = {
    "Resources": {
        "IngestBucket9ABCDEF0": {
            "Type": "AWS::S3::Bucket",
            "Properties": {
                "NotificationConfiguration": {
                    "EventBridgeConfiguration": {"EventBridgeEnabled": True},
                    "QueueConfigurations": [
                        {
                            "Event": "s3:ObjectCreated:*",
                            "Queue": arn("UploadsQueue5555AAAA"),
                            "Filter": {"S3Key": {"Rules": [{"Name": "suffix", "Value": ".csv"}]}},
                        }
                    ],
                }
            },
        },
        "UploadsQueue5555AAAA": queue(),
        "UploadedRuleBBBB1111": {
            "Type": "AWS::Events::Rule",
            "Properties": {
                "EventPattern": {"source": ["aws.s3"], "detail-type": ["Object Created"]},
                "Targets": [
                    {
                        "Arn": arn("UploadsQueue5555AAAA"),
                        "Id": "t",
                        "DeadLetterConfig": {"Arn": arn("RuleDlqCCCC2222")},
                    }
                ],
            },
        },
        "RuleDlqCCCC2222": queue(),
        "PartnerBusDDDD3333": {"Type": "AWS::Events::EventBus", "Properties": {"Name": "partner"}},
        "PartnerRuleEEEE4444": {
            "Type": "AWS::Events::Rule",
            "Properties": {
                "EventBusName": {"Ref": "PartnerBusDDDD3333"},
                "EventPattern": {"detail": {"status": ["paid"]}},
                "Targets": [
                    {"Arn": arn("UploadsQueue5555AAAA"), "Id": "t", "InputTransformer": {}}
                ],
            },
        },
        "NightlyFFFF5555": {
            "Type": "AWS::Scheduler::Schedule",
            "Properties": {
                "ScheduleExpression": "cron(0 2 * * ? *)",
                "Target": {
                    "Arn": {"Fn::Sub": "${UploadsQueue5555AAAA.Arn}"},
                    "DeadLetterConfig": {"Arn": arn("RuleDlqCCCC2222")},
                },
            },
        },
    }
}


def test_buckets_rules_buses_and_schedules() -> None:
    graph = build_graph(EVENTS)

    assert graph.labelled_edges() == {
        ("IngestBucket", "UploadsQueue", "ObjectCreated:* suffix=.csv"),
        ("IngestBucket", "default event bus", "all events"),
        ("default event bus", "UploadedRule", ""),
        ("UploadedRule", "UploadsQueue", ""),
        ("UploadedRule", "RuleDlq", "failed deliveries"),
        ("PartnerBus", "PartnerRule", ""),
        ("PartnerRule", "UploadsQueue", "input transformed"),
        ("Nightly", "UploadsQueue", ""),
        ("Nightly", "RuleDlq", "failed deliveries"),
    }
    assert graph.nodes["UploadedRuleBBBB1111"].detail == (
        "detail-type: Object Created; source: aws.s3"
    )
    assert graph.nodes["NightlyFFFF5555"].detail == "cron(0 2 * * ? *)"
    assert graph.nodes[DEFAULT_BUS].kind == "bus"
    # A rule target's DLQ is not a queue's redrive target: it stays a plain queue.
    assert graph.nodes["RuleDlqCCCC2222"].kind == "queue"


SCALING = {
    "Resources": {
        "WorkQueueAAAA0000": queue(KmsMasterKeyId=arn("WorkKeyBBBB1111")),
        "WorkKeyBBBB1111": {"Type": "AWS::KMS::Key", "Properties": {}},
        "WorkersASGCCCC2222": {"Type": "AWS::AutoScaling::AutoScalingGroup", "Properties": {}},
        "BacklogPolicyDDDD3333": {
            "Type": "AWS::AutoScaling::ScalingPolicy",
            "Properties": {
                "AutoScalingGroupName": {"Ref": "WorkersASGCCCC2222"},
                "PolicyType": "TargetTrackingScaling",
                "TargetTrackingConfiguration": {
                    "TargetValue": 100,
                    "CustomizedMetricSpecification": {
                        "Metrics": [
                            {
                                "Id": "visible",
                                "MetricStat": {
                                    "Metric": {
                                        "MetricName": "ApproximateNumberOfMessagesVisible",
                                        "Namespace": "AWS/SQS",
                                        "Dimensions": [
                                            {
                                                "Name": "QueueName",
                                                "Value": {
                                                    "Fn::GetAtt": ["WorkQueueAAAA0000", "QueueName"]
                                                },
                                            }
                                        ],
                                    },
                                    "Stat": "Sum",
                                },
                                "ReturnData": False,
                            },
                            {"Id": "backlog", "Expression": "visible / 2", "ReturnData": True},
                        ]
                    },
                },
            },
        },
        "StepPolicyEEEE4444": {
            "Type": "AWS::AutoScaling::ScalingPolicy",
            "Properties": {
                "AutoScalingGroupName": {"Ref": "WorkersASGCCCC2222"},
                "PolicyType": "StepScaling",
            },
        },
        "BacklogAlarmFFFF5555": {
            "Type": "AWS::CloudWatch::Alarm",
            "Properties": {
                "MetricName": "ApproximateAgeOfOldestMessage",
                "Dimensions": [
                    {
                        "Name": "QueueName",
                        "Value": {"Fn::GetAtt": ["WorkQueueAAAA0000", "QueueName"]},
                    }
                ],
                "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                "Threshold": 600,
                "AlarmActions": [{"Ref": "StepPolicyEEEE4444"}],
                "OKActions": [{"Ref": "OpsTopic99990000"}],
            },
        },
        "OpsTopic99990000": {"Type": "AWS::SNS::Topic"},
        "HandlerAAAA9999": {"Type": "AWS::Lambda::Function", "Properties": {}},
        "UnrelatedHelper12341234": {"Type": "AWS::Lambda::Function", "Properties": {}},
        "MappingBBBB8888": {
            "Type": "AWS::Lambda::EventSourceMapping",
            "Properties": {
                "EventSourceArn": arn("WorkQueueAAAA0000"),
                "FunctionName": {"Ref": "HandlerAAAA9999"},
                "BatchSize": 10,
                "FilterCriteria": {"Filters": [{"Pattern": "{}"}]},
            },
        },
    }
}


def test_scaling_alarms_consumers_and_keys() -> None:
    graph = build_graph(SCALING)

    assert graph.labelled_edges() == {
        ("WorkQueue", "BacklogPolicy", "ApproximateNumberOfMessagesVisible"),
        ("BacklogPolicy", "WorkersASG", "scales"),
        ("StepPolicy", "WorkersASG", "scales"),
        ("WorkQueue", "BacklogAlarm", ""),
        ("BacklogAlarm", "StepPolicy", ""),
        ("BacklogAlarm", "OpsTopic", "ok"),
        ("WorkQueue", "Handler", "batch 10, filtered"),
        ("WorkKey", "WorkQueue", "encrypts"),
    }
    assert graph.nodes["BacklogAlarmFFFF5555"].detail == "ApproximateAgeOfOldestMessage >= 600"
    assert graph.nodes["BacklogPolicyDDDD3333"].detail == "target 100; TargetTrackingScaling"
    # A function nothing feeds (CDK's helper functions) is left out.
    assert "UnrelatedHelper12341234" not in graph.nodes

    without_keys = build_graph(SCALING, include_keys=False)
    assert "WorkKeyBBBB1111" not in without_keys.nodes
    assert ("WorkKey", "WorkQueue") not in without_keys.edge_pairs()


def test_output_is_deterministic_whatever_the_resource_order() -> None:
    items = list(SCALING["Resources"].items())
    random.Random(7).shuffle(items)
    shuffled = {"Resources": dict(items)}
    assert template_to_mermaid(shuffled) == template_to_mermaid(SCALING)
    assert to_dot(build_graph(shuffled)) == to_dot(build_graph(SCALING))


def test_names_ids_and_quoting_are_safe_for_mermaid() -> None:
    assert short_name("JobsQueue24944186") == "JobsQueue"
    assert short_name("Queue") == "Queue"
    assert short_name("Queue4a7e3555") == "Queue4a7e3555"  # CDK hashes are upper-case
    assert mermaid_id("end") == "end_"
    assert mermaid_id("My-Queue.1") == "My_Queue_1"
    template = {
        "Resources": {
            "end": queue(),
            "Src": queue(RedrivePolicy={"deadLetterTargetArn": arn("end"), "maxReceiveCount": 1}),
        }
    }
    text = to_mermaid(build_graph(template), title="t")
    assert 'end_[("end<br/>DLQ")]' in text
    assert 'Src -.->|"after 1 receives"| end_' in text
    assert text.startswith("---\ntitle: t\n---\nflowchart LR\n")
    alarm = {
        "Resources": {
            "A": {
                "Type": "AWS::CloudWatch::Alarm",
                "Properties": {
                    "MetricName": 'm"x',
                    "ComparisonOperator": "GreaterThanThreshold",
                    "Threshold": 1,
                },
            }
        }
    }
    assert 'A[/"A<br/>alarm · m#quot;x #gt; 1"\\]' in to_mermaid(build_graph(alarm))


def test_dot_export_has_the_same_nodes_and_edges() -> None:
    dot = to_dot(build_graph(FANOUT), title="Fan-out")
    assert dot.startswith("digraph topology {")
    assert (
        '"BillingQueue0A1B2C3D" -> "BillingDlqFFFF0000" [label="after 3 receives", style=dashed];'
        in dot
    )
    assert '"BillingDlqFFFF0000" [label="BillingDlq\\nDLQ", shape=cylinder' in dot
    assert dot.count(" -> ") == 4


# --- templates synthesized from constructs_lib --------------------------------------


@pytest.fixture(scope="module")
def synthesized() -> dict[str, Any]:
    stack = Stack(new_app(), "Wiring")
    alerts = sns.Topic(stack, "Alerts")
    orders = SecureQueue(stack, "Orders", alarm_topic=alerts)
    payments = SecureQueue(
        stack,
        "Payments",
        fifo=True,
        queue_name="payments.fifo",
        encryption=sqs.QueueEncryption.KMS,
    )
    topic = sns.Topic(stack, "OrderEvents")
    topic.add_subscription(
        subs.SqsSubscription(
            orders.queue,
            raw_message_delivery=True,
            filter_policy={"kind": sns.SubscriptionFilter.string_filter(allowlist=["created"])},
        )
    )
    rule = events.Rule(stack, "Nightly", schedule=events.Schedule.expression("rate(1 day)"))
    rule.add_target(targets.SqsQueue(orders.queue, dead_letter_queue=orders.dead_letter_queue))
    bucket = s3.Bucket(stack, "Uploads")
    bucket.add_event_notification(
        s3.EventType.OBJECT_CREATED,
        s3n.SqsDestination(orders.queue),
        s3.NotificationKeyFilter(suffix=".csv"),
    )
    handler = lambda_.Function(
        stack,
        "Handler",
        runtime=lambda_.Runtime.PYTHON_3_12,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context): pass"),
        timeout=Duration.seconds(10),
    )
    handler.add_event_source(sources.SqsEventSource(payments.queue, batch_size=5))
    return assertions.Template.from_stack(stack).to_json()  # type: ignore[no-any-return]


def test_secure_queue_wiring_is_drawn(synthesized: dict[str, Any]) -> None:
    graph = build_graph(synthesized)
    edges = graph.labelled_edges()

    assert ("OrdersQueue", "OrdersDeadLetterQueue", "after 5 receives") in edges
    assert ("PaymentsQueue", "PaymentsDeadLetterQueue", "after 5 receives") in edges
    assert ("OrdersQueue", "OrdersOldestMessageAgeAlarm", "") in edges
    assert ("OrdersDeadLetterQueue", "OrdersDeadLetterQueueAlarm", "") in edges
    assert ("OrdersDeadLetterQueueAlarm", "Alerts", "") in edges
    assert ("OrdersOldestMessageAgeAlarm", "Alerts", "") in edges
    assert ("OrderEvents", "OrdersQueue", "raw, filter kind=created") in edges
    assert ("Nightly", "OrdersQueue", "") in edges
    assert ("Nightly", "OrdersDeadLetterQueue", "failed deliveries") in edges
    assert ("Uploads", "OrdersQueue", "ObjectCreated:* suffix=.csv") in edges
    assert ("PaymentsQueue", "Handler", "batch 5") in edges
    assert ("PaymentsKey", "PaymentsQueue", "encrypts") in edges
    assert ("PaymentsKey", "PaymentsDeadLetterQueue", "encrypts") in edges
    kinds = {n.label: (n.kind, n.detail) for n in graph.nodes.values()}
    assert kinds["PaymentsQueue"] == ("queue", "FIFO")
    assert kinds["PaymentsDeadLetterQueue"] == ("dlq", "FIFO")
    assert kinds["Nightly"] == ("rule", "rate(1 day)")
    # CDK's S3-notification helper function feeds nothing and is not drawn.
    assert not any("BucketNotificationsHandler" in label for label in kinds)
