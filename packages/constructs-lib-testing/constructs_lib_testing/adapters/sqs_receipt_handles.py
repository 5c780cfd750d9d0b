"""SQS: a receipt handle is drawn in one call, not one call per character.

moto 5.2.5 draws each of a receipt handle's 185 letters with its own
``random.choice``: 2.8 million calls and 4.3 of the 60 s of the reliability
run (profiled), for every message received. While the adapters are active the
handle is drawn with one ``random.choices`` from moto's own seeded generator:
the same alphabet, length and distribution (tested).
"""

from __future__ import annotations

import string
from collections.abc import Callable

from constructs_lib_testing.activation import MotoPatch
from constructs_lib_testing.adapters._model import Adapter

#: AWS's receipt handles are opaque; moto's are 185 lowercase letters.
RECEIPT_HANDLE_LENGTH = 185


def _generate(_original: Callable[[], str]) -> Callable[[], str]:
    from moto.moto_api._internal import mock_random

    def generate_receipt_handle() -> str:
        letters = mock_random.choices(string.ascii_lowercase, k=RECEIPT_HANDLE_LENGTH)
        return "".join(letters)

    return generate_receipt_handle


ADAPTER = Adapter(
    name="sqs_receipt_handles",
    resource_types=("AWS::SQS::Queue",),
    mends="a received message's receipt handle is drawn in one call of moto's random "
    "generator, not 185 (same alphabet and length)",
    patches=(
        MotoPatch(
            "moto.sqs.models:generate_receipt_handle",
            _generate,
            relies_on=("moto.moto_api._internal:mock_random",),
        ),
    ),
    upstream="moto.sqs.utils.generate_receipt_handle: random.choices(k=185) in one call",
)
