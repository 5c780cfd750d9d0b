"""Where the example app's runtime code lives, independent of the cwd."""

from __future__ import annotations

from pathlib import Path

HANDLERS_DIR = Path(__file__).resolve().parent.parent / "handlers"
