"""The round-trip counter counts exactly the requests of known aws-cdk-lib calls."""

from __future__ import annotations

import jsii
from aws_cdk import Duration, Stack, Token

from benchmarks.jsii_calls import KERNEL_REQUESTS, counting_round_trips
from tests.conftest import bare_app


def test_each_kind_of_request_is_counted_once() -> None:
    app = bare_app()
    with counting_round_trips() as trips:
        duration = Duration.minutes(2)  # static invoke
        duration.to_seconds()  # invoke
        stack = Stack(app, "Counted")  # create
        stack.node.path  # noqa: B018  (get node, get path)
    assert dict(trips.by_kind) == {"sinvoke": 1, "invoke": 1, "create": 1, "get": 2}
    assert trips.total == 5


def test_nothing_is_counted_outside_the_block_and_the_kernel_is_left_as_it_was() -> None:
    provider = jsii.kernel.provider
    with counting_round_trips() as trips:
        pass
    Token.is_unresolved("plain")
    assert trips.total == 0
    assert not any(kind in vars(provider) for kind in KERNEL_REQUESTS)
