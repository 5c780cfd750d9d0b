"""AWS's public SSM parameters (``/aws/service/...``) that moto lacks.

In AWS these are published by AWS for every account (AMI ids, Powertools'
Lambda layer ARNs, ...). moto 5.2.5 ships only the AMI ones and refuses
``put_parameter`` under ``/aws/``, so a template that reads another one fails
to deploy (``'NoneType' object has no attribute 'value'``). `put_public_parameter`
writes one straight into moto's SSM backend of this process (``mock_aws()``
or a ``ThreadedMotoServer``); `put_public_parameters` writes the ones an app
reads, given by the app (``LocalAccount(public_parameters=...)`` does it on
start), and for a layer ARN a stand-in layer of that name (`ensure_public_layer`).
Which parameters an app reads, and their values, belong to the app: the
example app's are in ``stacks/public_parameters.py``.
"""

from __future__ import annotations

import base64
import datetime
import io
import zipfile
from collections.abc import Mapping

from moto.awslambda.models import lambda_backends
from moto.ssm.models import Parameter, ssm_backends

#: The account moto uses by default.
MOTO_ACCOUNT = "123456789012"

#: The moto internals this module relies on (the upgrade checklist reads them).
MOTO_INTERNALS = (
    "moto.ssm.models:ssm_backends",
    "moto.ssm.models:SimpleSystemManagerBackend#_parameters",
    "moto.ssm.models:Parameter(account_id, name, value, parameter_type, description, "
    "allowed_pattern, keyid, last_modified_date, version, data_type)",
    "moto.awslambda.models:lambda_backends",
    "moto.awslambda.models:LambdaBackend.layers_versions_by_arn",
    "moto.awslambda.models:LambdaBackend.publish_layer_version",
)


def put_public_parameter(
    name: str, value: str, *, account_id: str = MOTO_ACCOUNT, region: str = "us-east-1"
) -> None:
    """Writes ``name`` (a String parameter) as AWS would publish it; idempotent."""
    versions = ssm_backends[account_id][region]._parameters[name]
    if versions:
        return
    versions.append(
        Parameter(  # type: ignore[abstract]  # moto builds it this way itself
            account_id=account_id,
            name=name,
            value=value,
            parameter_type="String",
            description=None,
            allowed_pattern=None,
            keyid=None,
            last_modified_date=datetime.datetime.now(datetime.UTC),
            version=1,
            data_type="text",
        )
    )


def ensure_public_layer(
    layer_version_arn: str, *, account_id: str = MOTO_ACCOUNT, region: str = "us-east-1"
) -> None:
    """A stand-in for a public layer of another account (e.g. Powertools').

    moto looks a layer ARN up by name and version in the caller's own
    account (creating a function ignores its layers; updating one fails on an
    unknown layer), so an empty layer of that name is published there until
    the version exists.
    """
    name, version = layer_version_arn.split(":")[-2:]
    backend = lambda_backends[account_id][region]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("python/STAND_IN.txt", f"stand-in for {layer_version_arn}")
    content = base64.b64encode(buffer.getvalue()).decode()
    while backend.layers_versions_by_arn(layer_version_arn) is None:
        published = backend.publish_layer_version(
            {"LayerName": name, "Content": {"ZipFile": content}}
        )
        if int(published.version) >= int(version):
            break


def put_public_parameters(
    parameters: Mapping[str, str], *, account_id: str = MOTO_ACCOUNT, region: str = "us-east-1"
) -> None:
    """Writes each of ``parameters`` (name -> value), with a stand-in for a layer ARN."""
    for name, value in parameters.items():
        put_public_parameter(name, value, account_id=account_id, region=region)
        if ":layer:" in value:
            ensure_public_layer(value, account_id=account_id, region=region)
