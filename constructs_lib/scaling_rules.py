"""Deprecated: this module is `constructs_lib.aws_scaling_model` (issue 22).

Its names still work from here, each with a `DeprecationWarning`: four modules
were named after scaling and did four jobs; this one models how CloudWatch
alarms and EC2 Auto Scaling policies decide.
"""

from __future__ import annotations

from constructs_lib import aws_scaling_model as _model
from constructs_lib._deprecation import aliases

__getattr__ = aliases(
    __name__, {name: f"constructs_lib.aws_scaling_model:{name}" for name in _model.__all__}
)
