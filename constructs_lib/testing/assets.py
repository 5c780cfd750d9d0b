"""Publish a synthesized stack's file assets into moto's CDK assets bucket.

In AWS, ``cdk deploy`` uploads each file asset (Lambda code, S3 assets) to
the bootstrap bucket ``cdk-hnb659fds-assets-<account>-<region>`` before it
creates the stack; moto's CloudFormation then reads Lambda code from there
and fails the stack when it is missing. `publish_file_assets` does that
upload from the cloud assembly's ``<stack>.assets.json``, zipping folders as
the CDK CLI does. Docker image assets are not handled (no Docker here).

Example::

    assembly = app.synth()
    with mock_aws():
        publish_file_assets(assembly.directory, "OrderedProcessing", boto3.client("s3"))
        deployed = deploy_template(assembly.get_stack_by_name("OrderedProcessing").template)
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError


def zip_folder(folder: Path) -> bytes:
    """The folder's files in a zip, paths relative to it, in a stable order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            archive.write(path, path.relative_to(folder).as_posix())
    return buffer.getvalue()


def publish_file_assets(
    assembly_dir: str | os.PathLike[str], stack_artifact_id: str, s3: Any
) -> list[str]:
    """Uploads every file asset of one stack; returns the ``s3://`` URLs written.

    Creates the destination bucket when it does not exist (``cdk bootstrap``
    creates it in AWS). The stack's own template asset is skipped: the
    template is deployed directly.
    """
    root = Path(assembly_dir)
    manifest = json.loads((root / f"{stack_artifact_id}.assets.json").read_text())
    written = []
    for asset in manifest.get("files", {}).values():
        source = asset["source"]
        path = root / source["path"]
        if source["path"].endswith(".template.json"):
            continue
        body = zip_folder(path) if source.get("packaging") == "zip" else path.read_bytes()
        for destination in asset["destinations"].values():
            bucket, key = destination["bucketName"], destination["objectKey"]
            try:
                s3.head_bucket(Bucket=bucket)
            except ClientError:
                s3.create_bucket(Bucket=bucket)
            s3.put_object(Bucket=bucket, Key=key, Body=body)
            written.append(f"s3://{bucket}/{key}")
    return written
