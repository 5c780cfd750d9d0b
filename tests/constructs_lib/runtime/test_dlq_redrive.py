"""DLQ redrive against a real SQS API (a moto server, or the local account server).

What must hold: every message arrives at least once and none is lost, also
when the process dies between a send and its delete; FIFO order per group and
message attributes survive; the dry run consumes nothing; misfits are refused.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from constructs_lib.runtime import dlq_redrive as r
from tests.sqs_support import (
    counts,
    create_queue,
    drain,
    queue_with_dlq,
    send,
    sqs,
    sqs_endpoint,
    unique,
)

pytestmark = pytest.mark.runtime
__all__ = ["sqs", "sqs_endpoint"]  # fixtures used by name

FAST = {"wait_time_seconds": 0}
ATTRS = {
    "tenant": {"DataType": "String", "StringValue": "acme"},
    "amount": {"DataType": "Number", "StringValue": "12.50"},
    "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xff"},
}


class Proxy:
    """A boto3 client with some calls replaced; everything else goes through."""

    def __init__(self, client: Any, **overrides: Any) -> None:
        self._client = client
        self._overrides = overrides

    def __getattr__(self, name: str) -> Any:
        return self._overrides.get(name) or getattr(self._client, name)


def crash_on_delete(client: Any, call: int) -> Proxy:
    """Raises at the ``call``-th DeleteMessageBatch: after its batch was sent."""
    calls = {"n": 0}

    def delete_message_batch(**kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == call:
            raise RuntimeError("simulated crash between send and delete")
        return client.delete_message_batch(**kwargs)

    return Proxy(client, delete_message_batch=delete_message_batch)


def client_error(code: str, status: int) -> ClientError:
    return ClientError(
        {"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}},
        "StartMessageMoveTask",
    )


# --- standard queues ------------------------------------------------------------


def test_manual_moves_every_message_back_to_the_source_with_its_attributes(sqs: Any) -> None:
    source, dlq = queue_with_dlq(sqs)
    bodies = [f"job-{i}" for i in range(25)]
    send(sqs, dlq, bodies, **ATTRS)
    lines: list[str] = []

    result = r.redrive(sqs, dlq, method="manual", progress=lines.append, **FAST)

    assert (result.moved, result.failed, result.ok) == (25, 0, True)
    assert result.destination is not None and result.destination.url == source
    assert (result.remaining_visible, result.remaining_in_flight) == (0, 0)
    moved = drain(sqs, source)
    assert sorted(m["Body"] for m in moved) == sorted(bodies)
    for m in moved:
        assert m["MessageAttributes"]["tenant"]["StringValue"] == "acme"
        assert m["MessageAttributes"]["amount"] == {"DataType": "Number", "StringValue": "12.50"}
        assert m["MessageAttributes"]["blob"]["BinaryValue"] == b"\x00\x01\xff"
    assert counts(sqs, dlq) == (0, 0)
    assert any(line.startswith("moved 25, failed 0, remaining ~0") for line in lines)


def test_messages_dead_lettered_by_sqs_itself_go_back(sqs: Any) -> None:
    source, dlq = queue_with_dlq(sqs, max_receive_count=1)
    send(sqs, source, ["fails-once"])
    for _ in range(2):  # the second receive exceeds maxReceiveCount: SQS moves it
        sqs.receive_message(QueueUrl=source, VisibilityTimeout=0, WaitTimeSeconds=0)
    assert counts(sqs, dlq) == (1, 0)

    result = r.redrive(sqs, r.resolve_queue(sqs, dlq).arn, method="manual", **FAST)

    assert result.moved == 1
    assert [m["Body"] for m in drain(sqs, source)] == ["fails-once"]


def test_to_sends_elsewhere_and_accepts_names(sqs: Any) -> None:
    _, dlq = queue_with_dlq(sqs)
    other_name = unique("other")
    other = create_queue(sqs, other_name)
    send(sqs, dlq, ["a", "b"])

    result = r.redrive(sqs, dlq.rsplit("/", 1)[1], to=other_name, method="manual", **FAST)

    assert result.moved == 2
    assert sorted(m["Body"] for m in drain(sqs, other)) == ["a", "b"]


def test_max_messages_stops_after_that_many(sqs: Any) -> None:
    source, dlq = queue_with_dlq(sqs)
    send(sqs, dlq, [f"m{i}" for i in range(25)])

    result = r.redrive(sqs, dlq, method="manual", max_messages=12, **FAST)

    assert result.moved == 12
    assert len(drain(sqs, source)) == 12
    assert counts(sqs, dlq) == (13, 0)


def test_several_source_queues_need_an_explicit_destination(sqs: Any) -> None:
    first, dlq = queue_with_dlq(sqs)
    policy = sqs.get_queue_attributes(QueueUrl=first, AttributeNames=["RedrivePolicy"])
    second = create_queue(
        sqs, unique("second"), RedrivePolicy=policy["Attributes"]["RedrivePolicy"]
    )
    send(sqs, dlq, ["x"])

    with pytest.raises(r.RedriveError, match=r"dead-letter queue of several queues .*--to"):
        r.redrive(sqs, dlq, method="manual", **FAST)
    assert counts(sqs, dlq) == (1, 0)
    assert r.redrive(sqs, dlq, to=second, method="manual", **FAST).moved == 1


def test_a_queue_without_sources_needs_to(sqs: Any) -> None:
    lonely = create_queue(sqs, unique("lonely"))
    with pytest.raises(r.RedriveError, match=r"no queue names .* as its dead-letter queue"):
        r.redrive(sqs, lonely, method="manual", **FAST)


def test_missing_queue_is_refused(sqs: Any) -> None:
    with pytest.raises(r.RedriveError, match="does not exist"):
        r.redrive(sqs, unique("missing"), method="manual", **FAST)


# --- FIFO -------------------------------------------------------------------


def test_fifo_keeps_groups_order_and_uses_a_redrive_deduplication_id(sqs: Any) -> None:
    source, dlq = queue_with_dlq(sqs, fifo=True)
    dlq_ids: dict[str, str] = {}
    for group in ("g1", "g2", "g3"):
        dlq_ids |= send(sqs, dlq, [f"{group}-{i:02d}" for i in range(8)], group=group, **ATTRS)

    result = r.redrive(sqs, dlq, method="manual", **FAST)

    assert (result.moved, result.ok) == (24, True)
    moved = drain(sqs, source)
    for group in ("g1", "g2", "g3"):
        in_group = [m for m in moved if m["Attributes"]["MessageGroupId"] == group]
        assert [m["Body"] for m in in_group] == [f"{group}-{i:02d}" for i in range(8)]
    for m in moved:
        # Never the original id: SQS would drop the copy within 5 minutes of the first send.
        assert m["Attributes"]["MessageDeduplicationId"] == f"redrive-{dlq_ids[m['Body']]}"
        assert m["MessageAttributes"]["tenant"]["StringValue"] == "acme"


@pytest.mark.parametrize("dlq_fifo", [True, False], ids=["fifo-to-standard", "standard-to-fifo"])
def test_fifo_and_standard_do_not_mix(sqs: Any, dlq_fifo: bool) -> None:
    _, dlq = queue_with_dlq(sqs, fifo=dlq_fifo)
    other = create_queue(sqs, unique("other"), fifo=not dlq_fifo)
    if dlq_fifo:
        send(sqs, dlq, ["x"], group="g")
    else:
        send(sqs, dlq, ["x"])

    with pytest.raises(r.RedriveError, match="both must be FIFO or both standard"):
        r.redrive(sqs, dlq, to=other, **FAST)
    assert counts(sqs, dlq) == (1, 0)


# --- failures and interruptions --------------------------------------------------


def test_a_crash_between_send_and_delete_duplicates_and_never_loses(sqs: Any) -> None:
    source, dlq = queue_with_dlq(sqs)
    bodies = [f"order-{i}" for i in range(30)]
    send(sqs, dlq, bodies)

    with pytest.raises(RuntimeError, match="simulated crash"):
        r.redrive(crash_on_delete(sqs, 2), dlq, method="manual", visibility_timeout=1, **FAST)
    # Batch 1 moved, batch 2 sent but still in the DLQ (in flight), batch 3 untouched.
    assert counts(sqs, dlq) == (10, 10)
    time.sleep(1.5)  # the crashed run's receive visibility (1 s) runs out

    result = r.redrive(sqs, dlq, method="manual", **FAST)

    assert (result.moved, result.ok) == (20, True)
    arrived = Counter(m["Body"] for m in drain(sqs, source))
    assert set(arrived) == set(bodies)  # none missing
    assert sum(arrived.values()) == 40  # the 10 of the crashed batch arrived twice
    assert sorted(arrived.values()).count(2) == 10
    assert counts(sqs, dlq) == (0, 0)


def test_failed_sends_stay_in_the_dlq_and_are_reported(sqs: Any) -> None:
    source, dlq = queue_with_dlq(sqs)
    send(sqs, dlq, ["ok-1", "poison", "ok-2"])

    def send_message_batch(QueueUrl: str, Entries: list[dict[str, Any]]) -> Any:
        good = [e for e in Entries if e["MessageBody"] != "poison"]
        response = sqs.send_message_batch(QueueUrl=QueueUrl, Entries=good)
        response["Failed"] = [
            {"Id": e["Id"], "Code": "InternalError", "Message": "boom", "SenderFault": False}
            for e in Entries
            if e["MessageBody"] == "poison"
        ]
        return response

    result = r.redrive(
        Proxy(sqs, send_message_batch=send_message_batch), dlq, method="manual", **FAST
    )

    assert (result.moved, result.failed, result.ok) == (2, 1, False)
    assert result.failures[0].code == "InternalError"
    assert "failed 1" in result.summary()
    assert sorted(m["Body"] for m in drain(sqs, source)) == ["ok-1", "ok-2"]
    assert counts(sqs, dlq) == (0, 1)  # the poison message is still there, in flight


# --- dry run -----------------------------------------------------------------


def test_dry_run_counts_and_samples_without_consuming(sqs: Any) -> None:
    source, dlq = queue_with_dlq(sqs)
    send(sqs, dlq, ["x" * 500] + [f"m{i}" for i in range(6)], **ATTRS)

    report = r.dry_run(sqs, dlq, samples=5)

    assert (report.visible, report.in_flight) == (7, 0)
    assert report.destination is not None and report.destination.url == source
    assert 1 <= len(report.samples) <= 5
    assert all(s.receive_count == 1 and s.attributes["tenant"] == "acme" for s in report.samples)
    assert all(len(s.body) < 260 for s in report.samples)
    # Nothing consumed or hidden: every message can be received at once.
    assert counts(sqs, dlq) == (7, 0)
    assert len(drain(sqs, dlq)) == 7
    assert counts(sqs, source) == (0, 0)
    assert "holds 7 visible" in report.summary()


def test_dry_run_reports_an_ambiguous_destination_instead_of_failing(sqs: Any) -> None:
    lonely = create_queue(sqs, unique("lonely"))
    report = r.dry_run(sqs, lonely, samples=0)
    assert report.destination is None
    assert "pass --to" in report.destination_note


# --- method selection --------------------------------------------------------


def test_auto_falls_back_when_the_server_does_not_implement_move_tasks(sqs: Any) -> None:
    _source, dlq = queue_with_dlq(sqs)
    send(sqs, dlq, ["a"])
    lines: list[str] = []

    result = r.redrive(sqs, dlq, progress=lines.append, **FAST)

    assert result.method == "manual" and result.moved == 1
    assert any("not implemented by this endpoint" in line for line in lines)


def test_auto_falls_back_on_in_process_moto() -> None:
    with mock_aws():
        client = boto3.client("sqs", region_name="us-east-1")
        _source, dlq = queue_with_dlq(client)
        send(client, dlq, ["a", "b"])
        result = r.redrive(client, dlq, **FAST)
        assert (result.method, result.moved) == ("manual", 2)


def test_move_task_method_does_not_fall_back(sqs: Any) -> None:
    _, dlq = queue_with_dlq(sqs)
    unimplemented = Proxy(
        sqs, start_message_move_task=lambda **_: (_ for _ in ()).throw(NotImplementedError("x"))
    )
    with pytest.raises(NotImplementedError):
        r.redrive(unimplemented, dlq, method="move-task", **FAST)


def test_auto_propagates_real_errors_such_as_access_denied(sqs: Any) -> None:
    _, dlq = queue_with_dlq(sqs)
    send(sqs, dlq, ["stays"])

    def denied(**_: Any) -> Any:
        raise client_error("AccessDenied", 403)

    with pytest.raises(ClientError, match="AccessDenied"):
        r.redrive(Proxy(sqs, start_message_move_task=denied), dlq, **FAST)
    assert counts(sqs, dlq) == (1, 0)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (NotImplementedError("moto in-process"), True),
        (client_error("500", 500), True),  # moto server: HTML 500 page, no AWS error code
        (client_error("InvalidAction", 400), True),
        (client_error("UnsupportedOperation", 400), True),
        (client_error("NotImplemented", 501), True),
        (client_error("AccessDenied", 403), False),
        (client_error("InternalError", 500), False),
        (client_error("AWS.SimpleQueueService.NonExistentQueue", 400), False),
        (client_error("ThrottlingException", 400), False),
        (ValueError("other"), False),
    ],
)
def test_is_not_implemented(error: BaseException, expected: bool) -> None:
    assert r.is_not_implemented(error) is expected


def test_move_task_polls_progress_and_defaults_to_each_messages_source(sqs: Any) -> None:
    _, dlq = queue_with_dlq(sqs)
    other = create_queue(sqs, unique("other"))
    started: list[dict[str, Any]] = []
    statuses = iter(["RUNNING", "RUNNING", "COMPLETED"])

    def start(**kwargs: Any) -> Any:
        started.append(kwargs)
        return {"TaskHandle": "handle-1"}

    def list_tasks(**_: Any) -> Any:
        status = next(statuses)
        moved = 4 if status == "RUNNING" else 9
        return {
            "Results": [
                {
                    "TaskHandle": "handle-1",
                    "Status": status,
                    "FailureReason": "AccessDenied on the destination"
                    if status == "FAILED"
                    else "",
                    "ApproximateNumberOfMessagesMoved": moved,
                    "ApproximateNumberOfMessagesToMove": 9,
                }
            ]
        }

    fake = Proxy(sqs, start_message_move_task=start, list_message_move_tasks=list_tasks)
    lines: list[str] = []
    result = r.redrive(fake, dlq, rate=50, progress=lines.append, sleep=lambda _: None)

    assert (result.method, result.moved, result.task_status, result.ok) == (
        "move-task",
        9,
        "COMPLETED",
        True,
    )
    assert started[0] == {
        "SourceArn": r.resolve_queue(sqs, dlq).arn,
        "MaxNumberOfMessagesPerSecond": 50,
    }
    assert lines[-1] == "moved 9 of ~9 (COMPLETED)"

    statuses = iter(["FAILED"])
    result = r.redrive(fake, dlq, to=other, method="move-task", sleep=lambda _: None)
    assert started[1]["DestinationArn"] == r.resolve_queue(sqs, other).arn
    assert (result.task_status, result.ok) == ("FAILED", False)
    assert result.stopped_reason == "AccessDenied on the destination"


def test_max_messages_is_not_offered_to_a_move_task(sqs: Any) -> None:
    _, dlq = queue_with_dlq(sqs)
    with pytest.raises(r.RedriveError, match="cannot stop after max_messages"):
        r.redrive(sqs, dlq, method="move-task", max_messages=5)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"method": "fast"}, "method must be one of auto, move-task, manual"),
        ({"max_messages": 0}, "max_messages must be at least 1"),
        ({"rate": 0}, "rate must be positive"),
    ],
)
def test_bad_options_are_refused(sqs: Any, options: dict[str, Any], message: str) -> None:
    with pytest.raises(r.RedriveError, match=message):
        r.redrive(sqs, "any", **options)


# --- the move task's own limits ---------------------------------------------------


def aws_refuses_rates_above_500(started: list[dict[str, Any]]) -> Any:
    """StartMessageMoveTask as AWS answers it: botocore's model has no maximum for
    MaxNumberOfMessagesPerSecond, so the request leaves and SQS refuses it."""

    def start(**kwargs: Any) -> Any:
        started.append(kwargs)
        if kwargs.get("MaxNumberOfMessagesPerSecond", 0) > 500:  # AWS's documented maximum
            raise client_error("InvalidParameterValue", 400)
        return {"TaskHandle": "handle"}

    return start


@pytest.mark.parametrize("method", ["auto", "move-task"])
def test_a_rate_above_the_move_tasks_500_is_refused_before_any_request(
    sqs: Any, method: str
) -> None:
    _, dlq = queue_with_dlq(sqs)
    send(sqs, dlq, ["stays"])
    started: list[dict[str, Any]] = []
    fake = Proxy(sqs, start_message_move_task=aws_refuses_rates_above_500(started))

    with pytest.raises(r.RedriveError, match=r"rate must be at most 500 messages per second"):
        r.redrive(fake, dlq, method=method, rate=600, **FAST)  # type: ignore[arg-type]

    assert started == []
    assert counts(sqs, dlq) == (1, 0)


def test_a_rate_below_one_is_refused_for_the_move_task(sqs: Any) -> None:
    """The move task takes whole messages per second: 0.5 would become 1, twice
    the rate asked for."""
    _, dlq = queue_with_dlq(sqs)
    with pytest.raises(r.RedriveError, match=r"rate below 1 message per second"):
        r.redrive(sqs, dlq, method="move-task", rate=0.5)


def test_the_manual_path_takes_any_positive_rate(sqs: Any) -> None:
    """The manual path paces itself: 500 is the move task's limit, not its."""
    _, dlq = queue_with_dlq(sqs)
    send(sqs, dlq, ["a", "b"])

    result = r.redrive(sqs, dlq, method="manual", rate=600, **FAST)

    assert (result.moved, result.ok) == (2, True)


def test_rate_500_goes_to_the_move_task_as_is(sqs: Any) -> None:
    _, dlq = queue_with_dlq(sqs)
    started: list[dict[str, Any]] = []
    listed = {"Results": [{"TaskHandle": "handle", "Status": "COMPLETED"}]}
    fake = Proxy(
        sqs,
        start_message_move_task=aws_refuses_rates_above_500(started),
        list_message_move_tasks=lambda **_: listed,
    )

    r.redrive(fake, dlq, rate=500, sleep=lambda _: None)

    assert started[0]["MaxNumberOfMessagesPerSecond"] == 500
