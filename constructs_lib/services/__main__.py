"""``python -m constructs_lib.services docs/testing.md``: rewrites the generated table."""

from __future__ import annotations

import sys

from constructs_lib.services import rewrite

for target in sys.argv[1:] or ["docs/testing.md"]:
    print(f"{target}: {'rewritten' if rewrite(target) else 'up to date'}")
