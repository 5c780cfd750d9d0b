"""One SQS client shared by worker threads, its calls serialized.

moto 5.2.5's in-process SQS is not thread-safe where a receive moves a message
to the DLQ: two concurrent receives of the same exhausted message both try
``queue._messages.remove(message)`` and one raises ``ValueError`` (AWS does
this atomically). Tests that run several workers in threads of one process
share this client so moto sees one call at a time; the workers' own logic
(batches, deletes, retries) is unchanged.
"""

from __future__ import annotations

import threading
from typing import Any


class SerializedClient:
    def __init__(self, client: Any) -> None:
        self._client = client
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return attribute(*args, **kwargs)

        return call if name != "meta" else attribute
