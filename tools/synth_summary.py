"""Prints a short summary of a cloud assembly: stacks, resources by type, sizes.

Usage: python -m tools.synth_summary cdk.out
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path


def summarize(assembly_dir: Path) -> str:
    manifest = json.loads((assembly_dir / "manifest.json").read_text())
    lines = []
    total = 0
    for artifact_id, artifact in sorted(manifest["artifacts"].items()):
        if artifact.get("type") != "aws:cloudformation:stack":
            continue
        template_path = assembly_dir / artifact["properties"]["templateFile"]
        template = json.loads(template_path.read_text())
        types = Counter(r["Type"] for r in template.get("Resources", {}).values())
        count = sum(types.values())
        total += count
        env = artifact.get("environment", "")
        size = template_path.stat().st_size
        lines.append(f"{artifact_id}  ({env})  {count} resources, template {size:,} bytes")
        for rtype, n in sorted(types.items()):
            lines.append(f"    {n:>3}  {rtype}")
    stacks = sum(1 for line in lines if not line.startswith(" "))
    lines.append(f"{stacks} stacks, {total} resources in {assembly_dir}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(summarize(Path(sys.argv[1] if len(sys.argv) > 1 else "cdk.out")))
