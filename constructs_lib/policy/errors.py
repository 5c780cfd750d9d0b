"""The error of the policy evaluator."""

from __future__ import annotations


class PolicySyntaxError(ValueError):
    """A policy the evaluator cannot judge: an unknown operator, an unresolved
    intrinsic, a malformed element. Never treated as an allow (or a deny)."""
