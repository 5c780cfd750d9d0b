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


@dataclass
class Overhead:
    library_median: float
    plain_median: float
    runs: int
    compared_stacks: list[str]
    left_out: list[str]
    #: library / plain of each interleaved pair: their range says how much one
    #: run's ratio can stray from the ratio of the medians on this machine
    pair_ratios: tuple[float, ...] = ()

    @property
    def ratio(self) -> float:
        return self.library_median / self.plain_median


def _example_stack_classes() -> dict[str, type[Stack]]:
    """The example app's stacks by name (stacks/__init__.py builds them in this order)."""
    from stacks.buffering_stack import BufferingStack
    from stacks.decoupling_stack import DecouplingStack
    from stacks.ordered_processing_stack import OrderedProcessingStack
    from stacks.serverless_workflow_stack import ServerlessWorkflowStack

    return {
        "Buffering": BufferingStack,
        "OrderedProcessing": OrderedProcessingStack,
        "Decoupling": DecouplingStack,
        "ServerlessWorkflow": ServerlessWorkflowStack,
    }


def _library_stacks(names: list[str]) -> Callable[[App], None]:
    """Builds only the named example stacks: constructing the others and
    dropping them would count their cost against the library."""

    def build(app: App) -> None:
        from stacks import example_environment

        classes = _example_stack_classes()
        env = example_environment(app)
        for name in names:
            classes[name](app, name, env=env)

    return build


def _plain_stacks(names: list[str]) -> Callable[[App], None]:
    def build(app: App) -> None:
        from benchmarks.plain_topology import PLAIN_STACKS
        from stacks import example_environment

        env = example_environment(app)
        for name in names:
            PLAIN_STACKS[name](Stack(app, name, env=env))

    return build


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
    library_build, plain_build = _library_stacks(compared), _plain_stacks(compared)

    _timed(library_build)
    _timed(plain_build)
    library: list[float] = []
    plain: list[float] = []
    for i in range(runs):
        order = [(library, library_build), (plain, plain_build)]
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
        pair_ratios=tuple(lib / pl for lib, pl in zip(library, plain, strict=True)),
    )


@dataclass
class StackRoundTrips:
    """jsii round trips to build and synthesize one example stack, counted."""

    stack: str
    library: int
    plain: int

    @property
    def ratio(self) -> float:
        return self.library / self.plain


def round_trips_per_stack() -> list[StackRoundTrips]:
    """Each example stack and its plain twin, alone in a fresh app (after a
    warm-up, so that jsii's one-time type loading is not counted), built and
    synthesized while every request to the jsii kernel is counted."""
    from benchmarks.jsii_calls import counting_round_trips
    from benchmarks.plain_topology import PLAIN_STACKS

    rows = []
    for name in PLAIN_STACKS:
        counts = []
        for build in (_library_stacks([name]), _plain_stacks([name])):
            _timed(build)
            app = new_app()
            with counting_round_trips() as trips:
                build(app)
                app.synth()
            counts.append(trips.total)
        rows.append(StackRoundTrips(name, library=counts[0], plain=counts[1]))
    return rows


def round_trips_per_pattern() -> dict[str, int]:
    """jsii round trips of one instance of each pattern kind (queues included),
    construction only (synthesis is the L2s' and the same for any twin)."""
    from aws_cdk import Environment

    from benchmarks.jsii_calls import counting_round_trips
    from stacks import DEFAULT_ACCOUNT, DEFAULT_REGION

    result = {}
    for kind in PATTERN_KINDS:
        for counted in (False, True):  # the first builds once to load every type
            app = new_app()
            stack = Stack(
                app, "One", env=Environment(account=DEFAULT_ACCOUNT, region=DEFAULT_REGION)
            )
            if counted:
                with counting_round_trips() as trips:
                    _one_pattern(kind, stack)
                result[kind] = trips.total
            else:
                _one_pattern(kind, stack)
    return result


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
        FanoutSubscription,
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
        TopicFanout(scope, "P", queues=[FanoutSubscription(q.node.id, q) for q in queues])
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
