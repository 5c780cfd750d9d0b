"""SP3: an SNS subscription that lets every topic of every account use the queue's key.

In an app without the feature flag
``@aws-cdk/aws-sns-subscriptions:restrictSqsDescryption`` (apps created
before aws-cdk-lib 2.x added it), ``SqsSubscription`` grants
``sns.amazonaws.com`` the queue's customer-managed key with no condition: a
confused deputy. Corrected: the same app with the flag, which scopes the
grant to the topic (``aws:SourceArn``).
"""

from __future__ import annotations

from aws_cdk import App, Stack
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs

from tests.constructs_lib.checks.reproductions import ENV, new_plain_app

RESTRICT_FLAG = "@aws-cdk/aws-sns-subscriptions:restrictSqsDescryption"


def build(*, fixed: bool, outdir: str | None = None) -> App:
    app = new_plain_app(outdir, feature_flags=False)
    if fixed:
        app.node.set_context(RESTRICT_FLAG, True)
    stack = Stack(app, "Sp3", env=ENV)
    key = kms.Key(stack, "BillingKey", enable_key_rotation=True)
    billing = sqs.Queue(
        stack, "Billing", encryption=sqs.QueueEncryption.KMS, encryption_master_key=key
    )
    sns.Topic(stack, "Orders").add_subscription(subscriptions.SqsSubscription(billing))
    return app
