"""SP17: a launch template with tags in instance metadata, and an app tag EC2 refuses.

``ec2.LaunchTemplate(instance_metadata_tags=True)`` (workers reading their
group's name from the metadata do this), and an ordinary cost-allocation tag
on the app: ``Tags.of(app).add("cost center", ...)`` reaches the template's
instance tags and the group's propagated tags. The EC2 user guide: tag keys
"Can't contain spaces or /" when tags are in metadata; "Non-compliance will
result in failed launches for new instances": the group never launches one.
Corrected: the key ``cost-center``.
"""

from __future__ import annotations

from aws_cdk import App, Stack, Tags
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2

from tests.constructs_lib.checks.reproductions import ENV, new_plain_app


def build(*, fixed: bool, outdir: str | None = None) -> App:
    app = new_plain_app(outdir)
    stack = Stack(app, "Sp17", env=ENV)
    vpc = ec2.Vpc(stack, "Vpc", max_azs=1, nat_gateways=0, restrict_default_security_group=False)
    template = ec2.LaunchTemplate(
        stack,
        "Workers",
        instance_type=ec2.InstanceType("t3.micro"),
        machine_image=ec2.MachineImage.latest_amazon_linux2023(),
        instance_metadata_tags=True,
        require_imdsv2=True,
    )
    autoscaling.AutoScalingGroup(
        stack,
        "Fleet",
        vpc=vpc,
        launch_template=template,
        min_capacity=0,
        max_capacity=2,
    )
    Tags.of(app).add("cost-center" if fixed else "cost center", "platform")
    return app
