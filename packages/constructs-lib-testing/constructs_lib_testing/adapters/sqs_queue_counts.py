"""SQS: a queue's message counts read one clock, and receive stops re-reading every attribute.

moto 5.2.5 answers ``ApproximateNumberOfMessages*`` (and picks the messages a
receive may return) by asking every message whether it is visible and
whether it is delayed, and each message reads the clock (a datetime
computation) for each question. It rebuilds the whole attribute map, those
counts included, on every send (for ``ContentBasedDeduplication``) and three
times for every message a receive returns (for ``MessageRetentionPeriod``).
A send or a receive therefore costs a multiple of the queue's depth, every
one of them: 600 messages sent in batches took 4 s, and the reliability run
spent most of its time there. AWS has no such cost.

While the adapters are active, the counts and the visible messages are
computed against one clock reading per call, and the retention check reads
the queue's retention period itself. The answers are the same: a message is
visible once the clock is past its ``visible_at`` and delayed until
``delayed_until``, as moto's ``Message.visible``/``delayed`` say, and the
retention period is the value the attribute map carries. Upstream, the same
change to moto's ``Queue`` and ``SQSBackend``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.core.utils import unix_time, unix_time_millis

from constructs_lib_testing.activation import MotoPatch
from constructs_lib_testing.adapters._model import Adapter


def _visible_and_ready(queue: Any, now: float) -> list[Any]:
    return [m for m in queue._messages if now > m.visible_at and not now < m.delayed_until]


def _messages(_original: Any) -> property:
    def messages(self: Any) -> list[Any]:
        return _visible_and_ready(self, unix_time_millis())

    return property(messages)


def _count(test: Callable[[Any, float], bool]) -> Callable[[Any], property]:
    def wrap(_original: Any) -> property:
        def count(self: Any) -> int:
            now = unix_time_millis()
            return sum(1 for m in self._messages if test(m, now))

        return property(count)

    return wrap


def _ready_count(_original: Any) -> property:
    def count(self: Any) -> int:
        return len(_visible_and_ready(self, unix_time_millis()))

    return property(count)


def _retention_check(_original: Any) -> Callable[[Any, str, Any], bool]:
    def is_message_valid_based_on_retention_period(
        self: Any, queue_name: str, message: Any
    ) -> bool:
        retention_period = int(self.get_queue(queue_name).message_retention_period)
        return bool(retention_period + message.sent_timestamp / 1000 > unix_time())

    return is_message_valid_based_on_retention_period


_MESSAGE_CLOCK = (
    "moto.sqs.models:Message#visible_at",
    "moto.sqs.models:Message#delayed_until",
    "moto.sqs.models:Queue#_messages",
    "moto.core.utils:unix_time_millis",
)

ADAPTER = Adapter(
    name="sqs_queue_counts",
    resource_types=("AWS::SQS::Queue",),
    mends="message counts and visible messages read the clock once per call, and a "
    "receive's retention check reads the retention period alone: a send or receive "
    "no longer costs a multiple of the queue's depth (same answers)",
    patches=(
        MotoPatch("moto.sqs.models:Queue.messages", _messages, relies_on=_MESSAGE_CLOCK),
        MotoPatch("moto.sqs.models:Queue.approximate_number_of_messages", _ready_count),
        MotoPatch(
            "moto.sqs.models:Queue.approximate_number_of_messages_delayed",
            _count(lambda m, now: now < m.delayed_until),
        ),
        MotoPatch(
            "moto.sqs.models:Queue.approximate_number_of_messages_not_visible",
            _count(lambda m, now: not now > m.visible_at),
        ),
        MotoPatch(
            "moto.sqs.models:SQSBackend.is_message_valid_based_on_retention_period",
            _retention_check,
            relies_on=(
                "moto.sqs.models:SQSBackend.get_queue",
                # sets message_retention_period from MessageRetentionPeriod
                "moto.sqs.models:Queue._set_attributes",
                "moto.sqs.models:Message#sent_timestamp",
                "moto.core.utils:unix_time",
            ),
        ),
    ),
    upstream="Queue.messages and the ApproximateNumberOfMessages* properties: one clock "
    "reading per call; SQSBackend.is_message_valid_based_on_retention_period: read "
    "queue.message_retention_period instead of rebuilding the attribute map",
)
