"""Reading a `ConstructOptionError` in tests: each problem's words and its code.

A rule's test matches a few words of its message (``"must be from" in ...``)
and compares its stable code (`OptionCode`, docs/option-codes.md). `by_option`
gives each option's `Reported`: the message as a ``str`` (so ``in`` and ``==``
work as before) that also carries ``code``.
"""

from __future__ import annotations

from collections.abc import Iterable

from constructs_lib import ConstructOptionError, OptionProblem


class Reported(str):
    """A problem's text, with the code of its rule."""

    code: str

    def __new__(cls, text: str, code: str) -> Reported:
        reported = super().__new__(cls, text)
        reported.code = code
        return reported


def by_option(problems: ConstructOptionError | Iterable[OptionProblem]) -> dict[str, Reported]:
    """Option -> what is allowed (``problem.allowed``), with the code."""
    listed = problems.problems if isinstance(problems, ConstructOptionError) else problems
    return {p.option: Reported(p.allowed, p.code) for p in listed}
