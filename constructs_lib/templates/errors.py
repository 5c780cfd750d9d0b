"""The one error of the template model, apart so that its readers share it without a cycle."""

from __future__ import annotations


class AssemblyError(ValueError):
    """The input is not a readable cloud assembly or CloudFormation template."""
