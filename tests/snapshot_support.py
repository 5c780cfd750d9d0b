"""Normalizes synthesized templates so that snapshots show only real changes.

Asset hashes change with every aws-cdk-lib upgrade and with any byte of an
asset; they are replaced by a placeholder. Everything else stays verbatim so a
reviewer reads the template CloudFormation will get.
"""

from __future__ import annotations

import json
import re
from typing import Any

_ASSET_HASH = re.compile(r"\b[0-9a-f]{64}\b")


def normalize_template(template: dict[str, Any]) -> Any:
    text = json.dumps(template, sort_keys=True)
    text = _ASSET_HASH.sub("<asset-hash>", text)
    return json.loads(text)
