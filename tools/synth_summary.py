"""Prints a short summary of a cloud assembly: stacks, resources by type, sizes.

Usage: python -m tools.synth_summary cdk.out
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from constructs_lib.templates.assembly import assembly_stacks


def summarize(assembly_dir: Path) -> str:
    lines = []
    total = 0
    stacks = assembly_stacks(assembly_dir)
    artifact_of = {s.name: s.artifact_id for s in stacks if s.parent is None}
    # each stack by its artifact id, its nested stacks after it
    stacks.sort(
        key=lambda s: (artifact_of.get(s.parent or s.name, ""), s.parent is not None, s.name)
    )
    for stack in stacks:
        types = Counter(r.type for r in stack.resources())
        count = sum(types.values())
        total += count
        size = stack.source.stat().st_size if stack.source else 0
        if stack.parent is None:
            head = f"{stack.artifact_id}  ({stack.environment})"
        else:
            head = f"  nested {stack.name}"
        lines.append(f"{head}  {count} resources, template {size:,} bytes")
        for rtype, n in sorted(types.items()):
            lines.append(f"    {n:>3}  {rtype}")
    top = sum(1 for stack in stacks if stack.parent is None)
    lines.append(f"{top} stacks, {total} resources in {assembly_dir}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(summarize(Path(sys.argv[1] if len(sys.argv) > 1 else "cdk.out")))
