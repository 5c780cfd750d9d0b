"""The fleet's instance tag keys, checked at synth against instance metadata tags.

`QueueWorkerFleet`'s launch template turns on ``InstanceMetadataTags`` (the
worker reads its group's name from its tags), and then EC2 refuses to launch
an instance whose tag keys break `_aws.INSTANCE_METADATA_TAG_KEY_RULE`: every
launch would fail, scale from zero included. The keys come from anywhere in
the app (``Tags.of(app).add(...)``, a stack's ``tags``), also after the fleet
is built, and CDK's tag aspect writes them into the launch template's
instance ``TagSpecifications`` and the group's ``Tags`` (``PropagateAtLaunch``)
when the app synthesizes. So the check is a node validation: CDK runs it at
synth, after the aspects, and fails the synth with each offending key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import jsii
from aws_cdk import TagManager
from aws_cdk import aws_autoscaling as autoscaling
from aws_cdk import aws_ec2 as ec2
from constructs import Construct, IValidation

from constructs_lib import _aws
from constructs_lib._tree import is_unresolved, path_of

#: Resource types a tag must leave out to stay off the instances.
_INSTANCE_TAG_SOURCES = ("AWS::EC2::LaunchTemplate", "AWS::AutoScaling::AutoScalingGroup")


def check_instance_tag_keys(
    scope: Construct,
    launch_template: ec2.LaunchTemplate,
    group: autoscaling.AutoScalingGroup,
) -> None:
    """Fails the synth of ``scope`` for a tag key its instances could not carry."""
    scope.node.add_validation(_InstanceTagKeys(scope, launch_template, group))


@jsii.implements(IValidation)
class _InstanceTagKeys:
    def __init__(
        self,
        scope: Construct,
        launch_template: ec2.LaunchTemplate,
        group: autoscaling.AutoScalingGroup,
    ) -> None:
        self._scope = scope
        self._launch_template = launch_template
        self._group = group

    def validate(self) -> list[str]:
        problems = [
            (key, where, problem)
            for key, where in self._instance_tag_keys().items()
            if not is_unresolved(key)
            and (problem := _aws.instance_metadata_tag_key_problem(key)) is not None
        ]
        if not problems:
            return []
        lines = "\n".join(
            f"  - tag key {key!r} (on {where}) {problem}" for key, where, problem in problems
        )
        return [
            f"{path_of(self._scope)}: invalid tags: its launch template turns on instance "
            f"metadata tags, and these tag keys reach its instances:\n{lines}\n"
            f"AWS: {_aws.INSTANCE_METADATA_TAG_KEY_RULE}. Every launch would fail. Rename "
            "them, or keep them off the fleet: Tags.of(...).add(key, value, "
            f"exclude_resource_types={list(_INSTANCE_TAG_SOURCES)})."
        ]

    def _instance_tag_keys(self) -> dict[str, str]:
        """Every key an instance gets, with where it comes from."""
        keys: dict[str, str] = {}
        for key in _launch_template_instance_keys(self._launch_template):
            keys.setdefault(key, "the launch template's instance tags")
        cfn_group = self._group.node.default_child
        tags = getattr(cfn_group, "tags", None)
        for tag in (tags.render_tags() if tags is not None else None) or []:
            if isinstance(tag, Mapping) and tag.get("propagateAtLaunch") in (True, "true"):
                keys.setdefault(str(tag["key"]), "the group's tags propagated at launch")
        return keys


def _launch_template_instance_keys(launch_template: ec2.LaunchTemplate) -> Iterable[str]:
    """The keys of the launch template's instance tags.

    aws-cdk-lib's ``LaunchTemplate`` renders its instance (and volume)
    ``TagSpecifications`` from its TagManager, which CDK's tag aspect fills:
    read there, in one request. Resolving the whole ``launch_template_data``
    instead brought every field of the struct back into Python (78 requests to
    the jsii process: docs/evidence.md, "Speed"). tests/constructs_lib/
    test__instance_tags.py compares these keys with the synthesized template's
    at the aws-cdk-lib floor and the pinned version.
    """
    tags = TagManager.of(launch_template)
    rendered = tags.render_tags() if tags is not None else None
    return [
        str(tag.get("Key", tag.get("key")))
        for tag in rendered or []
        if isinstance(tag, Mapping) and ("Key" in tag or "key" in tag)
    ]
