"""The one error type the library raises for bad construct options."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OptionProblem:
    """One rejected option: which, what was given, what is allowed, and the rule's code.

    ``code`` is the stable name of the rule (`constructs_lib.option_codes.OptionCode`,
    listed in docs/option-codes.md): match it, not the wording of ``allowed``,
    which may improve between releases. Every problem the library raises has
    one; a problem built elsewhere may leave it empty.
    """

    option: str
    value: object
    allowed: str
    code: str = ""

    def __str__(self) -> str:
        return f"{self.option}={self.value!r}: {self.allowed}"


class ConstructOptionError(ValueError):
    """Raised at synth when a construct's options are invalid.

    All problems of one construct are collected and reported together, each
    naming the option, the value given and what is allowed, and carrying the
    code of its rule; the message starts with the construct's path so the
    offending construct is found at once.

    Example::

        try:
            SecureQueue(stack, "Orders", max_receive_count=0)
        except ConstructOptionError as err:
            assert err.problems[0].option == "max_receive_count"
            assert err.codes == ["SQS_MAX_RECEIVE_COUNT_OUT_OF_RANGE"]
    """

    def __init__(self, construct_path: str, problems: list[OptionProblem]) -> None:
        self.construct_path = construct_path
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{construct_path}: invalid options:\n{lines}")

    @property
    def codes(self) -> list[str]:
        """The code of each problem, in the problems' order."""
        return [p.code for p in self.problems]
