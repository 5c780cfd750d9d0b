"""Use case: ordered processing.

Payments of one account must be handled in order and exactly once: a FIFO
queue with content-based deduplication, high-throughput mode (ordering per
message group), a FIFO DLQ, encrypted with a customer-managed KMS key.

A Lambda function consumes it through `LambdaQueueConsumer` with partial
batch responses; its handler (``handlers/payments``) uses Powertools for AWS
Lambda's batch utility. Powertools reaches the function as AWS's public
Lambda layer, whose ARN the stack reads at deploy time from the public SSM
parameter Powertools publishes per version, runtime and architecture — the
same version that the project's dev dependencies pin for the tests.
``-c powertools_layer_version=latest`` (or another version) reads another
parameter: versioned parameters have gone missing in regions before
(powertools-lambda-python #7689), and ``latest`` exists wherever the layer is
published, at the price of running a version the tests did not.
"""

from __future__ import annotations

import re
from typing import Any

from aws_cdk import Acknowledgment, Duration, RemovalPolicy, Stack, Validations
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from constructs_lib import LambdaQueueConsumer, PatternDashboard, SecureQueue, defaults
from constructs_lib.acknowledgments import LOG_GROUP_SSE, skip_checkov
from stacks._paths import HANDLERS_DIR

#: Must equal the aws-lambda-powertools pin in constraints.txt (a test checks).
POWERTOOLS_VERSION = "3.37.0"
PAYMENTS_RUNTIME = lambda_.Runtime.PYTHON_3_14
#: Context key choosing the layer's parameter: a version like ``3.37.0`` or ``latest``.
POWERTOOLS_LAYER_VERSION_CONTEXT = "powertools_layer_version"
_LAYER_VERSION = re.compile(r"latest|\d+\.\d+\.\d+")


def powertools_layer_parameter(version: str = POWERTOOLS_VERSION) -> str:
    """The public SSM parameter holding the layer ARN of ``version`` (or ``latest``)."""
    if _LAYER_VERSION.fullmatch(version) is None:
        raise ValueError(
            f"context {POWERTOOLS_LAYER_VERSION_CONTEXT}={version!r}: must be 'latest' or a "
            "version like 3.37.0 (the last part of /aws/service/powertools/python/...)"
        )
    return f"/aws/service/powertools/python/x86_64/python3.14/{version}"


POWERTOOLS_LAYER_PARAMETER = powertools_layer_parameter()


class OrderedProcessingStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, **kwargs: Any) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.payments = SecureQueue(
            self,
            "Payments",
            fifo=True,
            queue_name="payments.fifo",
            content_based_deduplication=True,
            high_throughput_fifo=True,
            encryption=sqs.QueueEncryption.KMS,
            visibility_timeout=Duration.minutes(1),
        )

        # The function's own log group and role: logs kept 30 days, and the
        # role may write to that group only (no AWS-managed policy).
        self.payments_logs = logs.LogGroup(
            self,
            "PaymentsHandlerLogs",
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.payments_role = iam.Role(
            self,
            "PaymentsHandlerRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Payments handler: its own logs and its queue, nothing else",
        )
        self.payments_logs.grant_write(self.payments_role)
        powertools = lambda_.LayerVersion.from_layer_version_arn(
            self,
            "Powertools",
            ssm.StringParameter.value_for_string_parameter(
                self,
                powertools_layer_parameter(
                    str(
                        self.node.try_get_context(POWERTOOLS_LAYER_VERSION_CONTEXT)
                        or POWERTOOLS_VERSION
                    )
                ),
            ),
        )
        self.payments_handler = lambda_.Function(
            self,
            "PaymentsHandler",
            runtime=PAYMENTS_RUNTIME,
            architecture=lambda_.Architecture.X86_64,
            handler="index.handler",
            code=lambda_.Code.from_asset(
                str(HANDLERS_DIR / "payments"), exclude=defaults.ASSET_EXCLUDES
            ),
            layers=[powertools],
            timeout=Duration.seconds(10),
            memory_size=256,
            role=self.payments_role,
            log_group=self.payments_logs,
            environment={"POWERTOOLS_SERVICE_NAME": "payments"},
        )
        # The function is only ever invoked by the queue's event-source mapping,
        # synchronously: a function DLQ (for asynchronous invocations) would
        # never receive anything; failed payments go to the queue's FIFO DLQ.
        function_dlq_reason = (
            "invoked synchronously by the SQS event-source mapping only; failed "
            "messages reach the payments queue's dead-letter queue through its redrive policy"
        )
        Validations.of(self.payments_handler).acknowledge(
            Acknowledgment(id="Serverless::Serverless-LambdaDLQ", reason=function_dlq_reason),
            Acknowledgment(
                id="Serverless::Serverless-LambdaTracing",
                reason="Powertools logs every batch and failed message id; X-Ray is left "
                "to the user (its permissions have no resource-level scope)",
            ),
        )
        skip_checkov(
            self.payments_handler,
            {
                "CKV_AWS_115": "the event-source mapping's maximum concurrency (5) caps the "
                "function; reserved concurrency fails in new accounts whose limit is 10",
                "CKV_AWS_116": function_dlq_reason,
                "CKV_AWS_117": "talks only to SQS and CloudWatch Logs APIs and takes no inbound "
                "traffic: a VPC would add endpoints or NAT without reducing exposure",
                "CKV_AWS_173": "its one variable is a service name, not a secret; Lambda "
                "encrypts variables at rest",
            },
        )
        skip_checkov(self.payments_logs, {"CKV_AWS_158": LOG_GROUP_SSE})
        self.payments_consumer = LambdaQueueConsumer(
            self,
            "PaymentsConsumer",
            function=self.payments_handler,
            queue=self.payments,
            batch_size=10,
            max_concurrency=5,
        )
        self.dashboard = PatternDashboard(self, "Dashboard", patterns=[self.payments_consumer])
