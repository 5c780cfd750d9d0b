"""One Mermaid diagram per example stack, stored beside the JSON snapshots.

A pull request that changes the wiring (a new subscription, a DLQ, an alarm
action) shows it as a diff of ``__snapshots__/test_diagram_snapshots/*.mmd``,
a few readable lines, next to the template's JSON diff. Update with
``pytest tests/stacks/test_diagram_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from typing import Any

from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode

from constructs_lib.diagram import template_to_mermaid


class MermaidSnapshotExtension(SingleFileSnapshotExtension):
    file_extension = "mmd"
    _write_mode = WriteMode.TEXT


def test_every_stack_diagram_matches_its_snapshot(
    example_templates: dict[str, dict[str, Any]], snapshot: SnapshotAssertion
) -> None:
    mermaid = snapshot.use_extension(MermaidSnapshotExtension)
    for stack_name, template in sorted(example_templates.items()):
        assert template_to_mermaid(template) == mermaid(name=stack_name)
