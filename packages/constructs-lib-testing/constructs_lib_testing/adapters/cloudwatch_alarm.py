"""``AWS::CloudWatch::Alarm``: moto 5.2.5's CloudFormation skips it.

Realized with moto's ``put_metric_alarm``, so ``describe_alarms`` lists it.
moto never evaluates alarms (it emits no AWS/SQS metrics): the alarm stays in
``INSUFFICIENT_DATA`` and its actions never run. Runtime tests can check an
alarm's configuration, not that it fires.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from moto.cloudwatch.models import (
    Dimension,
    Metric,
    MetricDataQuery,
    MetricStat,
    cloudwatch_backends,
)

from constructs_lib_testing.adapters._model import Adapter, AdapterModel

if TYPE_CHECKING:
    from constructs_lib_testing.deployed_stack import DeployedStack


def _metric_data_queries(metrics: list[dict[str, Any]]) -> list[MetricDataQuery]:
    # The same conversion moto's own PutMetricAlarm handler does.
    queries = []
    for metric in metrics:
        stat = metric.get("MetricStat")
        metric_stat = None
        if stat:
            definition = stat["Metric"]
            metric_stat = MetricStat(
                metric=Metric(
                    metric_name=definition["MetricName"],
                    namespace=definition.get("Namespace"),
                    dimensions=[
                        Dimension(name=d["Name"], value=d["Value"])
                        for d in definition.get("Dimensions", [])
                    ],
                ),
                period=stat.get("Period"),
                stat=stat.get("Stat"),
                unit=stat.get("Unit"),
            )
        queries.append(
            MetricDataQuery(
                query_id=metric["Id"],
                label=metric.get("Label"),  # type: ignore[arg-type]
                period=metric.get("Period"),  # type: ignore[arg-type]
                return_data=metric.get("ReturnData"),  # type: ignore[arg-type]
                expression=metric.get("Expression"),
                metric_stat=metric_stat,
            )
        )
    return queries


class CloudWatchAlarm(AdapterModel):
    """A metric alarm (single metric or metric math) in moto's CloudWatch."""

    CFN_TYPE = "AWS::CloudWatch::Alarm"
    NAME_PROPERTY = "AlarmName"
    CFN_ATTRIBUTES = ("Arn",)

    def apply(self) -> None:
        p = self.properties
        backend = cloudwatch_backends[self.account_id][self.region_name]
        alarm = backend.put_metric_alarm(
            name=self.physical_name,
            namespace=p.get("Namespace"),  # type: ignore[arg-type]
            metric_name=p.get("MetricName"),  # type: ignore[arg-type]
            metric_data_queries=_metric_data_queries(p.get("Metrics", [])) or None,
            comparison_operator=p["ComparisonOperator"],
            evaluation_periods=int(p["EvaluationPeriods"]),
            datapoints_to_alarm=p.get("DatapointsToAlarm"),
            period=p.get("Period"),  # type: ignore[arg-type]
            threshold=p.get("Threshold"),  # type: ignore[arg-type]
            statistic=p.get("Statistic"),  # type: ignore[arg-type]
            extended_statistic=p.get("ExtendedStatistic"),
            description=p.get("AlarmDescription"),  # type: ignore[arg-type]
            dimensions=p.get("Dimensions", []),
            alarm_actions=p.get("AlarmActions", []),
            ok_actions=p.get("OKActions", []),
            insufficient_data_actions=p.get("InsufficientDataActions", []),
            unit=p.get("Unit"),
            actions_enabled=str(p.get("ActionsEnabled", True)).lower() == "true",
            treat_missing_data=p.get("TreatMissingData"),
            evaluate_low_sample_count_percentile=p.get("EvaluateLowSampleCountPercentile"),
            threshold_metric_id=p.get("ThresholdMetricId"),
        )
        self.arn = alarm.alarm_arn

    def remove(self) -> None:
        cloudwatch_backends[self.account_id][self.region_name].delete_alarms([self.physical_name])

    @classmethod
    def verify(
        cls, deployed: DeployedStack, logical_id: str, resource: dict[str, Any]
    ) -> list[str]:
        name = deployed.physical_id(logical_id)
        found = deployed.client("cloudwatch").describe_alarms(AlarmNames=[name])
        alarms = found.get("MetricAlarms", [])
        if not alarms:
            return [f"{logical_id}: no CloudWatch alarm named {name!r}"]
        expected = resource["Properties"]
        alarm = alarms[0]
        problems = []
        for key in ("ComparisonOperator", "MetricName", "Namespace", "Threshold"):
            if (
                key in expected
                and str(alarm.get(key)) != str(expected[key])
                and not (
                    key == "Threshold" and float(alarm.get(key, "nan")) == float(expected[key])
                )
            ):
                problems.append(
                    f"{logical_id}: alarm {name!r} has {key}={alarm.get(key)!r}, "
                    f"expected {expected[key]!r}"
                )
        return problems


ADAPTER = Adapter.realizing(
    CloudWatchAlarm,
    "put_metric_alarm (the strict account evaluates it)",
    relies_on=(
        "moto.cloudwatch.models:cloudwatch_backends",
        "moto.cloudwatch.models:CloudWatchBackend.put_metric_alarm(name, namespace, "
        "metric_name, metric_data_queries, comparison_operator, evaluation_periods, "
        "datapoints_to_alarm, period, threshold, statistic, extended_statistic, description, "
        "dimensions, alarm_actions, ok_actions, insufficient_data_actions, unit, "
        "actions_enabled, treat_missing_data, evaluate_low_sample_count_percentile, "
        "threshold_metric_id)",
        "moto.cloudwatch.models:CloudWatchBackend.delete_alarms",
        "moto.cloudwatch.models:Alarm#alarm_arn",
        "moto.cloudwatch.models:Dimension(name, value)",
        "moto.cloudwatch.models:Metric(metric_name, namespace, dimensions)",
        "moto.cloudwatch.models:MetricStat(metric, period, stat, unit)",
        "moto.cloudwatch.models:MetricDataQuery(query_id, label, period, return_data, "
        "expression, metric_stat)",
    ),
)
