"""Runtime-test synthesized CDK stacks in moto: deploy, check every resource, exercise.

Deploy the *synthesized* template (what CloudFormation would receive), not
resources recreated by hand, then talk to it with boto3::

    from aws_cdk.assertions import Template
    from moto import mock_aws
    from constructs_lib_testing import deploy_template, logical_id_of

    template = Template.from_stack(stack).to_json()       # or cdk.out/<Stack>.template.json
    with mock_aws():
        deployed = deploy_template(template)
        url = deployed.physical_id(logical_id_of(orders.queue))
        deployed.client("sqs").send_message(QueueUrl=url, MessageBody="hi")

The same call works against a moto server of this process
(``ThreadedMotoServer(ip_address="127.0.0.1", port=0)``) with
``endpoint_url="http://127.0.0.1:<port>"``. Any other target is refused.

This is the distribution ``constructs-lib-testing`` (its version:
`__version__`; its moto range: `SUPPORTED_MOTO_VERSIONS`), which
``pip install 'constructs-lib[testing]'`` installs; ``constructs_lib.testing``
is its deprecated old name. Importing it changes nothing in moto, and
imports neither moto nor boto3 until a name of it is used. What changes moto
is activated explicitly, and undone on deactivation
(`constructs_lib_testing.activation`):

- the CloudFormation adapters (`constructs_lib_testing.adapters`):
  ``with moto_adapters():``, `activate_adapters`/`deactivate_adapters`;
  `deploy_template` activates them when nothing did, `LocalAccount` while
  its server runs, the pytest plugin's fixtures for one test. Activation
  checks that moto is within the tested range (`SUPPORTED_MOTO_VERSIONS`;
  `MotoVersionError` otherwise);
- the strict account: ``with strict_account():`` or the plugin's fixture;
- Auto Scaling lifecycle hooks: ``with scale_in_with_lifecycle_hooks():``.

Where moto 5.2.5 differs from AWS, and what this package does about it:

- **Silently skipped resource types.** moto's CloudFormation creates nothing
  for ``AWS::SQS::QueuePolicy``, ``AWS::CloudWatch::Alarm``,
  ``AWS::SNS::Subscription``, ``AWS::SNS::TopicPolicy``,
  ``AWS::S3::BucketPolicy``, ``AWS::Scheduler::Schedule``,
  ``AWS::AutoScaling::ScalingPolicy``, ``AWS::CDK::Metadata``, yet reports
  CREATE_COMPLETE. Adapters (models moto's CloudFormation uses while active)
  realize every one of them (docs/testing.md lists each adapter); `deploy_template` then
  checks that every resource of the template is in the stack and that every
  adapted resource really exists, and raises `ResourceVerificationError`
  naming the logical ids and types otherwise. It never passes silently.
- **S3 bucket properties**: moto ignores ``NotificationConfiguration``,
  ``VersioningConfiguration`` and ``PublicAccessBlockConfiguration``; the
  adapters apply them (`adapters.s3_bucket_properties`).
- **Policies are stored, not enforced** by moto. The strict account
  (`constructs_lib_testing.strict`, activated explicitly: ``strict_account()``
  or the pytest plugin's fixture) judges every service delivery by the
  target's resource and key policies, refuses key and trust policies naming
  absent IAM entities, and evaluates alarms when its clock is advanced. Direct
  API calls of a test are still not checked against policies.
- **Alarms never evaluate** in moto itself: `StrictAccount.advance` does it.
- **Unnamed FIFO queue**: AWS generates ``<stack>-<id>-<suffix>.fifo``; moto
  generates the name without ``.fifo`` and rejects it. A fix of moto's queue
  model adds the suffix (`adapters.sqs_fifo_queue_name`).
- **KMS key from a template**: moto stores ``KeyPolicy`` as a dict and then
  ``describe_key``/``get_key_policy`` crash; a fix of moto's key model
  stores it as JSON text, as AWS does (`adapters.kms_key_policy`).
- **CDK bootstrap version**: CDK templates have a parameter reading the SSM
  parameter ``/cdk-bootstrap/hnb659fds/version``, which ``cdk bootstrap``
  creates in AWS; moto fails the stack without it. `deploy_template` writes
  ``CDK_BOOTSTRAP_VERSION`` there when absent. moto ignores the template's
  ``Rules`` (``CheckBootstrapVersion``) altogether.
- **CDKMetadata** (added by the CLI, absent from ``Template.from_stack``):
  realized as the inert resource it is in AWS.
- **SQS details**: FIFO deduplication works only while the first copy is still
  in the queue (AWS: for 5 minutes, even after it is deleted), and
  ``DeduplicationScope`` is ignored; ``RedriveAllowPolicy`` is neither returned
  nor enforced; ``SqsManagedSseEnabled`` reads ``true`` even on a queue
  encrypted with a KMS key; ``set_queue_attributes`` without ``Policy``
  clears a queue's policy (AWS keeps it).
- **Stack events** hold only the stack's own events (no per-resource events),
  and a resource that fails to create makes ``create_stack`` itself fail: the
  `DeploymentError` then carries moto's error message.

Public API: `deploy_template`, `DeployedStack`, `StackResource`,
`logical_id_of`, `load_template`, `verify_resources`,
`ensure_bootstrap_version`, the queue helpers `receive_all`, `drain`,
`poison_until_dead_lettered` and `queue_attributes`, the errors `DeploymentError`,
`ResourceVerificationError`, `UnsafeTargetError`, `MotoVersionError`, the
adapters' activation (`moto_adapters`, `activate_adapters`,
`deactivate_adapters`; how to add an adapter: `constructs_lib_testing.adapters`),
and the strict account: `strict_account`, `StrictAccount`, `Drop`
(`constructs_lib_testing.strict`; pytest: `constructs_lib_testing.pytest_plugin`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from constructs_lib_testing._version import __version__ as __version__

if TYPE_CHECKING:
    from constructs_lib_testing._moto_version import (
        SUPPORTED_MOTO_VERSIONS,
        TESTED_MOTO_VERSION,
        MotoVersionError,
        check_moto_version,
    )
    from constructs_lib_testing.adapters import (
        activate_adapters,
        adapters_active,
        deactivate_adapters,
        moto_adapters,
    )
    from constructs_lib_testing.deploy import (
        CDK_BOOTSTRAP_VERSION,
        DEFAULT_REGION,
        DEFAULT_STACK_NAME,
        DEFAULT_TIMEOUT_SECONDS,
        DeploymentError,
        ResourceVerificationError,
        UnsafeTargetError,
        deploy_template,
        ensure_bootstrap_version,
        load_template,
        logical_id_of,
        verify_resources,
    )
    from constructs_lib_testing.deployed_stack import (
        DeployedStack,
        StackResource,
    )
    from constructs_lib_testing.queues import (
        drain,
        poison_until_dead_lettered,
        queue_attributes,
        receive_all,
    )
    from constructs_lib_testing.strict import (
        Drop,
        StrictAccount,
        strict_account,
    )

#: Public name -> module that defines it, imported when the name is first used
#: (PEP 562): the pytest plugin, loaded in every run of a project that installs
#: the kit, imports this package; moto and boto3 wait until a name is used.
_LAZY = {
    "SUPPORTED_MOTO_VERSIONS": "constructs_lib_testing._moto_version",
    "TESTED_MOTO_VERSION": "constructs_lib_testing._moto_version",
    "MotoVersionError": "constructs_lib_testing._moto_version",
    "check_moto_version": "constructs_lib_testing._moto_version",
    "activate_adapters": "constructs_lib_testing.adapters",
    "adapters_active": "constructs_lib_testing.adapters",
    "deactivate_adapters": "constructs_lib_testing.adapters",
    "moto_adapters": "constructs_lib_testing.adapters",
    "CDK_BOOTSTRAP_VERSION": "constructs_lib_testing.deploy",
    "DEFAULT_REGION": "constructs_lib_testing.deploy",
    "DEFAULT_STACK_NAME": "constructs_lib_testing.deploy",
    "DEFAULT_TIMEOUT_SECONDS": "constructs_lib_testing.deploy",
    "DeploymentError": "constructs_lib_testing.deploy",
    "ResourceVerificationError": "constructs_lib_testing.deploy",
    "UnsafeTargetError": "constructs_lib_testing.deploy",
    "deploy_template": "constructs_lib_testing.deploy",
    "ensure_bootstrap_version": "constructs_lib_testing.deploy",
    "load_template": "constructs_lib_testing.deploy",
    "logical_id_of": "constructs_lib_testing.deploy",
    "verify_resources": "constructs_lib_testing.deploy",
    "DeployedStack": "constructs_lib_testing.deployed_stack",
    "StackResource": "constructs_lib_testing.deployed_stack",
    "drain": "constructs_lib_testing.queues",
    "poison_until_dead_lettered": "constructs_lib_testing.queues",
    "queue_attributes": "constructs_lib_testing.queues",
    "receive_all": "constructs_lib_testing.queues",
    "Drop": "constructs_lib_testing.strict",
    "StrictAccount": "constructs_lib_testing.strict",
    "strict_account": "constructs_lib_testing.strict",
}

__all__ = [
    "CDK_BOOTSTRAP_VERSION",
    "DEFAULT_REGION",
    "DEFAULT_STACK_NAME",
    "DEFAULT_TIMEOUT_SECONDS",
    "SUPPORTED_MOTO_VERSIONS",
    "TESTED_MOTO_VERSION",
    "DeployedStack",
    "DeploymentError",
    "Drop",
    "MotoVersionError",
    "ResourceVerificationError",
    "StackResource",
    "StrictAccount",
    "UnsafeTargetError",
    "activate_adapters",
    "adapters_active",
    "check_moto_version",
    "deactivate_adapters",
    "deploy_template",
    "drain",
    "ensure_bootstrap_version",
    "load_template",
    "logical_id_of",
    "moto_adapters",
    "poison_until_dead_lettered",
    "queue_attributes",
    "receive_all",
    "strict_account",
    "verify_resources",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # once imported, an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
