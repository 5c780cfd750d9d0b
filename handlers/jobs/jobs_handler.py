"""Handler of the `Jobs` queue's workers (BufferingStack).

The fleet's worker imports it as ``jobs_handler:handle`` and calls it once per
message; raising marks the message failed (it is received again, and after
``max_receive_count`` receives it goes to the DLQ). Handlers must be
idempotent: SQS delivers at least once.
"""

from __future__ import annotations

import json
import logging
from typing import Any

LOG = logging.getLogger("jobs")


class InvalidJob(ValueError):
    """The message can never succeed."""


def parse(body: str) -> dict[str, Any]:
    try:
        job = json.loads(body)
    except ValueError as exc:
        raise InvalidJob(f"not JSON: {exc}") from exc
    if not isinstance(job, dict) or not isinstance(job.get("job_id"), str):
        raise InvalidJob("a job needs a string 'job_id'")
    return job


def handle(message: Any) -> None:
    job = parse(message.body)
    LOG.info("job %s done (receive %d)", job["job_id"], message.receive_count)
