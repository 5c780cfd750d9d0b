"""Publish a synthesized stack's file assets into moto's CDK assets bucket.

In AWS, ``cdk deploy`` uploads each file asset (Lambda code, S3 assets) to
the bootstrap bucket ``cdk-hnb659fds-assets-<account>-<region>`` before it
creates the stack; moto's CloudFormation then reads Lambda code from there
and fails the stack when it is missing. `publish_file_assets` does that
upload from the stack's asset manifest (found through the cloud assembly's
manifest, `constructs_lib.templates.file_assets`), zipping folders as the CDK
CLI does. Docker image assets are not handled (no Docker here).

Example::

    assembly = app.synth()
    with mock_aws():
        publish_file_assets(assembly.directory, "OrderedProcessing", boto3.client("s3"))
        deployed = deploy_template(assembly.get_stack_by_name("OrderedProcessing").template)
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from constructs_lib.templates.assembly import file_assets


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
    written = []
    for asset in file_assets(assembly_dir, stack_artifact_id):
        if asset.is_template:
            continue
        path = asset.path
        body = zip_folder(path) if asset.packaging == "zip" else path.read_bytes()
        for bucket, key in asset.destinations:
            try:
                s3.head_bucket(Bucket=bucket)
            except ClientError:
                s3.create_bucket(Bucket=bucket)
            s3.put_object(Bucket=bucket, Key=key, Body=body)
            written.append(f"s3://{bucket}/{key}")
    return written
