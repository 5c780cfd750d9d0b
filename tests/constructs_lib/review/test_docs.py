"""docs/review.md: its example is the command's output, its tables are the command's."""

from __future__ import annotations

import re

import pytest

from constructs_lib.review import markdown
from constructs_lib.review.command import EXIT_GATED, EXIT_OK, EXIT_UNREADABLE
from constructs_lib.review.report import GATES
from tests.conftest import REPO_ROOT
from tests.constructs_lib.review.test_history import ALARM_TOPIC, review_of

#: CloudFormation's resource schemas come with the extra "review" (cfn-lint).
pytest.importorskip("cfnlint", reason="constructs-lib review needs the extra review (cfn-lint)")

DOC = (REPO_ROOT / "docs" / "review.md").read_text()


def test_the_example_report_is_what_the_command_prints_for_that_commit() -> None:
    block = re.search(
        r"<!-- review example: begin -->\n````markdown\n(.*?)\n````\n<!-- review example: end -->",
        DOC,
        re.S,
    )
    assert block is not None
    # the page says `constructs-lib review e7ff2a4^ e7ff2a4`: the refs as given
    printed = markdown(review_of(ALARM_TOPIC)).replace(ALARM_TOPIC, ALARM_TOPIC[:7])
    assert block.group(1) + "\n" == printed


def test_every_fail_on_class_and_exit_code_is_documented() -> None:
    for name in GATES:
        assert f"| `{name}` |" in DOC
    for code in (EXIT_OK, EXIT_GATED, EXIT_UNREADABLE):
        assert f"\n| {code} |" in DOC


def test_the_readme_points_to_the_page() -> None:
    readme = (REPO_ROOT / "README.md").read_text()
    assert "(docs/review.md)" in readme and "constructs-lib review" in readme
