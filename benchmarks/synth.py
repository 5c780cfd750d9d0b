"""Synth figures: library vs plain aws-cdk-lib, growth with patterns, resources per pattern."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from aws_cdk import App, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_scheduler as scheduler
from constructs import Construct

#: Patterns per stack in the growth series: 50 SecureQueues are 300 resources,
#: well below the 500-resource quota; larger counts use several stacks, as the
#: library's quota check advises.
PATTERNS_PER_STACK = 50


def new_app() -> App:
    from tests.conftest import cdk_context  # the context `cdk synth` would pass

    return App(context=cdk_context(), builtin_cloud_formation_validation=False)


def _timed(build: Callable[[App], None]) -> tuple[float, App]:
    started = time.perf_counter()
    app = new_app()
    build(app)
    assembly = app.synth()
    seconds = time.perf_counter() - started
    del assembly
    return seconds, app


def plain_app(app: App) -> None:
    from benchmarks.plain_topology import PLAIN_STACKS
    from stacks import example_environment

    env = example_environment(app)
    for name, build in PLAIN_STACKS.items():
        build(Stack(app, name, env=env))


@dataclass
class Overhead:
    library_median: float
    plain_median: float
    runs: int
    compared_stacks: list[str]
    left_out: list[str]

    @property
    def ratio(self) -> float:
        return self.library_median / self.plain_median


def synth_overhead(runs: int) -> Overhead:
    """Median synth time of the example app with the library vs its plain twin.

    Runs alternate (library, plain, plain, library, ...) after one warm-up of
    each, so drift and noise of a shared machine hit both alike. Only the
    example stacks that have a plain twin are compared.
    """
    from benchmarks.plain_topology import PLAIN_STACKS
    from stacks import build_example_app

    probe = new_app()
    all_stacks = [s.stack_name for s in build_example_app(probe)]
    compared = [s for s in all_stacks if s in PLAIN_STACKS]

    def library_subset(app: App) -> None:
        # Only the compared stacks are built: constructing the others and
        # dropping them would count their cost against the library.
        from stacks import example_environment
        from stacks.decoupling_stack import DecouplingStack
        from stacks.serverless_workflow_stack import ServerlessWorkflowStack

        classes = {"Decoupling": DecouplingStack, "ServerlessWorkflow": ServerlessWorkflowStack}
        env = example_environment(app)
        for name in compared:
            classes[name](app, name, env=env)

    _timed(library_subset)
    _timed(plain_app)
    library: list[float] = []
    plain: list[float] = []
    for i in range(runs):
        order = [(library, library_subset), (plain, plain_app)]
        if i % 2:
            order.reverse()
        for samples, build in order:
            samples.append(_timed(build)[0])
    return Overhead(
        library_median=statistics.median(library),
        plain_median=statistics.median(plain),
        runs=runs,
        compared_stacks=compared,
        left_out=[s for s in all_stacks if s not in PLAIN_STACKS],
    )


@dataclass
class GrowthPoint:
    patterns: int
    stacks: int
    resources: int
    template_bytes: int
    seconds: float


def synth_growth(counts: list[int], runs: int) -> list[GrowthPoint]:
    """Synth time and resources for N SecureQueue patterns (median of ``runs``)."""
    from constructs_lib import SecureQueue

    points = []
    for count in counts:

        def build(app: App, count: int = count) -> None:
            for first in range(0, count, PATTERNS_PER_STACK):
                stack = Stack(app, f"Patterns{first // PATTERNS_PER_STACK}")
                for n in range(first, min(first + PATTERNS_PER_STACK, count)):
                    SecureQueue(stack, f"Queue{n}")

        samples = []
        for _ in range(runs):
            seconds, app = _timed(build)
            samples.append(seconds)
        assembly = app.synth()
        points.append(
            GrowthPoint(
                patterns=count,
                stacks=len(assembly.stacks),
                resources=sum(len(s.template["Resources"]) for s in assembly.stacks),
                template_bytes=sum(len(json.dumps(s.template, indent=1)) for s in assembly.stacks),
                seconds=statistics.median(samples),
            )
        )
    return points


def _one_pattern(kind: str, scope: Construct) -> None:
    from constructs_lib import (
        BucketToQueue,
        EventRuleToQueue,
        FanoutQueue,
        ScheduleToQueue,
        SecureQueue,
        TopicFanout,
    )

    if kind == "SecureQueue (standard)":
        SecureQueue(scope, "P")
    elif kind == "SecureQueue (FIFO, KMS)":
        from aws_cdk import aws_sqs as sqs

        SecureQueue(scope, "P", fifo=True, encryption=sqs.QueueEncryption.KMS)
    elif kind == "TopicFanout (3 queues)":
        queues = [SecureQueue(scope, f"Q{i}") for i in range(3)]
        TopicFanout(scope, "P", queues=[FanoutQueue(q.node.id, q) for q in queues])
    elif kind == "EventRuleToQueue":
        EventRuleToQueue(
            scope,
            "P",
            queue=SecureQueue(scope, "Q"),
            event_pattern=events.EventPattern(source=["shop.orders"]),
        )
    elif kind == "ScheduleToQueue":
        ScheduleToQueue(
            scope,
            "P",
            queue=SecureQueue(scope, "Q"),
            schedule=scheduler.ScheduleExpression.cron(hour="2", minute="0"),
            payload={"job": "nightly-report"},
        )
    elif kind == "BucketToQueue":
        BucketToQueue(scope, "P", queue=SecureQueue(scope, "Q"))


PATTERN_KINDS = [
    "SecureQueue (standard)",
    "SecureQueue (FIFO, KMS)",
    "TopicFanout (3 queues)",
    "EventRuleToQueue",
    "ScheduleToQueue",
    "BucketToQueue",
]


def resources_per_pattern() -> dict[str, tuple[int, int]]:
    """(resources, template bytes) of one instance of each pattern, queues included."""
    from stacks import DEFAULT_ACCOUNT, DEFAULT_REGION

    result = {}
    for kind in PATTERN_KINDS:
        app = new_app()
        from aws_cdk import Environment

        stack = Stack(app, "One", env=Environment(account=DEFAULT_ACCOUNT, region=DEFAULT_REGION))
        _one_pattern(kind, stack)
        template = app.synth().get_stack_by_name("One").template
        resources = {
            k: v for k, v in template["Resources"].items() if v["Type"] != "AWS::CDK::Metadata"
        }
        result[kind] = (len(resources), len(json.dumps(template, indent=1)))
    return result
