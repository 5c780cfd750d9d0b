"""The settings `QueueWorkerFleet` hands to its worker, in one typed object.

The construct renders them into the instances' user data as a systemd
environment file (`WorkerSettings.to_environment`); the worker reads them
back from its environment (`WorkerSettings.from_environment`). One class on
both sides, so a setting cannot be written under one name and read under
another, or written by the construct and never read.

Shipped beside ``worker.py`` in the worker's asset: standard library only,
and Python 3.9 syntax (Amazon Linux 2023's ``python3``).

What is *not* here, because the construct cannot know it when it renders the
user data: the Auto Scaling group's name (the group is created from the
launch template that holds the user data, so naming it there would be a
dependency cycle) and the instance id. The worker reads both from the
instance metadata (IMDSv2: the ``aws:autoscaling:groupName`` instance tag,
which the launch template exposes with ``InstanceMetadataTags: enabled``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields

__all__ = [
    "ENVIRONMENT_NAMES",
    "HANDLER_RULE",
    "HANDLER_SPEC",
    "SHIPPED_FILES",
    "WorkerSettings",
    "WorkerSettingsError",
]

#: SQS's maximum for ReceiveMessage and for every *Batch call.
SQS_BATCH_LIMIT = 10
#: SQS's maximum long-polling wait.
MAX_WAIT_TIME_SECONDS = 20
#: SQS's longest visibility timeout (12 hours).
MAX_VISIBILITY_SECONDS = 43_200
#: The visibility a heartbeat gives a message still in progress.
DEFAULT_HEARTBEAT_VISIBILITY_SECONDS = 60
#: How often the lifecycle watcher asks the instance metadata service.
DEFAULT_LIFECYCLE_POLL_SECONDS = 5.0

#: The environment variable of each setting (the construct writes these).
ENVIRONMENT_NAMES = {
    "queue_url": "QUEUE_URL",
    "handler": "WORKER_HANDLER",
    "region": "AWS_REGION",
    "handler_path": "WORKER_HANDLER_PATH",
    "batch_size": "WORKER_BATCH_SIZE",
    "concurrency": "WORKER_CONCURRENCY",
    "wait_time_seconds": "WORKER_WAIT_TIME_SECONDS",
    "visibility_timeout_seconds": "WORKER_VISIBILITY_TIMEOUT_SECONDS",
    "heartbeat_visibility_seconds": "WORKER_HEARTBEAT_VISIBILITY_SECONDS",
    "lifecycle_hook_name": "LIFECYCLE_HOOK_NAME",
    "lifecycle_poll_seconds": "WORKER_LIFECYCLE_POLL_SECONDS",
    "log_level": "WORKER_LOG_LEVEL",
}

#: ``module:function``, the form of ``handler``, and the rule as both sides say it.
HANDLER_SPEC = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")
HANDLER_RULE = "must be 'module:function', e.g. 'jobs_handler:handle'"

#: The files the fleet ships to each instance: the worker script (first) and
#: this module beside it.
SHIPPED_FILES = ("worker.py", "worker_settings.py")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
#: A value goes into a ``KEY=VALUE`` line of a systemd environment file,
#: inside a quoted heredoc: no line breaks, quotes, backslashes or spaces.
_UNSAFE = re.compile(r"[\s'\"\\]")


class WorkerSettingsError(ValueError):
    """A setting is missing or invalid; the message names its variable."""


@dataclass(frozen=True)
class WorkerSettings:
    """Everything the worker is told; defaults are the worker's own.

    :param queue_url: the queue to consume (``QUEUE_URL``).
    :param handler: ``module:function`` called once per message (``WORKER_HANDLER``).
    :param region: the queue's region (``AWS_REGION``; boto3 reads it too).
    :param handler_path: folders put first on ``sys.path`` (``:``-separated).
    :param batch_size: messages per receive, 1..10.
    :param concurrency: handler threads, at least 1.
    :param wait_time_seconds: long-polling wait, 0..20.
    :param visibility_timeout_seconds: the visibility each receive asks for;
        None: the queue's own, read with GetQueueAttributes.
    :param heartbeat_visibility_seconds: what a heartbeat sets on a message
        still in progress, 1..43200.
    :param lifecycle_hook_name: the group's terminating hook; None: no
        lifecycle drain (SIGTERM still drains).
    :param lifecycle_poll_seconds: how often the target lifecycle state is read.
    :param log_level: a `logging` level name.
    """

    queue_url: str
    handler: str
    region: str | None = None
    handler_path: tuple[str, ...] = ()
    batch_size: int = SQS_BATCH_LIMIT
    concurrency: int = SQS_BATCH_LIMIT
    wait_time_seconds: int = MAX_WAIT_TIME_SECONDS
    visibility_timeout_seconds: int | None = None
    heartbeat_visibility_seconds: int = DEFAULT_HEARTBEAT_VISIBILITY_SECONDS
    lifecycle_hook_name: str | None = None
    lifecycle_poll_seconds: float = DEFAULT_LIFECYCLE_POLL_SECONDS
    log_level: str = "INFO"

    def __post_init__(self) -> None:
        problems = list(self._problems())
        if problems:
            raise WorkerSettingsError("invalid worker settings: " + "; ".join(problems))

    # --- the two directions --------------------------------------------------

    def to_environment(self) -> dict[str, str]:
        """``{variable: value}`` for the environment file; unset settings are left out."""
        environment = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value is None or value == ():
                continue
            if isinstance(value, tuple):
                value = ":".join(value)
            environment[ENVIRONMENT_NAMES[item.name]] = str(value)
        return environment

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> WorkerSettings:
        """Reads the settings back; unknown variables are ignored.

        :raises WorkerSettingsError: for a missing or invalid setting.
        """
        values: dict[str, object] = {}
        for item in fields(cls):
            raw = environ.get(ENVIRONMENT_NAMES[item.name], "")
            if raw == "":
                continue
            values[item.name] = _parse(item.name, raw)
        missing = [ENVIRONMENT_NAMES[n] for n in ("queue_url", "handler") if n not in values]
        if missing:
            raise WorkerSettingsError(f"invalid worker settings: {', '.join(missing)} not set")
        return cls(**values)  # type: ignore[arg-type]

    # --- validation ------------------------------------------------------------

    def _problems(self) -> list[str]:
        checks = [
            ("queue_url", bool(self.queue_url), "must not be empty"),
            ("handler", bool(HANDLER_SPEC.match(self.handler)), HANDLER_RULE),
            (
                "batch_size",
                1 <= self.batch_size <= SQS_BATCH_LIMIT,
                f"must be from 1 to {SQS_BATCH_LIMIT}",
            ),
            ("concurrency", self.concurrency >= 1, "must be at least 1"),
            (
                "wait_time_seconds",
                0 <= self.wait_time_seconds <= MAX_WAIT_TIME_SECONDS,
                "must be from 0 to 20",
            ),
            (
                "visibility_timeout_seconds",
                self.visibility_timeout_seconds is None
                or 0 <= self.visibility_timeout_seconds <= MAX_VISIBILITY_SECONDS,
                "must be from 0 to 43200",
            ),
            (
                "heartbeat_visibility_seconds",
                1 <= self.heartbeat_visibility_seconds <= MAX_VISIBILITY_SECONDS,
                "must be from 1 to 43200",
            ),
            ("lifecycle_poll_seconds", self.lifecycle_poll_seconds > 0, "must be more than 0"),
            (
                "log_level",
                self.log_level in _LOG_LEVELS,
                f"must be one of {', '.join(_LOG_LEVELS)}",
            ),
        ]
        problems = [
            f"{ENVIRONMENT_NAMES[name]}={getattr(self, name)!r}: {rule}"
            for name, ok, rule in checks
            if not ok
        ]
        for name, value in self.to_environment().items():
            if _UNSAFE.search(value):
                problems.append(f"{name}={value!r}: must hold no spaces, quotes or backslashes")
        return problems


_INTEGERS = {
    "batch_size",
    "concurrency",
    "wait_time_seconds",
    "visibility_timeout_seconds",
    "heartbeat_visibility_seconds",
}


def _parse(name: str, raw: str) -> object:
    if name == "handler_path":
        return tuple(part for part in raw.split(":") if part)
    if name in _INTEGERS:
        if not re.fullmatch(r"-?\d+", raw):
            raise WorkerSettingsError(
                f"invalid worker settings: {ENVIRONMENT_NAMES[name]}={raw!r}: not a whole number"
            )
        return int(raw)
    if name == "lifecycle_poll_seconds":
        try:
            return float(raw)
        except ValueError:
            raise WorkerSettingsError(
                f"invalid worker settings: {ENVIRONMENT_NAMES[name]}={raw!r}: not a number"
            ) from None
    return raw
