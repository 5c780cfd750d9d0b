"""Deprecated: this module is `constructs_lib.fleet_sizing` (issue 22).

Its names still work from here, each with a `DeprecationWarning`: four modules
were named after scaling and did four jobs; this one sizes a fleet.
"""

from __future__ import annotations

from constructs_lib import fleet_sizing as _fleet_sizing
from constructs_lib._deprecation import aliases

__getattr__ = aliases(
    __name__, {name: f"constructs_lib.fleet_sizing:{name}" for name in _fleet_sizing.__all__}
)
