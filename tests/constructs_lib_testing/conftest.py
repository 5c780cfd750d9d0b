from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from moto import mock_aws

for _name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
    os.environ[_name] = "testing"
os.environ.pop("AWS_PROFILE", None)
os.environ.pop("AWS_ENDPOINT_URL", None)


@pytest.fixture
def moto() -> Iterator[None]:
    """A fresh in-process moto for one test."""
    with mock_aws():
        yield
