"""The one reader of synthesized templates: a cloud assembly (``cdk.out``) or template files.

Plain Python (json, and PyYAML for YAML templates when it is installed): the
checks run in CI for apps in any CDK language, or for plain CloudFormation,
where neither aws-cdk-lib nor cdk-nag is installed; the diagrams, the fleet
simulator, the tools and the test kit read ``cdk.out`` through it too.

A cloud assembly is read through its ``manifest.json``, never by globbing
its folder. Per stack artifact (nested stage assemblies too) it takes: the
template, the stack's construct path and environment, each resource's
construct path (``aws:cdk:logicalId`` metadata), the rules acknowledged on
each construct (``aws:cdk:acknowledged-rules`` metadata, written by
``Validations.of(scope).acknowledge``), the stack's nested stacks (each
``aws:cdk:templateFile`` below the stack, or, from an aws-cdk-lib that does
not write those, the file asset its parent's ``TemplateURL`` names: a
`StackTemplate` of its own, ``parent`` naming the stack) and its file assets
(the ``cdk:asset-manifest`` artifact it depends on: `file_assets`). From a
template file: the template, its resources' ``aws:cdk:path`` metadata when
present, and cdk-nag's ``Metadata.cdk_nag.rules_to_suppress`` (the form any
template can carry).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from constructs_lib.templates.errors import AssemblyError
from constructs_lib.templates.yaml_templates import parse_yaml_template

#: Metadata type of `Validations.of(scope).acknowledge` (aws-cdk-lib's
#: ``Validations.ACKNOWLEDGED_RULES_METADATA_KEY``).
ACKNOWLEDGED_RULES = "aws:cdk:acknowledged-rules"
_LOGICAL_ID = "aws:cdk:logicalId"
_TEMPLATE_FILE = "aws:cdk:templateFile"
_STACK_ARTIFACT = "aws:cloudformation:stack"
_NESTED_ASSEMBLY = "cdk:cloud-assembly"
_ASSET_MANIFEST = "cdk:asset-manifest"
#: A nested stack ``Child``'s resource in its parent:
#: ``Child.NestedStack/Child.NestedStackResource``.
_NESTED_STACK = ".NestedStack"
_NESTED_STACK_RESOURCE = ".NestedStackResource"
_ENVIRONMENT = re.compile(r"^aws://(?P<account>[^/]+)/(?P<region>.+)$")


@dataclass(frozen=True, order=True)
class ResourceId:
    """One resource of the assembly: its stack (construct path or file stem) and logical id."""

    stack: str
    logical_id: str

    def __str__(self) -> str:
        return f"{self.stack}/{self.logical_id}"


@dataclass(frozen=True, eq=False)
class Resource:
    """One resource of a template; equal (and hashed) by its `ResourceId`."""

    id: ResourceId
    type: str
    properties: Mapping[str, Any]
    #: the construct path (``Stack/Queue/Resource``), or ``stack/logical id``
    path: str
    depends_on: tuple[str, ...] = ()
    deletion_policy: str | None = None
    condition: str | None = None

    def prop(self, name: str, default: Any = None) -> Any:
        return self.properties.get(name, default)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Resource) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)


@dataclass(frozen=True)
class Acknowledgment:
    """A rule acknowledged at a construct path (and everything below it)."""

    rule: str
    path: str
    reason: str


@dataclass
class StackTemplate:
    name: str
    template: Mapping[str, Any]
    account: str | None = None
    region: str | None = None
    #: logical id -> construct path
    paths: dict[str, str] = field(default_factory=dict)
    acknowledgments: list[Acknowledgment] = field(default_factory=list)
    #: artifact ids of what this stack is deployed after (other stacks among them)
    dependencies: tuple[str, ...] = ()
    #: the cloud assembly's id of this stack (its name, for a template file)
    artifact_id: str = ""
    #: the CloudFormation stack name it deploys as
    stack_name: str = ""
    #: the template file it was read from
    source: Path | None = None
    #: the artifact's environment as the manifest writes it (``aws://<account>/<region>``)
    environment: str = ""
    #: the stack a nested stack belongs to (its `name`); None for a stack of its own
    parent: str | None = None

    def resources(self) -> Iterator[Resource]:
        for logical_id, raw in (self.template.get("Resources") or {}).items():
            if isinstance(raw, Mapping):
                yield _resource(self, logical_id, raw)


def _resource(stack: StackTemplate, logical_id: str, raw: Mapping[str, Any]) -> Resource:
    depends_on = raw.get("DependsOn") or ()
    path = stack.paths.get(logical_id)
    cdk_path = (raw.get("Metadata") or {}).get("aws:cdk:path")
    return Resource(
        id=ResourceId(stack.name, logical_id),
        type=str(raw.get("Type", "")),
        properties=raw.get("Properties") or {},
        path=path or (cdk_path if isinstance(cdk_path, str) else f"{stack.name}/{logical_id}"),
        depends_on=(depends_on,) if isinstance(depends_on, str) else tuple(depends_on),
        deletion_policy=raw.get("DeletionPolicy"),
        condition=raw.get("Condition"),
    )


@dataclass
class Assembly:
    """Every stack to judge together: references between them are followed."""

    stacks: list[StackTemplate]

    def __post_init__(self) -> None:
        names = [s.name for s in self.stacks]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise AssemblyError(f"two stacks share the name {', '.join(duplicates)}")
        self.resources: dict[ResourceId, Resource] = {
            r.id: r for stack in self.stacks for r in stack.resources()
        }
        self.by_stack = {s.name: s for s in self.stacks}
        self.by_artifact = {s.artifact_id or s.name: s for s in self.stacks}
        self.by_stack_name = {s.stack_name or s.name: s for s in self.stacks}

    def of_type(self, *types: str) -> list[Resource]:
        return [r for r in self.resources.values() if r.type in types]

    def acknowledgments(self) -> list[Acknowledgment]:
        return [a for s in self.stacks for a in s.acknowledgments]


# --- loading -----------------------------------------------------------------------


def load(paths: Iterable[str | Path]) -> Assembly:
    """Cloud assembly directories and template files, judged as one assembly."""
    stacks: list[StackTemplate] = []
    for raw_path in paths:
        path = Path(raw_path)
        if path.is_dir():
            stacks += assembly_stacks(path)
        elif path.is_file():
            stacks.append(template_stack(path))
        else:
            raise AssemblyError(f"{path}: no such file or directory")
    if not stacks:
        raise AssemblyError("no stack to check (an empty cloud assembly?)")
    return Assembly(stacks)


def assembly_stacks(directory: Path) -> list[StackTemplate]:
    """Every stack of the cloud assembly in ``directory``, nested stages and nested
    stacks included (a nested stack after the stack it belongs to)."""
    manifest = _manifest(directory)
    stacks = []
    for artifact_id, artifact in (manifest.get("artifacts") or {}).items():
        kind = artifact.get("type")
        if kind == _STACK_ARTIFACT:
            stacks += _artifact_stacks(directory, artifact_id, artifact)
        elif kind == _NESTED_ASSEMBLY:
            nested = (artifact.get("properties") or {}).get("directoryName")
            if nested:
                stacks += assembly_stacks(directory / nested)
    return stacks


def stacks_for_templates(template_paths: Iterable[str | Path]) -> list[StackTemplate]:
    """The stacks whose templates are named: how a validation plugin is handed an app."""
    stacks = []
    for template_path in (Path(p) for p in template_paths):
        manifest = _manifest(template_path.parent)
        for artifact_id, artifact in (manifest.get("artifacts") or {}).items():
            properties = artifact.get("properties") or {}
            if (
                artifact.get("type") == _STACK_ARTIFACT
                and properties.get("templateFile") == template_path.name
            ):
                stacks.append(_artifact_stacks(template_path.parent, artifact_id, artifact)[0])
                break
        else:
            stacks.append(template_stack(template_path))
    return stacks


#: What ``cdk synth`` writes into, unless cdk.json's ``output`` says otherwise.
DEFAULT_OUTDIR = "cdk.out"


def _manifest(directory: Path) -> Mapping[str, Any]:
    manifest = directory / "manifest.json"
    if not manifest.is_file():
        raise AssemblyError(
            f"{directory}: no manifest.json (not a cloud assembly directory){_app_hint(directory)}"
        )
    loaded: Mapping[str, Any] = _json(manifest)
    return loaded


def _app_hint(directory: Path) -> str:
    """Where the cloud assembly is, when ``directory`` is a CDK app's folder."""
    config = directory / "cdk.json"
    if not config.is_file():
        return ""
    try:
        outdir = str(json.loads(config.read_text()).get("output") or DEFAULT_OUTDIR)
    except (OSError, ValueError, AttributeError):
        outdir = DEFAULT_OUTDIR
    assembly = directory / outdir
    if (assembly / "manifest.json").is_file():
        return f"; this is a CDK app's folder: check its cloud assembly, {assembly}"
    return (
        f"; this is a CDK app's folder: run `cdk synth` in it, then check {assembly} "
        "(docs/cli/check.md: synthesizing for check)"
    )


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as err:
        raise AssemblyError(f"{path}: {err}") from err


def _artifact_stacks(
    directory: Path, artifact_id: str, artifact: Mapping[str, Any]
) -> list[StackTemplate]:
    """The artifact's stack, then its nested stacks."""
    properties = artifact.get("properties") or {}
    metadata = dict(artifact.get("metadata") or {})
    extra = artifact.get("additionalMetadataFile")
    if extra and (directory / extra).is_file():
        metadata.update(_json(directory / extra))
    environment_text = str(artifact.get("environment", ""))
    environment = _ENVIRONMENT.match(environment_text)
    account = environment.group("account") if environment else None
    region = environment.group("region") if environment else None
    stack = StackTemplate(
        name=str(artifact.get("displayName") or artifact_id),
        template=_json(directory / properties["templateFile"]),
        account=None if account in (None, "unknown-account") else account,
        region=None if region in (None, "unknown-region") else region,
        dependencies=tuple(artifact.get("dependencies") or ()),
        artifact_id=artifact_id,
        stack_name=str(properties.get("stackName") or artifact_id),
        source=directory / properties["templateFile"],
        environment=environment_text,
    )
    stacks = [stack]
    nested_stacks = _nested_template_files(metadata, properties) or _nested_templates_from_assets(
        directory, artifact, metadata, stack.template
    )
    for nested_path, template_file in nested_stacks:
        stacks.append(
            StackTemplate(
                name=nested_path,
                template=_json(directory / template_file),
                account=stack.account,
                region=stack.region,
                dependencies=stack.dependencies,
                stack_name=nested_path,
                source=directory / template_file,
                environment=environment_text,
                parent=stack.name,
            )
        )
    _read_construct_metadata(stacks, metadata)
    for each in stacks:
        each.acknowledgments += suppressions_in_template(each)
    return stacks


def _nested_template_files(
    metadata: Mapping[str, Any], properties: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """(construct path, template file) of every nested stack of the artifact."""
    found = []
    for slashed_path, entries in metadata.items():
        for entry in entries or ():
            data = entry.get("data")
            if (
                entry.get("type") == _TEMPLATE_FILE
                and isinstance(data, str)
                and data != properties.get("templateFile")
            ):
                found.append((slashed_path.lstrip("/"), data))
    return sorted(found)


def _nested_templates_from_assets(
    directory: Path,
    artifact: Mapping[str, Any],
    metadata: Mapping[str, Any],
    template: Mapping[str, Any],
) -> list[tuple[str, str]]:
    """(construct path, template file) of every nested stack, for an aws-cdk-lib that
    writes no ``aws:cdk:templateFile`` entry for them (2.252.0, the library's floor).

    A nested stack ``P/Child`` is deployed by the resource ``P/Child.NestedStack/
    Child.NestedStackResource`` of its parent's template; that resource's
    ``TemplateURL`` names the file asset (its hash) whose source is the nested
    template. Parents first, so that a nested stack's own nested stacks are found
    in its template.
    """
    files: dict[str, str] = {}  # asset hash -> source path, from the stack's asset manifests
    artifacts = _manifest(directory).get("artifacts") or {}
    for dependency in artifact.get("dependencies") or ():
        manifest = artifacts.get(dependency) or {}
        if manifest.get("type") == _ASSET_MANIFEST:
            for asset_hash, asset in (
                _json(directory / manifest["properties"]["file"]).get("files") or {}
            ).items():
                files[asset_hash] = str(asset["source"]["path"])
    resources = sorted(
        (path.lstrip("/"), entry["data"])
        for path, entries in metadata.items()
        if path.endswith(_NESTED_STACK_RESOURCE)
        for entry in entries or ()
        if entry.get("type") == _LOGICAL_ID and isinstance(entry.get("data"), str)
    )
    found: list[tuple[str, str]] = []
    templates: dict[str, Mapping[str, Any]] = {}  # nested stack path -> its template
    for path, logical_id in sorted(resources, key=lambda r: r[0].count("/")):
        *above, holder, _ = path.split("/")
        if not holder.endswith(_NESTED_STACK):
            continue
        nested = "/".join([*above, holder.removesuffix(_NESTED_STACK)])
        owner = next(
            (
                t
                for name, t in sorted(templates.items(), reverse=True)
                if path.startswith(name + "/")
            ),
            template,
        )
        raw = (owner.get("Resources") or {}).get(logical_id) or {}
        url = json.dumps((raw.get("Properties") or {}).get("TemplateURL"))
        source = next((files[h] for h in files if h in url), None)
        if source is not None:
            found.append((nested, source))
            templates[nested] = _json(directory / source)
    return sorted(found)


def _read_construct_metadata(stacks: list[StackTemplate], metadata: Mapping[str, Any]) -> None:
    """Each construct's logical id and acknowledgments, given to the stack that holds it:
    the nested stack whose path is the longest prefix of the construct's, else the first."""
    by_depth = sorted(stacks[1:], key=lambda s: len(s.name), reverse=True)
    for slashed_path, entries in metadata.items():
        path = slashed_path.lstrip("/")  # construct paths as node.path writes them
        owner = next((s for s in by_depth if path.startswith(s.name + "/")), stacks[0])
        for entry in entries or ():
            if entry.get("type") == _LOGICAL_ID and isinstance(entry.get("data"), str):
                owner.paths[entry["data"]] = path
            elif entry.get("type") == ACKNOWLEDGED_RULES and isinstance(entry.get("data"), dict):
                owner.acknowledgments += [
                    Acknowledgment(rule, path, str(reason))
                    for rule, reason in entry["data"].items()
                ]


# --- file assets ------------------------------------------------------------------


@dataclass(frozen=True)
class FileAsset:
    """A file or folder ``cdk deploy`` uploads before it deploys the stack."""

    path: Path
    #: ``file`` (as is) or ``zip`` (a folder, zipped)
    packaging: str
    #: (bucket, object key) of every destination
    destinations: tuple[tuple[str, str], ...]

    @property
    def is_template(self) -> bool:
        """The stack's own template or a nested stack's (deployed as templates, not code)."""
        return self.path.name.endswith(".template.json")


def file_assets(directory: str | os.PathLike[str], artifact_id: str) -> list[FileAsset]:
    """The file assets of stack ``artifact_id`` of the cloud assembly in ``directory``:
    those of the asset manifests (``cdk:asset-manifest`` artifacts) it depends on."""
    root = Path(directory)
    artifacts = _manifest(root).get("artifacts") or {}
    stack = artifacts.get(artifact_id)
    if stack is None or stack.get("type") != _STACK_ARTIFACT:
        known = sorted(k for k, v in artifacts.items() if v.get("type") == _STACK_ARTIFACT)
        raise AssemblyError(f"{root}: no stack {artifact_id!r} (stacks: {', '.join(known)})")
    found = []
    for dependency in stack.get("dependencies") or ():
        artifact = artifacts.get(dependency) or {}
        if artifact.get("type") != _ASSET_MANIFEST:
            continue
        manifest = _json(root / artifact["properties"]["file"])
        for asset in (manifest.get("files") or {}).values():
            source = asset["source"]
            found.append(
                FileAsset(
                    path=root / source["path"],
                    packaging=str(source.get("packaging", "file")),
                    destinations=tuple(
                        (d["bucketName"], d["objectKey"])
                        for d in (asset.get("destinations") or {}).values()
                    ),
                )
            )
    return found


def template_stack(path: Path) -> StackTemplate:
    """One CloudFormation template file (JSON, or YAML when PyYAML is installed)."""
    text = _text(path)
    template = _parse_template(path, text)
    if not isinstance(template, Mapping) or not isinstance(template.get("Resources"), Mapping):
        raise AssemblyError(f"{path}: not a CloudFormation template (no Resources section)")
    name = path.name.removesuffix(path.suffix).removesuffix(".template")
    stack = StackTemplate(name=name, template=template, source=path)
    stack.acknowledgments += suppressions_in_template(stack)
    return stack


def _text(path: Path) -> str:
    try:
        return path.read_text()
    except OSError as err:
        raise AssemblyError(f"{path}: {err}") from err


def _parse_template(path: Path, text: str) -> Any:
    if text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except ValueError as err:
            raise AssemblyError(f"{path}: invalid JSON: {err}") from err
    return parse_yaml_template(path, text)


def suppressions_in_template(stack: StackTemplate) -> list[Acknowledgment]:
    """cdk-nag's ``Metadata.cdk_nag.rules_to_suppress`` on resources of the template.

    cdk-nag writes it with ``write_suppressions_to_cloud_formation``; a hand-written
    template can carry it too. It acknowledges the rule for that resource only.
    """
    found = []
    for resource in stack.resources():
        raw = stack.template["Resources"][resource.id.logical_id]
        suppressions = ((raw.get("Metadata") or {}).get("cdk_nag") or {}).get("rules_to_suppress")
        for item in suppressions or ():
            if isinstance(item, Mapping) and item.get("id"):
                found.append(
                    Acknowledgment(str(item["id"]), resource.path, str(item.get("reason", "")))
                )
    return found
