"""What an adapter is: a record of what it mends, and the model of a type moto skips.

An `Adapter` record says which CloudFormation types it is about, how it
realizes or fixes them, the `MotoPatch`es it installs on activation and the
moto internals it relies on (the upgrade checklist reads them). A type moto's
CloudFormation skips is realized by an `AdapterModel`: a plain class with the
interface moto's parser calls (moto's ``CloudFormationModel`` methods), not a
subclass of it, so that defining it changes nothing in moto. moto finds it
only while the adapters are active (`constructs_lib_testing.adapters.registry`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

from constructs_lib_testing.activation import MotoPatch

if TYPE_CHECKING:
    from constructs_lib_testing.deployed_stack import DeployedStack

#: The moto internals every `AdapterModel` relies on.
MODEL_INTERNALS = ("moto.cloudformation.exceptions:UnformattedGetAttTemplateException",)


@dataclass(frozen=True)
class Adapter:
    """One adapter: what moto lacks or gets wrong, and how this package mends it.

    :param name: the module's name (``sqs_queue_policy``).
    :param resource_types: the CloudFormation types it concerns (none for a
        fix of CloudFormation itself, e.g. of UpdateStack).
    :param mends: what it does, one line (the docs' table shows it).
    :param model: for a type moto skips: the `AdapterModel` that realizes it.
    :param patches: fixes of moto's own code, installed on activation.
    :param relies_on: moto internals the model or patches use (besides the
        patch targets), in the notation of `constructs_lib_testing.activation`.
    :param upstream: for a fix that belongs in moto: the change to send there.
    """

    name: str
    resource_types: tuple[str, ...]
    mends: str
    model: type[AdapterModel] | None = None
    patches: tuple[MotoPatch, ...] = ()
    relies_on: tuple[str, ...] = ()
    upstream: str = ""

    @classmethod
    def realizing(
        cls, model: type[AdapterModel], mends: str, relies_on: tuple[str, ...] = ()
    ) -> Adapter:
        """The record of an adapter whose module realizes ``model``'s type."""
        name = model.__module__.rsplit(".", 1)[-1]
        return cls(name, (model.CFN_TYPE,), mends, model=model, relies_on=relies_on)

    @property
    def kind(self) -> str:
        """``realizes`` (a type moto skips) or ``fixes`` (moto's own behaviour)."""
        return "realizes" if self.model is not None else "fixes"

    def internals(self) -> tuple[str, ...]:
        """Every moto internal this adapter relies on: the checklist's entries."""
        from_patches = (i for patch in self.patches for i in patch.internals())
        from_model = MODEL_INTERNALS if self.model is not None else ()
        return tuple(dict.fromkeys((*from_patches, *self.relies_on, *from_model)))


def physical_id_of(value: Any) -> str:
    """A resolved ``Ref``: moto gives the physical id, or the model object itself."""
    physical = getattr(value, "physical_resource_id", value)
    if not isinstance(physical, str):
        raise ValueError(f"expected a physical resource id, got {value!r}")
    return physical


class AdapterModel:
    """Base of the model of a resource type moto's CloudFormation skips.

    Subclass it (only it: not moto's ``CloudFormationModel``, whose subclasses
    moto picks up the moment they are defined) and name the subclass as the
    ``model`` of an `Adapter`. Set `CFN_TYPE`, optionally `NAME_PROPERTY`
    (the property holding an explicit physical name; moto then generates
    ``<stack>-<logical id>-<suffix>`` when it is absent, like CloudFormation),
    and implement:

    - `apply`: create the real thing in moto's backend from ``self.properties``
      (intrinsics already resolved by moto);
    - `remove`: undo it (stack delete);
    - `verify`: a classmethod that checks, through the boto3 clients of a
      `DeployedStack`, that the resource really exists; it returns problems.

    ``physical_resource_id`` is the generated or explicit name, which is what
    CloudFormation's ``Ref`` returns for most such types; override it otherwise.
    """

    CFN_TYPE: ClassVar[str]
    NAME_PROPERTY: ClassVar[str] = ""
    #: ``Fn::GetAtt`` names this adapter answers; see `cfn_attributes`.
    CFN_ATTRIBUTES: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        *,
        physical_name: str,
        logical_id: str,
        properties: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        self.physical_name = physical_name
        self.logical_id = logical_id
        self.properties = properties
        self.account_id = account_id
        self.region_name = region_name
        #: set by `apply` when the type answers ``Fn::GetAtt Arn``
        self.arn = ""

    # --- what an adapter implements ------------------------------------------

    def apply(self) -> None:
        raise NotImplementedError

    def remove(self) -> None:
        raise NotImplementedError

    @classmethod
    def verify(
        cls, deployed: DeployedStack, logical_id: str, resource: dict[str, Any]
    ) -> list[str]:
        """Problems found checking the deployed resource (empty when it is there)."""
        raise NotImplementedError

    def cfn_attributes(self) -> dict[str, str]:
        """Values of `CFN_ATTRIBUTES` for ``Fn::GetAtt``: ``Arn`` is `arn`."""
        return {"Arn": self.arn} if "Arn" in self.CFN_ATTRIBUTES else {}

    # --- moto's CloudFormationModel interface ---------------------------------

    @property
    def physical_resource_id(self) -> str:
        return self.physical_name

    @classmethod
    def cloudformation_type(cls) -> str:
        return cls.CFN_TYPE

    @classmethod
    def cloudformation_name_type(cls) -> str:
        return cls.NAME_PROPERTY

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in cls.CFN_ATTRIBUTES

    def get_cfn_attribute(self, attribute_name: str) -> str:
        values = self.cfn_attributes()
        if attribute_name not in values:
            raise UnformattedGetAttTemplateException()
        return values[attribute_name]

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> AdapterModel:
        adapter = cls(
            physical_name=str(resource_name),
            logical_id=str(kwargs.get("LogicalId", resource_name)),
            properties=dict(cloudformation_json.get("Properties") or {}),
            account_id=account_id,
            region_name=region_name,
        )
        adapter.apply()
        return adapter

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> AdapterModel:
        if isinstance(original_resource, AdapterModel):
            original_resource.remove()
        return cls.create_from_cloudformation_json(
            new_resource_name,
            cloudformation_json,
            account_id,
            region_name,
            LogicalId=getattr(original_resource, "logical_id", new_resource_name),
        )

    @classmethod
    def delete_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        # moto calls this only when the instance has no delete(); ours has one.
        raise NotImplementedError(f"{cls.CFN_TYPE}: use the instance's delete()")

    def delete(self, account_id: str, region_name: str) -> None:
        self.remove()

    def is_created(self) -> bool:
        return True


def tags_of(properties: dict[str, Any]) -> dict[str, str]:
    """A template's ``Tags`` list as a dict (what moto's tagging calls take)."""
    return {t["Key"]: t["Value"] for t in properties.get("Tags", [])}


def preparing_create(
    prepare: Callable[[str, Any], tuple[str, Any]],
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A `MotoPatch` wrap for a model's ``create_from_cloudformation_json``:
    ``prepare(resource_name, cloudformation_json)`` gives the name and resource
    moto's own create then gets."""

    def wrap(original: Callable[..., Any]) -> Callable[..., Any]:
        def create_from_cloudformation_json(
            cls: Any,
            resource_name: str,
            cloudformation_json: Any,
            account_id: str,
            region_name: str,
            **kwargs: Any,
        ) -> Any:
            name, resource = prepare(resource_name, cloudformation_json)
            return original(cls, name, resource, account_id, region_name, **kwargs)

        return create_from_cloudformation_json

    return wrap


#: What `finishing` runs after moto's own create or update: (the model moto
#: made, the template's resource, account id, region).
Finish = Callable[[Any, Any, str, str], None]


def finishing(
    finish: Finish,
) -> tuple[
    Callable[[Callable[..., Any]], Callable[..., Any]],
    Callable[[Callable[..., Any]], Callable[..., Any]],
]:
    """`MotoPatch` wraps for a model's ``create_from_cloudformation_json`` and
    ``update_from_cloudformation_json``: moto's own, then ``finish`` on its result."""

    def create(original: Callable[..., Any]) -> Callable[..., Any]:
        def create_from_cloudformation_json(
            cls: Any, resource_name: str, resource: Any, account_id: str, region_name: str,
            **kwargs: Any,
        ) -> Any:  # fmt: skip
            made = original(cls, resource_name, resource, account_id, region_name, **kwargs)
            finish(made, resource, account_id, region_name)
            return made

        return create_from_cloudformation_json

    def update(original: Callable[..., Any]) -> Callable[..., Any]:
        def update_from_cloudformation_json(
            cls: Any, before: Any, new_name: str, resource: Any, account_id: str, region_name: str
        ) -> Any:
            made = original(cls, before, new_name, resource, account_id, region_name)
            finish(made, resource, account_id, region_name)
            return made

        return update_from_cloudformation_json

    return create, update


def policy_statements(policy: str | dict[str, Any] | None) -> list[dict[str, Any]]:
    """The statements of a policy document given as JSON text or a dict."""
    if policy is None or policy == "":
        return []
    document = json.loads(policy) if isinstance(policy, str) else policy
    statements = document.get("Statement", [])
    return [statements] if isinstance(statements, dict) else list(statements)


def _is_intrinsic(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and len(value) == 1
        and next(iter(value)) in {"Ref", "Fn::GetAtt", "Fn::Join", "Fn::Sub", "Fn::Select"}
    )


def property_mismatches(
    logical_id: str, expected: dict[str, Any], actual: dict[str, Any], keys: tuple[str, ...]
) -> list[str]:
    """A problem for each of ``keys`` whose deployed value is not the template's."""
    return [
        f"{logical_id}: {key} is {actual.get(key)!r}, expected {expected[key]!r}"
        for key in keys
        if key in expected and not resolved_matches(expected[key], actual.get(key))
    ]


def described_mismatches(
    logical_id: str,
    what: str,
    describe: Callable[[], Mapping[str, Any]],
    expected: dict[str, Any],
    keys: tuple[str, ...],
) -> list[str]:
    """`property_mismatches` against what ``describe`` (a boto3 call) returns; a
    call that fails (the service's not-found error, generated per client) is one
    problem naming ``what``."""
    try:
        found = dict(describe())
    except Exception as err:
        return [f"{logical_id}: {what} not found ({err})"]
    return property_mismatches(logical_id, expected, found, keys)


def policy_mismatches(logical_id: str, where: str, expected: Any, actual: Any) -> list[str]:
    """A problem when the policy deployed on ``where`` is not the template's document.

    ARNs in ``Resource`` and ``Condition`` are intrinsics in the template: any
    string matches them.
    """
    wanted, found = policy_statements(expected), policy_statements(actual)
    if resolved_matches(wanted, found):
        return []
    return [f"{logical_id}: {where} has policy statements {found}, expected {wanted}"]


def resolved_matches(expected: Any, actual: Any) -> bool:
    """True when ``actual`` (as deployed) has the shape of template value ``expected``.

    An intrinsic in the template (``Ref``, ``Fn::GetAtt``, ``Fn::Join``, ...)
    matches any string, since moto resolved it; everything else must be equal.
    A one-element list also matches its element (AWS may return either form).
    """
    if _is_intrinsic(expected):
        return isinstance(actual, str)
    if isinstance(expected, dict):
        return (
            isinstance(actual, dict)
            and set(expected) == set(actual)
            and all(resolved_matches(expected[k], actual[k]) for k in expected)
        )
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return len(expected) == 1 and resolved_matches(expected[0], actual)
        return len(expected) == len(actual) and all(
            resolved_matches(e, a) for e, a in zip(expected, actual, strict=True)
        )
    return bool(expected == actual)
