"""WorkerSettings: the one object the construct renders and the worker parses."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from constructs_lib.runtime import worker as worker_module
from constructs_lib.runtime import worker_settings as settings_module
from constructs_lib.runtime.worker_settings import (
    ENVIRONMENT_NAMES,
    WorkerSettings,
    WorkerSettingsError,
)

FULL = WorkerSettings(
    queue_url="https://sqs.us-east-1.amazonaws.com/123456789012/jobs",
    handler="jobs_handler:handle",
    region="us-east-1",
    handler_path=("/opt/queue-worker/handler", "/opt/extra"),
    batch_size=5,
    concurrency=3,
    wait_time_seconds=7,
    visibility_timeout_seconds=90,
    heartbeat_visibility_seconds=120,
    lifecycle_hook_name="queue-worker-drain",
    lifecycle_poll_seconds=2.5,
    log_level="DEBUG",
)


VALID = {"QUEUE_URL": "https://q", "WORKER_HANDLER": "m:f"}


def test_every_setting_has_its_variable() -> None:
    assert [f.name for f in dataclasses.fields(WorkerSettings)] == list(ENVIRONMENT_NAMES)


@pytest.mark.parametrize(
    "settings", [FULL, WorkerSettings(queue_url="https://q", handler="m:f")], ids=["full", "least"]
)
def test_the_environment_round_trips(settings: WorkerSettings) -> None:
    assert WorkerSettings.from_environment(settings.to_environment()) == settings


def test_the_environment_of_every_setting() -> None:
    assert FULL.to_environment() == {
        "QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/jobs",
        "WORKER_HANDLER": "jobs_handler:handle",
        "AWS_REGION": "us-east-1",
        "WORKER_HANDLER_PATH": "/opt/queue-worker/handler:/opt/extra",
        "WORKER_BATCH_SIZE": "5",
        "WORKER_CONCURRENCY": "3",
        "WORKER_WAIT_TIME_SECONDS": "7",
        "WORKER_VISIBILITY_TIMEOUT_SECONDS": "90",
        "WORKER_HEARTBEAT_VISIBILITY_SECONDS": "120",
        "LIFECYCLE_HOOK_NAME": "queue-worker-drain",
        "WORKER_LIFECYCLE_POLL_SECONDS": "2.5",
        "WORKER_LOG_LEVEL": "DEBUG",
    }


def test_unset_and_empty_variables_take_the_defaults() -> None:
    settings = WorkerSettings.from_environment(
        {"QUEUE_URL": "https://q", "WORKER_HANDLER": "m:f", "LIFECYCLE_HOOK_NAME": "", "PATH": "/"}
    )
    assert settings.lifecycle_hook_name is None
    assert (settings.batch_size, settings.wait_time_seconds) == (10, 20)


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        ({"WORKER_HANDLER": "m:f"}, "QUEUE_URL not set"),
        ({"QUEUE_URL": "https://q"}, "WORKER_HANDLER not set"),
        ({"WORKER_HANDLER": "no_colon"}, "WORKER_HANDLER='no_colon': must be 'module:function'"),
        ({"WORKER_BATCH_SIZE": "11"}, "WORKER_BATCH_SIZE=11: must be from 1 to 10"),
        ({"WORKER_BATCH_SIZE": "ten"}, "WORKER_BATCH_SIZE='ten': not a whole number"),
        ({"WORKER_CONCURRENCY": "0"}, "WORKER_CONCURRENCY=0: must be at least 1"),
        ({"WORKER_WAIT_TIME_SECONDS": "21"}, "WORKER_WAIT_TIME_SECONDS=21: must be from 0 to 20"),
        (
            {"WORKER_VISIBILITY_TIMEOUT_SECONDS": "43201"},
            "WORKER_VISIBILITY_TIMEOUT_SECONDS=43201: must be from 0 to 43200",
        ),
        (
            {"WORKER_HEARTBEAT_VISIBILITY_SECONDS": "0"},
            "WORKER_HEARTBEAT_VISIBILITY_SECONDS=0: must be from 1 to 43200",
        ),
        ({"WORKER_LIFECYCLE_POLL_SECONDS": "soon"}, "'soon': not a number"),
        ({"WORKER_LIFECYCLE_POLL_SECONDS": "0"}, "WORKER_LIFECYCLE_POLL_SECONDS=0.0: must be more"),
        ({"WORKER_LOG_LEVEL": "LOUD"}, "WORKER_LOG_LEVEL='LOUD': must be one of DEBUG"),
        ({"LIFECYCLE_HOOK_NAME": "a b"}, "LIFECYCLE_HOOK_NAME='a b': must hold no spaces"),
    ],
)
def test_invalid_settings_name_their_variable(environment: dict[str, str], message: str) -> None:
    given = environment if "not set" in message else {**VALID, **environment}
    with pytest.raises(WorkerSettingsError, match=message):
        WorkerSettings.from_environment(given)


@pytest.mark.parametrize("module", [worker_module, settings_module], ids=lambda m: m.__name__)
def test_the_shipped_files_parse_as_python_3_9(module: object) -> None:
    # Amazon Linux 2023's python3 is 3.9: no syntax newer than that in what
    # the instances run (runtime-only features are not caught here)
    source = Path(module.__file__).read_text()  # type: ignore[attr-defined]
    ast.parse(source, feature_version=(3, 9))
