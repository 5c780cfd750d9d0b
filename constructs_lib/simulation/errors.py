"""The one error the simulator raises for input it cannot use."""

from __future__ import annotations

__all__ = ["SimulationInputError"]


class SimulationInputError(ValueError):
    """An option, arrival profile or template the simulator cannot use; the message says why."""
