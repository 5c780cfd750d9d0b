"""See a `QueueWorkerFleet` scale before deploying it: a minute-by-minute simulation.

Given an arrival profile (messages per minute), the time one instance takes
per message, and the fleet's scaling (from its options or from a synthesized
template), it runs what SQS, CloudWatch and EC2 Auto Scaling do: one-minute
metrics seen late, the fleet's alarms and policies with the rules of
`constructs_lib.aws_scaling_model`, warm-up, scale from zero, the message-age
step. `constructs_lib.simulation.report` renders the table and the plot and
lists every modelling assumption with its AWS source.

Only the standard library is needed to simulate; the plot needs matplotlib
(``pip install 'constructs-lib[simulate]'``).

Example::

    from constructs_lib.simulation import (
        SimulationSettings, fleet_from_options, simulate_fleet, spike_arrivals,
    )

    fleet = fleet_from_options(acceptable_latency_seconds=30,
                               average_processing_seconds=0.25, max_capacity=20,
                               visibility_timeout_seconds=300)
    result = simulate_fleet(fleet, spike_arrivals(600, factor=10, start=20, duration=10,
                                                  minutes=120),
                            SimulationSettings(processing_seconds=0.25))
    print(result.peak_latency_seconds, result.instance_minutes)
"""

from __future__ import annotations

from constructs_lib.simulation.arrivals import (
    arrivals_from_csv,
    constant_arrivals,
    spike_arrivals,
)
from constructs_lib.simulation.engine import (
    MinuteRecord,
    ReplayMinute,
    SimulationResult,
    SimulationSettings,
    replay_metrics,
    simulate_fleet,
)
from constructs_lib.simulation.errors import SimulationInputError
from constructs_lib.simulation.fleet import (
    AlarmRule,
    FleetModel,
    StepPolicy,
    TrackingPolicy,
    fleet_from_options,
)
from constructs_lib.simulation.template import fleet_from_template, load_fleet

__all__ = [
    "AlarmRule",
    "FleetModel",
    "MinuteRecord",
    "ReplayMinute",
    "SimulationInputError",
    "SimulationResult",
    "SimulationSettings",
    "StepPolicy",
    "TrackingPolicy",
    "arrivals_from_csv",
    "constant_arrivals",
    "fleet_from_options",
    "fleet_from_template",
    "load_fleet",
    "replay_metrics",
    "simulate_fleet",
    "spike_arrivals",
]
