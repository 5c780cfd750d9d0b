"""Rule SP17: instance tags in metadata, with a tag key EC2 refuses at launch.

EC2 user guide, "Work with instance tags in instance metadata": with tags
allowed in metadata (``InstanceMetadataTags: enabled``), an instance tag key
may hold only letters, digits and ``+ - = . , _ : @``, and may not be ``.``,
``..`` or ``_index``; "Non-compliance will result in failed launches for new
instances". The tags an instance gets: the launch template's
``TagSpecifications`` of resource type ``instance``, the tags of each Auto
Scaling group that launches from it with ``PropagateAtLaunch``, and the tags
of each ``AWS::EC2::Instance`` launched from it. aws-cdk-lib's
``Tags.of(scope).add`` reaches all three.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from constructs_lib import _aws
from constructs_lib.checks import catalog
from constructs_lib.checks.catalog import rule
from constructs_lib.checks.findings import Finding, finding
from constructs_lib.checks.wiring import Wiring, is_true
from constructs_lib.templates.assembly import Resource
from constructs_lib.templates.values import Unresolved

LAUNCH_TEMPLATE = "AWS::EC2::LaunchTemplate"


def _text(wiring: Wiring, resource: Resource, value: Any) -> str | None:
    try:
        return wiring.values.text(resource.id.stack, value)
    except Unresolved:
        return None


def _tags(value: Any) -> list[Mapping[str, Any]]:
    return [t for t in value if isinstance(t, Mapping)] if isinstance(value, list) else []


def _metadata_tags_enabled(wiring: Wiring, template: Resource) -> bool:
    data = template.prop("LaunchTemplateData") or {}
    options = data.get("MetadataOptions") if isinstance(data, Mapping) else None
    if not isinstance(options, Mapping):
        return False
    return (_text(wiring, template, options.get("InstanceMetadataTags")) or "").lower() == "enabled"


def _launched_from(wiring: Wiring, user: Resource, template: Resource) -> bool:
    """Does the group or instance ``user`` launch from ``template``?"""
    specifications = [user.prop("LaunchTemplate")]
    mixed = user.prop("MixedInstancesPolicy") or {}
    if isinstance(mixed, Mapping):
        specifications.append(
            (mixed.get("LaunchTemplate") or {}).get("LaunchTemplateSpecification")
        )
    for specification in specifications:
        if not isinstance(specification, Mapping):
            continue
        for prop in ("LaunchTemplateId", "LaunchTemplateName"):
            named = specification.get(prop)
            if (
                named is not None
                and wiring.values.find(user.id.stack, named, LAUNCH_TEMPLATE) == template
            ):
                return True
    return False


def _instance_tag_keys(wiring: Wiring, template: Resource) -> Iterator[tuple[Any, str]]:
    """(key, where it comes from) of every tag the template's instances get."""
    data = template.prop("LaunchTemplateData") or {}
    for index, spec in enumerate(_tags(data.get("TagSpecifications"))):
        kind = _text(wiring, template, spec.get("ResourceType"))
        if kind not in (None, "instance"):
            continue
        for tag in _tags(spec.get("Tags")):
            yield tag.get("Key"), f"its TagSpecifications/{index}"
    for group in wiring.assembly.of_type("AWS::AutoScaling::AutoScalingGroup"):
        if not _launched_from(wiring, group, template):
            continue
        for tag in _tags(group.prop("Tags")):
            if is_true(tag.get("PropagateAtLaunch")):
                yield tag.get("Key"), f"the Auto Scaling group {group.path} (PropagateAtLaunch)"
    for instance in wiring.assembly.of_type("AWS::EC2::Instance"):
        if _launched_from(wiring, instance, template):
            for tag in _tags(instance.prop("Tags")):
                yield tag.get("Key"), f"the instance {instance.path}"


def metadata_tag_keys(wiring: Wiring) -> Iterator[Finding]:
    """SP17."""
    for template in wiring.assembly.of_type(LAUNCH_TEMPLATE):
        if not _metadata_tags_enabled(wiring, template):
            continue
        for raw_key, source in _instance_tag_keys(wiring, template):
            key = _text(wiring, template, raw_key) if raw_key is not None else None
            problem = _aws.instance_metadata_tag_key_problem(key) if key is not None else None
            if problem is None:
                continue
            yield finding(
                rule(17),
                template,
                f"instances launched from this template allow tags in metadata and get the tag "
                f"key {key!r} from {source}; the key {problem}: every launch fails",
                "Properties/LaunchTemplateData/MetadataOptions/InstanceMetadataTags",
                (catalog.SP17_RENAME,),
            )
