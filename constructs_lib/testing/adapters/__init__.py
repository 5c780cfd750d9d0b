"""Realizes, inside moto, the CloudFormation resource types moto 5.2.5 skips.

Importing this package registers every module below with moto's
CloudFormation (see `_base.register_model`), for ``mock_aws()``, a
``ThreadedMotoServer`` and the CDK CLI deploying into that server alike.

Registered now:

============================  ==========================================  =====================
type                          realized as                                  module
============================  ==========================================  =====================
``AWS::SQS::QueuePolicy``     ``Policy`` attribute of each queue           `sqs_queue_policy`
``AWS::CloudWatch::Alarm``    ``put_metric_alarm`` (never evaluated)       `cloudwatch_alarm`
``AWS::CDK::Metadata``        inert, like in AWS                           `cdk_metadata`
``AWS::SQS::Queue`` (FIFO)    override: generated name ends in ``.fifo``   `sqs_fifo_queue_name`
``AWS::KMS::Key``             override: ``KeyPolicy`` stored as JSON text   `kms_key_policy`
``AWS::SNS::Subscription``    ``subscribe`` + attributes (filter, raw)     `sns_subscription`
``AWS::SNS::TopicPolicy``     ``Policy`` attribute of each topic           `sns_topic_policy`
``AWS::S3::BucketPolicy``     ``put_bucket_policy``                        `s3_bucket_policy`
``AWS::Scheduler::Schedule``  ``create_schedule`` (stored, never fires)    `scheduler_schedule`
``AWS::S3::Bucket``           override: notifications, versioning, BPA    `s3_bucket_properties`
``AWS::Events::EventBus``     override: ``Ref`` gives the bus name         `events_event_bus`
============================  ==========================================  =====================

Also registered, for the consumer stacks:

- ``AWS::AutoScaling::ScalingPolicy``: ``put_scaling_policy`` (stored, never
  scales); ``Ref`` is the policy ARN (`autoscaling_scaling_policy`);
- ``AWS::AutoScaling::LifecycleHook``: ``create_lifecycle_hook``; no lifecycle
  runs in moto, which has no ``CompleteLifecycleAction`` (`autoscaling_lifecycle_hook`);
- ``AWS::EC2::SecurityGroupEgress``: ``authorize_security_group_egress``
  (`ec2_security_group_egress`);
- overrides so ``AWS::EC2::VPCEndpoint``, ``FlowLog`` and ``RouteTable`` are
  deleted with their stack (moto leaves them, and the VPC then cannot go):
  `ec2_vpc_teardown`.

Patched (no resource type involved): UpdateStack's ``UsePreviousValue`` for a
parameter that took its default keeps the resolved value, as in AWS
(`cloudformation_update_parameters`; without it every CDK CLI update of a
stack is silently lost); an update of a type moto cannot update raises
`cloudformation_update_unsupported.UnsupportedUpdateError` instead of
dropping the resource from the stack.

Still skipped by moto (a template using them fails the post-deploy check,
naming them): ``Custom::*`` resources (their Lambda handlers need
Docker).

Adding a type (one module, one import line, one test):

1. Create ``adapters/<service>_<type>.py`` with a class
   ``class SnsSubscription(AdapterModel, CloudFormationModel)`` decorated with
   ``@register_model``; set ``CFN_TYPE`` (and ``NAME_PROPERTY`` /
   ``CFN_ATTRIBUTES`` when the type has a name property or ``Fn::GetAtt``
   attributes); implement ``apply`` (create it in moto's backend from
   ``self.properties``, intrinsics already resolved), ``remove`` and the
   classmethod ``verify`` (check it through ``deployed.client(...)``; return
   problems). `sqs_queue_policy` is the model to copy.
2. Import the module below.
3. Add ``tests/constructs_lib/testing/adapters/test_<module>.py``: deploy a
   small synthesized template using the type, assert the real effect through
   boto3, and assert that ``verify`` reports a broken resource.
"""

from __future__ import annotations

from constructs_lib.testing.adapters import (
    autoscaling_lifecycle_hook,
    autoscaling_scaling_policy,
    cdk_metadata,
    cloudformation_update_parameters,
    cloudformation_update_unsupported,
    cloudwatch_alarm,
    ec2_security_group_egress,
    ec2_vpc_teardown,
    events_event_bus,
    kms_key_policy,
    s3_bucket_policy,
    s3_bucket_properties,
    scheduler_schedule,
    sns_subscription,
    sns_topic_policy,
    sqs_fifo_queue_name,
    sqs_queue_policy,
)
from constructs_lib.testing.adapters._base import (
    ADAPTERS,
    REGISTERED_MODELS,
    AdapterModel,
    AdapterRegistrationError,
    register_model,
)

__all__ = [
    "ADAPTERS",
    "REGISTERED_MODELS",
    "AdapterModel",
    "AdapterRegistrationError",
    "autoscaling_lifecycle_hook",
    "autoscaling_scaling_policy",
    "cdk_metadata",
    "cloudformation_update_parameters",
    "cloudformation_update_unsupported",
    "cloudwatch_alarm",
    "ec2_security_group_egress",
    "ec2_vpc_teardown",
    "events_event_bus",
    "kms_key_policy",
    "register_model",
    "s3_bucket_policy",
    "s3_bucket_properties",
    "scheduler_schedule",
    "sns_subscription",
    "sns_topic_policy",
    "sqs_fifo_queue_name",
    "sqs_queue_policy",
]
