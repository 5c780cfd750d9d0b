"""What a simulation shows: a short table, the modelling assumptions with their sources, a plot.

The table and the assumptions are plain text (standard library); the plot
needs matplotlib (extra ``simulate``).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

from constructs_lib._extras import SIMULATE_MODULES, require_extra
from constructs_lib.simulation.engine import (
    INACTIVE_AFTER_SECONDS,
    REACTIVATION_DELAY_MINUTES,
    SimulationResult,
    SimulationSettings,
)

__all__ = ["Assumption", "assumptions", "footnote", "plot", "summary_table"]

_EC2 = "https://docs.aws.amazon.com/autoscaling/ec2/userguide/"
_SQS_GUIDE = _EC2 + "as-using-sqs-queue.html"
_SQS_METRICS = (
    "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/"
    "sqs-monitoring-using-cloudwatch.html"
)
_ALARMS = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html"
_TRACKING = _EC2 + "as-scaling-target-tracking.html"
_STEPS = _EC2 + "as-scaling-simple-step.html"
_WARMUP = _EC2 + "ec2-auto-scaling-default-instance-warmup.html"
_MULTIPLE = _EC2 + "as-scale-based-on-demand.html#multiple-scaling-policy-resolution"
MODELLING_CHOICE = "modelling choice (no AWS figure)"


@dataclass(frozen=True)
class Assumption:
    text: str
    #: the AWS document it follows, or `MODELLING_CHOICE`
    source: str


def assumptions(settings: SimulationSettings) -> list[Assumption]:
    """Every assumption of the model, with the settings' values and the AWS source."""
    start = settings.worker_start_seconds
    worker = "the group's warm-up" if start is None else f"{start} s"
    return [
        Assumption("Each minute's messages arrive evenly over the minute.", MODELLING_CHOICE),
        Assumption(
            f"An instance handles one message per processing time ({settings.processing_seconds:g} "
            "s), the average time AWS divides the acceptable latency by to get the backlog "
            "target; messages are taken oldest first and a message's latency is its wait in "
            "the queue.",
            _SQS_GUIDE,
        ),
        Assumption(
            "SQS publishes its metrics once a minute; a datapoint is the queue at the end of "
            f"its minute, and alarms see it {settings.metric_delay_minutes} minute(s) later. "
            "NumberOfMessagesSent is the minute's arrivals; NumberOfMessagesReceived and "
            "NumberOfMessagesDeleted the messages taken (every one succeeds).",
            _SQS_METRICS + " (the one-minute interval; the lag is a modelling choice)",
        ),
        Assumption(
            "A fully busy instance holds "
            f"{settings.messages_in_flight_per_busy_instance} messages in flight (its "
            "receive batch), fewer as it idles (ApproximateNumberOfMessagesNotVisible); its "
            f"CPU is busy {settings.cpu_share:.0%} of its processing time (CPUUtilization, "
            "averaged over the instances taking messages; warming ones are left out).",
            MODELLING_CHOICE,
        ),
        Assumption(
            f"A queue without messages or API calls for {INACTIVE_AFTER_SECONDS // 3600} hours "
            "is inactive: SQS publishes nothing for it, and when it is active again its "
            f"metrics come {REACTIVATION_DELAY_MINUTES} minutes late (AWS: up to 15); "
            "running workers poll it, which keeps it active.",
            _SQS_METRICS,
        ),
        Assumption(
            "Alarms are evaluated at the end of each period over their last EvaluationPeriods "
            "datapoints with DatapointsToAlarm and TreatMissingData (a period of several "
            "minutes aggregates its minutes by each metric's statistic); an alarm in ALARM "
            "invokes its scaling policies at each evaluation.",
            _ALARMS,
        ),
        Assumption(
            f"Target tracking scales out after {settings.tracking_high_datapoints} one-minute "
            f"datapoints above the target and in after {settings.tracking_low_datapoints} below "
            "90 % of it (the alarms AWS creates, as observed; the user guide gives no numbers "
            "and AWS may tune them), to ceil(metric x in-service instances / target), never "
            "below the desired capacity when scaling out; AWS says it scales in 'more "
            "gradually' without saying how, the model scales in proportionally, and only "
            "when every target-tracking policy with scale-in enabled is ready to.",
            _TRACKING,
        ),
        Assumption(
            "Step policies pick the step whose bounds hold the breach (datapoint minus "
            "threshold) and change the capacity by its adjustment (ExactCapacity: set it).",
            _STEPS,
        ),
        Assumption(
            f"An instance is InService {settings.launch_seconds} s after launch, warms up for "
            "the policy's (else the group's) warm-up from then, and takes messages from "
            f"{worker} after InService. Instances still warming up count toward the desired "
            "capacity of the next scale-out, and scale-in waits until they have warmed up.",
            _WARMUP + f" (the {settings.launch_seconds} s launch time is a modelling choice)",
        ),
        Assumption(
            "When several policies act in the same minute, the group takes the largest "
            "capacity any of them asks for, within its minimum and maximum.",
            _MULTIPLE,
        ),
        Assumption(
            "A scaled-in instance leaves at once (the drain hook lets it finish the messages "
            "it holds); the newest goes first.",
            MODELLING_CHOICE,
        ),
        Assumption(
            "The simulation starts with an empty queue, the initial instances in service and "
            "warm, and no alarm history.",
            MODELLING_CHOICE,
        ),
    ]


def footnote(settings: SimulationSettings) -> str:
    """The numbered assumptions, one per line, each with its source."""
    return "\n".join(
        f"{number}. {a.text} [{a.source}]"
        for number, a in enumerate(assumptions(settings), start=1)
    )


def duration(seconds: float) -> str:
    """``42 s``, ``7 min 12 s``, ``1 h 05 min``."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


def summary_table(result: SimulationResult) -> str:
    """The short table: latency, time above the acceptable latency, cost in instance-minutes."""
    acceptable = duration(result.acceptable_latency_seconds)
    rows = [
        ("peak latency", duration(result.peak_latency_seconds)),
        (
            f"minutes above the acceptable latency ({acceptable})",
            f"{result.minutes_above_acceptable}",
        ),
        ("instance-minutes", f"{result.instance_minutes:,.0f}"),
        ("peak instances in service", f"{result.peak_in_service}"),
        ("peak backlog (messages)", f"{result.peak_backlog:,}"),
        ("messages still waiting at the end", f"{result.left_waiting:,}"),
    ]
    lines = ["| measure | value |", "| --- | ---: |"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    return "\n".join(lines)


def plot(result: SimulationResult, path: str | Path, *, title: str = "") -> Path:
    """A PNG of arrivals, backlog, capacity and latency per minute, assumptions below.

    :raises MissingExtraError: without matplotlib.
    """
    require_extra("the simulation's plot", "simulate", SIMULATE_MODULES)
    import matplotlib

    matplotlib.use("Agg")  # files only, no display
    from matplotlib import pyplot

    minutes = [m.minute for m in result.minutes]
    figure, axes = pyplot.subplots(4, 1, figsize=(11, 13), sharex=True)
    arrivals, backlog, capacity, latency = axes
    arrivals.bar(minutes, [m.arrivals for m in result.minutes], width=1.0, color="tab:blue")
    arrivals.set_ylabel("arrivals\n(messages/min)")
    backlog.plot(minutes, [m.backlog for m in result.minutes], color="tab:orange")
    backlog.set_ylabel("backlog\n(visible messages)")
    capacity.step(
        minutes,
        [m.in_service for m in result.minutes],
        where="post",
        label="in service",
        color="tab:green",
    )
    capacity.step(
        minutes,
        [m.working for m in result.minutes],
        where="post",
        label="taking messages",
        color="tab:olive",
        linestyle=":",
    )
    capacity.step(
        minutes,
        [m.desired for m in result.minutes],
        where="post",
        label="desired",
        color="tab:gray",
        linestyle="--",
    )
    capacity.set_ylabel("instances")
    capacity.legend(loc="upper right")
    latency.plot(minutes, [m.latency_seconds for m in result.minutes], color="tab:red")
    latency.axhline(
        result.acceptable_latency_seconds,
        color="black",
        linestyle="--",
        label=f"acceptable ({duration(result.acceptable_latency_seconds)})",
    )
    latency.set_ylabel("message latency\n(s waited)")
    latency.set_xlabel("minute")
    latency.legend(loc="upper right")
    for axis in axes:
        axis.grid(alpha=0.3)
    figure.suptitle(title or f"Fleet simulation ({result.fleet.source})")
    figure.text(
        0.01,
        0.005,
        _wrapped(footnote(result.settings)),
        fontsize=6.2,
        va="bottom",
        family="monospace",
    )
    figure.tight_layout(rect=(0, 0.2, 1, 0.97))
    target = Path(path)
    figure.savefig(target, dpi=90, metadata={"Software": None})
    pyplot.close(figure)
    return target


def _wrapped(text: str, width: int = 170) -> str:
    return "\n".join(
        textwrap.fill(line, width=width, subsequent_indent="    ") for line in text.splitlines()
    )
