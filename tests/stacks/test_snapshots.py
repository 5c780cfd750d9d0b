"""One reviewable JSON snapshot per stack of the example app.

A change that alters a template fails here; `pytest --snapshot-update` rewrites
the files under __snapshots__/ and the pull request shows the diff.
"""

from __future__ import annotations

from typing import Any

from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.json import JSONSnapshotExtension

from tests.snapshot_support import normalize_template


def test_every_stack_matches_its_snapshot(
    example_templates: dict[str, dict[str, Any]], snapshot: SnapshotAssertion
) -> None:
    json_snapshot = snapshot.use_extension(JSONSnapshotExtension)
    for stack_name, template in sorted(example_templates.items()):
        assert normalize_template(template) == json_snapshot(name=stack_name)
