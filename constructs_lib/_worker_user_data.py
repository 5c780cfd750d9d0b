"""What a `QueueWorkerFleet` instance runs at boot: the user data and the systemd unit.

The user data installs boto3 from the distribution, downloads and unpacks the
worker's code asset (`worker_settings.SHIPPED_FILES`) and the handler's,
writes the fleet's `WorkerSettings` as the service's environment file
(`WorkerSettings.to_environment`, read back by the worker with
``from_environment``: one typed object on both sides) and starts the worker
as the systemd service ``queue-worker``, under a dynamic unprivileged user.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_s3_assets as s3_assets

from constructs_lib.runtime import worker_settings
from constructs_lib.runtime.worker_settings import WorkerSettings

#: The folder whose shipped files go to every instance (nothing else of it).
WORKER_CODE_DIR = Path(worker_settings.__file__).resolve().parent
#: The folder holds other runtime tools too (the DLQ redrive): ship the
#: worker and the settings it shares with the construct, nothing else.
WORKER_CODE_EXCLUDES = ["*", *(f"!{name}" for name in worker_settings.SHIPPED_FILES)]
#: Where the user data unpacks the worker and the handler on the instance.
INSTANCE_WORKER_DIR = "/opt/queue-worker"
INSTANCE_HANDLER_DIR = "/opt/queue-worker/handler"
ENVIRONMENT_FILE = "/etc/queue-worker.env"
SERVICE_NAME = "queue-worker"
#: systemd waits for the drain: one long poll (20 s) plus the drain time, and a margin.
STOP_MARGIN_SECONDS = 30


def worker_user_data(
    settings: WorkerSettings,
    *,
    worker_code: s3_assets.Asset,
    handler_code: s3_assets.Asset | None,
    drain_timeout_seconds: int,
) -> ec2.UserData:
    """The Linux user data that installs, configures and starts the worker."""
    user_data = ec2.UserData.for_linux()
    user_data.add_commands(
        "set -euo pipefail",
        # boto3 from the distribution's repositories (S3-hosted for AL2023)
        "dnf install -y python3-boto3",
        f"mkdir -p {INSTANCE_HANDLER_DIR}",
    )
    _unpack(user_data, worker_code, "/tmp/queue-worker.zip", INSTANCE_WORKER_DIR)
    if handler_code is not None:
        _unpack(user_data, handler_code, "/tmp/queue-handler.zip", INSTANCE_HANDLER_DIR)
    environment = "\n".join(f"{k}={v}" for k, v in settings.to_environment().items())
    user_data.add_commands(
        f"cat > {ENVIRONMENT_FILE} <<'ENV'\n{environment}\nENV",
        f"cat > /etc/systemd/system/{SERVICE_NAME}.service <<'UNIT'\n"
        f"{systemd_unit(drain_timeout_seconds)}\nUNIT",
        "systemctl daemon-reload",
        f"systemctl enable --now {SERVICE_NAME}",
    )
    return user_data


def systemd_unit(drain_timeout_seconds: int) -> str:
    """The worker's service: SIGTERM to stop, time to drain, restarted on failure."""
    script = worker_settings.SHIPPED_FILES[0]
    return "\n".join(
        [
            "[Unit]",
            "Description=SQS queue worker (constructs_lib)",
            "Wants=network-online.target",
            "After=network-online.target",
            "[Service]",
            f"EnvironmentFile={ENVIRONMENT_FILE}",
            f"ExecStart=/usr/bin/python3 {INSTANCE_WORKER_DIR}/{script}",
            "DynamicUser=yes",
            "KillSignal=SIGTERM",
            f"TimeoutStopSec={drain_timeout_seconds + STOP_MARGIN_SECONDS}",
            "Restart=on-failure",
            "RestartSec=5",
            "[Install]",
            "WantedBy=multi-user.target",
        ]
    )


def _unpack(user_data: ec2.UserData, asset: s3_assets.Asset, zip_file: str, into: str) -> None:
    local = user_data.add_s3_download_command(
        bucket=asset.bucket, bucket_key=asset.s3_object_key, local_file=zip_file
    )
    user_data.add_commands(f"python3 -m zipfile -e {local} {into}")
