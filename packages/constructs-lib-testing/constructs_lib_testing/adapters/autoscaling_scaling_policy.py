"""``AWS::AutoScaling::ScalingPolicy``: moto 5.2.5's CloudFormation skips it.

Realized with moto's ``put_scaling_policy``, so ``describe_policies`` lists
it with its type, step adjustments or target-tracking configuration
(customized metric math included). moto stores policies and never scales:
tests drive capacity themselves. ``Ref`` returns the policy ARN, as in AWS
(alarm actions name it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from moto.autoscaling.models import autoscaling_backends

from constructs_lib_testing.adapters._model import Adapter, AdapterModel, physical_id_of

if TYPE_CHECKING:
    from constructs_lib_testing.deployed_stack import DeployedStack


class AutoScalingScalingPolicy(AdapterModel):
    """A step, simple or target-tracking policy of one Auto Scaling group."""

    CFN_TYPE = "AWS::AutoScaling::ScalingPolicy"
    CFN_ATTRIBUTES = ("Arn", "PolicyName")

    def apply(self) -> None:
        p = self.properties
        self.group_name = physical_id_of(p["AutoScalingGroupName"])
        policy = autoscaling_backends[self.account_id][self.region_name].put_scaling_policy(
            name=self.physical_name,
            policy_type=p.get("PolicyType", "SimpleScaling"),
            metric_aggregation_type=p.get("MetricAggregationType"),  # type: ignore[arg-type]
            adjustment_type=p.get("AdjustmentType"),  # type: ignore[arg-type]
            as_name=self.group_name,
            min_adjustment_magnitude=p.get("MinAdjustmentMagnitude"),  # type: ignore[arg-type]
            scaling_adjustment=p.get("ScalingAdjustment"),
            cooldown=p.get("Cooldown"),
            target_tracking_config=p.get("TargetTrackingConfiguration"),  # type: ignore[arg-type]
            step_adjustments=p.get("StepAdjustments"),  # type: ignore[arg-type]
            estimated_instance_warmup=p.get("EstimatedInstanceWarmup"),  # type: ignore[arg-type]
            predictive_scaling_configuration=p.get("PredictiveScalingConfiguration"),  # type: ignore[arg-type]
        )
        self.arn = policy.arn

    @property
    def physical_resource_id(self) -> str:
        return self.arn

    def remove(self) -> None:
        autoscaling_backends[self.account_id][self.region_name].delete_policy(self.physical_name)

    def cfn_attributes(self) -> dict[str, str]:
        return {"Arn": self.arn, "PolicyName": self.physical_name}

    @classmethod
    def verify(
        cls, deployed: DeployedStack, logical_id: str, resource: dict[str, Any]
    ) -> list[str]:
        arn = deployed.physical_id(logical_id)
        policies = deployed.client("autoscaling").describe_policies()["ScalingPolicies"]
        found = [p for p in policies if p.get("PolicyARN") == arn]
        if not found:
            return [f"{logical_id}: no scaling policy with ARN {arn!r}"]
        expected = resource["Properties"].get("PolicyType", "SimpleScaling")
        if found[0]["PolicyType"] != expected:
            return [f"{logical_id}: policy type {found[0]['PolicyType']}, expected {expected}"]
        return []


ADAPTER = Adapter.realizing(
    AutoScalingScalingPolicy,
    "put_scaling_policy (stored, never scales); Ref is the policy ARN",
    relies_on=(
        "moto.autoscaling.models:autoscaling_backends",
        "moto.autoscaling.models:AutoScalingBackend.put_scaling_policy(name, policy_type, "
        "metric_aggregation_type, adjustment_type, as_name, min_adjustment_magnitude, "
        "scaling_adjustment, cooldown, target_tracking_config, step_adjustments, "
        "estimated_instance_warmup, predictive_scaling_configuration)",
        "moto.autoscaling.models:AutoScalingBackend.delete_policy",
        "moto.autoscaling.models:FakeScalingPolicy.arn",
    ),
)
