"""Runtime-test synthesized CDK stacks in moto: deploy, check every resource, exercise.

Deploy the *synthesized* template (what CloudFormation would receive), not
resources recreated by hand, then talk to it with boto3::

    from aws_cdk.assertions import Template
    from moto import mock_aws
    from constructs_lib.testing import deploy_template, logical_id_of

    template = Template.from_stack(stack).to_json()       # or cdk.out/<Stack>.template.json
    with mock_aws():
        deployed = deploy_template(template)
        url = deployed.physical_id(logical_id_of(orders.queue))
        deployed.client("sqs").send_message(QueueUrl=url, MessageBody="hi")

The same call works against a moto server of this process
(``ThreadedMotoServer(ip_address="127.0.0.1", port=0)``) with
``endpoint_url="http://127.0.0.1:<port>"``. Any other target is refused.

Importing this package needs the ``testing`` extra (moto, boto3: a
one-line `MissingExtraError` names it otherwise) and changes nothing in moto.
What changes moto is activated explicitly, and undone on deactivation
(`constructs_lib.testing.activation`):

- the CloudFormation adapters (`constructs_lib.testing.adapters`):
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
  (`constructs_lib.testing.strict`, activated explicitly: ``strict_account()``
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
`deactivate_adapters`; how to add an adapter: `constructs_lib.testing.adapters`),
and the strict account: `strict_account`, `StrictAccount`, `Drop`
(`constructs_lib.testing.strict`; pytest: `constructs_lib.testing.pytest_plugin`).
"""

from __future__ import annotations

from constructs_lib._extras import TESTING_MODULES, require_extra

require_extra("constructs_lib.testing", "testing", TESTING_MODULES)

from constructs_lib.testing._moto_version import (  # noqa: E402  (after the extra check)
    SUPPORTED_MOTO_VERSIONS,
    TESTED_MOTO_VERSION,
    MotoVersionError,
    check_moto_version,
)
from constructs_lib.testing.adapters import (  # noqa: E402
    activate_adapters,
    adapters_active,
    deactivate_adapters,
    moto_adapters,
)
from constructs_lib.testing.deploy import (  # noqa: E402
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
from constructs_lib.testing.deployed_stack import DeployedStack, StackResource  # noqa: E402
from constructs_lib.testing.queues import (  # noqa: E402
    drain,
    poison_until_dead_lettered,
    queue_attributes,
    receive_all,
)
from constructs_lib.testing.strict import Drop, StrictAccount, strict_account  # noqa: E402

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
