"""The one error type the library raises for bad construct options."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OptionProblem:
    """One rejected option: which, what was given, and what is allowed."""

    option: str
    value: object
    allowed: str

    def __str__(self) -> str:
        return f"{self.option}={self.value!r}: {self.allowed}"


class ConstructOptionError(ValueError):
    """Raised at synth when a construct's options are invalid.

    All problems of one construct are collected and reported together, each
    naming the option, the value given and what is allowed; the message starts
    with the construct's path so the offending construct is found at once.

    Example::

        try:
            SecureQueue(stack, "Orders", max_receive_count=0)
        except ConstructOptionError as err:
            assert err.problems[0].option == "max_receive_count"
    """

    def __init__(self, construct_path: str, problems: list[OptionProblem]) -> None:
        self.construct_path = construct_path
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{construct_path}: invalid options:\n{lines}")
