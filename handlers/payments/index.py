"""Reference handler of the `Payments` FIFO queue (OrderedProcessingStack).

Lambda invokes it through the queue's event-source mapping with
``ReportBatchItemFailures``; Powertools' batch utility calls `record_handler`
once per record and returns ``{"batchItemFailures": [{"itemIdentifier": id}]}``
for the records that failed. On a FIFO queue `SqsFifoPartialProcessor` keeps
the order: once a record of a message group fails, the group's later records
of the batch are reported failed without being processed
(``skip_group_on_error``), while the other groups go on.

Powertools reaches the function as AWS's public Lambda layer, resolved at
deploy time from its SSM parameter (see the stack); the same version is
pinned in the project's dev dependencies for the tests.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import (
    SqsFifoPartialProcessor,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

logger = Logger(service="payments")
processor = SqsFifoPartialProcessor(skip_group_on_error=True)


class InvalidPayment(ValueError):
    """The message can never succeed: it will reach the DLQ."""


@dataclass(frozen=True)
class Payment:
    payment_id: str
    account: str
    amount_cents: int

    @classmethod
    def parse(cls, body: str) -> Payment:
        try:
            data = json.loads(body)
            payment = cls(
                payment_id=str(data["payment_id"]),
                account=str(data["account"]),
                amount_cents=int(data["amount_cents"]),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidPayment(f"not a payment: {exc}") from exc
        if payment.amount_cents <= 0:
            raise InvalidPayment(f"amount_cents must be positive, got {payment.amount_cents}")
        return payment


def apply_payment(payment: Payment) -> None:
    """The business step; the example only logs it (a real one writes a ledger)."""
    logger.info("payment applied", extra={"payment_id": payment.payment_id})


def record_handler(record: SQSRecord) -> None:
    payment = Payment.parse(record.body)
    apply_payment(payment)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    failures = response.get("batchItemFailures", [])
    if failures:
        logger.warning("batch had failures", extra={"failed": len(failures)})
    return dict(response)
