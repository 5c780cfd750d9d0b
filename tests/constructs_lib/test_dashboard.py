"""PatternDashboard: the widgets of each pattern, the metrics behind them, and
what CloudWatch refuses (widget and alarm counts, names, periods)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from aws_cdk import Duration, Stack
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_events as events
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Template
from constructs import Construct

from constructs_lib import (
    BucketToQueue,
    ConstructOptionError,
    EventRuleToQueue,
    FanoutSubscription,
    FleetScalingPolicy,
    LambdaQueueConsumer,
    OptionCode,
    PatternDashboard,
    QueueWorkerFleet,
    ScheduleToQueue,
    SecureQueue,
    TopicFanout,
    defaults,
)
from constructs_lib._metrics import MAPPING_EVENT_COUNTS, TIME_TO_DRAIN_EXPRESSION
from constructs_lib.dashboard import (
    DeadLetterView,
    Graph,
    PatternDashboardOptions,
    PatternView,
    SupportsDashboardView,
    alarm_status_widgets,
    queue_view,
)
from constructs_lib.fleet_sizing import (
    BACKLOG_PER_INSTANCE_EXPRESSION,
    instances_needed_per_instance_expression,
)
from constructs_lib.metric_math import evaluate_expression
from tests.conftest import ACCOUNT, REGION, new_stack

Widget = dict[str, Any]


def _text(part: object) -> str:
    """A part of the body's Fn::Join, with references as readable placeholders."""
    if isinstance(part, str):
        return part
    assert isinstance(part, dict)
    if "Ref" in part:
        return "{Ref:" + str(part["Ref"]) + "}"
    logical_id, attribute = part["Fn::GetAtt"]
    return "{GetAtt:" + f"{logical_id}.{attribute}" + "}"


def widgets_of(stack: Stack) -> list[Widget]:
    """The dashboard's widgets as CloudWatch receives them (references as placeholders)."""
    template = Template.from_stack(stack).to_json()
    (dashboard,) = [
        r for r in template["Resources"].values() if r["Type"] == "AWS::CloudWatch::Dashboard"
    ]
    body = dashboard["Properties"]["DashboardBody"]
    text = body if isinstance(body, str) else "".join(_text(p) for p in body["Fn::Join"][1])
    widgets: list[Widget] = json.loads(text)["widgets"]
    return widgets


def titled(widgets: list[Widget], title: str) -> Widget:
    (found,) = [w for w in widgets if w["properties"].get("title") == title]
    return found


def problems(call: Callable[[], object]) -> list[tuple[str, str]]:
    """Each problem as the error prints it, with its code."""
    with pytest.raises(ConstructOptionError) as caught:
        call()
    return [(str(p), p.code) for p in caught.value.problems]


def logical_id(stack: Stack, construct: Any) -> str:
    return stack.get_logical_id(construct.node.default_child)


def function_in(stack: Stack) -> lambda_.Function:
    return lambda_.Function(
        stack,
        "Fn",
        runtime=lambda_.Runtime.PYTHON_3_14,
        handler="index.handler",
        code=lambda_.Code.from_inline("def handler(event, context):\n    return {}\n"),
        timeout=Duration.seconds(10),
    )


# --- a queue --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def queue_dashboard() -> tuple[Stack, SecureQueue, list[Widget]]:
    stack = new_stack()
    jobs = SecureQueue(stack, "Jobs")
    PatternDashboard(stack, "Ops", patterns=[jobs])
    return stack, jobs, widgets_of(stack)


def test_a_queue_gets_header_depth_age_dlq_rates_drain_and_alarms(
    queue_dashboard: tuple[Stack, SecureQueue, list[Widget]],
) -> None:
    _, _, widgets = queue_dashboard
    assert [w["type"] for w in widgets] == ["text", *["metric"] * 5, "alarm"]
    assert widgets[0]["properties"]["markdown"].startswith("### SecureQueue `Test/Jobs`")
    assert [w["properties"].get("title") for w in widgets[1:6]] == [
        "Queue Jobs: depth",
        "Queue Jobs: age of the oldest message",
        "Queue Jobs: dead-letter queue depth",
        "Queue Jobs: sent vs deleted",
        "Queue Jobs: time to drain",
    ]


def test_queue_graphs_read_the_queue_and_its_dlq(
    queue_dashboard: tuple[Stack, SecureQueue, list[Widget]],
) -> None:
    stack, jobs, widgets = queue_dashboard
    queue = "{GetAtt:" + logical_id(stack, jobs.queue) + ".QueueName}"
    assert jobs.dead_letter_queue is not None
    dlq = "{GetAtt:" + logical_id(stack, jobs.dead_letter_queue) + ".QueueName}"
    depth = titled(widgets, "Queue Jobs: depth")["properties"]["metrics"]
    assert [(m[1], m[3], m[4]["stat"], m[4]["period"]) for m in depth] == [
        ("ApproximateNumberOfMessagesVisible", queue, "Maximum", 60),
        ("ApproximateNumberOfMessagesNotVisible", queue, "Maximum", 60),
    ]
    (dlq_depth,) = titled(widgets, "Queue Jobs: dead-letter queue depth")["properties"]["metrics"]
    assert dlq_depth[1:4] == ["ApproximateNumberOfMessagesVisible", "QueueName", dlq]


def test_alarm_thresholds_are_drawn_where_they_apply(
    queue_dashboard: tuple[Stack, SecureQueue, list[Widget]],
) -> None:
    _, _, widgets = queue_dashboard
    age = titled(widgets, "Queue Jobs: age of the oldest message")["properties"]
    assert [a["value"] for a in age["annotations"]["horizontal"]] == [
        defaults.OLDEST_MESSAGE_AGE_ALARM_THRESHOLD.to_seconds()
    ]
    dlq = titled(widgets, "Queue Jobs: dead-letter queue depth")["properties"]
    assert [a["value"] for a in dlq["annotations"]["horizontal"]] == [0]


def test_alarm_status_lists_the_queues_alarms_in_alarm_first(
    queue_dashboard: tuple[Stack, SecureQueue, list[Widget]],
) -> None:
    stack, jobs, widgets = queue_dashboard
    (status,) = [w for w in widgets if w["type"] == "alarm"]
    arns = {"{GetAtt:" + logical_id(stack, a) + ".Arn}" for a in jobs.alarms}
    assert set(status["properties"]["alarms"]) == arns
    assert status["properties"]["sortBy"] == "stateUpdatedTimestamp"


def test_the_dashboard_opens_on_three_hours_and_is_one_resource() -> None:
    stack = new_stack()
    dashboard = PatternDashboard(stack, "Ops", patterns=[SecureQueue(stack, "Jobs")])
    template = Template.from_stack(stack).to_json()
    (body,) = [
        r["Properties"]["DashboardBody"]["Fn::Join"][1][0]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::CloudWatch::Dashboard"
    ]
    assert body.startswith('{"start":"-PT3H",')
    assert dashboard.dashboard.node.id == "Dashboard"
    assert dashboard.widget_count == 7


# --- the metric math ------------------------------------------------------------------


def period_of(properties: dict[str, Any], options: dict[str, Any]) -> int:
    """A metric's period: its own, else the widget's, else CloudWatch's 300 s."""
    return int(options.get("period", properties.get("period", 300)))


def evaluate_widget(widget: Widget, values: dict[str, float | None]) -> float | None:
    """Evaluates the one expression of a graph as CloudWatch would, with the
    ids, statistics and periods the widget itself declares."""
    properties = widget["properties"]
    metrics = properties["metrics"]
    (expression,) = [m[0] for m in metrics if "expression" in m[0]]
    periods = {m[-1]["id"]: period_of(properties, m[-1]) for m in metrics if "id" in m[-1]}
    return evaluate_expression(expression["expression"], values, periods=periods)


@pytest.mark.parametrize(
    ("visible", "sent", "deleted", "seconds"),
    [
        (600.0, 6_000.0, 9_600.0, 10.0),  # 60 more deleted than sent each second
        (600.0, None, 600.0, 60.0),  # nothing sent: FILL(sent, 0)
        (600.0, 9_600.0, 6_000.0, None),  # growing: no value, not a negative time
        (600.0, 6_000.0, 6_000.0, None),  # steady: never drains at this rate
        (0.0, 10.0, 20.0, 0.0),  # empty
    ],
)
def test_time_to_drain_in_seconds(
    queue_dashboard: tuple[Stack, SecureQueue, list[Widget]],
    visible: float,
    sent: float | None,
    deleted: float | None,
    seconds: float | None,
) -> None:
    _, _, widgets = queue_dashboard
    drain = titled(widgets, "Queue Jobs: time to drain")
    stats = {m[-1]["id"]: m[-1]["stat"] for m in drain["properties"]["metrics"] if "id" in m[-1]}
    assert stats == {"visible": "Maximum", "sent": "Sum", "deleted": "Sum"}
    assert drain["properties"]["metrics"][0][0]["expression"] == TIME_TO_DRAIN_EXPRESSION
    values = {"visible": visible, "sent": sent, "deleted": deleted}
    assert evaluate_widget(drain, values) == seconds


def test_rates_are_per_second_whatever_the_period() -> None:
    stack = new_stack()
    PatternDashboard(
        stack, "Ops", patterns=[SecureQueue(stack, "Jobs")], period=Duration.minutes(5)
    )
    rates = titled(widgets_of(stack), "Queue Jobs: sent vs deleted")
    metrics = rates["properties"]["metrics"]
    expressions = [m[0]["expression"] for m in metrics if "expression" in m[0]]
    assert expressions == ["sent / PERIOD(sent)", "deleted / PERIOD(deleted)"]
    periods = {m[-1]["id"]: period_of(rates["properties"], m[-1]) for m in metrics if "id" in m[-1]}
    assert periods == {"sent": 300, "deleted": 300}
    assert evaluate_expression(expressions[0], {"sent": 1500.0}, periods=periods) == 5.0


# --- consumers ------------------------------------------------------------------------


def consumer_widgets(**kwargs: Any) -> tuple[Stack, LambdaQueueConsumer, list[Widget]]:
    stack = new_stack()
    queue = SecureQueue(stack, "Jobs", visibility_timeout=Duration.minutes(1))
    consumer = LambdaQueueConsumer(
        stack, "Consumer", function=function_in(stack), queue=queue, **kwargs
    )
    PatternDashboard(stack, "Ops", patterns=[consumer])
    return stack, consumer, widgets_of(stack)


def test_lambda_consumer_graphs() -> None:
    stack, consumer, widgets = consumer_widgets(max_concurrency=5)
    function = "{Ref:" + logical_id(stack, consumer.function) + "}"
    failures = titled(widgets, "Function errors and throttles")["properties"]
    assert [(m[1], m[3], m[4]["stat"]) for m in failures["metrics"]] == [
        ("Errors", function, "Sum"),
        ("Throttles", function, "Sum"),
    ]
    assert [a["value"] for a in failures["annotations"]["horizontal"]] == [0, 0]
    concurrency = titled(widgets, "Concurrent executions")["properties"]
    assert [(m[1], m[4]["stat"]) for m in concurrency["metrics"]] == [
        ("ConcurrentExecutions", "Maximum")
    ]
    assert concurrency["annotations"]["horizontal"] == [
        {"value": 5, "label": "max_concurrency", "yAxis": "left"}
    ]


def test_lambda_consumer_mapping_event_counts() -> None:
    stack, consumer, widgets = consumer_widgets()
    mapping = "{Ref:" + logical_id(stack, consumer.event_source_mapping) + "}"
    counts = titled(widgets, "Event-source mapping: messages (EventCount)")["properties"]
    assert [(m[0], m[1], m[2], m[3], m[4]["stat"]) for m in counts["metrics"]] == [
        ("AWS/Lambda", name, "EventSourceMappingUUID", mapping, "Sum")
        for name in MAPPING_EVENT_COUNTS
    ]


def test_no_mapping_graph_without_event_count_metrics() -> None:
    _, _, widgets = consumer_widgets(event_count_metrics=False)
    titles = [w["properties"].get("title") for w in widgets]
    assert "Event-source mapping: messages (EventCount)" not in titles
    assert "Concurrent executions" in titles


def test_the_consumers_queue_and_every_alarm_once() -> None:
    stack, consumer, widgets = consumer_widgets()
    assert widgets[0]["properties"]["markdown"].startswith("### LambdaQueueConsumer")
    assert titled(widgets, "Consumed queue Jobs: depth")
    (status,) = [w for w in widgets if w["type"] == "alarm"]
    secure = consumer.secure_queue
    assert secure is not None
    expected = {*consumer.alarms, *secure.alarms}
    assert sorted(status["properties"]["alarms"]) == sorted(
        "{GetAtt:" + logical_id(stack, a) + ".Arn}" for a in expected
    )
    assert len(status["properties"]["alarms"]) == len(expected) == 4


def fleet_widgets(**kwargs: Any) -> tuple[Stack, QueueWorkerFleet, list[Widget]]:
    stack = new_stack()
    vpc = ec2.Vpc(stack, "Vpc", max_azs=1, nat_gateways=0, restrict_default_security_group=False)
    queue = SecureQueue(stack, "Jobs", visibility_timeout=Duration.minutes(5))
    fleet = QueueWorkerFleet(
        stack, "Workers", queue=queue, vpc=vpc, handler="jobs:handle", **kwargs
    )
    PatternDashboard(stack, "Ops", patterns=[fleet])
    return stack, fleet, widgets_of(stack)


def test_fleet_capacity_and_backlog_against_target() -> None:
    stack, fleet, widgets = fleet_widgets(
        min_capacity=1,
        max_capacity=20,
        acceptable_latency=Duration.seconds(30),
        average_processing_time=Duration.millis(250),
    )
    group = "{Ref:" + logical_id(stack, fleet.auto_scaling_group) + "}"
    capacity = titled(widgets, "Instances: in service vs desired")["properties"]
    assert [(m[1], m[3]) for m in capacity["metrics"]] == [
        ("GroupInServiceInstances", group),
        ("GroupDesiredCapacity", group),
    ]
    assert [a["value"] for a in capacity["annotations"]["horizontal"]] == [20, 1]
    # the default policy's own metric against its target of 1: 600 sent and 0
    # waiting on 2 instances is 2.5 instances of work, 1.25 per instance
    needed = titled(widgets, "Instances needed per in-service instance vs target")
    assert needed["properties"]["metrics"][0][0]["expression"] == (
        instances_needed_per_instance_expression(30 + 180, 0.25)
    )
    assert [a["value"] for a in needed["properties"]["annotations"]["horizontal"]] == [1]
    assert evaluate_widget(needed, {"sent": 600.0, "visible": 0.0, "inService": 2.0}) == 1.25


def test_fleet_backlog_per_instance_against_its_target() -> None:
    _, _, widgets = fleet_widgets(
        scaling=FleetScalingPolicy.BACKLOG_PER_INSTANCE,
        acceptable_latency=Duration.seconds(30),
        average_processing_time=Duration.millis(250),
    )
    backlog = titled(widgets, "Backlog per instance vs target")
    assert backlog["properties"]["metrics"][0][0]["expression"] == BACKLOG_PER_INSTANCE_EXPRESSION
    assert [a["value"] for a in backlog["properties"]["annotations"]["horizontal"]] == [120]
    assert evaluate_widget(backlog, {"visible": 480.0, "inService": 2.0}) == 240.0


def test_fleet_age_graph_shows_its_scale_out_threshold_beside_the_queues_alarm() -> None:
    _, fleet, widgets = fleet_widgets()
    age = titled(widgets, "Consumed queue Jobs: age of the oldest message")["properties"]
    values = [a["value"] for a in age["annotations"]["horizontal"]]
    assert values == [
        defaults.OLDEST_MESSAGE_AGE_ALARM_THRESHOLD.to_seconds(),
        defaults.WORKER_MESSAGE_AGE_SCALE_OUT_THRESHOLD.to_seconds(),
    ]
    assert fleet.message_age_alarm in fleet.alarms


def test_fleet_with_queue_depth_steps_has_no_backlog_target() -> None:
    _, _, widgets = fleet_widgets(
        scaling=FleetScalingPolicy.QUEUE_DEPTH_STEPS,
        queue_depth_steps=[
            autoscaling.ScalingInterval(upper=0, change=-1),
            autoscaling.ScalingInterval(lower=100, change=1),
        ],
    )
    backlog = titled(widgets, "Backlog per instance (no target: QUEUE_DEPTH_STEPS)")
    assert "annotations" not in backlog["properties"]


# --- producers ------------------------------------------------------------------------


def test_fanout_draws_each_subscribed_queue_and_the_subscription_dlq() -> None:
    stack = new_stack()
    billing, shipping = SecureQueue(stack, "Billing"), SecureQueue(stack, "Shipping")
    fanout = TopicFanout(
        stack,
        "Orders",
        queues=[
            FanoutSubscription(id="Billing", queue=billing),
            FanoutSubscription(id="Shipping", queue=shipping),
        ],
    )
    PatternDashboard(stack, "Ops", patterns=[fanout])
    widgets = widgets_of(stack)
    titles = [w["properties"].get("title") for w in widgets]
    assert "Subscribed queue Billing: depth" in titles
    assert "Subscribed queue Shipping: time to drain" in titles
    undelivered = titled(widgets, "Undelivered messages: dead-letter queue depth")
    dlq = fanout.subscription_dead_letter_queue
    assert dlq is not None
    (metric,) = undelivered["properties"]["metrics"]
    assert metric[3] == "{GetAtt:" + logical_id(stack, dlq) + ".QueueName}"
    assert metric[4]["label"] == "subscription DLQ"


def test_a_queue_two_patterns_share_is_drawn_once() -> None:
    stack = new_stack()
    jobs = SecureQueue(stack, "Jobs")
    rule = EventRuleToQueue(
        stack, "Orders", queue=jobs, event_pattern=events.EventPattern(source=["shop"])
    )
    nightly = ScheduleToQueue(
        stack,
        "Nightly",
        queue=jobs,
        schedule=scheduler.ScheduleExpression.rate(Duration.days(1)),
        payload={"job": "report"},
    )
    dashboard = PatternDashboard(stack, "Ops", patterns=[rule, nightly])
    widgets = widgets_of(stack)
    titles = [w["properties"].get("title") for w in widgets]
    assert titles.count("Target queue Jobs: depth") == 1
    headers = [w["properties"]["markdown"] for w in widgets if w["type"] == "text"]
    assert "target queue Jobs is drawn above" in headers[-1]
    shown = [arn for w in widgets if w["type"] == "alarm" for arn in w["properties"]["alarms"]]
    assert len(shown) == len(set(shown))
    assert dashboard.patterns == [rule, nightly]


def test_a_plain_queue_without_alarms_gets_no_alarm_widget() -> None:
    """CloudWatch refuses an alarm status widget without alarms (1 to 100 ARNs)."""
    stack = new_stack()
    PatternDashboard(stack, "Ops", patterns=[sqs.Queue(stack, "Plain")])
    widgets = widgets_of(stack)
    assert [w["type"] for w in widgets if w["type"] == "alarm"] == []
    dlq = [w for w in widgets if w["type"] == "text"][1]["properties"]["markdown"]
    assert dlq.startswith("**Queue Plain: dead-letter queue**")


def test_more_than_100_alarms_make_more_widgets() -> None:
    stack = new_stack()
    alarms = [
        cloudwatch.Alarm.from_alarm_arn(
            stack, f"A{i}", f"arn:aws:cloudwatch:{REGION}:{ACCOUNT}:alarm:a{i}"
        )
        for i in range(205)
    ]
    widgets = alarm_status_widgets("Jobs alarms", alarms)
    assert [len(w.to_json()[0]["properties"]["alarms"]) for w in widgets] == [100, 100, 5]
    assert [w.to_json()[0]["properties"]["title"] for w in widgets] == [
        "Jobs alarms (1 of 3)",
        "Jobs alarms (2 of 3)",
        "Jobs alarms (3 of 3)",
    ]
    assert alarm_status_widgets("none", []) == []


# --- what CloudWatch refuses ----------------------------------------------------------


def test_more_than_500_widgets_are_refused() -> None:
    stack = new_stack()
    queues = [
        sqs.Queue.from_queue_arn(stack, f"Q{i}", f"arn:aws:sqs:{REGION}:{ACCOUNT}:q{i}")
        for i in range(84)
    ]
    dashboard = PatternDashboard(stack, "Ops", patterns=queues[:83])
    assert dashboard.widget_count == 83 * 6 == 498
    assert problems(lambda: dashboard.add_pattern(queues[83])) == [
        (
            "pattern='504 widgets': CloudWatch allows 500 widgets per dashboard: spread the "
            "patterns over several PatternDashboards",
            OptionCode.DASHBOARD_TOO_MANY_WIDGETS,
        )
    ]
    assert dashboard.widget_count == 498
    assert len(dashboard.patterns) == 83  # the refused pattern left nothing behind


def test_what_is_no_pattern_and_a_pattern_twice_are_refused() -> None:
    stack = new_stack()
    jobs = SecureQueue(stack, "Jobs")
    topic = events.EventBus(stack, "Bus")
    assert problems(lambda: PatternDashboard(stack, "Ops", patterns=[jobs, topic, jobs])) == [
        (
            "patterns[1]='Test/Bus': must be a SecureQueue, sqs.IQueue, TopicFanout, "
            "EventRuleToQueue, ScheduleToQueue, BucketToQueue, LambdaQueueConsumer, "
            "QueueWorkerFleet or a construct with dashboard_view(period) "
            "(SupportsDashboardView)",
            OptionCode.DASHBOARD_NOT_A_PATTERN,
        ),
        (
            "patterns[2]='Test/Jobs': is on this dashboard already",
            OptionCode.DASHBOARD_PATTERN_TWICE,
        ),
    ]


@pytest.mark.parametrize(
    ("options", "message", "code"),
    [
        (
            {"dashboard_name": "jobs dashboard"},
            "dashboard_name='jobs dashboard': must be 1 to 255 letters, digits, '-' or '_'",
            OptionCode.DASHBOARD_NAME_INVALID,
        ),
        (
            {"dashboard_name": ""},
            "dashboard_name='': must be 1 to 255 letters, digits, '-' or '_'",
            OptionCode.DASHBOARD_NAME_INVALID,
        ),
        (
            {"dashboard_name": "a" * 256},
            f"dashboard_name='{'a' * 256}': must be 1 to 255 letters, digits, '-' or '_'",
            OptionCode.DASHBOARD_NAME_INVALID,
        ),
        (
            {"period": Duration.seconds(90)},
            "period='90 seconds': must be a whole number of minutes: SQS, Lambda and Auto "
            "Scaling publish one-minute metrics",
            OptionCode.DASHBOARD_PERIOD_NOT_WHOLE_MINUTES,
        ),
        (
            {"period": Duration.seconds(30)},
            "period='30 seconds': must be a whole number of minutes: SQS, Lambda and Auto "
            "Scaling publish one-minute metrics",
            OptionCode.DASHBOARD_PERIOD_NOT_WHOLE_MINUTES,
        ),
        (
            {"time_range": Duration.seconds(90)},
            "time_range='90 seconds': must be a whole number of minutes",
            OptionCode.DASHBOARD_TIME_RANGE_NOT_WHOLE_MINUTES,
        ),
    ],
)
def test_option_rules(options: dict[str, Any], message: str, code: OptionCode) -> None:
    assert [(str(p), p.code) for p in PatternDashboardOptions(**options).problems()] == [
        (message, code)
    ]
    stack = new_stack()
    assert problems(lambda: PatternDashboard(stack, "Ops", **options)) == [(message, code)]


def test_a_valid_name_is_the_dashboards() -> None:
    assert PatternDashboardOptions(dashboard_name="Jobs-ops_1").problems() == []
    stack = new_stack()
    PatternDashboard(stack, "Ops", dashboard_name="Jobs-ops_1")
    Template.from_stack(stack).has_resource_properties(
        "AWS::CloudWatch::Dashboard", {"DashboardName": "Jobs-ops_1"}
    )


# --- your own constructs (SupportsDashboardView, issue 22) ------------------------------


class RenderService(Construct):
    """A user's own pattern: a queue, a metric of its own, an alarm."""

    def __init__(self, scope: Construct, construct_id: str, queue: sqs.IQueue) -> None:
        super().__init__(scope, construct_id)
        self.queue = queue
        self.render_time = cloudwatch.Metric(namespace="Renders", metric_name="RenderTime")
        self.slow = self.render_time.create_alarm(
            self, "Slow", threshold=2_000, evaluation_periods=5
        )
        self.periods: list[float] = []

    def dashboard_view(self, period: Duration) -> PatternView:
        self.periods.append(period.to_seconds())
        return PatternView(
            kind="RenderService",
            path=self.node.path,
            description="Renders what arrives.",
            queues=[queue_view(self.queue, "consumed queue")],
            dead_letter_queues=[DeadLetterView("render DLQ", self.queue)],
            graphs=[
                Graph(
                    "Render time",
                    [self.render_time.with_(period=period, statistic="p90")],
                    [cloudwatch.HorizontalAnnotation(value=2_000, label="slow")],
                    "ms",
                )
            ],
            alarms=[self.slow],
        )


class OldStyleService(Construct):
    """Written for the private protocol of issue 13."""

    def _dashboard_view(self, period: Duration) -> PatternView:
        return PatternView(kind="OldStyle", path=self.node.path, description="Still drawn.")


def test_a_construct_of_your_own_is_drawn_like_the_librarys_patterns() -> None:
    stack = new_stack()
    jobs = sqs.Queue(stack, "Jobs")
    service = RenderService(stack, "Renders", jobs)
    assert isinstance(service, SupportsDashboardView)
    PatternDashboard(stack, "Ops", patterns=[service], period=Duration.minutes(5))
    widgets = widgets_of(stack)
    assert service.periods == [300]  # the dashboard's period, given to the view
    assert widgets[0]["properties"]["markdown"] == (
        "### RenderService `Test/Renders`\n\nRenders what arrives."
    )
    assert titled(widgets, "Consumed queue Jobs: depth")
    dlq = titled(widgets, "Undelivered messages: dead-letter queue depth")
    assert dlq["properties"]["metrics"][0][-1]["label"] == "render DLQ"
    graph = titled(widgets, "Render time")["properties"]
    assert graph["metrics"] == [["Renders", "RenderTime", {"stat": "p90"}]]
    assert graph["yAxis"]["left"]["label"] == "ms"
    assert graph["annotations"]["horizontal"] == [{"value": 2000, "label": "slow", "yAxis": "left"}]
    (status,) = [w for w in widgets if w["type"] == "alarm"]
    assert status["properties"]["title"] == "Alarms: Test/Renders"
    assert len(status["properties"]["alarms"]) == 1


def test_every_pattern_of_the_library_supports_the_dashboard_view() -> None:
    for pattern in (
        TopicFanout,
        EventRuleToQueue,
        ScheduleToQueue,
        BucketToQueue,
        LambdaQueueConsumer,
        QueueWorkerFleet,
    ):
        assert callable(getattr(pattern, "dashboard_view", None)), pattern
        assert not hasattr(pattern, "_dashboard_view"), pattern


def test_the_private_method_of_issue_13_still_draws_with_a_warning() -> None:
    stack = new_stack()
    old = OldStyleService(stack, "Old")
    assert not isinstance(old, SupportsDashboardView)
    with pytest.warns(DeprecationWarning, match=r"OldStyleService._dashboard_view is deprecated"):
        PatternDashboard(stack, "Ops", patterns=[old])
    assert widgets_of(stack)[0]["properties"]["markdown"].startswith("### OldStyle `Test/Old`")


def test_a_view_keeps_what_it_was_given_as_tuples() -> None:
    view = PatternView(kind="K", path="P", description="D", graphs=[Graph("G", [])])
    assert view.graphs == (Graph("G", ()),) and isinstance(view.queues, tuple)
