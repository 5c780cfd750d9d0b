"""SP20 (advisory): an Auto Scaling group notifying a topic of another Region.

``AutoScalingGroup(notifications=[...])`` with a central topic of another
Region, by ARN. CloudWatch refuses such a topic for alarms (SP19); for Auto
Scaling notifications AWS documents nothing either way, so the pack warns.
Corrected: a topic in the group's Region.
"""

from __future__ import annotations

from aws_cdk import App, Stack
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_sns as sns

from tests.constructs_lib.checks.reproductions import ENV, new_plain_app


def build(*, fixed: bool, outdir: str | None = None) -> App:
    app = new_plain_app(outdir)
    stack = Stack(app, "Sp20", env=ENV)
    region = "us-east-1" if fixed else "us-west-2"
    operations = sns.Topic.from_topic_arn(
        stack, "Operations", f"arn:aws:sns:{region}:123456789012:operations"
    )
    vpc = ec2.Vpc(stack, "Vpc", max_azs=1, nat_gateways=0, restrict_default_security_group=False)
    template = ec2.LaunchTemplate(
        stack,
        "Workers",
        instance_type=ec2.InstanceType("t3.micro"),
        machine_image=ec2.MachineImage.latest_amazon_linux2023(),
        require_imdsv2=True,
    )
    autoscaling.AutoScalingGroup(
        stack,
        "Fleet",
        vpc=vpc,
        launch_template=template,
        min_capacity=0,
        max_capacity=2,
        notifications=[autoscaling.NotificationConfiguration(topic=operations)],
    )
    return app
