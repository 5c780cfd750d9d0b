"""constructs_lib._metrics: the statistic names it writes are aws-cdk-lib's."""

from __future__ import annotations

from aws_cdk import aws_cloudwatch as cloudwatch

from constructs_lib import _metrics


def test_statistic_names_are_aws_cdk_libs() -> None:
    assert (_metrics.MAXIMUM, _metrics.SUM, _metrics.AVERAGE, _metrics.MINIMUM) == (
        cloudwatch.Stats.MAXIMUM,
        cloudwatch.Stats.SUM,
        cloudwatch.Stats.AVERAGE,
        cloudwatch.Stats.MINIMUM,
    )
