"""The benchmark's counting, on a small run: exact request counts, no timing."""

from __future__ import annotations

from benchmarks.sqs_requests_per_message import main, run


def test_worker_needs_two_requests_per_ten_messages_and_the_naive_loop_two_per_message() -> None:
    (worker, naive) = run(messages=50, poison_every=0)
    _, _, worker_calls, worker_processed = worker
    _, _, naive_calls, naive_processed = naive
    assert worker_processed == naive_processed == 50
    # 5 full receives + 1 empty, 5 batch deletes
    assert dict(worker_calls) == {"ReceiveMessage": 6, "DeleteMessageBatch": 5}
    assert dict(naive_calls) == {"ReceiveMessage": 51, "DeleteMessage": 50}


def test_injected_failures_cost_retries_but_nothing_is_lost() -> None:
    (worker, naive) = run(messages=40, poison_every=10)
    for *_, processed in (worker, naive):
        assert processed == 40
    assert worker[2]["ChangeMessageVisibilityBatch"] == 4  # one per failing batch
    assert naive[2]["ChangeMessageVisibility"] == 4


def test_main_prints_the_table(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--messages", "20"]) == 0
    out = capsys.readouterr().out
    assert "QueueWorker (batches of 10)" in out and "naive loop (1 at a time)" in out
    assert "floor: 0.2" in out
