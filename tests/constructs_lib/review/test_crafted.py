"""The review of crafted changes, one per class, in a plain aws-cdk-lib app and with the constructs.

BASE is synthesized once per module; each test synthesizes its HEAD (the same
app with one change) as a cloud assembly and asserts every item the review
reports, and the words that matter in it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from constructs_lib.review import Review, Side, compare, markdown
from constructs_lib.review.report import (
    DELIVERY_PATHS,
    FINDINGS,
    GATE_FINDINGS,
    GATE_MESSAGE_LOSS,
    GATE_PERMISSIONS_WIDENED,
    MESSAGE_LOSS,
    OPERATIONS,
    PERMISSIONS,
)
from tests.constructs_lib.review.apps import PARTNER_ACCOUNT, constructs_app, plain_app, side

#: CloudFormation's resource schemas come with the extra "review" (cfn-lint); the floor
#: environment of `make test-floor` has no cfn-lint.
pytest.importorskip("cfnlint", reason="constructs-lib review needs the extra review (cfn-lint)")

ALL_GATES = [GATE_MESSAGE_LOSS, GATE_PERMISSIONS_WIDENED, GATE_FINDINGS]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("crafted")


@pytest.fixture(scope="module")
def plain_base(folder: Path) -> Side:
    return side(plain_app(folder / "plain-base"), "plain BASE")


@pytest.fixture(scope="module")
def patterns_base(folder: Path) -> Side:
    return side(constructs_app(folder / "patterns-base"), "patterns BASE")


Reviewer = Callable[..., Review]


@pytest.fixture()
def plain(plain_base: Side, folder: Path, request: pytest.FixtureRequest) -> Reviewer:
    def review(**change: Any) -> Review:
        outdir = folder / f"plain-{request.node.name}"
        return compare(plain_base, side(plain_app(outdir, **change), "HEAD"))

    return review


@pytest.fixture()
def patterns(patterns_base: Side, folder: Path, request: pytest.FixtureRequest) -> Reviewer:
    def review(**change: Any) -> Review:
        outdir = folder / f"patterns-{request.node.name}"
        return compare(patterns_base, side(constructs_app(outdir, **change), "HEAD"))

    return review


def entries(review: Review) -> set[tuple[str, str, str]]:
    return {(i.section, i.kind, i.subject) for i in review.items}


def only(review: Review, section: str) -> str:
    (item,) = review.section(section)
    return item.text


# --- 1. message loss --------------------------------------------------------------------


def test_renaming_a_queues_construct_id_loses_its_messages_and_nothing_else(
    plain: Reviewer,
) -> None:
    review = plain(queue_id="Work")
    assert entries(review) == {
        (MESSAGE_LOSS, "lost", "Jobs"),
        (OPERATIONS, "changed", "JobsAge"),
        (OPERATIONS, "changed", "Worker/SqsEventSource:PlainWorkF330F4F4"),
    }
    lost = review.section(MESSAGE_LOSS)[0]
    assert lost.text.startswith("Queue **Jobs** (`Plain/JobsDF1CC2D4`) is replaced: its logical ")
    assert "id changes from JobsDF1CC2D4 to WorkBF636A8B" in lost.text
    assert lost.text.endswith("In-flight and stored messages of Jobs are lost.")
    assert lost.details == (
        "Sent to by: Orders.",
        "Read by: Worker/SqsEventSource:PlainJobs546E9471.",
    )
    # the renamed queue keeps its paths, its policies and its findings: none is listed
    assert not review.section(DELIVERY_PATHS) and not review.section(PERMISSIONS)
    alarm = next(i for i in review.section(OPERATIONS) if i.subject == "JobsAge")
    assert alarm.text == "The alarm **JobsAge** changes: Dimensions/0/Value Jobs → Work."
    mapping = next(i for i in review.section(OPERATIONS) if i is not alarm)
    # the mapping's logical id holds the queue's: it is replaced too, and says so
    assert "(renamed from WorkerSqsEventSourcePlainJobs546E9471C53A27C0" in mapping.text
    assert review.failing(ALL_GATES) == [GATE_MESSAGE_LOSS]


def test_flipping_fifo_replaces_the_queue_as_its_schema_says(plain: Reviewer) -> None:
    review = plain(ledger_fifo=True)
    assert entries(review) == {(MESSAGE_LOSS, "lost", "Ledger")}
    assert only(review, MESSAGE_LOSS) == (
        "Queue **Ledger** (`Plain/LedgerB7379752`) is replaced: FifoQueue changes from "
        "(not set) to true. In-flight and stored messages of Ledger are lost."
    )


def test_renaming_a_secure_queue_loses_the_queue_and_its_dead_letter_queue(
    patterns: Reviewer,
) -> None:
    review = patterns(billing_id="Invoices")
    assert entries(review) == {
        (MESSAGE_LOSS, "lost", "Billing/Queue"),
        (MESSAGE_LOSS, "lost", "Billing/DeadLetterQueue"),
        (OPERATIONS, "changed", "Invoices/OldestMessageAgeAlarm"),
        (OPERATIONS, "changed", "Invoices/DeadLetterQueueAlarm"),
    }
    dlq = next(i for i in review.section(MESSAGE_LOSS) if i.subject == "Billing/DeadLetterQueue")
    assert dlq.text.startswith("Dead-letter queue **Billing/DeadLetterQueue**")
    assert "The failed messages waiting in Billing/DeadLetterQueue are lost" in dlq.text
    assert dlq.details == ("It keeps messages 14 days.",)
    # the subscription follows the queue: its Endpoint is create-only, it is replaced too
    assert any(
        "Orders/BillingSubscription" in line and "is replaced" in line for line in review.other
    )


# --- 2. delivery paths ------------------------------------------------------------------


def test_removing_the_dlq_makes_poison_messages_loop_and_brings_sp5(plain: Reviewer) -> None:
    review = plain(dead_letter_queue=False)
    assert entries(review) == {
        (DELIVERY_PATHS, "DLQ removed", "Jobs"),
        (FINDINGS, "new error", "Plain/Jobs/Resource"),
        (FINDINGS, "fixed", "Plain/Jobs/Resource"),
    }
    assert only(review, DELIVERY_PATHS) == (
        "**Jobs** has no dead-letter queue any more (it moved a message to JobsDlq after 5 "
        "receives): a message that fails every receive now returns to the queue again and "
        "again until retention (4 days) deletes it."
    )
    new = review.section(FINDINGS)[0]
    assert new.text.startswith("SqsPatterns-SP5 ") and new.gates == {GATE_FINDINGS}
    assert review.failing(ALL_GATES) == [GATE_FINDINGS]


def test_max_receive_count_five_to_one_is_said_with_lambdas_advice(plain: Reviewer) -> None:
    review = plain(max_receive_count=1)
    assert entries(review) == {
        (DELIVERY_PATHS, "maxReceiveCount", "Jobs"),
        (FINDINGS, "new error", "Plain/Jobs/Resource"),
    }
    assert only(review, DELIVERY_PATHS) == (
        "**Jobs**: maxReceiveCount 5 → 1: a message goes to JobsDlq after 1 receive (a crash, "
        "a timeout or a throttled batch each count as a receive); Lambda asks for at least 5."
    )
    assert only(review, FINDINGS).startswith("SqsPatterns-SP12 ")


def test_a_subscription_losing_its_filter_policy_floods_the_queue(plain: Reviewer) -> None:
    review = plain(order_filter=False)
    assert entries(review) == {(DELIVERY_PATHS, "filter removed", "Jobs")}
    assert only(review, DELIVERY_PATHS) == (
        "The filter of Jobs/PlainOrdersC98E3193 (AWS::SNS::Subscription) is gone: **Jobs** now "
        'receives everything Orders sends (it was {"type": ["order"]}).'
    )
    assert review.other == []  # the subscription's change is the item's


def test_a_fanout_queue_losing_its_filter_policy(patterns: Reviewer) -> None:
    review = patterns(billing_filter=False)
    assert entries(review) == {(DELIVERY_PATHS, "filter removed", "Billing/Queue")}
    assert "**Billing/Queue** now receives everything Orders/Topic sends" in only(
        review, DELIVERY_PATHS
    )


def test_a_new_subscription_is_a_new_path_and_a_new_grant(plain: Reviewer) -> None:
    review = plain(audit_subscribed=True)
    assert entries(review) == {
        (DELIVERY_PATHS, "path added", "Audit"),
        (PERMISSIONS, "widened", "Audit"),
    }
    assert only(review, DELIVERY_PATHS) == (
        "New: SNS topic **Orders** (through Audit/PlainOrdersC98E3193) delivers into **Audit**. "
        "Nothing in the app reads Audit."
    )
    assert only(review, PERMISSIONS) == (
        "sns.amazonaws.com may now send to **Audit** when aws:SourceArn = "
        "arn:aws:sns:us-east-1:123456789012:Plain-OrdersA9B65338."
    )


def test_a_consumer_removed_leaves_messages_to_retention(plain: Reviewer) -> None:
    review = plain(worker_consumes=False)
    assert entries(review) == {
        (DELIVERY_PATHS, "consumer removed", "Jobs"),
        (PERMISSIONS, "narrowed", "Worker/ServiceRole"),
        (OPERATIONS, "removed", "Worker/SqsEventSource:PlainJobs546E9471"),
    }
    assert only(review, DELIVERY_PATHS) == (
        "No longer: **Jobs** is read by **Worker/SqsEventSource:PlainJobs546E9471**. Nothing "
        "reads it any more: its messages wait until retention (4 days) deletes them."
    )
    narrowed = sorted(i.text for i in review.section(PERMISSIONS))
    assert narrowed == [
        "role **Worker/ServiceRole** may no longer call sqs:ChangeMessageVisibility, "
        "sqs:DeleteMessage, sqs:GetQueueAttributes, sqs:GetQueueUrl and sqs:ReceiveMessage on "
        "**Jobs**.",
        "role **Worker/ServiceRole** may no longer decrypt with **Key**.",
    ]


def test_encryption_moving_from_a_customer_key_to_sse_sqs(plain: Reviewer) -> None:
    review = plain(jobs_sse_sqs=True)
    paths = review.section(DELIVERY_PATHS)
    assert [(i.kind, i.subject) for i in paths] == [("encryption", "Jobs")]
    assert paths[0].text == (
        "**Jobs** is now encrypted with SQS-managed keys (SSE-SQS); it was the "
        "customer-managed KMS key Key."
    )
    # SNS and the consumer no longer need the key: both grants are gone, and said
    assert {i.kind for i in review.section(PERMISSIONS)} == {"narrowed"}


def test_a_visibility_timeout_below_six_times_the_functions(plain: Reviewer) -> None:
    review = plain(visibility_seconds=30)
    assert entries(review) == {
        (DELIVERY_PATHS, "visibility too short", "Jobs"),
        (FINDINGS, "new error", "Plain/Worker/SqsEventSource:PlainJobs546E9471/Resource"),
    }
    assert only(review, DELIVERY_PATHS).startswith(
        "**Jobs**: visibility timeout 60 s → 30 s; its consumer Worker times out after 10 s "
        "with a batching window of 0 s: Lambda asks for at least 60 s."
    )
    assert only(review, FINDINGS).startswith("SqsPatterns-SP4 ")


# --- 3. permissions ---------------------------------------------------------------------


def test_a_key_policy_admitting_one_more_principal_is_widened(plain: Reviewer) -> None:
    review = plain(partner_may_decrypt=True)
    assert entries(review) == {(PERMISSIONS, "widened", "Key")}
    (item,) = review.section(PERMISSIONS)
    assert item.text == (
        f"principals of account {PARTNER_ACCOUNT} may now decrypt with **Key**, if their own "
        "IAM policies allow it."
    )
    assert item.details[0] == "Through the key policy of key **Key**."
    assert item.details[1].startswith('statement added: `{"Action": "kms:Decrypt"')
    assert review.failing(ALL_GATES) == [GATE_PERMISSIONS_WIDENED]


def test_a_queue_policy_losing_its_source_condition_admits_any_account(plain: Reviewer) -> None:
    review = plain(audit_scoped_to_rule=False)
    assert entries(review) == {
        (PERMISSIONS, "widened", "Audit"),
        (FINDINGS, "new advisory", "Plain/Audit/Policy/Resource"),
    }
    assert only(review, PERMISSIONS) == (
        "events.amazonaws.com may now send to **Audit** from another account."
    )
    # an advisory is listed, and gates nothing
    assert review.failing(ALL_GATES) == [GATE_PERMISSIONS_WIDENED]


def test_a_narrowed_policy_is_said_and_gates_nothing(folder: Path) -> None:
    open_ = side(plain_app(folder / "audit-open", audit_scoped_to_rule=False), "open")
    scoped = side(plain_app(folder / "audit-scoped"), "scoped")
    review = compare(open_, scoped)
    assert [i.kind for i in review.section(PERMISSIONS)] == ["narrowed"]
    # a narrowing is said where it first bites: a request with no condition
    assert only(review, PERMISSIONS) == (
        "events.amazonaws.com may no longer send to **Audit** with no condition."
    )
    assert review.failing([GATE_PERMISSIONS_WIDENED]) == []


def test_a_grant_to_another_account_on_a_secure_queue(patterns: Reviewer) -> None:
    review = patterns(partner_may_send=True)
    assert entries(review) == {(PERMISSIONS, "widened", "Billing/Queue")}
    assert only(review, PERMISSIONS) == (
        f"principals of account {PARTNER_ACCOUNT} may now call sqs:GetQueueAttributes, "
        "sqs:GetQueueUrl and sqs:SendMessage on **Billing/Queue**, if their own IAM policies "
        "allow it."
    )


# --- 4. operations ----------------------------------------------------------------------


def test_an_alarm_threshold_changed(plain: Reviewer) -> None:
    review = plain(alarm_threshold=60)
    assert entries(review) == {(OPERATIONS, "changed", "JobsAge")}
    assert only(review, OPERATIONS) == "The alarm **JobsAge** changes: Threshold 300 → 60."
    assert review.failing(ALL_GATES) == []


def test_a_max_receive_count_change_is_a_redrive_change_and_updates_the_dlq_alarm(
    patterns: Reviewer,
) -> None:
    review = patterns(max_receive_count=2)
    assert entries(review) == {
        (DELIVERY_PATHS, "maxReceiveCount", "Billing/Queue"),
        (OPERATIONS, "changed", "Billing/DeadLetterQueueAlarm"),
    }
    assert "failed 2 times" in only(review, OPERATIONS)


# --- 5. findings, with the constructs -----------------------------------------------------


def test_a_plain_consumer_slower_than_a_secure_queues_visibility_is_a_new_error(
    patterns: Reviewer,
) -> None:
    review = patterns(slow_consumer=True)
    mapping = "Invoicer/SqsEventSource:PatternsBillingQueueADB6D5BA"
    assert entries(review) == {
        (DELIVERY_PATHS, "visibility below timeout", "Billing/Queue"),
        (DELIVERY_PATHS, "consumer added", "Billing/Queue"),
        (PERMISSIONS, "widened", "Invoicer/ServiceRole"),
        (OPERATIONS, "added", mapping),
        (FINDINGS, "new error", f"Patterns/{mapping}/Resource"),
    }
    visibility = next(i for i in review.section(DELIVERY_PATHS) if i.rank < 10)
    assert visibility.text.startswith(
        "**Billing/Queue**: visibility timeout 30 s; its new consumer Invoicer times out after "
        "60 s with a batching window of 0 s: Lambda asks for at least 360 s. Below the "
        "function's timeout, a message becomes visible again while it is still being processed"
    )
    (finding,) = review.section(FINDINGS)
    assert finding.text.startswith("SqsPatterns-SP4 ") and finding.gates == {GATE_FINDINGS}
    widened = sorted(i.text for i in review.section(PERMISSIONS))
    assert widened == [
        "lambda.amazonaws.com may now assume **Invoicer/ServiceRole**.",
        "role **Invoicer/ServiceRole** may now call sqs:ChangeMessageVisibility, "
        "sqs:DeleteMessage, sqs:GetQueueAttributes, sqs:GetQueueUrl and sqs:ReceiveMessage on "
        "**Billing/Queue**.",
    ]


def test_a_fanout_without_its_subscription_dlq(patterns: Reviewer) -> None:
    review = patterns(subscription_dead_letter_queue=False)
    dlq = "Orders/SubscriptionDeadLetterQueue"
    assert entries(review) == {
        (MESSAGE_LOSS, "lost", f"{dlq}/Queue"),
        (MESSAGE_LOSS, "lost", f"{dlq}/DeadLetterQueue"),
        (DELIVERY_PATHS, "path removed", f"{dlq}/Queue"),
        (OPERATIONS, "removed", f"{dlq}/DeadLetterQueueAlarm"),
        (OPERATIONS, "removed", f"{dlq}/OldestMessageAgeAlarm"),
    }
    # the subscription's DLQ is a dead-letter queue too, though no queue redrives into it
    lost = next(i for i in review.section(MESSAGE_LOSS) if i.subject == f"{dlq}/Queue")
    assert lost.text.startswith(f"Dead-letter queue **{dlq}/Queue** ")
    assert only(review, DELIVERY_PATHS) == (
        f"No longer: failed deliveries of SNS topic **Orders/Topic** (through "
        f"Orders/BillingSubscription) go to **{dlq}/Queue**. What the service cannot deliver "
        "is dropped after its retries instead."
    )


# --- no effect --------------------------------------------------------------------------


def test_a_change_with_no_effect_is_one_line(plain: Reviewer, plain_base: Side) -> None:
    # Duration.minutes(1) instead of Duration.seconds(60): another way to say the same
    review = plain(visibility_in_minutes=True)
    assert review.identical
    report = markdown(review)
    assert report == (
        "**No effect**: `plain BASE` and `HEAD` synthesize the same 15 resources in 1 stack "
        "(nothing to review beyond metadata)."
    )
    assert "\n" not in report
