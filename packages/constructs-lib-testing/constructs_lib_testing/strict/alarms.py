"""Part ``alarms``: alarms evaluated, and their actions run, when the clock advances.

`StrictAccount.advance` moves the account's clock a minute at a time. Each
minute every metric an alarm or a target-tracking policy reads is sampled
(`metrics`), each alarm whose period ends then gets a datapoint, and its state
is decided as CloudWatch decides it (CloudWatch User Guide, "Evaluating an
alarm"):

- of the last ``EvaluationPeriods`` datapoints, ``DatapointsToAlarm`` (default:
  all) breaching -> ``ALARM``;
- missing datapoints per ``TreatMissingData``: ``notBreaching`` (good),
  ``breaching`` (bad), ``ignore`` (the state stays), ``missing`` (default: only
  the present ones count; none at all -> ``INSUFFICIENT_DATA``);
- a new alarm starts in ``INSUFFICIENT_DATA``.

On a state change its actions for the new state run: an SNS topic gets the
alarm notification through the ``deliveries`` checks (``cloudwatch.amazonaws.com``
must be allowed by the topic policy and the topic's key), a scaling policy
changes the group (`scaling`). While an alarm stays in ``ALARM`` its Auto
Scaling actions run again each period, as AWS does.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from moto.autoscaling.models import autoscaling_backends
from moto.cloudwatch.models import cloudwatch_backends

from constructs_lib.aws_scaling_model import (
    decide_state,
    tracking_alarm_states,
    tracking_capacity,
    tracking_direction,
    tracking_policy_capacity,
)
from constructs_lib.metric_math import Value, evaluate_queries
from constructs_lib.services.cloudwatch import CLOUDWATCH
from constructs_lib_testing.activation import MotoPatch, register_part
from constructs_lib_testing.strict import scaling
from constructs_lib_testing.strict.deliveries import publish_from_service
from constructs_lib_testing.strict.metrics import (
    MetricKey,
    count_sent,
    datapoint,
    record_sample,
    reset_samples,
)
from constructs_lib_testing.strict.state import STATE, STRICT_GROUP, enabled, now

MINUTE = 60

#: alarm ARN -> its datapoints so far; policy ARN -> the tracked metric's values
_DATAPOINTS: dict[str, list[Value]] = defaultdict(list)
_STATES: dict[str, str] = {}
_TRACKED: dict[str, list[Value]] = defaultdict(list)
_MINUTES = [0]


def reset_alarm_history() -> None:
    _DATAPOINTS.clear()
    _STATES.clear()
    _TRACKED.clear()
    _MINUTES[0] = 0
    reset_samples()
    scaling.reset_launches()


def advance_clock(minutes: int) -> list[str]:
    if minutes < 1:
        raise ValueError(f"minutes={minutes!r}: advance by at least one minute")
    events: list[str] = []
    for _ in range(minutes):
        with STATE.lock:
            STATE.clock_offset += MINUTE
        _MINUTES[0] += 1
        events += _tick(math.floor(now() / MINUTE) * MINUTE)
    return events


def skip_to_minute_start() -> None:
    """Move the clock to just past the next minute boundary, evaluating nothing.

    CloudWatch API Reference, GetMetricData, ``StartTime``: "Start time less
    than 15 days ago - Round down to the nearest whole minute. For example,
    12:32:34 is rounded down to 12:32:00": one-minute datapoints sit on the
    clock's minutes.
    """
    with STATE.lock:
        current = now()
        boundary = (math.floor(current / MINUTE) + 1) * MINUTE
        STATE.clock_offset += boundary - current + MINUTE_START_MARGIN


#: How far past the boundary `skip_to_minute_start` leaves the clock: a sample
#: taken at the boundary itself belongs to the minute that ends there.
MINUTE_START_MARGIN = 0.001


def _tick(at: float) -> list[str]:
    events: list[str] = []
    for account, regions in list(cloudwatch_backends.items()):
        for region, backend in list(regions.items()):
            for alarm in list(backend.alarms.values()):
                events += _evaluate_alarm(backend, alarm, account, region, at)
    for account, scaling_regions in list(autoscaling_backends.items()):
        for region, scaling_backend in list(scaling_regions.items()):
            for policy in list(scaling_backend.policies.values()):
                if policy.policy_type == "TargetTrackingScaling":
                    events += _track(scaling_backend, policy, account, region, at)
    return events


# --- alarms ----------------------------------------------------------------------


def _period_minutes(alarm: Any) -> int:
    periods = [int(alarm.period or 0)] + [
        int(q.metric_stat.period) for q in alarm.metric_data_queries if q.metric_stat
    ]
    return max(1, max(periods) // MINUTE)


def _evaluate_alarm(backend: Any, alarm: Any, account: str, region: str, at: float) -> list[str]:
    period = _period_minutes(alarm)
    # Every minute's sample is taken (CloudWatch receives one a minute); a
    # longer period gets its datapoint, aggregated by statistic, when it ends.
    value = alarm_value(alarm, account, region, at, period * MINUTE)
    if _MINUTES[0] % period:
        return []
    history = _DATAPOINTS[alarm.alarm_arn]
    history.append(value)
    old = _STATES.get(alarm.alarm_arn, "INSUFFICIENT_DATA")
    new = decide_state(alarm, history[-int(alarm.evaluation_periods) :], old)
    _STATES[alarm.alarm_arn] = new
    events = []
    if new != old:
        reason = f"datapoints {history[-int(alarm.evaluation_periods) :]} vs {alarm.threshold}"
        backend.set_alarm_state(alarm.name, reason, json.dumps({"value": value}), new)
        events.append(f"alarm {alarm.name}: {old} -> {new} ({reason})")
    if alarm.actions_enabled and (new != old or new == "ALARM"):
        events += _run_actions(alarm, old, new, value, account, region, at, repeat=new == old)
    return events


def alarm_value(alarm: Any, account: str, region: str, at: float, period: int) -> Value:
    """The alarm's datapoint for the period ending at ``at``."""
    if not alarm.metric_data_queries:
        dimensions = {d.name: d.value for d in alarm.dimensions}
        key = MetricKey.of(account, region, alarm.namespace, alarm.metric_name, dimensions)
        record_sample(key, at)
        return datapoint(key, alarm.statistic, int(alarm.period), at)
    queries = [
        {
            "Id": q.id,
            "Expression": q.expression,
            "ReturnData": q.return_data,
            "MetricStat": None
            if q.metric_stat is None
            else {
                "Metric": {
                    "Namespace": q.metric_stat.metric.namespace,
                    "MetricName": q.metric_stat.metric.metric_name,
                    "Dimensions": [
                        {"Name": d.name, "Value": d.value} for d in q.metric_stat.metric.dimensions
                    ],
                },
                "Stat": q.metric_stat.stat,
                "Period": q.metric_stat.period,
            },
        }
        for q in alarm.metric_data_queries
    ]
    return query_value(queries, account, region, at, period)


def query_value(queries: list[dict[str, Any]], account: str, region: str, at: float,
                period: int) -> Value:  # fmt: skip
    """The returned value of metric data queries, each metric sampled from the account."""

    def stat_value(stat: Mapping[str, Any]) -> Value:
        metric = stat["Metric"]
        dims = {d["Name"]: d["Value"] for d in metric.get("Dimensions", [])}
        key = MetricKey.of(account, region, metric["Namespace"], metric["MetricName"], dims)
        record_sample(key, at)
        return datapoint(key, stat["Stat"], int(stat.get("Period") or period), at)

    return evaluate_queries(queries, stat_value)


def _run_actions(alarm: Any, old: str, new: str, value: Value, account: str, region: str,
                 at: float, *, repeat: bool) -> list[str]:  # fmt: skip
    actions = {"ALARM": alarm.alarm_actions, "OK": alarm.ok_actions}.get(
        new, alarm.insufficient_data_actions
    )
    events = []
    for action in actions or []:
        if ":autoscaling:" in action and value is not None:
            events += _scaling_action(action, value - float(alarm.threshold), account, region, at)
        elif ":sns:" in action and not repeat:
            delivered = publish_from_service(
                CLOUDWATCH.principal, alarm.alarm_arn, action,
                notification(alarm, old, new, value, account, region),
                subject=f'{new}: "{alarm.name}" in {region}',
            )  # fmt: skip
            outcome = "delivered" if delivered else "refused (see drops)"
            events.append(f"alarm {alarm.name}: notification to {action} {outcome}")
    return events


def _scaling_action(policy_arn: str, breach: float, account: str, region: str,
                    at: float) -> list[str]:  # fmt: skip
    backend = autoscaling_backends[account][region]
    policy = next((p for p in backend.policies.values() if p.arn == policy_arn), None)
    if policy is None:
        return [f"alarm action {policy_arn}: no such scaling policy"]
    line = scaling.run_step_policy(backend, policy, breach, at)
    return [line] if line else []


def notification(alarm: Any, old: str, new: str, value: Value, account: str, region: str) -> str:
    """The JSON message CloudWatch publishes for a state change."""
    return json.dumps(
        {
            "AlarmName": alarm.name,
            "AlarmDescription": alarm.description,
            "AWSAccountId": account,
            "AlarmArn": alarm.alarm_arn,
            "NewStateValue": new,
            "OldStateValue": old,
            "NewStateReason": f"Threshold crossed: datapoint {value} vs {alarm.threshold}",
            "Region": region,
            "Trigger": {
                "MetricName": alarm.metric_name,
                "Namespace": alarm.namespace,
                "ComparisonOperator": alarm.comparison_operator,
                "Threshold": alarm.threshold,
                "EvaluationPeriods": alarm.evaluation_periods,
            },
        }
    )


# --- target tracking -------------------------------------------------------------------


def _track(backend: Any, policy: Any, account: str, region: str, at: float) -> list[str]:
    config = vars(policy.target_tracking_configuration)
    spec = config.get("CustomizedMetricSpecification")
    if not spec:
        return [f"policy {policy.name}: only customized metrics are tracked here"]
    queries = spec.get("Metrics") or [
        {"Id": "m", "MetricStat": {"Metric": spec, "Stat": spec.get("Statistic", "Average")}}
    ]
    value = query_value(queries, account, region, at, MINUTE)
    history = _TRACKED[policy.arn]
    history.append(value)
    target = float(config["TargetValue"])
    direction = tracking_direction(history, target, scale_in=_scale_in_allowed(config))
    if direction == 0:
        return []
    group = backend.autoscaling_groups[policy.auto_scaling_group_name]
    key = (account, region, group.name)
    wanted = tracking_policy_capacity(
        direction=direction,
        desired=int(group.desired_capacity or 0),
        # the in-service count the metric was computed over (AWS's "1,500
        # messages on 10 instances, target 100 -> 15 instances")
        proportional=tracking_capacity(value or 0, _in_service(account, region, group, at), target),
        warming=scaling.warming(key, at, scaling.warmup_of(policy)),
    )
    line = scaling.set_capacity(backend, group, wanted, at, cause=f"target tracking {policy.name}")
    return [line] if line else []


def _in_service(account: str, region: str, group: Any, at: float) -> int:
    key = MetricKey.of(account, region, "AWS/AutoScaling", "GroupInServiceInstances",
                       {"AutoScalingGroupName": group.name})  # fmt: skip
    record_sample(key, at)
    value = datapoint(key, "Average", MINUTE, at)
    return int(value or 0)


def alarm_states() -> dict[str, str]:
    """Every alarm's state after the last minute, by alarm name (a new alarm's is
    ``INSUFFICIENT_DATA`` until its first period ends)."""
    return {
        alarm.name: _STATES.get(alarm.alarm_arn, "INSUFFICIENT_DATA")
        for regions in cloudwatch_backends.values()
        for backend in regions.values()
        for alarm in backend.alarms.values()
    }


def tracking_states() -> dict[str, str]:
    """The two alarms of every target-tracking policy: ``<policy> AlarmHigh``/``AlarmLow``."""
    states = {}
    for regions in autoscaling_backends.values():
        for backend in regions.values():
            for policy in backend.policies.values():
                if policy.policy_type != "TargetTrackingScaling":
                    continue
                target = float(vars(policy.target_tracking_configuration)["TargetValue"])
                high, low = tracking_alarm_states(_TRACKED.get(policy.arn, []), target)
                states[f"{policy.name} AlarmHigh"] = high
                states[f"{policy.name} AlarmLow"] = low
    return states


def _scale_in_allowed(config: dict[str, Any]) -> bool:
    return str(config.get("DisableScaleIn", False)).lower() != "true"


def _wrap_group_from_cloudformation(original: Callable[..., Any]) -> Callable[..., Any]:
    # moto's group model drops DefaultInstanceWarmup; scaling needs it.
    def create(cls: Any, resource_name: str, cloudformation_json: Any, *args: Any,
               **kwargs: Any) -> Any:  # fmt: skip
        group = original(cls, resource_name, cloudformation_json, *args, **kwargs)
        warmup = (cloudformation_json.get("Properties") or {}).get("DefaultInstanceWarmup")
        scaling.remember_default_warmup(group, warmup)
        return group

    return create


def _wrap_send_message(original: Callable[..., Any]) -> Callable[..., Any]:
    # NumberOfMessagesSent: every message SQS accepts, whoever sends it
    # (SendMessageBatch and the services' deliveries go through here too).
    def send_message(self: Any, queue_name: str, *args: Any, **kwargs: Any) -> Any:
        message = original(self, queue_name, *args, **kwargs)
        if enabled("alarms"):
            count_sent(self.account_id, self.region_name, queue_name, now())
        return message

    return send_message


register_part(
    "alarms",
    "alarms evaluated from the account's state when the clock is advanced; SNS and "
    "scaling actions run",
    [
        MotoPatch(
            "moto.autoscaling.models:FakeAutoScalingGroup.create_from_cloudformation_json",
            _wrap_group_from_cloudformation,
        ),
        MotoPatch("moto.sqs.models:SQSBackend.send_message", _wrap_send_message),
    ],
    group=STRICT_GROUP,
)
