"""The rules of SqsPatternChecks: id, severity, what goes wrong, where AWS says so, the fix.

One table for the cdk-nag pack, the command and docs/cli/check.md (tests
compare that page's rule table with this one). As in cdk-nag's packs, the table
holds each rule's wording and level; a rule's check (``*_rules.py``) only
says what it found and which of the rule's remedies fit that finding.

Severity, one per id:

- ``error``: AWS documents a loss of messages, a refusal or a failed deploy
  for what the template shows;
- ``advisory``: the risk depends on code or intent the template does not show
  (a handler that never fails needs no partial batch responses).

A rule that would need both levels is two ids (SP12 and SP13).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

#: The pack's name: rule ids are ``SqsPatterns-SP<n>``; CDK's own acknowledgment
#: form is ``SqsPatterns::SqsPatterns-SP<n>``.
PACK_NAME = "SqsPatterns"

Severity = Literal["error", "advisory"]
ERROR: Severity = "error"
ADVISORY: Severity = "advisory"

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
_LAMBDA_SQS_ERRORS = "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html"
_LAMBDA_SQS_PARAMETERS = "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html"
_LAMBDA_SQS_SCALING = "https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html"
_LAMBDA_SQS_RETRIES = "https://docs.aws.amazon.com/lambda/latest/operatorguide/sqs-retries.html"
_CONFUSED_DEPUTY = "https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html"
_CFN_DELETION_POLICY = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html"
_KMS_PRINCIPALS = "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html"
_ASG_KEY_POLICY = "https://docs.aws.amazon.com/autoscaling/ec2/userguide/key-policy-requirements-EBS-encryption.html"
_S3_VALIDATION = "https://repost.aws/knowledge-center/unable-validate-destination-s3"
_EVENTS_RETRY = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html"
_EVENTS_DLQ = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html"
_SCHEDULER_DLQ = (
    "https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html"
)
_EC2_METADATA_TAGS = (
    "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/work-with-tags-in-IMDS.html"
)
_CLOUDWATCH_ACTIONS = (
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html"
)
_ASG_NOTIFICATIONS = (
    "https://docs.aws.amazon.com/autoscaling/ec2/userguide/ASGettingNotifications.html"
)


def _cdk(issue: int) -> str:
    return f"https://github.com/aws/aws-cdk/issues/{issue}"


@dataclass(frozen=True)
class Rule:
    number: int
    severity: Severity
    #: a short name for tables: says what is wrong
    name: str
    #: one line: what goes wrong, in AWS's terms
    explanation: str
    #: the fix in general (printed when no remedy of `remedies` was picked)
    fix: str
    #: the AWS documentation and aws-cdk issues it comes from (first: the main link)
    sources: tuple[str, ...]
    #: the rule's remedies by cause: a finding names those that fit it
    remedies: Mapping[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{PACK_NAME}-SP{self.number}"

    def fix_for(self, remedies: tuple[str, ...]) -> str:
        """The fix text of a finding: its remedies, or the general fix."""
        return " ".join(self.remedies[key] for key in remedies) if remedies else self.fix


#: Remedy keys of SP3, by where the unscoped statement came from.
SP3_SUBSCRIPTION_KEY = "sns-subscription-key"
SP3_EVENTS_TARGET_QUEUE = "events-target-queue"
SP3_S3_DESTINATION_KEY = "s3-destination-key"
SP3_SERVICE_PRINCIPAL = "service-principal"
SP3_KEY_POLICY_EVENTBRIDGE = "key-policy-eventbridge"
#: Remedy keys of SP4, one per cause.
SP4_VISIBILITY = "visibility"
SP4_FIFO_WINDOW = "fifo-window"
SP4_SCALING_MODES = "scaling-modes"
#: Remedy keys of SP16.
SP16_RULE = "rule"
SP16_SCHEDULE = "schedule"
#: Remedy keys of SP17.
SP17_RENAME = "rename"

RULES: tuple[Rule, ...] = (
    Rule(
        1,
        ERROR,
        "Service producer into a queue on the AWS-managed key",
        "SNS, S3 and EventBridge cannot use alias/aws/sqs (its key policy cannot be changed to "
        "let them): AWS drops every message they send into this queue or dead-letter queue.",
        "Encrypt the queue with SSE-SQS (sqs.QueueEncryption.SQS_MANAGED), or with a "
        "customer-managed key whose policy lets the producing service use it.",
        (_SQS_KEYS, _cdk(19796), _cdk(30549), _cdk(11122)),
    ),
    Rule(
        2,
        ERROR,
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
        ADVISORY,
        "Service principal allowed without aws:SourceArn or aws:SourceAccount",
        "Any resource of any account that uses that service can act through the grant "
        "(confused deputy). AWS recommends the source keys; nothing is lost or refused "
        "without them, so this is an advisory.",
        "Add aws:SourceArn (the producer) or aws:SourceAccount to the statement's condition.",
        (_CONFUSED_DEPUTY, _SQS_LEAST_PRIVILEGE),
        {
            SP3_SUBSCRIPTION_KEY: "This is SqsSubscription's key grant: set the feature flag "
            "@aws-cdk/aws-sns-subscriptions:restrictSqsDescryption (cdk.json's context), which "
            "scopes it to the topic (aws:SourceArn).",
            SP3_EVENTS_TARGET_QUEUE: "This is targets.SqsQueue's grant on a queue with a "
            "customer-managed key. The flag @aws-cdk/aws-events:eventsTargetQueueSameAccount "
            "would add aws:SourceAccount here, but also to the key's statement for EventBridge, "
            "which fails its deliveries (SqsPatterns-SP18). Encrypt the queue with SSE-SQS "
            "instead (targets.SqsQueue then scopes the grant to the rule, aws:SourceArn), or "
            "write the queue policy statement yourself with aws:SourceArn = the rule's ARN.",
            SP3_S3_DESTINATION_KEY: "This is s3_notifications.SqsDestination's key grant: it "
            "carries no condition, and no feature flag changes it. Give S3 a key statement of "
            "its own (kms:GenerateDataKey and kms:Decrypt for s3.amazonaws.com, scoped with "
            "aws:SourceAccount, and with aws:SourceArn = the bucket's ARN unless the bucket is "
            "encrypted with this same key, which makes that a dependency cycle), and keep "
            "SqsDestination's out: give it the queue imported without its key "
            "(sqs.Queue.from_queue_attributes), and write the queue policy statement and the "
            "bucket's dependency on it (SqsPatterns-SP10) yourself.",
            SP3_SERVICE_PRINCIPAL: "Add aws:SourceArn (the producer) or aws:SourceAccount to "
            "the statement. A grant_*() or add_to_resource_policy() to a bare ServicePrincipal "
            "writes no condition, and no feature flag adds one: write the conditions into the "
            "principal, iam.ServicePrincipal(service, conditions="
            '{"ArnEquals": {"aws:SourceArn": <producer ARN>}, '
            '"StringEquals": {"aws:SourceAccount": <account>}}).',
            SP3_KEY_POLICY_EVENTBRIDGE: "Leave the key's EventBridge statement as it is: "
            "EventBridge sends no source keys to KMS (SqsPatterns-SP18).",
        },
    ),
    Rule(
        4,
        ERROR,
        "Event-source mapping that works against its queue",
        "The queue's visibility timeout is below 6 x the function timeout + batching window "
        "(messages come back while Lambda still retries a throttled batch; below the function "
        "timeout Lambda refuses the mapping), a FIFO queue has a batching window (Lambda: "
        '"Batching window is not supported for FIFO queues"), or maximum concurrency is set '
        "with provisioned pollers.",
        "Set the queue's visibility timeout to at least 6 x the function timeout + "
        "MaximumBatchingWindowInSeconds.",
        (_LAMBDA_SQS, _LAMBDA_SQS_PARAMETERS, _LAMBDA_SQS_SCALING, _cdk(20527)),
        {
            SP4_VISIBILITY: "Set the queue's visibility timeout to at least 6 x the function "
            "timeout + MaximumBatchingWindowInSeconds.",
            SP4_FIFO_WINDOW: "Remove the batching window (max_batching_window) from the "
            "mapping of a FIFO queue.",
            SP4_SCALING_MODES: "Choose maximum concurrency or provisioned mode, not both.",
        },
    ),
    Rule(
        5,
        ERROR,
        "Consumed queue without a dead-letter queue",
        "A queue read by an event-source mapping or a worker fleet has no dead-letter queue: a "
        "message that always fails is received again and again until its retention period "
        "ends, and SQS then deletes it (for FIFO, it blocks its message group until then).",
        "Give the queue a RedrivePolicy (sqs.DeadLetterQueue) to a dead-letter queue of its "
        "own type that keeps messages longer than the queue does (14 days).",
        (_SQS_DLQ, _LAMBDA_SQS_RETRIES, _LAMBDA_SQS),
    ),
    Rule(
        6,
        ERROR,
        "FIFO/standard mismatch from SNS to SQS",
        "A standard topic cannot deliver to a FIFO queue (SNS refuses the subscription), and "
        "a subscription's dead-letter queue must have its topic's type.",
        "Subscribe FIFO queues to FIFO topics; give a FIFO topic's subscriptions FIFO "
        "dead-letter queues, a standard topic's standard ones.",
        (_SNS_DLQ, "https://docs.aws.amazon.com/sns/latest/dg/sns-fifo-topics.html"),
    ),
    Rule(
        7,
        ERROR,
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
        ERROR,
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
        ERROR,
        "Physical name fixed at synth, with DeletionPolicy Retain",
        "Destroying the stack keeps the resource; deploying the stack again then fails, "
        "because the name is taken (AlreadyExists).",
        "Let CloudFormation generate the name (drop the name property), or let the resource go "
        "with its stack (RemovalPolicy.DESTROY; for a bucket, with auto_delete_objects).",
        (_CFN_DELETION_POLICY,),
    ),
    Rule(
        10,
        ERROR,
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
    Rule(
        11,
        ADVISORY,
        "Partial batch responses off on a Lambda event-source mapping",
        "Without ReportBatchItemFailures, one failed message makes the whole batch visible "
        "again and every message in it is processed again. Whether the handler ever fails, "
        "and whether it returns batchItemFailures, is in its code, which the template does "
        "not show.",
        "Turn on ReportBatchItemFailures (SqsEventSource(report_batch_item_failures=True)) "
        "and return batchItemFailures from the handler; or acknowledge the finding for a "
        "handler that cannot fail.",
        (_LAMBDA_SQS_ERRORS, _LAMBDA_SQS),
    ),
    Rule(
        12,
        ERROR,
        "Lambda-consumed queue dead-letters on the first failed receive (maxReceiveCount 1)",
        "The Lambda developer guide: \"Set the maxReceiveCount on the source queue's redrive "
        'policy to at least 5", so that throttling does not send messages to the dead-letter '
        "queue. At 1, a batch Lambda receives while the function is throttled, or that fails "
        "once, goes to the dead-letter queue unprocessed, with no retry.",
        "Set the redrive policy's maxReceiveCount to at least 5 "
        "(sqs.DeadLetterQueue(max_receive_count=5)).",
        (_LAMBDA_SQS, _LAMBDA_SQS_RETRIES),
    ),
    Rule(
        13,
        ADVISORY,
        "Lambda-consumed queue with maxReceiveCount below 5",
        "The Lambda developer guide: \"Set the maxReceiveCount on the source queue's redrive "
        'policy to at least 5". From 2 to 4, a burst of throttling can still move messages to '
        "the dead-letter queue unprocessed; how often depends on the function's concurrency "
        "and traffic, which the template does not show.",
        "Set the redrive policy's maxReceiveCount to at least 5 "
        "(sqs.DeadLetterQueue(max_receive_count=5)).",
        (_LAMBDA_SQS, _LAMBDA_SQS_RETRIES),
    ),
    Rule(
        14,
        ERROR,
        "Dead-letter queue keeps messages no longer than its source queue",
        "A standard queue's message keeps its first enqueue time when SQS moves it to the "
        "dead-letter queue, so one moved late in its life expires there at once, or soon "
        "after (SQS developer guide: set the dead-letter queue's retention longer than the "
        "source's).",
        "Set the dead-letter queue's retention period longer than the source queue's "
        "(retention_period=Duration.days(14), SQS's maximum).",
        (_SQS_DLQ,),
    ),
    Rule(
        15,
        ERROR,
        "Dead-letter queue of the other type (FIFO or standard)",
        "SQS requires a FIFO queue's dead-letter queue to be FIFO and a standard queue's to be "
        "standard: the redrive policy is refused.",
        "Give the queue a dead-letter queue of its own type.",
        (_SQS_DLQ,),
    ),
    Rule(
        16,
        ADVISORY,
        "SQS target of an EventBridge rule or a Scheduler schedule without a dead-letter queue",
        "EventBridge: \"If an event isn't delivered after all retry attempts are exhausted, the "
        'event is dropped." Scheduler likewise keeps a failed invocation only in a '
        "dead-letter queue. Whether deliveries fail (throttling, a key or policy changed "
        "later, the queue deleted) is not in the template.",
        "Give the target a dead-letter queue (standard SQS) and let the service send to it.",
        (_EVENTS_RETRY, _EVENTS_DLQ, _SCHEDULER_DLQ),
        {
            SP16_RULE: "Give the target a dead-letter queue: targets.SqsQueue(queue, "
            "dead_letter_queue=dlq) (a standard queue; aws-cdk-lib writes its queue policy, "
            "a customer key of the DLQ needs its own grant).",
            SP16_SCHEDULE: "Give the schedule's target a dead-letter queue: "
            "SqsSendMessage(queue, dead_letter_queue=dlq) (a standard queue; the execution "
            "role needs sqs:SendMessage on it, which aws-cdk-lib grants).",
        },
    ),
    Rule(
        17,
        ERROR,
        "Instance tags in metadata with a tag key EC2 refuses",
        "A launch template allows tags in instance metadata (InstanceMetadataTags enabled) "
        "and its instances get a tag key with a space or '/', another character than letters, "
        "digits and + - = . , _ : @, or a key that is '.', '..' or '_index'. The EC2 user "
        'guide: "Non-compliance will result in failed launches for new instances."',
        "Rename the tag key, or turn instance metadata tags off (and read the tag another "
        "way, e.g. ec2:DescribeTags).",
        (_EC2_METADATA_TAGS,),
        {
            SP17_RENAME: "Rename the tag key (Tags.of(scope).add reaches launch templates and "
            "Auto Scaling groups), or turn InstanceMetadataTags off.",
        },
    ),
    Rule(
        18,
        ERROR,
        "Key policy lets EventBridge use the key only under source conditions",
        "Every statement that lets events.amazonaws.com use this key requires aws:SourceArn or "
        "aws:SourceAccount, which AWS documents in none of EventBridge's requests to KMS (the "
        'SNS developer guide: adding them "to a AWS KMS policy is not supported for '
        'EventBridge-to-encrypted topics"): deliveries into the queue or topic fail, and '
        "are dropped after the retries.",
        "Let events.amazonaws.com use the key (kms:GenerateDataKey, kms:Decrypt) without "
        "aws:SourceArn/aws:SourceAccount conditions, or deliver through SSE-SQS (no key "
        "policy) instead. aws-cdk-lib's targets.SqsQueue writes the conditioned statement "
        "under @aws-cdk/aws-events:eventsTargetQueueSameAccount: add an unconditioned one.",
        (_SNS_KEYS, _SQS_KEYS),
    ),
    Rule(
        19,
        ERROR,
        "Alarm action to an SNS topic of another Region",
        "CloudWatch refuses an alarm action on a topic outside the alarm's Region (observed: "
        '"Invalid region ... specified. Only <region> is supported"): the deploy fails.',
        "Notify a topic in the alarm's own Region (one topic per Region; SNS can forward to "
        "another Region's subscribers).",
        (_CLOUDWATCH_ACTIONS,),
    ),
    Rule(
        20,
        ADVISORY,
        "Auto Scaling notifications to an SNS topic of another Region",
        "AWS documents no cross-Region topic for an Auto Scaling group's notifications "
        "(PutNotificationConfiguration names only a topic ARN), as CloudWatch refuses one for "
        "alarm actions; whether Auto Scaling accepts and delivers it is not documented.",
        "Send the group's notifications to a topic in its own Region.",
        (_ASG_NOTIFICATIONS,),
    ),
)

RULES_BY_ID = {rule.id: rule for rule in RULES}


def rule(number: int) -> Rule:
    return RULES[number - 1]
