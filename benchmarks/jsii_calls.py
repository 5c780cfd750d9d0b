"""Counting the round trips between Python and the jsii kernel (the Node process).

Every aws-cdk-lib call from Python is a request that jsii's kernel client
sends to its Node process and waits for: creating an object, reading or
setting a property, invoking a method (static or not), and, when Node calls
back into Python (an overridden method, a validation written in Python), the
answer that completes the callback. `counting_round_trips` wraps those
client methods of the running kernel (``jsii.kernel.provider``) while the
block runs, so each request is counted, by kind, not estimated.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import jsii

#: The kernel client's requests, each one round trip to the Node process.
KERNEL_REQUESTS = (
    "create",
    "delete",
    "get",
    "set",
    "sget",
    "sset",
    "invoke",
    "sinvoke",
    "begin",
    "sbegin",
    "end",
    "callbacks",
    "complete",
    "sync_complete",
)


@dataclass
class RoundTrips:
    """Requests sent to the jsii kernel while counting, by kind (``get``, ``invoke``, ...)."""

    by_kind: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


@contextmanager
def counting_round_trips() -> Iterator[RoundTrips]:
    """Counts every request to the jsii kernel made inside the block."""
    provider = jsii.kernel.provider
    trips = RoundTrips()
    for kind in KERNEL_REQUESTS:
        setattr(provider, kind, _counted(getattr(provider, kind), kind, trips))
    try:
        yield trips
    finally:
        for kind in KERNEL_REQUESTS:
            # the wrappers are attributes of the instance: removing one shows the class's method
            delattr(provider, kind)


def _counted(request: Callable[..., Any], kind: str, trips: RoundTrips) -> Callable[..., Any]:
    def counted(*args: Any, **kwargs: Any) -> Any:
        trips.by_kind[kind] += 1
        return request(*args, **kwargs)

    return counted
