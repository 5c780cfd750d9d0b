"""SQS requests per processed message: the fleet's worker against a naive loop.

SQS bills per request (a batch of up to 10 messages is one request), so
requests per message is the cost figure of a consumer. The floor is 0.2:
one ReceiveMessage and one DeleteMessageBatch per 10 messages.

Both consumers drain the same messages in one run, against moto (in-process,
no network), each from its own queue filled with identical bodies; requests
are counted with a botocore ``before-call`` hook, so every API call counts,
including the empty receive that ends a run. Failures are injected (every
``--poison-every``-th message fails on its first delivery, then succeeds),
which adds the receives a real consumer pays for retries.

Usage: python -m benchmarks.sqs_requests_per_message [--messages 1000]

Not a timed test: it prints a table and never fails on speed.
"""

from __future__ import annotations

import argparse
import logging
import os
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

for _name, _value in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}.items():
    os.environ.setdefault(_name, _value)

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402

from constructs_lib.runtime.worker import QueueWorker  # noqa: E402

FLOOR = 0.2


class FlakyHandler:
    """Fails every n-th message on its first delivery (n=0: never)."""

    def __init__(self, poison_every: int) -> None:
        self.poison_every = poison_every
        self.processed: Counter[str] = Counter()
        self._lock = threading.Lock()

    def __call__(self, body: str, receive_count: int) -> None:
        if self.poison_every and int(body) % self.poison_every == 0 and receive_count == 1:
            raise RuntimeError(f"transient failure of message {body}")
        with self._lock:
            self.processed[body] += 1


def counting(client: Any) -> Counter[str]:
    calls: Counter[str] = Counter()
    client.meta.events.register("before-call.sqs.*", lambda model, **_: calls.update([model.name]))
    return calls


def fill(sqs: Any, url: str, count: int) -> None:
    for start in range(0, count, 10):
        sqs.send_message_batch(
            QueueUrl=url,
            Entries=[
                {"Id": str(i), "MessageBody": str(i)} for i in range(start, min(start + 10, count))
            ],
        )


def naive_loop(sqs: Any, url: str, handle: Callable[[str, int], None]) -> None:
    """One message per receive, one delete per message (what many consumers do)."""
    while True:
        got = sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=1,
            WaitTimeSeconds=0,
            MessageSystemAttributeNames=["ApproximateReceiveCount"],
        ).get("Messages", [])
        if not got:
            return
        message = got[0]
        try:
            handle(message["Body"], int(message["Attributes"]["ApproximateReceiveCount"]))
        except RuntimeError:
            # retry at once, like the worker's failure_visibility_timeout_seconds=0
            sqs.change_message_visibility(
                QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
            )
            continue
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])


def run(messages: int, poison_every: int) -> list[tuple[str, int, Counter[str], int]]:
    rows = []
    with mock_aws():
        setup = boto3.client("sqs", region_name="us-east-1")
        urls = {
            name: setup.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "30"})[
                "QueueUrl"
            ]
            for name in ("worker", "naive")
        }
        for url in urls.values():
            fill(setup, url, messages)

        sqs = boto3.client("sqs", region_name="us-east-1")
        calls = counting(sqs)
        handler = FlakyHandler(poison_every)
        QueueWorker(
            queue_url=urls["worker"],
            handler=lambda m: handler(m.body, m.receive_count),
            sqs_client=sqs,
            wait_time_seconds=0,
            visibility_timeout_seconds=30,
            failure_visibility_timeout_seconds=0,
        ).run(stop_when_idle=True)
        rows.append(
            ("QueueWorker (batches of 10)", messages, calls, sum(handler.processed.values()))
        )

        sqs = boto3.client("sqs", region_name="us-east-1")
        calls = counting(sqs)
        handler = FlakyHandler(poison_every)
        naive_loop(sqs, urls["naive"], handler)
        rows.append(("naive loop (1 at a time)", messages, calls, sum(handler.processed.values())))
    return rows


def table(rows: list[tuple[str, int, Counter[str], int]]) -> str:
    lines = [
        f"{'consumer':<30} {'messages':>8} {'processed':>9} {'receive':>8} {'delete':>7} "
        f"{'other':>6} {'requests':>8} {'req/msg':>8}",
    ]
    for name, messages, calls, processed in rows:
        receive = calls["ReceiveMessage"]
        delete = calls["DeleteMessage"] + calls["DeleteMessageBatch"]
        total = sum(calls.values())
        lines.append(
            f"{name:<30} {messages:>8} {processed:>9} {receive:>8} {delete:>7} "
            f"{total - receive - delete:>6} {total:>8} {total / processed:>8.3f}"
        )
    lines.append(f"floor: {FLOOR} requests per message (one receive and one delete per 10)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--poison-every", type=int, default=0, help="fail every n-th message once")
    args = parser.parse_args(argv)
    logging.getLogger("queue_worker").setLevel(logging.ERROR)  # injected failures
    print(table(run(args.messages, args.poison_every)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
