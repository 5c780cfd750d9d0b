"""Use case: buffering traffic spikes.

Producers write into a standard queue as fast as they like; a fleet of EC2
workers drains it at its own pace and grows with the backlog per instance
(AWS's guidance: a message may wait 30 s and takes about 250 ms, so one
instance may have 120 waiting) and with the age of the oldest message.
SSE-SQS, TLS-only, a DLQ after 5 failed receives. Alarms and the group's
launch/terminate notifications go to one `AlarmTopic`.

The workers live in isolated subnets: no internet route at all, AWS APIs
through the VPC endpoints the fleet adds (``vpc_endpoints=True``: SQS and
Auto Scaling interface endpoints open to the workers only; the S3 gateway
endpoint for the code assets and the Amazon Linux repositories).
"""

from __future__ import annotations

from typing import Any

from aws_cdk import CfnResource, Duration, Stack
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from constructs_lib import AlarmTopic, PatternDashboard, QueueWorkerFleet, SecureQueue
from constructs_lib.acknowledgments import LOG_GROUP_SSE, skip_checkov
from stacks._paths import HANDLERS_DIR


class BufferingStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        # Alarms and Auto Scaling notifications for the operators: encrypted,
        # TLS-only, and able to receive both (see AlarmTopic).
        self.operations = AlarmTopic(self, "Operations")
        self.operations_topic = self.operations.topic

        self.jobs = SecureQueue(
            self,
            "Jobs",
            visibility_timeout=Duration.minutes(5),
            alarm_topic=self.operations_topic,
        )
        self.vpc = ec2.Vpc(
            self,
            "Network",
            max_azs=2,
            nat_gateways=0,
            subnet_configuration=[
                ec2.SubnetConfiguration(
                    name="Workers", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=24
                )
            ],
            flow_logs={"FlowLog": ec2.FlowLogOptions(traffic_type=ec2.FlowLogTrafficType.ALL)},
            # Nothing here uses the VPC's default security group (the workers and
            # the endpoints have their own). Restricting it would add a
            # Lambda-backed custom resource (a function, a role, a Node runtime)
            # only to empty a group nobody joins, and one no local test can run.
            restrict_default_security_group=False,
        )
        self.workers = QueueWorkerFleet(
            self,
            "Workers",
            queue=self.jobs,
            vpc=self.vpc,
            handler="jobs_handler:handle",
            handler_code_path=str(HANDLERS_DIR / "jobs"),
            acceptable_latency=Duration.seconds(30),
            average_processing_time=Duration.millis(250),
            max_capacity=20,
            vpc_endpoints=True,
            notifications_topic=self.operations_topic,
            alarm_topic=self.operations_topic,
        )
        self.endpoints = self.workers.vpc_endpoints
        # A fixed-environment stack names its AZs (from cdk.json's context) on
        # purpose, so synth is deterministic and offline: tell cfn-lint so,
        # on these subnets only.
        for subnet in self.vpc.isolated_subnets:
            cfn_subnet = subnet.node.default_child
            assert isinstance(cfn_subnet, CfnResource)
            cfn_subnet.add_metadata("cfn-lint", {"config": {"ignore_checks": ["W3010"]}})
        flow_log_group = self.vpc.node.find_child("FlowLog").node.find_child("LogGroup")
        skip_checkov(flow_log_group, {"CKV_AWS_158": LOG_GROUP_SSE})
        # The jobs queue, the fleet's capacity against its backlog, their alarms.
        self.dashboard = PatternDashboard(self, "Dashboard", patterns=[self.workers])
