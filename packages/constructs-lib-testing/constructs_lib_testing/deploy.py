"""Deploy a synthesized CloudFormation template into moto and check every resource.

See the package docstring (`constructs_lib_testing`) for the moto differences
this module mends or reports.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import boto3
from botocore.exceptions import ClientError
from moto.core.models import MockAWS

from constructs_lib_testing.adapters import MODELS, ensure_adapters_active
from constructs_lib_testing.deployed_stack import DeployedStack, StackResource, make_client

#: The moto internals this module relies on (the upgrade checklist reads them).
MOTO_INTERNALS = ("moto.core.models:MockAWS._mocks_active",)

#: Region used when neither ``region_name`` nor the session names one.
DEFAULT_REGION = "us-east-1"

#: Stack name used when none is given.
DEFAULT_STACK_NAME = "TestStack"

#: How long `deploy_template` waits for CREATE_COMPLETE. moto creates stacks
#: synchronously; the wait matters for custom resources that never finish.
DEFAULT_TIMEOUT_SECONDS = 30.0

#: Value written to ``/cdk-bootstrap/<qualifier>/version`` when it is absent:
#: the version of the bootstrap template of the pinned CDK CLI (2.1148.1).
#: The template's ``CheckBootstrapVersion`` rule needs a value outside 1-5.
CDK_BOOTSTRAP_VERSION = "33"

_BOOTSTRAP_VERSION_PARAMETER = re.compile(r"^/cdk-bootstrap/[^/]+/version$")
_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
_POLL_SECONDS = 0.05
_FAKE_CREDENTIAL = "testing"
_CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]


class DeploymentError(RuntimeError):
    """The stack did not reach CREATE_COMPLETE; the message lists its events."""


class UnsafeTargetError(DeploymentError):
    """Refused: the clients would reach something other than moto."""


class ResourceVerificationError(DeploymentError):
    """The stack is CREATE_COMPLETE, but resources of the template are missing.

    ``missing`` lists ``(logical id, type)`` pairs moto skipped without an
    adapter; ``problems`` lists adapted resources whose real effect is absent.
    """

    def __init__(self, missing: list[tuple[str, str]], problems: list[str]) -> None:
        self.missing = list(missing)
        self.problems = list(problems)
        lines = []
        if missing:
            lines.append(
                "moto created no resource for (logical id: type): "
                + ", ".join(f"{lid}: {rtype}" for lid, rtype in missing)
                + ". moto 5.2.5 silently skips these types; add an adapter in "
                "constructs_lib_testing/adapters/ (see its docstring)."
            )
        lines.extend(problems)
        super().__init__("\n".join(lines))


def logical_id_of(construct: Any) -> str:
    """The logical id CDK gives a construct (an L1, or an L2 via its default child).

    Example: ``logical_id_of(secure_queue.queue)`` -> ``"OrdersQueueC538DD4C"``.
    """
    from aws_cdk import CfnElement, Stack

    element = construct if isinstance(construct, CfnElement) else construct.node.default_child
    if not isinstance(element, CfnElement):
        raise ValueError(f"{construct.node.path} has no CloudFormation resource as default child")
    return str(Stack.of(element).resolve(element.logical_id))


def load_template(template: Mapping[str, Any] | str | os.PathLike[str]) -> dict[str, Any]:
    """A deep copy of a template dict, or the JSON template file at a path."""
    if isinstance(template, Mapping):
        return copy.deepcopy(dict(template))
    return dict(json.loads(Path(template).read_text(encoding="utf-8")))


def deploy_template(
    template: Mapping[str, Any] | str | os.PathLike[str],
    *,
    stack_name: str = DEFAULT_STACK_NAME,
    session: boto3.Session | None = None,
    endpoint_url: str | None = None,
    region_name: str | None = None,
    parameters: Mapping[str, str] | None = None,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    verify: bool = True,
) -> DeployedStack:
    """Create ``template`` as a CloudFormation stack in moto and return it.

    Works in-process (inside ``moto.mock_aws()``) and against a moto server
    (``endpoint_url="http://127.0.0.1:<port>"``, e.g. a ``ThreadedMotoServer``
    of this process). Anything else is refused, so a test can never deploy
    into a real account. It activates the adapters unless something did, and
    leaves them on for its stacks' updates and deletion (`deactivate_adapters`).

    Before creating the stack it writes the CDK bootstrap version parameter
    the template's ``BootstrapVersion`` parameter reads, if absent. After
    CREATE_COMPLETE it checks that every resource of the template (whose
    condition holds) is in the stack, and that every adapted resource really
    exists (``verify=False`` skips only the adapters' deeper checks).

    :param template: the template dict (``Template.from_stack(s).to_json()``)
        or the path of a template JSON file (``cdk.out/<Stack>.template.json``).
    :param stack_name: default ``DEFAULT_STACK_NAME``.
    :param session: default: one shared session with fake credentials.
    :param endpoint_url: a moto server on a loopback address; default: none
        (in-process, which then requires an active ``mock_aws()``).
    :param region_name: default: the session's region, else ``DEFAULT_REGION``.
    :param parameters: CloudFormation parameter values by name.
    :param timeout_seconds: default ``DEFAULT_TIMEOUT_SECONDS``.
    :raises UnsafeTargetError: when the clients would not reach moto.
    :raises DeploymentError: when the stack is not created; lists its events.
    :raises ResourceVerificationError: when a resource of the template is missing.
    """
    body = load_template(template)
    ensure_adapters_active()
    if session is None:
        session = _default_session()
    region = region_name or session.region_name or DEFAULT_REGION
    cloudformation = make_client(session, "cloudformation", endpoint_url, region)
    _refuse_unless_moto(cloudformation.meta.endpoint_url)

    deployed = DeployedStack(
        stack_name=stack_name,
        stack_id="",
        template=body,
        resources={},
        outputs={},
        session=session,
        endpoint_url=endpoint_url,
        region_name=region,
        _clients={"cloudformation": cloudformation},
    )
    ensure_bootstrap_version(deployed.client("ssm"), body)
    deployed.stack_id = _create_stack(cloudformation, stack_name, body, parameters or {})
    stack = _wait_for_create(cloudformation, deployed.stack_id, stack_name, timeout_seconds)
    deployed.outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    deployed.resources = _stack_resources(cloudformation, deployed.stack_id)
    verify_resources(deployed, deep=verify)
    return deployed


def verify_resources(deployed: DeployedStack, *, deep: bool = True) -> None:
    """Check that every resource of the template exists in the deployed stack.

    A resource whose ``Condition`` is false is not expected (as in AWS).
    ``deep`` also runs each adapter's ``verify`` (real effect through boto3).

    :raises ResourceVerificationError: naming every missing resource and problem.
    """
    template = deployed.template
    conditions = _ConditionEvaluator(deployed)
    missing: list[tuple[str, str]] = []
    problems: list[str] = []
    for logical_id, resource in template.get("Resources", {}).items():
        condition = resource.get("Condition")
        if condition is not None and not conditions.value(condition):
            continue
        resource_type = resource["Type"]
        found = deployed.resources.get(logical_id)
        if found is None:
            missing.append((logical_id, resource_type))
            continue
        if found.resource_type != resource_type:
            problems.append(
                f"{logical_id}: deployed as {found.resource_type}, template says {resource_type}"
            )
        model = MODELS.get(resource_type)
        if deep and model is not None:
            problems.extend(model.verify(deployed, logical_id, resource))
    if missing or problems:
        raise ResourceVerificationError(missing, problems)


def ensure_bootstrap_version(ssm: Any, template: Mapping[str, Any]) -> list[str]:
    """Write ``CDK_BOOTSTRAP_VERSION`` to each bootstrap version parameter the
    template reads (``/cdk-bootstrap/<qualifier>/version``) that does not exist.

    In AWS, ``cdk bootstrap`` creates it; moto resolves SSM-typed parameters
    when the stack is created and fails on a missing one. An existing value
    (e.g. from a real ``cdk bootstrap`` into a moto server) is kept.
    Returns the names written.
    """
    written = []
    for parameter in template.get("Parameters", {}).values():
        name = parameter.get("Default")
        if not (
            str(parameter.get("Type", "")).startswith("AWS::SSM::Parameter::Value")
            and isinstance(name, str)
            and _BOOTSTRAP_VERSION_PARAMETER.match(name)
        ):
            continue
        try:
            ssm.get_parameter(Name=name)
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") != "ParameterNotFound":
                raise
            ssm.put_parameter(Name=name, Value=CDK_BOOTSTRAP_VERSION, Type="String")
            written.append(name)
    return written


# --- internals ---------------------------------------------------------------


def _create_stack(
    cloudformation: Any, stack_name: str, body: dict[str, Any], parameters: Mapping[str, str]
) -> str:
    try:
        created = cloudformation.create_stack(
            StackName=stack_name,
            TemplateBody=json.dumps(body),
            Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
            Capabilities=_CAPABILITIES,
        )
    except ClientError as err:
        raise DeploymentError(
            f"create_stack {stack_name!r} failed: {err}{_events_text(cloudformation, stack_name)}"
        ) from err
    return str(created["StackId"])


def _stack_resources(cloudformation: Any, stack_id: str) -> dict[str, StackResource]:
    described = cloudformation.describe_stack_resources(StackName=stack_id)
    return {
        r["LogicalResourceId"]: StackResource(
            r["LogicalResourceId"], r["ResourceType"], r.get("PhysicalResourceId", "")
        )
        for r in described["StackResources"]
        # moto lists a skipped resource as an entry without ids.
        if r.get("LogicalResourceId")
    }


@functools.cache
def _default_session() -> boto3.Session:
    # One session for all deploys: it caches botocore's service models, which
    # makes each client after the first about 10x cheaper. Fake credentials:
    # never the machine's own.
    return boto3.Session(
        aws_access_key_id=_FAKE_CREDENTIAL,
        aws_secret_access_key=_FAKE_CREDENTIAL,
        aws_session_token=_FAKE_CREDENTIAL,
        region_name=DEFAULT_REGION,
    )


def _refuse_unless_moto(endpoint_url: str) -> None:
    # In-process moto intercepts every endpoint; without it only a loopback
    # server can be moto. Never risk a real account.
    if MockAWS._mocks_active:
        return
    host = urlparse(endpoint_url).hostname or ""
    if host not in _LOOPBACK_HOSTS:
        raise UnsafeTargetError(
            f"refusing to deploy to {endpoint_url}: no moto.mock_aws() is active and "
            "the endpoint is not a moto server on a loopback address "
            "(pass endpoint_url='http://127.0.0.1:<port>')"
        )


def _wait_for_create(
    cloudformation: Any, stack_id: str, stack_name: str, timeout_seconds: float
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_seconds
    while True:
        stack: dict[str, Any] = cloudformation.describe_stacks(StackName=stack_id)["Stacks"][0]
        status = stack["StackStatus"]
        if status == "CREATE_COMPLETE":
            return stack
        if not status.endswith("_IN_PROGRESS") and status != "CREATE_PENDING":
            raise DeploymentError(
                f"stack {stack_name!r} ended in {status}{_events_text(cloudformation, stack_id)}"
            )
        if time.monotonic() > deadline:
            raise DeploymentError(
                f"stack {stack_name!r} still {status} after {timeout_seconds:g} s "
                "(a custom resource whose handler needs Docker never finishes in moto)"
                f"{_events_text(cloudformation, stack_id)}"
            )
        time.sleep(_POLL_SECONDS)


def _events_text(cloudformation: Any, stack: str) -> str:
    try:
        events = cloudformation.describe_stack_events(StackName=stack)["StackEvents"]
    except ClientError:
        return "\n(no stack events: the stack was not created)"
    lines = [
        f"  {e.get('LogicalResourceId')} {e.get('ResourceType')} {e.get('ResourceStatus')}"
        + (f": {e['ResourceStatusReason']}" if e.get("ResourceStatusReason") else "")
        for e in reversed(events)
    ]
    return "\nstack events (oldest first):\n" + "\n".join(lines)


class _ConditionEvaluator:
    """Evaluates a template's ``Conditions`` the way CloudFormation does.

    Supports Fn::Equals/Not/And/Or, Condition, and Ref to parameters and the
    pseudo parameters; anything else raises (never a silent guess).
    """

    def __init__(self, deployed: DeployedStack) -> None:
        self._deployed = deployed
        self._template = deployed.template
        self._cache: dict[str, bool] = {}
        self._account_id: str | None = None

    def value(self, name: str) -> bool:
        if name not in self._cache:
            self._cache[name] = bool(self._eval(self._template["Conditions"][name]))
        return self._cache[name]

    def _eval(self, expr: Any) -> Any:
        if not isinstance(expr, Mapping):
            return expr
        if len(expr) != 1:
            raise DeploymentError(f"cannot evaluate condition expression {expr!r}")
        ((fn, arg),) = expr.items()
        if fn == "Fn::Equals":
            left, right = (self._eval(a) for a in arg)
            return str(left) == str(right)
        if fn == "Fn::Not":
            return not self._eval(arg[0])
        if fn == "Fn::And":
            return all(self._eval(a) for a in arg)
        if fn == "Fn::Or":
            return any(self._eval(a) for a in arg)
        if fn == "Condition":
            return self.value(arg)
        if fn == "Ref":
            return self._ref(arg)
        raise DeploymentError(f"cannot evaluate {fn} in a condition: {expr!r}")

    def _ref(self, name: str) -> str:
        if name == "AWS::Region":
            return self._deployed.region_name
        if name == "AWS::Partition":
            return "aws"
        if name == "AWS::StackName":
            return self._deployed.stack_name
        if name == "AWS::AccountId":
            if self._account_id is None:
                identity = self._deployed.client("sts").get_caller_identity()
                self._account_id = str(identity["Account"])
            return self._account_id
        parameters = (
            self._deployed.client("cloudformation")
            .describe_stacks(StackName=self._deployed.stack_id)["Stacks"][0]
            .get("Parameters", [])
        )
        for p in parameters:
            if p["ParameterKey"] == name:
                return str(p["ParameterValue"])
        raise DeploymentError(f"cannot evaluate Ref {name!r} in a condition")
