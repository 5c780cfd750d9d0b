"""The mechanism every adapter uses: a moto ``CloudFormationModel`` registered in-process.

moto's CloudFormation finds the model of a resource type through
``CloudFormationModel.__subclasses__()`` (only *direct* subclasses) and caches
that lookup (``functools.lru_cache`` on ``get_model_list``/``get_model_map``).
`register_model` therefore checks that a class is a direct subclass, clears
those caches, and verifies that moto now resolves the type to the class: an
adapter is either active or the import fails, never silently ignored.

Because the registration lives in moto's own parser, it serves every client
of moto in this process: ``mock_aws()``, a ``ThreadedMotoServer`` and the CDK
CLI deploying into that server.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from moto.cloudformation import parsing
from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
from moto.core.common_models import CloudFormationModel

if TYPE_CHECKING:
    from constructs_lib.testing.deploy import DeployedStack

_Model = TypeVar("_Model", bound=type[CloudFormationModel])

#: Resource type -> the class that realizes it in moto: adapters for the types
#: moto 5.2.5 skips, and overrides of moto's own models where moto differs
#: from AWS. Read by the post-deploy verification.
REGISTERED_MODELS: dict[str, type[CloudFormationModel]] = {}

#: Resource type -> adapter, only for types moto itself skips; each has a
#: ``verify`` that checks the deployed resource through boto3.
ADAPTERS: dict[str, type[AdapterModel]] = {}


class AdapterRegistrationError(RuntimeError):
    """An adapter class cannot be made active in moto's CloudFormation."""


def _clear_moto_model_caches() -> None:
    parsing.get_model_list.cache_clear()
    parsing.get_model_map.cache_clear()
    parsing.get_name_type_map.cache_clear()


def register_model(cls: _Model) -> _Model:
    """Make ``cls`` the model moto's CloudFormation uses for its resource type.

    Use as a class decorator. ``cls`` must list ``CloudFormationModel`` among
    its own bases (moto only sees direct subclasses); when it overrides one of
    moto's models for the same type, it wins because it is defined later.

    :raises AdapterRegistrationError: when moto does not resolve the type to ``cls``.
    """
    resource_type = cls.cloudformation_type()
    if CloudFormationModel not in cls.__bases__:
        raise AdapterRegistrationError(
            f"{cls.__qualname__} ({resource_type}) must list CloudFormationModel "
            "among its direct bases: moto finds models by "
            "CloudFormationModel.__subclasses__()"
        )
    _clear_moto_model_caches()
    resolved = parsing.get_model_map().get(resource_type)
    if resolved is not cls:
        raise AdapterRegistrationError(
            f"moto resolves {resource_type} to {resolved!r}, not {cls.__qualname__}"
        )
    REGISTERED_MODELS[resource_type] = cls
    if issubclass(cls, AdapterModel):
        ADAPTERS[resource_type] = cls
    return cls


def physical_id_of(value: Any) -> str:
    """A resolved ``Ref``: moto gives the physical id, or the model object itself."""
    physical = getattr(value, "physical_resource_id", value)
    if not isinstance(physical, str):
        raise ValueError(f"expected a physical resource id, got {value!r}")
    return physical


class AdapterModel:
    """Base of an adapter for a resource type moto's CloudFormation skips.

    Subclass it together with ``CloudFormationModel`` (in that order) and
    decorate with `register_model`. Set `CFN_TYPE`, optionally `NAME_PROPERTY`
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
        """Values of `CFN_ATTRIBUTES` for ``Fn::GetAtt``."""
        return {}

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
