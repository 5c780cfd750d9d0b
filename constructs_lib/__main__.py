"""``python -m constructs_lib``: the library's operator commands (see cli.py)."""

import sys

from constructs_lib.cli import main

sys.exit(main(prog="python -m constructs_lib"))
