"""LambdaQueueConsumer: every default, option, rule and warning, at synth."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from aws_cdk import CfnParameter, Duration, Stack
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Annotations, Match, Template

from constructs_lib import (
    ConstructOptionError,
    LambdaQueueConsumer,
    OptionCode,
    SecureQueue,
    defaults,
)
from constructs_lib._queue_facts import QueueFacts
from constructs_lib.lambda_queue_consumer import LambdaQueueConsumerOptions
from tests.conftest import ACCOUNT, HAS_BUILTIN_VALIDATION, REGION, bare_app, new_stack


def new_function(stack: Stack, timeout: Duration | None = None) -> lambda_.Function:
    return lambda_.Function(
        stack,
        "Fn",
        runtime=lambda_.Runtime.PYTHON_3_14,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return {}\n"),
        timeout=timeout,
    )


def build(**kwargs: Any) -> tuple[Stack, LambdaQueueConsumer]:
    stack = new_stack()
    queue_kwargs = kwargs.pop("queue_kwargs", {})
    queue = kwargs.pop("queue", None) or SecureQueue(stack, "Jobs", **queue_kwargs)
    function = kwargs.pop("function", None) or new_function(stack, kwargs.pop("timeout", None))
    consumer = LambdaQueueConsumer(stack, "Consumer", function=function, queue=queue, **kwargs)
    return stack, consumer


def problems(call: Callable[[], object]) -> list[tuple[str, str]]:
    """Each problem as the error prints it, with its code."""
    with pytest.raises(ConstructOptionError) as caught:
        call()
    return [(str(p), p.code) for p in caught.value.problems]


C = OptionCode


# --- defaults ------------------------------------------------------------------


@pytest.fixture(scope="module")
def default_template() -> Template:
    stack, _ = build()
    return Template.from_stack(stack)


def test_mapping_defaults(default_template: Template) -> None:
    mappings = default_template.find_resources("AWS::Lambda::EventSourceMapping")
    assert len(mappings) == 1
    (mapping,) = mappings.values()
    props = mapping["Properties"]
    assert props["BatchSize"] == defaults.LAMBDA_BATCH_SIZE == 10
    assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    source, attribute = props["EventSourceArn"]["Fn::GetAtt"]
    assert source.startswith("JobsQueue") and attribute == "Arn"
    assert props["Enabled"] is True
    for absent in ("MaximumBatchingWindowInSeconds", "ScalingConfig", "FilterCriteria"):
        assert absent not in props


def test_mapping_id_is_the_contract(default_template: Template) -> None:
    ids = default_template.find_resources("AWS::Lambda::EventSourceMapping").keys()
    assert [i for i in ids if i.startswith("ConsumerEventSourceMapping")]


def test_consume_grant_is_least_privilege_and_precedes_the_mapping(
    default_template: Template,
) -> None:
    policies = default_template.find_resources("AWS::IAM::Policy")
    (policy_id, policy), *_ = policies.items()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    assert len(policies) == 1 and len(statements) == 1
    assert statements[0]["Effect"] == "Allow"
    assert sorted(statements[0]["Action"]) == [
        "sqs:ChangeMessageVisibility",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
        "sqs:ReceiveMessage",
    ]
    source, attribute = statements[0]["Resource"]["Fn::GetAtt"]
    assert source.startswith("JobsQueue") and attribute == "Arn"
    (mapping,) = default_template.find_resources("AWS::Lambda::EventSourceMapping").values()
    assert policy_id in mapping["DependsOn"]


def test_function_alarms(default_template: Template) -> None:
    for metric, threshold in (
        ("Errors", defaults.LAMBDA_ERRORS_ALARM_THRESHOLD),
        ("Throttles", defaults.LAMBDA_THROTTLES_ALARM_THRESHOLD),
    ):
        default_template.has_resource_properties(
            "AWS::CloudWatch::Alarm",
            {
                "Namespace": "AWS/Lambda",
                "MetricName": metric,
                "Statistic": "Sum",
                "Period": 60,
                "Threshold": threshold,
                "ComparisonOperator": "GreaterThanThreshold",
                "TreatMissingData": "notBreaching",
            },
        )


def test_secure_queue_age_alarm_is_reused_not_duplicated(default_template: Template) -> None:
    age_alarms = default_template.find_resources(
        "AWS::CloudWatch::Alarm", {"Properties": {"MetricName": "ApproximateAgeOfOldestMessage"}}
    )
    assert len(age_alarms) == 1
    assert next(iter(age_alarms)).startswith("JobsOldestMessageAgeAlarm")


def test_attributes_and_no_warnings() -> None:
    stack, consumer = build()
    assert consumer.event_source_mapping.node.id == "EventSourceMapping"
    assert consumer.alarms == [
        consumer.errors_alarm,
        consumer.throttles_alarm,
        consumer.oldest_message_age_alarm,
    ]
    warnings = Annotations.from_stack(stack).find_warning("*", Match.any_value())
    assert warnings == []


# --- options ---------------------------------------------------------------------


def test_options_reach_the_mapping() -> None:
    stack, _ = build(
        queue_kwargs={"visibility_timeout": Duration.minutes(2)},
        batch_size=100,
        max_batching_window=Duration.seconds(5),
        max_concurrency=5,
        filters=[
            lambda_.FilterCriteria.filter({"body": {"kind": lambda_.FilterRule.is_equal("job")}})
        ],
        enabled=False,
        report_batch_item_failures=False,
    )
    props = Template.from_stack(stack).find_resources("AWS::Lambda::EventSourceMapping")
    (mapping,) = props.values()
    p = mapping["Properties"]
    assert p["BatchSize"] == 100
    assert p["MaximumBatchingWindowInSeconds"] == 5
    assert p["ScalingConfig"] == {"MaximumConcurrency": 5}
    assert p["FilterCriteria"] == {"Filters": [{"Pattern": '{"body":{"kind":["job"]}}'}]}
    assert p["Enabled"] is False
    assert "FunctionResponseTypes" not in p


def test_kms_queue_adds_decrypt_on_its_key_only() -> None:
    stack, _ = build(
        queue_kwargs={
            "fifo": True,
            "queue_name": "payments.fifo",
            "encryption": sqs.QueueEncryption.KMS,
        }
    )
    template = Template.from_stack(stack)
    (policy,) = template.find_resources("AWS::IAM::Policy").values()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    kms = [s for s in statements if s["Action"] == "kms:Decrypt"]
    assert len(kms) == 1
    assert kms[0]["Resource"]["Fn::GetAtt"][0].startswith("JobsKey")


def test_plain_queue_gets_its_own_age_alarm_and_every_alarm_goes_to_the_topic() -> None:
    stack = new_stack()
    queue = sqs.Queue(stack, "Plain", visibility_timeout=Duration.seconds(60))
    topic = sns.Topic(stack, "Ops")
    consumer = LambdaQueueConsumer(
        stack,
        "Consumer",
        function=new_function(stack),
        queue=queue,
        alarm_topic=topic,
        oldest_message_age_alarm_threshold=Duration.minutes(3),
    )
    assert consumer.oldest_message_age_alarm.node.scope is consumer
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {"MetricName": "ApproximateAgeOfOldestMessage", "Threshold": 180},
    )
    alarms = template.find_resources("AWS::CloudWatch::Alarm")
    assert len(alarms) == 3
    for alarm in alarms.values():
        (action,) = alarm["Properties"]["AlarmActions"]
        assert action["Ref"].startswith("Ops")


def test_alarm_thresholds_are_options() -> None:
    stack, _ = build(errors_alarm_threshold=3, throttles_alarm_threshold=7)
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm", {"MetricName": "Errors", "Threshold": 3}
    )
    template.has_resource_properties(
        "AWS::CloudWatch::Alarm", {"MetricName": "Throttles", "Threshold": 7}
    )


# --- AWS's rules -----------------------------------------------------------------------


def test_visibility_must_cover_six_function_timeouts() -> None:
    # default queue visibility 30 s < 6 x 10 s
    assert problems(lambda: build(timeout=Duration.seconds(10))) == [
        (
            "queue='visibility timeout 30 seconds': must be at least 6 x the function timeout "
            "(10 s) + the batching window (0 s) = 60 seconds: raise the queue's "
            "visibility_timeout",
            C.SQS_VISIBILITY_BELOW_SIX_TIMES_TIMEOUT,
        )
    ]


def test_visibility_must_also_cover_the_batching_window() -> None:
    assert problems(
        lambda: build(
            queue_kwargs={"visibility_timeout": Duration.seconds(60)},
            timeout=Duration.seconds(10),
            max_batching_window=Duration.seconds(1),
        )
    ) == [
        (
            "queue='visibility timeout 60 seconds': must be at least 6 x the function timeout "
            "(10 s) + the batching window (1 s) = 61 seconds: raise the queue's "
            "visibility_timeout",
            C.SQS_VISIBILITY_BELOW_SIX_TIMES_TIMEOUT,
        )
    ]


def test_visibility_rule_uses_lambdas_default_timeout() -> None:
    # no timeout set: Lambda's 3 s, 6 x 3 = 18 > 15
    ((message, code),) = problems(
        lambda: build(queue_kwargs={"visibility_timeout": Duration.seconds(15)})
    )
    assert message.startswith(
        "queue='visibility timeout 15 seconds': must be at least 6 x the function timeout (3 s)"
    )
    assert code == C.SQS_VISIBILITY_BELOW_SIX_TIMES_TIMEOUT


def test_visibility_exactly_at_the_minimum_is_accepted() -> None:
    build(queue_kwargs={"visibility_timeout": Duration.seconds(60)}, timeout=Duration.seconds(10))


def test_explicit_function_timeout_is_used_for_imported_functions() -> None:
    stack = new_stack()
    imported = lambda_.Function.from_function_arn(
        stack, "Imported", "arn:aws:lambda:us-east-1:123456789012:function:worker"
    )
    queue = SecureQueue(stack, "Jobs")
    with pytest.raises(ConstructOptionError, match=r"function timeout \(20 s\)") as caught:
        LambdaQueueConsumer(
            stack, "C", function=imported, queue=queue, function_timeout=Duration.seconds(20)
        )
    assert caught.value.codes == [C.SQS_VISIBILITY_BELOW_SIX_TIMES_TIMEOUT]


def test_fifo_batch_size_at_most_10() -> None:
    assert problems(lambda: build(queue_kwargs={"fifo": True}, batch_size=11)) == [
        ("batch_size=11: must be from 1 to 10", C.LAMBDA_BATCH_SIZE_OUT_OF_RANGE)
    ]


def test_fifo_has_no_batching_window() -> None:
    assert problems(
        lambda: build(queue_kwargs={"fifo": True}, max_batching_window=Duration.seconds(2))
    ) == [
        (
            "max_batching_window='2 seconds': is not supported for FIFO queues: leave it unset",
            C.LAMBDA_BATCHING_WINDOW_ON_FIFO,
        )
    ]


def test_standard_batch_size_range() -> None:
    assert problems(lambda: build(batch_size=10_001, max_batching_window=Duration.seconds(1))) == [
        ("batch_size=10001: must be from 1 to 10000", C.LAMBDA_BATCH_SIZE_OUT_OF_RANGE)
    ]
    assert problems(lambda: build(batch_size=0)) == [
        ("batch_size=0: must be from 1 to 10000", C.LAMBDA_BATCH_SIZE_OUT_OF_RANGE)
    ]


def test_standard_batch_above_10_needs_a_window() -> None:
    assert problems(lambda: build(batch_size=11)) == [
        (
            "batch_size=11: above 10 needs a max_batching_window of at least 1 second",
            C.LAMBDA_BATCH_SIZE_NEEDS_BATCHING_WINDOW,
        )
    ]
    assert problems(lambda: build(batch_size=11, max_batching_window=Duration.seconds(0))) == [
        (
            "max_batching_window='0 seconds': must be at least 1 second when batch_size (11) "
            "is above 10",
            C.LAMBDA_BATCHING_WINDOW_TOO_SHORT,
        )
    ]


def test_batching_window_at_most_300_seconds() -> None:
    assert problems(
        lambda: build(
            queue_kwargs={"visibility_timeout": Duration.minutes(10)},
            max_batching_window=Duration.seconds(301),
        )
    ) == [
        (
            "max_batching_window='301 seconds': must be from 0 to 300 seconds",
            C.LAMBDA_BATCHING_WINDOW_OUT_OF_RANGE,
        )
    ]


@pytest.mark.parametrize("value", [1, 1001])
def test_max_concurrency_2_to_1000(value: int) -> None:
    assert problems(lambda: build(max_concurrency=value)) == [
        (f"max_concurrency={value}: must be from 2 to 1000", C.LAMBDA_MAX_CONCURRENCY_OUT_OF_RANGE)
    ]


def test_negative_alarm_thresholds() -> None:
    assert problems(lambda: build(errors_alarm_threshold=-1, throttles_alarm_threshold=-2)) == [
        ("errors_alarm_threshold=-1: must not be negative", C.LAMBDA_ALARM_THRESHOLD_NEGATIVE),
        ("throttles_alarm_threshold=-2: must not be negative", C.LAMBDA_ALARM_THRESHOLD_NEGATIVE),
    ]


def test_age_alarm_threshold_of_a_plain_queue_in_whole_seconds() -> None:
    # found by tests/evidence/test_option_properties.py: aws-cdk-lib threw a raw jsii error
    def call() -> object:
        stack = new_stack()
        queue = sqs.Queue(stack, "Plain", visibility_timeout=Duration.seconds(60))
        return build(queue=queue, oldest_message_age_alarm_threshold=Duration.millis(1500))

    assert problems(call) == [
        (
            "oldest_message_age_alarm_threshold='1.5 seconds': must be a whole number of seconds",
            C.DURATION_NOT_WHOLE_SECONDS,
        )
    ]


def test_all_problems_are_reported_together_with_the_construct_path() -> None:
    with pytest.raises(ConstructOptionError) as caught:
        build(queue_kwargs={"fifo": True}, batch_size=20, max_concurrency=1)
    message = str(caught.value)
    assert message.startswith("Test/Consumer: invalid options:")
    assert [p.option for p in caught.value.problems] == ["batch_size", "max_concurrency"]
    assert caught.value.codes == [
        C.LAMBDA_BATCH_SIZE_OUT_OF_RANGE,
        C.LAMBDA_MAX_CONCURRENCY_OUT_OF_RANGE,
    ]


def test_unresolved_tokens_are_not_judged() -> None:
    stack = new_stack()
    size = CfnParameter(stack, "Size", type="Number").value_as_number
    queue = SecureQueue(stack, "Jobs")
    LambdaQueueConsumer(stack, "C", function=new_function(stack), queue=queue, max_concurrency=size)


# --- warnings ------------------------------------------------------------------


def warnings_of(stack: Stack) -> list[str]:
    found = Annotations.from_stack(stack).find_warning("*", Match.any_value())
    return [str(w.entry.data) for w in found]


def test_warning_without_partial_batch_responses() -> None:
    stack, _ = build(report_batch_item_failures=False)
    assert any("report_batch_item_failures=False" in w for w in warnings_of(stack))


def test_warning_when_visibility_cannot_be_checked() -> None:
    stack = new_stack()
    imported = lambda_.Function.from_function_arn(
        stack, "Imported", "arn:aws:lambda:us-east-1:123456789012:function:worker"
    )
    LambdaQueueConsumer(stack, "C", function=imported, queue=SecureQueue(stack, "Jobs"))
    assert any(
        "visibility timeout or the function's timeout is unknown" in w for w in warnings_of(stack)
    )


def test_warning_for_low_max_receive_count_and_for_no_dlq() -> None:
    stack, _ = build(queue_kwargs={"max_receive_count": 2})
    assert any("AWS recommends at least 5" in w for w in warnings_of(stack))
    stack, _ = build(queue_kwargs={"dead_letter_queue_enabled": False})
    assert any("the queue has no DLQ" in w for w in warnings_of(stack))


def test_a_fair_queue_is_consumed_as_the_standard_queue_it_is() -> None:
    """Message group ids on a standard queue (a fair queue, here from an
    EventBridge rule) change nothing for Lambda: no per-group ordering, the
    standard queue's batch limits."""
    from aws_cdk import aws_events as events

    from constructs_lib import EventRuleToQueue
    from tests.conftest import new_app

    stack = Stack(new_app(), "Test", env={"account": "123456789012", "region": "us-east-1"})
    queue = SecureQueue(stack, "Tenants", visibility_timeout=Duration.minutes(2))
    EventRuleToQueue(
        stack,
        "PerTenant",
        queue=queue,
        event_pattern=events.EventPattern(source=["shop"]),
        message_group_id="tenant-a",
    )
    function = lambda_.Function.from_function_attributes(
        stack,
        "Fn",
        function_arn="arn:aws:lambda:us-east-1:123456789012:function:f",
        same_environment=True,
    )
    LambdaQueueConsumer(
        stack,
        "Consumer",
        function=function,
        queue=queue,
        batch_size=100,
        max_batching_window=Duration.seconds(5),
        function_timeout=Duration.seconds(10),
    )
    mapping = Template.from_stack(stack).find_resources("AWS::Lambda::EventSourceMapping")
    (props,) = [r["Properties"] for r in mapping.values()]
    assert (props["BatchSize"], props["MaximumBatchingWindowInSeconds"]) == (100, 5)


# --- issue 13: options that cannot apply, the reused alarm, one queue type ---------


def test_an_age_threshold_with_a_secure_queue_is_refused_not_ignored() -> None:
    """A SecureQueue brings its own age alarm, which the consumer reuses: the
    threshold given here was silently ignored."""
    assert problems(lambda: build(oldest_message_age_alarm_threshold=Duration.minutes(3))) == [
        (
            "oldest_message_age_alarm_threshold='180 seconds': applies only to a plain "
            "sqs.IQueue; the SecureQueue Test/Jobs has its own age alarm: set its "
            "oldest_message_age_alarm_threshold there",
            C.LAMBDA_AGE_THRESHOLD_WITH_SECURE_QUEUE,
        )
    ]


def age_alarm_actions(stack: Stack, secure: SecureQueue) -> list[Any]:
    template = Template.from_stack(stack).to_json()
    alarm = template["Resources"][
        stack.get_logical_id(secure.oldest_message_age_alarm.node.default_child)  # type: ignore[arg-type]
    ]
    return list(alarm["Properties"].get("AlarmActions", []))


@pytest.mark.parametrize("queue_notifies_it", [False, True])
def test_alarm_topic_receives_the_reused_age_alarm_once(queue_notifies_it: bool) -> None:
    """The consumer's page promises that every alarm goes to alarm_topic; the reused
    SecureQueue alarm got nothing from it. A topic the SecureQueue already
    notifies is not added twice."""
    stack = new_stack()
    topic = sns.Topic(stack, "Ops")
    secure = SecureQueue(stack, "Jobs", alarm_topic=topic if queue_notifies_it else None)
    LambdaQueueConsumer(
        stack, "Consumer", function=new_function(stack), queue=secure, alarm_topic=topic
    )
    topic_id = stack.get_logical_id(topic.node.default_child)  # type: ignore[arg-type]
    assert age_alarm_actions(stack, secure) == [{"Ref": topic_id}]


def test_queue_is_the_iqueue_with_the_secure_queue_beside_it() -> None:
    _, consumer = build()
    secure = consumer.secure_queue
    assert secure is not None and consumer.queue is secure.queue
    plain_stack = new_stack()
    plain = sqs.Queue(plain_stack, "Plain", visibility_timeout=Duration.seconds(60))
    plain_consumer = LambdaQueueConsumer(
        plain_stack, "Consumer", function=new_function(plain_stack), queue=plain
    )
    assert (plain_consumer.queue, plain_consumer.secure_queue) == (plain, None)


def test_the_rules_are_a_table_that_needs_no_stack() -> None:
    fifo = QueueFacts(path="Q", fifo=True, visibility_timeout_seconds=30, secure=True)
    options = LambdaQueueConsumerOptions(
        batch_size=20, oldest_message_age_alarm_threshold=Duration.minutes(1)
    )
    assert [p.option for p in options.problems(fifo, Duration.seconds(10))] == [
        "batch_size",
        "oldest_message_age_alarm_threshold",
        "queue",  # 30 s < 6 x 10 s
    ]
    plain = QueueFacts(path="Q", visibility_timeout_seconds=60)
    assert LambdaQueueConsumerOptions().problems(plain, Duration.seconds(10)) == []


# --- issue 15: provisioned mode and the mapping's EventCount metrics -------------------


def mapping_properties(stack: Stack) -> dict[str, Any]:
    (mapping,) = (
        Template.from_stack(stack).find_resources("AWS::Lambda::EventSourceMapping").values()
    )
    return dict(mapping["Properties"])


def test_provisioned_pollers_reach_the_mapping() -> None:
    stack, consumer = build(minimum_pollers=5, maximum_pollers=50)
    assert mapping_properties(stack)["ProvisionedPollerConfig"] == {
        "MinimumPollers": 5,
        "MaximumPollers": 50,
    }
    assert consumer.provisioned_pollers == (5, 50)


def test_one_poller_bound_gets_aws_default_for_the_other_written_out() -> None:
    """Lambda's API reference: for SQS the minimum defaults to 2, the maximum to 200.
    The template states them, so a review sees what AWS will run."""
    stack, _ = build(minimum_pollers=10)
    assert mapping_properties(stack)["ProvisionedPollerConfig"] == {
        "MinimumPollers": 10,
        "MaximumPollers": 200,
    }
    stack, _ = build(maximum_pollers=20)
    assert mapping_properties(stack)["ProvisionedPollerConfig"] == {
        "MinimumPollers": 2,
        "MaximumPollers": 20,
    }


def test_no_provisioned_mode_by_default(default_template: Template) -> None:
    (mapping,) = default_template.find_resources("AWS::Lambda::EventSourceMapping").values()
    assert "ProvisionedPollerConfig" not in mapping["Properties"]


def test_maximum_pollers_above_aws_cdk_libs_2000_reach_the_template() -> None:
    """Lambda (API reference, ProvisionedPollerConfig) and CloudFormation's schema
    accept up to 10,000 maximum pollers for SQS; aws-cdk-lib's EventSourceMapping
    refuses anything above 2,000 (its Kafka range)."""
    stack, consumer = build(minimum_pollers=2, maximum_pollers=10_000)
    assert mapping_properties(stack)["ProvisionedPollerConfig"] == {
        "MinimumPollers": 2,
        "MaximumPollers": 10_000,
    }
    assert consumer.provisioned_pollers == (2, 10_000)


def _schema_checked_consumer(maximum_pollers: int) -> Stack:
    """A consumer with ``maximum_pollers`` written into the template as is (the
    construct itself refuses more than 10,000), in an app whose built-in
    validation checks CloudFormation's resource schemas and fails on a finding."""
    strict = {"@aws-cdk/core:validateAgainstDefaultRules": True}
    env = {"account": ACCOUNT, "region": REGION}
    stack = Stack(bare_app(validation=True, context=strict), "Test", env=env)
    consumer = LambdaQueueConsumer(
        stack,
        "Consumer",
        function=new_function(stack),
        queue=SecureQueue(stack, "Jobs"),
        maximum_pollers=10_000,
    )
    mapping = consumer.event_source_mapping.node.default_child
    assert isinstance(mapping, lambda_.CfnEventSourceMapping)
    mapping.add_property_override("ProvisionedPollerConfig.MaximumPollers", maximum_pollers)
    return stack


@pytest.mark.skipif(not HAS_BUILTIN_VALIDATION, reason="no built-in CloudFormation validation")
def test_ten_thousand_pollers_pass_cloudformations_schema() -> None:
    """aws-cdk-lib's built-in validation checks templates against CloudFormation's
    resource schemas, whose MaximumPollers goes to 10,000; the flag makes its
    findings errors."""
    stack = _schema_checked_consumer(10_000)
    assembly = stack.node.root.synth()  # type: ignore[attr-defined]  # raises on a violation
    template = assembly.get_stack_by_name("Test").template
    (mapping,) = [
        r for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::EventSourceMapping"
    ]
    assert mapping["Properties"]["ProvisionedPollerConfig"]["MaximumPollers"] == 10_000


@pytest.mark.skipif(not HAS_BUILTIN_VALIDATION, reason="no built-in CloudFormation validation")
def test_the_schema_check_would_refuse_more_than_ten_thousand_pollers() -> None:
    """The check above can fail: one poller past the schema's maximum is refused."""
    with pytest.raises(Exception, match="10000"):
        _schema_checked_consumer(10_001).node.root.synth()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("kwargs", "message", "code"),
    [
        (
            {"minimum_pollers": 1},
            "minimum_pollers=1: must be from 2 to 200",
            C.LAMBDA_MINIMUM_POLLERS_OUT_OF_RANGE,
        ),
        (
            {"minimum_pollers": 201},
            "minimum_pollers=201: must be from 2 to 200",
            C.LAMBDA_MINIMUM_POLLERS_OUT_OF_RANGE,
        ),
        (
            {"maximum_pollers": 1},
            "maximum_pollers=1: must be from 2 to 10000",
            C.LAMBDA_MAXIMUM_POLLERS_OUT_OF_RANGE,
        ),
        (
            {"maximum_pollers": 10_001},
            "maximum_pollers=10001: must be from 2 to 10000",
            C.LAMBDA_MAXIMUM_POLLERS_OUT_OF_RANGE,
        ),
        (
            {"minimum_pollers": 50, "maximum_pollers": 10},
            "maximum_pollers=10: must be at least minimum_pollers (50)",
            C.LAMBDA_MAXIMUM_POLLERS_BELOW_MINIMUM,
        ),
    ],
)
def test_poller_bounds_are_lambdas_for_sqs(
    kwargs: dict[str, int], message: str, code: OptionCode
) -> None:
    assert problems(lambda: build(**kwargs)) == [(message, code)]


def test_provisioned_pollers_and_max_concurrency_are_refused_together() -> None:
    """Lambda developer guide, "Configuring scaling behavior for SQS event source
    mappings": maximum concurrency and provisioned mode are mutually exclusive."""
    assert problems(lambda: build(max_concurrency=5, minimum_pollers=2)) == [
        (
            "max_concurrency=5: cannot be set with minimum_pollers or maximum_pollers: Lambda "
            "allows maximum concurrency or provisioned mode, not both (in provisioned mode "
            "maximum_pollers bounds the mapping)",
            C.LAMBDA_MAX_CONCURRENCY_WITH_PROVISIONED_POLLERS,
        )
    ]


def test_poller_tokens_are_not_judged() -> None:
    stack = new_stack()
    low = CfnParameter(stack, "Low", type="Number").value_as_number
    LambdaQueueConsumer(
        stack,
        "C",
        function=new_function(stack),
        queue=SecureQueue(stack, "Jobs"),
        minimum_pollers=low,
        maximum_pollers=300,
    )


def test_event_count_metrics_are_on_by_default(default_template: Template) -> None:
    (mapping,) = default_template.find_resources("AWS::Lambda::EventSourceMapping").values()
    assert mapping["Properties"]["MetricsConfig"] == {"Metrics": ["EventCount"]}


def test_event_count_metrics_can_be_turned_off() -> None:
    stack, consumer = build(event_count_metrics=False)
    assert "MetricsConfig" not in mapping_properties(stack)
    assert consumer.event_count_metrics is False


def test_pollers_rules_need_no_stack() -> None:
    plain = QueueFacts(path="Q", visibility_timeout_seconds=60)
    options = LambdaQueueConsumerOptions(max_concurrency=3, maximum_pollers=1)
    assert [p.option for p in options.problems(plain, Duration.seconds(10))] == [
        "maximum_pollers",
        "max_concurrency",
    ]
    assert LambdaQueueConsumerOptions(minimum_pollers=7).provisioned_pollers == (7, 200)
    assert LambdaQueueConsumerOptions().provisioned_pollers is None
