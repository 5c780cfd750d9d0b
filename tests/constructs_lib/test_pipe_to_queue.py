"""Assertion tests of PipeToQueue: the pipe, its least-privilege role, its DLQ, its rules,
and what the rest of the library sees of it (SqsPatternChecks, the diagram, the dashboard)."""

from __future__ import annotations

import json
import tempfile
from typing import Any

import pytest
from aws_cdk import Duration, Environment, Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_pipes as pipes
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Annotations, Match, Template

from constructs_lib import (
    ConstructOptionError,
    OptionCode,
    OptionProblem,
    PatternDashboard,
    PipeToQueue,
    SecureQueue,
    SecureQueueOptions,
)
from constructs_lib.checks import check, load
from constructs_lib.checks.wiring import Wiring
from constructs_lib.diagram import build_graph
from tests.conftest import bare_app, cdk_context
from tests.sources_synth import ACCOUNT, new_stack, only, resources


def gett(stack: Stack, construct: Any, attribute: str = "Arn") -> dict[str, Any]:
    return {"Fn::GetAtt": [stack.get_logical_id(construct.node.default_child), attribute]}


def pipe_of(template: Template) -> dict[str, Any]:
    return dict(only(template, "AWS::Pipes::Pipe"))


def policy_statements(template: Template) -> list[dict[str, Any]]:
    (policy,) = resources(template, "AWS::IAM::Policy").values()
    return list(policy["Properties"]["PolicyDocument"]["Statement"])


@pytest.fixture(scope="module")
def from_queue() -> tuple[Stack, PipeToQueue, Template]:
    stack = new_stack()
    construct = PipeToQueue(
        stack,
        "OrdersToFulfilment",
        source_queue=SecureQueue(stack, "Orders"),
        queue=SecureQueue(stack, "Fulfilment"),
        filter_patterns=[{"body": {"status": ["PAID"]}}],
        batch_size=10,
    )
    return stack, construct, Template.from_stack(stack)


def test_the_pipe_reads_the_source_queue_and_targets_the_queue_as_its_role(
    from_queue: Any,
) -> None:
    stack, construct, template = from_queue
    pipe = pipe_of(template)
    props = pipe["Properties"]
    assert props["Source"] == gett(stack, construct.source_queue)
    assert props["Target"] == gett(stack, construct.queue)
    assert props["RoleArn"] == gett(stack, construct.role)
    assert props["DesiredState"] == "RUNNING"
    assert props["SourceParameters"] == {
        "SqsQueueParameters": {"BatchSize": 10},
        "FilterCriteria": {"Filters": [{"Pattern": '{"body": {"status": ["PAID"]}}'}]},
    }
    assert "TargetParameters" not in props
    # a pipe whose role cannot read its source fails to create: the policy comes first
    policy_id = next(iter(resources(template, "AWS::IAM::Policy")))
    assert policy_id in pipe["DependsOn"]
    assert construct.pipe.node.id == "Pipe" and construct.role.node.id == "Role"


def test_the_role_is_trusted_by_pipes_and_may_only_read_the_source_and_send_to_the_target(
    from_queue: Any,
) -> None:
    stack, construct, template = from_queue
    (role,) = resources(template, "AWS::IAM::Role").values()
    (trust,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    # no condition: AWS documents no source keys in Pipes' AssumeRole request
    assert trust == {
        "Action": "sts:AssumeRole",
        "Effect": "Allow",
        "Principal": {"Service": "pipes.amazonaws.com"},
    }
    assert policy_statements(template) == [
        {
            "Action": ["sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
            "Effect": "Allow",
            "Resource": gett(stack, construct.source_queue),
        },
        {"Action": "sqs:SendMessage", "Effect": "Allow", "Resource": gett(stack, construct.queue)},
    ]


def test_a_queue_source_has_no_pipe_dead_letter_queue_and_no_alarms(from_queue: Any) -> None:
    _, construct, _ = from_queue
    assert construct.pipe_dead_letter_queue is None
    assert construct.pipe_dead_letter_secure_queue is None
    assert construct.alarms == []
    assert isinstance(construct.secure_queue, SecureQueue)


def test_customer_keys_are_decrypted_at_the_source_and_written_at_the_target() -> None:
    stack = new_stack()
    source = SecureQueue(stack, "Src", encryption=sqs.QueueEncryption.KMS)
    target = SecureQueue(stack, "Dst", encryption=sqs.QueueEncryption.KMS)
    PipeToQueue(stack, "P", source_queue=source, queue=target)
    found = policy_statements(Template.from_stack(stack))
    key_statements = {
        json.dumps(s["Resource"]): s["Action"] for s in found if "kms:Decrypt" in str(s)
    }
    assert key_statements == {
        json.dumps(gett(stack, source.encryption_key)): "kms:Decrypt",
        json.dumps(gett(stack, target.encryption_key)): ["kms:Decrypt", "kms:GenerateDataKey*"],
    }  # fmt: skip


def test_the_aws_managed_key_is_accepted_because_the_pipe_sends_as_a_role() -> None:
    stack = new_stack()
    managed = SecureQueue(stack, "Managed", encryption=sqs.QueueEncryption.KMS_MANAGED)
    PipeToQueue(stack, "P", source_queue=SecureQueue(stack, "Src"), queue=managed)
    assert pipe_of(Template.from_stack(stack))


# --- stream sources ------------------------------------------------------------------


def _table(stack: Stack, stream: bool = True) -> dynamodb.Table:
    return dynamodb.Table(
        stack,
        "Table",
        partition_key=dynamodb.Attribute(name="id", type=dynamodb.AttributeType.STRING),
        stream=dynamodb.StreamViewType.NEW_IMAGE if stream else None,
    )


def test_a_dynamodb_stream_retries_finitely_into_a_created_pipe_dlq() -> None:
    stack = new_stack()
    table = _table(stack)
    construct = PipeToQueue(
        stack, "Changes", source_table=table, queue=SecureQueue(stack, "Q"),
        starting_position="TRIM_HORIZON",
    )  # fmt: skip
    template = Template.from_stack(stack)
    props = pipe_of(template)["Properties"]
    assert props["Source"] == {"Fn::GetAtt": [stack.get_logical_id(table.node.default_child),
                                              "StreamArn"]}  # fmt: skip
    assert props["SourceParameters"] == {
        "DynamoDBStreamParameters": {
            "StartingPosition": "TRIM_HORIZON",
            # AWS's defaults are -1, forever: one poison record would hold its shard
            "MaximumRecordAgeInSeconds": 86400,
            "MaximumRetryAttempts": 185,
            "DeadLetterConfig": {"Arn": gett(stack, construct.pipe_dead_letter_queue)},
        }
    }
    assert construct.pipe_dead_letter_secure_queue is not None
    assert construct.pipe_dead_letter_secure_queue.node.id == "PipeDeadLetterQueue"
    assert construct.alarms == construct.pipe_dead_letter_secure_queue.alarms
    actions = {a for s in policy_statements(template) for a in [s["Action"]] if isinstance(a, str)}
    actions |= {a for s in policy_statements(template) if isinstance(s["Action"], list)
                for a in s["Action"]}  # fmt: skip
    assert {"dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream",
            "dynamodb:ListStreams", "sqs:SendMessage"} <= actions  # fmt: skip


def test_a_kinesis_stream_with_its_own_dead_letter_queue_and_retries() -> None:
    stack = new_stack()
    dlq = SecureQueue(stack, "Failed")
    stream = kinesis.Stream(stack, "Stream")
    construct = PipeToQueue(
        stack, "Clicks", source_stream=stream, queue=SecureQueue(stack, "Q"),
        starting_position="LATEST", max_record_age=Duration.hours(1), retry_attempts=3,
        pipe_dead_letter_queue=dlq, batch_size=1, maximum_batching_window=Duration.seconds(30),
    )  # fmt: skip
    parameters = pipe_of(Template.from_stack(stack))["Properties"]["SourceParameters"]
    assert parameters["KinesisStreamParameters"] == {
        "StartingPosition": "LATEST",
        "BatchSize": 1,
        "MaximumBatchingWindowInSeconds": 30,
        "MaximumRecordAgeInSeconds": 3600,
        "MaximumRetryAttempts": 3,
        "DeadLetterConfig": {"Arn": gett(stack, dlq.queue)},
    }
    assert construct.pipe_dead_letter_secure_queue is dlq
    assert construct.alarms == []  # a DLQ passed in keeps its alarms to its owner


def test_a_fifo_target_gets_the_group_and_deduplication_ids() -> None:
    stack = new_stack()
    PipeToQueue(
        stack, "P", source_queue=SecureQueue(stack, "Src", fifo=True),
        queue=SecureQueue(stack, "Dst", fifo=True),
        message_group_id="$.attributes.MessageGroupId", message_deduplication_id="$.messageId",
    )  # fmt: skip
    assert pipe_of(Template.from_stack(stack))["Properties"]["TargetParameters"] == {
        "SqsQueueParameters": {
            "MessageGroupId": "$.attributes.MessageGroupId",
            "MessageDeduplicationId": "$.messageId",
        }
    }


# --- validation ----------------------------------------------------------------------


def problems_of(**options: Any) -> dict[str, OptionProblem]:
    stack = new_stack()
    resolved = {k: (v(stack) if callable(v) else v) for k, v in options.items()}
    resolved.setdefault("queue", SecureQueue(stack, "Target"))
    if not {"source_queue", "source_table", "source_stream"} & set(resolved):
        resolved["source_queue"] = SecureQueue(stack, "Source")
    with pytest.raises(ConstructOptionError) as err:
        PipeToQueue(stack, "P", **resolved)
    return {p.option: p for p in err.value.problems}


def refused(problem: OptionProblem, code: OptionCode, words: str) -> bool:
    """``problem`` has ``code`` and says ``words``."""
    return problem.code == code and words in problem.allowed


def test_exactly_one_source() -> None:
    both = problems_of(source_queue=lambda s: SecureQueue(s, "A"),
                       source_stream=lambda s: kinesis.Stream(s, "B"))  # fmt: skip
    assert refused(both["source_queue, source_stream"], OptionCode.PIPES_ONE_SOURCE,
                   "exactly one source")  # fmt: skip
    stack = new_stack()
    with pytest.raises(ConstructOptionError, match="give exactly one source") as err:
        PipeToQueue(stack, "P", queue=SecureQueue(stack, "Q"))
    assert err.value.codes == [OptionCode.PIPES_ONE_SOURCE]


def test_a_table_without_a_stream_is_refused() -> None:
    problems = problems_of(
        source_table=lambda s: _table(s, stream=False), starting_position="LATEST"
    )
    assert refused(problems["source_table"], OptionCode.PIPES_TABLE_WITHOUT_STREAM, "no stream")


def test_the_source_queue_cannot_be_the_target() -> None:
    stack = new_stack()
    same = SecureQueue(stack, "Same")
    with pytest.raises(ConstructOptionError, match="send every message back into it") as err:
        PipeToQueue(stack, "P", source_queue=same, queue=same)
    assert err.value.codes == [OptionCode.PIPES_TARGET_IS_SOURCE]


def test_a_stream_needs_a_starting_position() -> None:
    problems = problems_of(source_stream=lambda s: kinesis.Stream(s, "S"))
    assert refused(problems["starting_position"], OptionCode.PIPES_STARTING_POSITION_REQUIRED,
                   "required for a stream source: one of LATEST, TRIM_HORIZON")  # fmt: skip
    bad = problems_of(
        source_stream=lambda s: kinesis.Stream(s, "S"), starting_position="AT_TIMESTAMP"
    )
    assert refused(bad["starting_position"], OptionCode.PIPES_STARTING_POSITION_REQUIRED,
                   "one of LATEST, TRIM_HORIZON")  # fmt: skip


@pytest.mark.parametrize(
    "option",
    ["starting_position", "max_record_age", "retry_attempts", "pipe_dead_letter_queue_enabled",
     "pipe_dead_letter_queue", "pipe_dead_letter_queue_options"],
)  # fmt: skip
def test_a_stream_option_with_a_queue_source_is_refused(option: str) -> None:
    values: dict[str, Any] = {
        "starting_position": "LATEST",
        "max_record_age": Duration.hours(1),
        "retry_attempts": 3,
        "pipe_dead_letter_queue_enabled": False,
        "pipe_dead_letter_queue": lambda s: SecureQueue(s, "D"),
        "pipe_dead_letter_queue_options": SecureQueueOptions(),
    }
    problem = problems_of(**{option: values[option]})[option]
    assert refused(problem, OptionCode.PIPES_STREAM_OPTION_WITH_QUEUE_SOURCE,
                   "applies to a stream source only")  # fmt: skip


@pytest.mark.parametrize(
    ("option", "value", "allowed", "code"),
    [
        # "Amazon SQS queue | 10": an SQS target's largest batch
        ("batch_size", 11, "from 1 to 10", OptionCode.PIPES_BATCH_SIZE_OUT_OF_RANGE),
        ("batch_size", 0, "from 1 to 10", OptionCode.PIPES_BATCH_SIZE_OUT_OF_RANGE),
        ("maximum_batching_window", Duration.seconds(301), "from 0 to 300 seconds",
         OptionCode.PIPES_BATCHING_WINDOW_OUT_OF_RANGE),
    ],
)  # fmt: skip
def test_bounds(option: str, value: Any, allowed: str, code: OptionCode) -> None:
    assert refused(problems_of(**{option: value})[option], code, allowed)


@pytest.mark.parametrize(
    ("option", "value", "allowed", "code"),
    [
        ("max_record_age", Duration.seconds(59), "from 60 to 604800 seconds",
         OptionCode.PIPES_MAX_RECORD_AGE_OUT_OF_RANGE),
        ("max_record_age", Duration.days(8), "from 60 to 604800 seconds",
         OptionCode.PIPES_MAX_RECORD_AGE_OUT_OF_RANGE),
        ("retry_attempts", 10_001, "from 0 to 10000", OptionCode.PIPES_RETRY_ATTEMPTS_OUT_OF_RANGE),
        # AWS's infinity: not offered
        ("retry_attempts", -1, "from 0 to 10000", OptionCode.PIPES_RETRY_ATTEMPTS_OUT_OF_RANGE),
    ],
)  # fmt: skip
def test_stream_bounds(option: str, value: Any, allowed: str, code: OptionCode) -> None:
    problems = problems_of(source_stream=lambda s: kinesis.Stream(s, "S"),
                           starting_position="LATEST", **{option: value})  # fmt: skip
    assert refused(problems[option], code, allowed)


def test_filter_patterns_at_most_five_each_at_most_4096_characters() -> None:
    many = problems_of(filter_patterns=[{"a": [i]} for i in range(6)])
    assert refused(many["filter_patterns"], OptionCode.PIPES_TOO_MANY_FILTERS, "at most 5 patterns")
    big = problems_of(filter_patterns=[{"a": ["x" * 5000]}])
    assert refused(big["filter_patterns[0]"], OptionCode.PIPES_FILTER_PATTERN_INVALID,
                   "at most 4096 characters")  # fmt: skip
    empty = problems_of(filter_patterns=[{}])
    assert empty["filter_patterns[0]"].code == OptionCode.PIPES_FILTER_PATTERN_INVALID


def test_a_fifo_target_needs_a_group_id_and_a_deduplication_id() -> None:
    problems = problems_of(queue=lambda s: SecureQueue(s, "F", fifo=True))
    assert refused(problems["message_group_id"], OptionCode.TARGET_MESSAGE_GROUP_ID_REQUIRED,
                   "is required")  # fmt: skip
    assert refused(problems["message_deduplication_id"], OptionCode.PIPES_DEDUPLICATION_ID_REQUIRED,
                   "without content-based deduplication")  # fmt: skip
    with_content = problems_of(
        queue=lambda s: SecureQueue(s, "F", fifo=True, content_based_deduplication=True)
    )
    assert "message_deduplication_id" not in with_content
    imported = problems_of(
        queue=lambda s: sqs.Queue.from_queue_arn(s, "I", f"arn:aws:sqs:us-east-1:{ACCOUNT}:x.fifo"),
        message_group_id="g",
    )
    assert refused(imported["message_deduplication_id"], OptionCode.PIPES_DEDUPLICATION_ID_REQUIRED,
                   "cannot be checked (imported)")  # fmt: skip


def test_group_and_deduplication_ids_longer_than_pipes_takes_are_refused() -> None:
    """PipeTargetSqsQueueParameters: both ids "Maximum length of 100"."""
    problems = problems_of(
        queue=lambda s: SecureQueue(s, "F", fifo=True),
        message_group_id="g" * 101,
        message_deduplication_id="d" * 101,
    )
    assert refused(problems["message_group_id"], OptionCode.TARGET_MESSAGE_GROUP_ID_LENGTH, "100")
    assert refused(problems["message_deduplication_id"], OptionCode.PIPES_DEDUPLICATION_ID_LENGTH,
                   "1 to 100 characters")  # fmt: skip


def test_group_and_deduplication_ids_on_a_standard_target_are_refused() -> None:
    problems = problems_of(message_group_id="g", message_deduplication_id="d")
    assert refused(problems["message_group_id"], OptionCode.TARGET_MESSAGE_GROUP_ID_FIFO_ONLY,
                   "FIFO-only") and "Pipes" in problems["message_group_id"].allowed  # fmt: skip
    assert refused(problems["message_deduplication_id"],
                   OptionCode.PIPES_DEDUPLICATION_ID_FIFO_ONLY, "applies only to FIFO")  # fmt: skip


def test_a_given_pipe_dlq_with_options_or_disabled_is_refused() -> None:
    stream = {"source_stream": lambda s: kinesis.Stream(s, "S"), "starting_position": "LATEST"}
    given = {"pipe_dead_letter_queue": lambda s: SecureQueue(s, "D"), **stream}
    with_options = problems_of(pipe_dead_letter_queue_options=SecureQueueOptions(), **given)
    assert refused(with_options["pipe_dead_letter_queue_options"],
                   OptionCode.PIPES_DLQ_OPTIONS_WITH_GIVEN_DLQ, "leave it unset")  # fmt: skip
    disabled = problems_of(pipe_dead_letter_queue_enabled=False, **given)
    assert refused(disabled["pipe_dead_letter_queue_enabled"],
                   OptionCode.PIPES_DLQ_DISABLED_BUT_CONFIGURED, "must be True")  # fmt: skip


# --- warnings ------------------------------------------------------------------------


def warnings_of(stack: Stack) -> list[str]:
    found = Annotations.from_stack(stack).find_warning("*", Match.any_value())
    return [str(w.entry.data) for w in found]


def test_no_warning_for_a_secure_queue_source(from_queue: Any) -> None:
    stack, _, _ = from_queue
    assert warnings_of(stack) == []


def test_a_source_without_a_dlq_or_with_few_receives_is_warned_about() -> None:
    stack = new_stack()
    no_dlq = SecureQueue(stack, "NoDlq", dead_letter_queue_enabled=False)
    PipeToQueue(stack, "A", source_queue=no_dlq, queue=SecureQueue(stack, "T1"))
    PipeToQueue(stack, "B", source_queue=SecureQueue(stack, "Few", max_receive_count=2),
                queue=SecureQueue(stack, "T2"))  # fmt: skip
    found = warnings_of(stack)
    assert any("has no dead-letter queue" in w for w in found)
    assert any("after 2 receives: AWS asks for at least 5" in w for w in found)


def test_a_target_of_another_account_says_what_its_owner_must_allow() -> None:
    stack = new_stack()
    foreign = sqs.Queue.from_queue_arn(stack, "Foreign", "arn:aws:sqs:us-east-1:999999999999:in")
    PipeToQueue(stack, "P", source_queue=SecureQueue(stack, "Src"), queue=foreign)
    (warning,) = warnings_of(stack)
    assert "999999999999" in warning and "sqs:SendMessage to the role Test/P/Role" in warning


# --- what the rest of the library sees -----------------------------------------------


def _assembly(build: Any) -> Any:
    out = tempfile.mkdtemp()
    app = bare_app(context=cdk_context(), outdir=out)
    build(Stack(app, "Pipes", env=Environment(account=ACCOUNT, region="us-east-1")))
    app.synth()
    return load([out])


def test_sqs_pattern_checks_see_the_pipe_as_a_delivery_and_a_consumer() -> None:
    def build(stack: Stack) -> None:
        target = SecureQueue(stack, "Dst", encryption=sqs.QueueEncryption.KMS)
        PipeToQueue(stack, "P", source_queue=SecureQueue(stack, "Src"), queue=target)

    assembly = _assembly(build)
    wiring = Wiring(assembly)
    (delivery,) = [d for d in wiring.deliveries if d.service.id == "pipes"]
    assert (
        delivery.describe() == "EventBridge pipe Pipes/P/Pipe (its target Pipes/Dst/Queue/Resource)"
    )
    assert delivery.role is not None and delivery.role.path == "Pipes/P/Role/Resource"
    assert [(c.queue.path, c.consumer.path) for c in wiring.consumers] == [
        ("Pipes/Src/Queue/Resource", "Pipes/P/Pipe")
    ]
    assert check(assembly).findings == []


def test_sqs_pattern_checks_find_a_pipe_whose_role_may_not_send_and_a_source_without_dlq() -> None:
    """A hand-written pipe (the L1): SP2 judges its role like Scheduler's, SP5 its source."""

    def build(stack: Stack) -> None:
        source, target = sqs.Queue(stack, "Src"), sqs.Queue(stack, "Dst")
        role = iam.Role(stack, "Role", assumed_by=iam.ServicePrincipal("pipes.amazonaws.com"))
        source.grant_consume_messages(role)
        pipes.CfnPipe(stack, "Pipe", role_arn=role.role_arn, source=source.queue_arn,
                      target=target.queue_arn)  # fmt: skip

    findings = check(_assembly(build)).findings
    assert {f.rule_id for f in findings} == {"SqsPatterns-SP2", "SqsPatterns-SP5"}
    (sp2,) = [f for f in findings if f.rule_id == "SqsPatterns-SP2"]
    assert "EventBridge pipe Pipes/Pipe (its target Pipes/Dst/Resource) may not send" in sp2.detail
    assert sp2.path.startswith("Pipes/Role")


def test_the_diagram_draws_source_pipe_target_and_dlq() -> None:
    stack = new_stack()
    PipeToQueue(stack, "Changes", source_table=_table(stack), queue=SecureQueue(stack, "Q"),
                starting_position="LATEST")  # fmt: skip
    graph = build_graph(Template.from_stack(stack).to_json())
    kinds = {n.label: n.kind for n in graph.nodes.values()}
    assert kinds["ChangesPipe"] == "pipe" and kinds["Table"] == "table"
    assert {("Table", "ChangesPipe", ""), ("ChangesPipe", "QQueue", ""),
            ("ChangesPipe", "ChangesPipeDeadLetterQueue", "failed deliveries")} <= (
        graph.labelled_edges())  # fmt: skip


def test_the_dashboard_draws_the_target_and_the_pipe_dlq() -> None:
    stack = new_stack()
    construct = PipeToQueue(stack, "P", source_stream=kinesis.Stream(stack, "S"),
                            queue=SecureQueue(stack, "Q"), starting_position="LATEST")  # fmt: skip
    view = construct.dashboard_view(Duration.minutes(1))
    assert view.kind == "PipeToQueue" and len(view.queues) == 1
    assert [d.queue for d in view.dead_letter_queues] == [construct.pipe_dead_letter_queue]
    PatternDashboard(stack, "Dashboard", patterns=[construct])
    assert resources(Template.from_stack(stack), "AWS::CloudWatch::Dashboard")
