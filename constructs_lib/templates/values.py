"""What the values of a template mean: every intrinsic resolved to a plain string.

The policy evaluator compares plain strings (`constructs_lib.policy`); a
template holds ``Ref``, ``Fn::GetAtt``, ``Fn::Sub``, ``Fn::ImportValue``...
`Values` gives each resource the names and ARNs AWS would give it (its name
property when the template fixes one, else a stand-in derived from the stack
and logical id), so that a queue policy's ``aws:SourceArn`` condition and the
topic that delivers compare the way they would in the account. It also maps
any such string back to its resource: ``find`` is how a subscription's
``Endpoint`` or an alarm's action becomes an edge of the wiring, across
stacks (exports) and for ARNs spelled out as text.

What cannot be known at synth (a parameter, a condition, an export of
another app) raises `Unresolved`: a rule then says nothing rather than guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from constructs_lib.services.autoscaling import AUTOSCALING, SERVICE_LINKED_ROLE_NAME
from constructs_lib.templates.assembly import Assembly, Resource, ResourceId
from constructs_lib.templates.references import (
    SUB_VARIABLE,
    direct_reference,
    get_att_parts,
    resolve_intrinsics,
    sub_parts,
)

#: Stand-ins for an environment-agnostic stack's account and region.
UNKNOWN_ACCOUNT = "000000000000"
UNKNOWN_REGION = "unknown-region-1"
PARTITION = "aws"
URL_SUFFIX = "amazonaws.com"

#: Resource type -> the property that fixes its physical name.
NAME_PROPERTY: dict[str, str] = {
    "AWS::SQS::Queue": "QueueName",
    "AWS::SNS::Topic": "TopicName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::IAM::Role": "RoleName",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
    "AWS::Events::Rule": "Name",
    "AWS::Events::EventBus": "Name",
    "AWS::Scheduler::Schedule": "Name",
    "AWS::Scheduler::ScheduleGroup": "Name",
    "AWS::CloudWatch::Alarm": "AlarmName",
    "AWS::CloudWatch::CompositeAlarm": "AlarmName",
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::KMS::Alias": "AliasName",
    "AWS::DynamoDB::Table": "TableName",
    "AWS::SSM::Parameter": "Name",
    "AWS::SecretsManager::Secret": "Name",
    "AWS::ECR::Repository": "RepositoryName",
    "AWS::Kinesis::Stream": "Name",
    "AWS::StepFunctions::StateMachine": "StateMachineName",
}


class Unresolved(ValueError):
    """A value only known at deploy time (a parameter, a condition, another app's export)."""


@dataclass(frozen=True)
class Identity:
    """What AWS calls a resource: ``Ref`` and each ``Fn::GetAtt`` attribute."""

    ref: str
    attributes: Mapping[str, str]
    #: every string that names it (ARN, URL, name), for `Values.find`
    aliases: tuple[str, ...]


class Values:
    """Resolves template values of an `Assembly` and finds the resources they name."""

    def __init__(self, assembly: Assembly) -> None:
        self.assembly = assembly
        self._identities: dict[ResourceId, Identity] = {}
        self._resolving: set[ResourceId] = set()
        self._index: dict[str, ResourceId] | None = None
        self._exports: dict[str, tuple[str, Any]] | None = None

    # --- the environment -----------------------------------------------------------

    def account(self, stack: str) -> str:
        return self.assembly.by_stack[stack].account or UNKNOWN_ACCOUNT

    def region(self, stack: str) -> str:
        return self.assembly.by_stack[stack].region or UNKNOWN_REGION

    # --- resolving -----------------------------------------------------------------

    def resolve(self, stack: str, value: Any) -> Any:
        """``value`` with every intrinsic resolved; raises `Unresolved`."""
        return resolve_intrinsics(value, lambda intrinsic: self._intrinsic(stack, intrinsic))

    def text(self, stack: str, value: Any) -> str:
        """``value`` resolved to one string; raises `Unresolved` for anything else."""
        resolved = self.resolve(stack, value)
        if isinstance(resolved, bool) or not isinstance(resolved, str | int | float):
            raise Unresolved(f"{value!r} is not a single value")
        return str(resolved)

    def _intrinsic(self, stack: str, intrinsic: Mapping[str, Any]) -> Any:
        ((function, argument),) = intrinsic.items()
        handler = _FUNCTIONS.get(function)
        if handler is None:
            raise Unresolved(f"{function} is only known at deploy time")
        return handler(self, stack, argument)

    def _ref(self, stack: str, name: Any) -> Any:
        pseudo = self._pseudo(stack, str(name))
        if pseudo is not None:
            return pseudo
        rid = ResourceId(stack, str(name))
        if rid in self.assembly.resources:
            return self.identity(rid).ref
        raise Unresolved(f"Ref {name}: a parameter, known at deploy time")

    def _get_att(self, stack: str, argument: Any) -> str:
        logical_id, attribute = get_att_parts(argument)
        rid = ResourceId(stack, logical_id)
        if rid not in self.assembly.resources:
            raise Unresolved(f"Fn::GetAtt of {logical_id}: not a resource of {stack}")
        identity = self.identity(rid)
        return identity.attributes.get(str(attribute), f"{identity.ref}.{attribute}")

    def _sub(self, stack: str, argument: Any) -> str:
        text, variables = sub_parts(argument)

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return str(variables[name])
            if "." in name:
                return str(self._get_att(stack, name.split(".", 1)))
            return str(self._ref(stack, name))

        return SUB_VARIABLE.sub(replace, text).replace("${!", "${")

    def _import(self, stack: str, name: Any) -> Any:
        exports = self._export_table()
        if name not in exports:
            raise Unresolved(f"Fn::ImportValue {name}: exported outside what is checked")
        exporting_stack, value = exports[name]
        return self.resolve(exporting_stack, value)

    def _stack_output(self, stack: str, argument: Any) -> Any:
        """``Fn::GetStackOutput``: aws-cdk-lib's cross-stack (and cross-region) reference."""
        other = self.assembly.by_stack_name.get(str(argument.get("StackName")))
        outputs = (other.template.get("Outputs") or {}) if other else {}
        output = outputs.get(str(argument.get("OutputName")))
        if other is None or output is None:
            raise Unresolved(f"Fn::GetStackOutput {argument!r}: a stack outside what is checked")
        return self.resolve(other.name, output["Value"])

    def _find_in_map(self, stack: str, argument: Any) -> Any:
        mapping, first, second = argument
        table = self.assembly.by_stack[stack].template.get("Mappings") or {}
        try:
            return table[mapping][first][second]
        except (KeyError, TypeError) as err:
            raise Unresolved(f"Fn::FindInMap {argument!r}") from err

    def _pseudo(self, stack: str, name: str) -> str | None:
        known = {
            "AWS::AccountId": self.account(stack),
            "AWS::Region": self.region(stack),
            "AWS::Partition": PARTITION,
            "AWS::URLSuffix": URL_SUFFIX,
            "AWS::StackName": stack.replace("/", "-"),
            "AWS::StackId": (
                f"arn:{PARTITION}:cloudformation:{self.region(stack)}:{self.account(stack)}:"
                f"stack/{stack.replace('/', '-')}/stack-id-known-at-deploy"
            ),
        }
        if name.startswith("AWS::") and name not in known:
            raise Unresolved(f"{name} is only known at deploy time")
        return known.get(name)

    def _export_table(self) -> dict[str, tuple[str, Any]]:
        if self._exports is None:
            self._exports = {}
            for stack in self.assembly.stacks:
                for output in (stack.template.get("Outputs") or {}).values():
                    export = (output.get("Export") or {}).get("Name")
                    if export is None:
                        continue
                    try:
                        self._exports[self.text(stack.name, export)] = (stack.name, output["Value"])
                    except Unresolved:
                        continue
        return self._exports

    # --- identities ----------------------------------------------------------------

    def identity(self, rid: ResourceId) -> Identity:
        if rid not in self._identities:
            if rid in self._resolving:
                raise Unresolved(f"{rid}: its name refers to itself")
            self._resolving.add(rid)
            try:
                self._identities[rid] = _identity(self, self.assembly.resources[rid])
            finally:
                self._resolving.discard(rid)
        return self._identities[rid]

    def arn(self, rid: ResourceId) -> str:
        identity = self.identity(rid)
        return identity.attributes.get("Arn", identity.ref)

    def physical_name(self, resource: Resource) -> str | None:
        """The name the template fixes, resolved; None when CloudFormation generates one."""
        prop = NAME_PROPERTY.get(resource.type)
        if prop is None or resource.prop(prop) is None:
            return None
        return self.text(resource.id.stack, resource.prop(prop))

    # --- finding what a value names -----------------------------------------------

    def find(self, stack: str, value: Any, *types: str) -> Resource | None:
        """The resource of the assembly that ``value`` names (None: outside the app)."""
        direct = direct_reference(value)
        found: Resource | None
        if direct is not None and ResourceId(stack, direct) in self.assembly.resources:
            found = self.assembly.resources[ResourceId(stack, direct)]
        else:
            try:
                text = self.text(stack, value)
            except Unresolved:
                return None
            rid = self._alias_index().get(text)
            found = self.assembly.resources[rid] if rid is not None else None
        if found is None or (types and found.type not in types):
            return None
        return found

    def find_all(self, stack: str, values: Any, *types: str) -> list[Resource]:
        """`find` for a list value (``AlarmActions``, ``Queues``) or a single one."""
        items = values if isinstance(values, list) else [values] if values is not None else []
        found = [self.find(stack, item, *types) for item in items]
        return [r for r in found if r is not None]

    def _alias_index(self) -> dict[str, ResourceId]:
        if self._index is None:
            self._index = {}
            ambiguous: set[str] = set()
            for rid in self.assembly.resources:
                try:
                    aliases = self.identity(rid).aliases
                except Unresolved:
                    continue
                for alias in aliases:
                    if alias in self._index and self._index[alias] != rid:
                        ambiguous.add(alias)
                    self._index[alias] = rid
            for alias in ambiguous:
                del self._index[alias]
        return self._index


def _select(values: Values, stack: str, argument: Any) -> Any:
    index, items = argument
    if not isinstance(items, Sequence) or isinstance(items, str):
        raise Unresolved(f"Fn::Select from {items!r}")
    return items[int(index)]


def _split(values: Values, stack: str, argument: Any) -> list[str]:
    separator, text = argument
    return str(text).split(str(separator))


def _get_azs(values: Values, stack: str, argument: Any) -> list[str]:
    region = str(argument) or values.region(stack)
    return [f"{region}{zone}" for zone in "abc"]


_FUNCTIONS: dict[str, Any] = {
    "Ref": Values._ref,
    "Fn::GetAtt": Values._get_att,
    "Fn::Sub": Values._sub,
    "Fn::ImportValue": Values._import,
    "Fn::GetStackOutput": Values._stack_output,
    "Fn::FindInMap": Values._find_in_map,
    "Fn::Select": _select,
    "Fn::Split": _split,
    "Fn::GetAZs": _get_azs,
}


# --- what AWS names each kind of resource ---------------------------------------------


def _identity(values: Values, resource: Resource) -> Identity:
    stack = resource.id.stack
    name = values.physical_name(resource) or _generated_name(resource)
    env = (values.region(stack), values.account(stack))
    builder = _IDENTITIES.get(resource.type)
    if builder is None:
        ref = f"{resource.id}.Ref"
        return Identity(ref, {}, (ref,))
    ref, attributes = builder(name, *env, resource)
    aliases = tuple(dict.fromkeys([ref, *attributes.values()]))
    return Identity(ref, attributes, aliases)


def _generated_name(resource: Resource) -> str:
    """A stand-in for the name CloudFormation generates (unique per resource)."""
    stem = f"{resource.id.stack.replace('/', '-')}-{resource.id.logical_id}"
    if resource.type == "AWS::S3::Bucket":
        return _generated_bucket_name(resource.id.stack.replace("/", "-"), resource.id.logical_id)
    if resource.type == "AWS::SQS::Queue" and _true(resource.prop("FifoQueue")):
        return stem + ".fifo"
    if resource.type == "AWS::SNS::Topic" and _true(resource.prop("FifoTopic")):
        return stem + ".fifo"
    if resource.type == "AWS::KMS::Key":
        return f"key-{stem}"
    return stem


#: CloudFormation ends a generated bucket name with 12 random characters.
_BUCKET_TAIL = "g3n3r4t3d0x0"
_BUCKET_NAME_MAX_LENGTH = 63


def _generated_bucket_name(stack: str, logical_id: str) -> str:
    """``<stack>-<logical id>-<12 random>``, lower case, at most 63 characters, as
    CloudFormation names an unnamed bucket (user guide, "Name type"). Past 63
    characters it shares the room between the two parts (observed, not
    documented): a policy that admits the bucket by a name prefix must admit this.
    """
    room = _BUCKET_NAME_MAX_LENGTH - len(_BUCKET_TAIL) - 2
    if len(stack) + len(logical_id) > room:
        stack_share = max((room + 1) // 2, room - len(logical_id))
        stack = stack[:stack_share]
        logical_id = logical_id[: room - len(stack)]
    return f"{stack}-{logical_id}-{_BUCKET_TAIL}".lower()


def _true(value: Any) -> bool:
    return str(value).lower() == "true"


Built = tuple[str, dict[str, str]]


def _queue(name: str, region: str, account: str, resource: Resource) -> Built:
    arn = f"arn:{PARTITION}:sqs:{region}:{account}:{name}"
    url = f"https://sqs.{region}.{URL_SUFFIX}/{account}/{name}"
    return url, {"Arn": arn, "QueueName": name, "QueueUrl": url}


def _topic(name: str, region: str, account: str, resource: Resource) -> Built:
    arn = f"arn:{PARTITION}:sns:{region}:{account}:{name}"
    return arn, {"TopicArn": arn, "TopicName": name}


def _bucket(name: str, region: str, account: str, resource: Resource) -> Built:
    return name, {"Arn": f"arn:{PARTITION}:s3:::{name}", "DomainName": f"{name}.s3.{URL_SUFFIX}"}


def _key(name: str, region: str, account: str, resource: Resource) -> Built:
    return name, {"Arn": f"arn:{PARTITION}:kms:{region}:{account}:key/{name}", "KeyId": name}


def _alias(name: str, region: str, account: str, resource: Resource) -> Built:
    return name, {"Arn": f"arn:{PARTITION}:kms:{region}:{account}:{name}"}


def _role(name: str, region: str, account: str, resource: Resource) -> Built:
    path = str(resource.prop("Path") or "/")
    return name, {"Arn": f"arn:{PARTITION}:iam::{account}:role{path}{name}", "RoleId": name}


def _function(name: str, region: str, account: str, resource: Resource) -> Built:
    return name, {"Arn": f"arn:{PARTITION}:lambda:{region}:{account}:function:{name}"}


def _rule(name: str, region: str, account: str, resource: Resource) -> Built:
    arn = f"arn:{PARTITION}:events:{region}:{account}:rule/{name}"
    return name, {"Arn": arn}


def _schedule(name: str, region: str, account: str, resource: Resource) -> Built:
    group = resource.prop("GroupName") if isinstance(resource.prop("GroupName"), str) else "default"
    arn = f"arn:{PARTITION}:scheduler:{region}:{account}:schedule/{group}/{name}"
    return name, {"Arn": arn}


def _alarm(name: str, region: str, account: str, resource: Resource) -> Built:
    return name, {"Arn": f"arn:{PARTITION}:cloudwatch:{region}:{account}:alarm:{name}"}


def _service_linked_role(name: str, region: str, account: str, resource: Resource) -> Built:
    service = str(resource.prop("AWSServiceName", ""))
    suffix = resource.prop("CustomSuffix")
    role_name = service_linked_role_name(service) + (f"_{suffix}" if suffix else "")
    arn = f"arn:{PARTITION}:iam::{account}:role/aws-service-role/{service}/{role_name}"
    return role_name, {"Arn": arn}


def service_linked_role_name(service: str) -> str:
    """``autoscaling.amazonaws.com`` -> ``AWSServiceRoleForAutoScaling`` (AWS's naming)."""
    known = {AUTOSCALING.principal: SERVICE_LINKED_ROLE_NAME}
    if service in known:
        return known[service]
    return "AWSServiceRoleFor" + service.split(".")[0].capitalize()


_IDENTITIES: dict[str, Any] = {
    "AWS::SQS::Queue": _queue,
    "AWS::SNS::Topic": _topic,
    "AWS::S3::Bucket": _bucket,
    "AWS::KMS::Key": _key,
    "AWS::KMS::Alias": _alias,
    "AWS::IAM::Role": _role,
    "AWS::Lambda::Function": _function,
    "AWS::Events::Rule": _rule,
    "AWS::Scheduler::Schedule": _schedule,
    "AWS::CloudWatch::Alarm": _alarm,
    "AWS::CloudWatch::CompositeAlarm": _alarm,
    "AWS::IAM::ServiceLinkedRole": _service_linked_role,
}
