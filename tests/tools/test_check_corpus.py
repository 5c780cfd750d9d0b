"""``python -m tools.check_corpus``: the block it writes into docs/evidence.md."""

from __future__ import annotations

from tests.constructs_lib.checks.corpus import BEGIN, END
from tools.check_corpus import replace_block


def test_only_the_block_between_the_markers_is_replaced() -> None:
    text = f"before\n{BEGIN}\nold table\n{END}\nafter\n"

    assert replace_block(text, f"{BEGIN}\nnew table\n{END}") == (
        f"before\n{BEGIN}\nnew table\n{END}\nafter\n"
    )
