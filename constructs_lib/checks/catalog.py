"""The rules of SqsPatternChecks: id, what goes wrong, where AWS says so, the fix.

One table for the cdk-nag pack, the command and the README (tests compare
the README's rule table with this one).
"""

from __future__ import annotations

from dataclasses import dataclass

#: The pack's name: rule ids are ``SqsPatterns-SP<n>``; CDK's own acknowledgment
#: form is ``SqsPatterns::SqsPatterns-SP<n>``.
PACK_NAME = "SqsPatterns"

_SQS_KEYS = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html"
_SQS_LEAST_PRIVILEGE = (
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
    "sqs-least-privilege-policy.html"
)
_SQS_DLQ = (
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
    "sqs-dead-letter-queues.html"
)
_SNS_DLQ = "https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html"
_SNS_KEYS = "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html"
_LAMBDA_SQS = "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html"
_LAMBDA_SQS_PARAMETERS = "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html"
_LAMBDA_SQS_SCALING = "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html"
_CONFUSED_DEPUTY = "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html"
_CFN_DELETION_POLICY = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html"
_KMS_PRINCIPALS = "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html"
_ASG_KEY_POLICY = "https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html"
_S3_VALIDATION = "https://repost.aws/knowledge-center/unable-validate-destination-s3"


def _cdk(issue: int) -> str:
    return f"https://github.com/aws/aws-cdk/issues/{issue}"


@dataclass(frozen=True)
class Rule:
    number: int
    #: a short name for tables
    name: str
    #: one line: what goes wrong, in AWS's terms
    explanation: str
    fix: str
    #: the AWS documentation and aws-cdk issues it comes from (first: the main link)
    sources: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{PACK_NAME}-SP{self.number}"


RULES: tuple[Rule, ...] = (
    Rule(
        1,
        "Service producer into a queue on the AWS-managed key",
        "SNS, S3 and EventBridge cannot use alias/aws/sqs (its key policy cannot be changed to "
        "let them): AWS drops every message they send into this queue or dead-letter queue.",
        "Encrypt the queue with SSE-SQS (sqs.QueueEncryption.SQS_MANAGED), or with a "
        "customer-managed key whose policy lets the producing service use it.",
        (_SQS_KEYS, _cdk(19796), _cdk(30549), _cdk(11122)),
    ),
    Rule(
        2,
        "Service producer not allowed by the queue policy or the key policy",
        "The target's queue policy does not allow the producer sqs:SendMessage, or its "
        "customer-managed key policy does not allow kms:GenerateDataKey* and kms:Decrypt: "
        "every delivery fails, with no error anywhere you look.",
        "Allow the service principal in the queue policy and in the key policy, scoped to the "
        "producer (aws:SourceArn) and account (aws:SourceAccount); for a Scheduler target, "
        "grant its execution role.",
        (_SQS_KEYS, _cdk(12120), _cdk(29511), _cdk(33169), _SNS_DLQ),
    ),
    Rule(
        3,
        "Service principal allowed without aws:SourceArn or aws:SourceAccount",
        "Any resource of any account that uses that service can act through the grant "
        "(confused deputy).",
        "Add aws:SourceArn (the producer) or aws:SourceAccount to the statement. Plain CDK apps: "
        "set the feature flags @aws-cdk/aws-sns-subscriptions:restrictSqsDescryption and "
        "@aws-cdk/aws-events:eventsTargetQueueSameAccount. EventBridge on a key policy is "
        "exempt: it sends no source keys to KMS.",
        (_CONFUSED_DEPUTY, _SQS_LEAST_PRIVILEGE),
    ),
    Rule(
        4,
        "Event-source mapping that works against its queue",
        "The queue's visibility timeout is below 6 x the function timeout + batching window "
        "(messages come back while still being processed), partial batch responses are off "
        "(one failure retries the whole batch), a FIFO queue has a batching window, or maximum "
        "concurrency is set with provisioned pollers.",
        "Set the visibility timeout to at least 6 x the function timeout + "
        "MaximumBatchingWindowInSeconds, turn on ReportBatchItemFailures (and return "
        "batchItemFailures), no batching window on FIFO queues, and choose either maximum "
        "concurrency or provisioned mode.",
        (_LAMBDA_SQS, _LAMBDA_SQS_PARAMETERS, _LAMBDA_SQS_SCALING, _cdk(20527)),
    ),
    Rule(
        5,
        "Consumed queue without a working dead-letter queue",
        "A queue read by an event-source mapping or a worker fleet has no DLQ (a poison message "
        "is retried until it expires), or its standard DLQ keeps messages no longer than the "
        "source (moved messages keep their first enqueue time and can expire at once), or the "
        "DLQ's type (FIFO or standard) is not the source's.",
        "Give the queue a RedrivePolicy to a DLQ of its own type that keeps messages longer "
        "than the source does (14 days).",
        (_SQS_DLQ,),
    ),
    Rule(
        6,
        "FIFO/standard mismatch from SNS to SQS",
        "A standard topic cannot deliver to a FIFO queue (SNS refuses the subscription), and "
        "a subscription's dead-letter queue must have its topic's type.",
        "Subscribe FIFO queues to FIFO topics; give a FIFO topic's subscriptions FIFO "
        "dead-letter queues, a standard topic's standard ones.",
        (_SNS_DLQ, "https://docs.aws.amazon.com/sns/latest/dg/sns-fifo-topics.html"),
    ),
    Rule(
        7,
        "Alarm action to a topic CloudWatch cannot publish to",
        "The topic's policy does not let CloudWatch publish (an explicit topic policy replaces "
        "SNS's default one), or CloudWatch cannot use its key (alias/aws/sns, or a customer key "
        "without a CloudWatch statement): the alarm fires and nobody is told.",
        "Allow cloudwatch.amazonaws.com sns:Publish in the topic policy and kms:Decrypt and "
        "kms:GenerateDataKey* in the key policy (scoped with aws:SourceArn/aws:SourceAccount); "
        "never encrypt an alarm topic with alias/aws/sns.",
        (_SNS_KEYS, "https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger"),
    ),
    Rule(
        8,
        "Policy names a principal that may not exist at deploy time",
        "A key or resource policy names a service-linked role, which AWS creates only when the "
        "service first needs it: in a fresh account the policy is refused "
        "(MalformedPolicyDocumentException: invalid principals) and the deploy fails.",
        "Create the service-linked role in the app (AWS::IAM::ServiceLinkedRole, with a "
        "CustomSuffix where the service allows one) and reference it, so CloudFormation creates "
        "it first; or create the role in every account before the first deploy.",
        (_KMS_PRINCIPALS, _ASG_KEY_POLICY),
    ),
    Rule(
        9,
        "Physical name fixed at synth, with DeletionPolicy Retain",
        "Destroying the stack keeps the resource; deploying the stack again then fails, "
        "because the name is taken (AlreadyExists).",
        "Let CloudFormation generate the name (drop the name property), or let the resource go "
        "with its stack (RemovalPolicy.DESTROY; for a bucket, with auto_delete_objects).",
        (_CFN_DELETION_POLICY,),
    ),
    Rule(
        10,
        "S3 notification written before the queue policy that allows it",
        "S3 validates a notification's destination when it is written: unless the bucket (or "
        "CDK's notifications resource) depends on the queue policy that allows "
        "s3.amazonaws.com, the deploy fails (Unable to validate the following destination "
        "configurations), or fails only sometimes.",
        "Make the bucket depend on the queue policy (CDK: "
        'bucket.node.add_dependency(queue.node.find_child("Policy"))); CDK\'s '
        "add_event_notification does it for you.",
        (_S3_VALIDATION, _cdk(3067), _cdk(5991)),
    ),
)

RULES_BY_ID = {rule.id: rule for rule in RULES}


def rule(number: int) -> Rule:
    return RULES[number - 1]
