from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_plus

import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs

from constructs_lib_testing import deploy_template, logical_id_of
from constructs_lib_testing.adapters import ADAPTERS, s3_bucket_properties
from tests.constructs_lib_testing.support import new_stack, template_of


@pytest.fixture(scope="module")
def stack() -> tuple[dict[str, Any], dict[str, str]]:
    s = new_stack()
    queue = sqs.Queue(s, "Queue")
    bucket = s3.Bucket(s, "Bucket")
    cfn = bucket.node.default_child
    assert isinstance(cfn, s3.CfnBucket)
    # S3 may send only what the queue policy allows (AWS checks it when the
    # configuration is written, hence the dependency); scoped by account, as the
    # bucket's ARN would close a cycle.
    queue.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal("s3.amazonaws.com")],
            actions=["sqs:SendMessage"],
            resources=[queue.queue_arn],
            conditions={"StringEquals": {"aws:SourceAccount": s.account}},
        )
    )
    policy = queue.node.find_child("Policy").node.default_child
    assert isinstance(policy, sqs.CfnQueuePolicy)
    cfn.add_dependency(policy)
    cfn.notification_configuration = s3.CfnBucket.NotificationConfigurationProperty(
        queue_configurations=[
            s3.CfnBucket.QueueConfigurationProperty(
                event="s3:ObjectCreated:*",
                queue=queue.queue_arn,
                filter=s3.CfnBucket.NotificationFilterProperty(
                    s3_key=s3.CfnBucket.S3KeyFilterProperty(
                        rules=[s3.CfnBucket.FilterRuleProperty(name="prefix", value="in/")]
                    )
                ),
            )
        ]
    )
    return template_of(s), {"bucket": logical_id_of(bucket), "queue": logical_id_of(queue)}


def test_the_fix_is_registered() -> None:
    assert s3_bucket_properties.ADAPTER in ADAPTERS


def test_conversion_to_motos_shape() -> None:
    converted = s3_bucket_properties.moto_notification_config(
        {
            "QueueConfigurations": [
                {
                    "Event": "s3:ObjectCreated:*",
                    "Queue": "arn:aws:sqs:us-east-1:123456789012:q",
                    "Filter": {"S3Key": {"Rules": [{"Name": "suffix", "Value": ".csv"}]}},
                }
            ],
            "EventBridgeConfiguration": {"EventBridgeEnabled": True},
        }
    )
    assert converted == {
        "QueueConfiguration": [
            {
                "Queue": "arn:aws:sqs:us-east-1:123456789012:q",
                "Event": ["s3:ObjectCreated:*"],
                "Filter": {"S3Key": {"FilterRule": [{"Name": "suffix", "Value": ".csv"}]}},
            }
        ],
        "EventBridgeConfiguration": {},
    }


def test_bucket_notifies_the_queue_for_matching_keys(moto: None, stack: Any) -> None:
    template, ids = stack
    deployed = deploy_template(template)
    bucket = deployed.physical_id(ids["bucket"])
    config = deployed.client("s3").get_bucket_notification_configuration(Bucket=bucket)
    (queue_config,) = config["QueueConfigurations"]
    assert queue_config["Events"] == ["s3:ObjectCreated:*"]

    queue_url = deployed.physical_id(ids["queue"])
    sqs_client = deployed.client("sqs")
    # S3 (AWS and moto alike) sends a test event when the configuration is set.
    (test_event,) = sqs_client.receive_message(QueueUrl=queue_url, WaitTimeSeconds=0)["Messages"]
    assert json.loads(test_event["Body"])["Event"] == "s3:TestEvent"
    sqs_client.delete_message(QueueUrl=queue_url, ReceiptHandle=test_event["ReceiptHandle"])

    deployed.client("s3").put_object(Bucket=bucket, Key="out/x.csv", Body=b"no")
    deployed.client("s3").put_object(Bucket=bucket, Key="in/x.csv", Body=b"yes")
    (message,) = sqs_client.receive_message(
        QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
    )["Messages"]
    (record,) = json.loads(message["Body"])["Records"]
    assert unquote_plus(record["s3"]["object"]["key"]) == "in/x.csv"


def test_bucket_without_notifications_is_plain(moto: None) -> None:
    s = new_stack()
    bucket = s3.Bucket(s, "Plain")
    deployed = deploy_template(template_of(s))
    config = deployed.client("s3").get_bucket_notification_configuration(
        Bucket=deployed.physical_id(logical_id_of(bucket))
    )
    assert "QueueConfigurations" not in config


def test_versioning_and_public_access_block_are_applied(moto: None) -> None:
    s = new_stack()
    bucket = s3.Bucket(
        s, "Secure", versioned=True, block_public_access=s3.BlockPublicAccess.BLOCK_ALL
    )
    deployed = deploy_template(template_of(s))
    name = deployed.physical_id(logical_id_of(bucket))
    s3_client = deployed.client("s3")
    assert s3_client.get_bucket_versioning(Bucket=name)["Status"] == "Enabled"
    block = s3_client.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
    assert block == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
