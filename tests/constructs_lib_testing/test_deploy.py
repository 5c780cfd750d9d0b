"""Tests of constructs_lib_testing.deploy: deploy, lookup, checks and refusals."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_cdk import CfnCondition, CfnOutput, CfnResource, Fn
from aws_cdk import aws_sqs as sqs
from moto.cloudformation import parsing
from moto.server import ThreadedMotoServer

from constructs_lib_testing import (
    CDK_BOOTSTRAP_VERSION,
    DeploymentError,
    ResourceVerificationError,
    UnsafeTargetError,
    deploy_template,
    logical_id_of,
)
from tests.constructs_lib_testing.support import REGION, new_stack, template_of

_BOOTSTRAP_PARAMETER = "/cdk-bootstrap/hnb659fds/version"

#: A resource type moto 5.2.5 has no model for, and that no adapter realizes.
_UNSUPPORTED_TYPE = "AWS::Oam::Link"


def _queue_stack() -> tuple[dict[str, Any], str]:
    stack = new_stack()
    queue = sqs.Queue(stack, "Jobs", visibility_timeout=None)
    CfnOutput(stack, "JobsUrl", value=queue.queue_url)
    return template_of(stack), logical_id_of(queue)


@pytest.fixture(scope="module")
def queue_stack() -> tuple[dict[str, Any], str]:
    return _queue_stack()


@pytest.fixture(scope="module")
def unsupported_template() -> dict[str, Any]:
    stack = new_stack()
    sqs.Queue(stack, "Jobs")
    CfnResource(stack, "Link", type=_UNSUPPORTED_TYPE, properties={"ResourceTypes": ["x"]})
    return template_of(stack)


def test_deploys_and_maps_logical_ids_to_physical_ids(moto: None, queue_stack: Any) -> None:
    template, queue_id = queue_stack
    deployed = deploy_template(template, stack_name="Jobs")

    url = deployed.physical_id(queue_id)
    assert deployed.resources[queue_id].resource_type == "AWS::SQS::Queue"
    assert deployed.outputs["JobsUrl"] == url
    assert deployed.logical_ids_of_type("AWS::SQS::Queue") == [queue_id]
    sqs_client = deployed.client("sqs")
    sqs_client.send_message(QueueUrl=url, MessageBody="hello")
    received = sqs_client.receive_message(QueueUrl=url, WaitTimeSeconds=0)
    assert [m["Body"] for m in received["Messages"]] == ["hello"]


def test_unknown_logical_id_names_the_known_ones(moto: None, queue_stack: Any) -> None:
    template, queue_id = queue_stack
    deployed = deploy_template(template)
    with pytest.raises(KeyError, match=queue_id):
        deployed.physical_id("Nope")


def test_deploys_a_template_file(moto: None, queue_stack: Any, tmp_path: Path) -> None:
    template, queue_id = queue_stack
    path = tmp_path / "Jobs.template.json"
    path.write_text(json.dumps(template))
    deployed = deploy_template(path)
    assert deployed.physical_id(queue_id).startswith("https://sqs.")


def test_writes_the_cdk_bootstrap_version_parameter(moto: None, queue_stack: Any) -> None:
    template, _ = queue_stack
    assert template["Parameters"]["BootstrapVersion"]["Default"] == _BOOTSTRAP_PARAMETER
    deployed = deploy_template(template)
    value = deployed.client("ssm").get_parameter(Name=_BOOTSTRAP_PARAMETER)["Parameter"]["Value"]
    assert value == CDK_BOOTSTRAP_VERSION


def test_keeps_an_existing_bootstrap_version(moto: None, queue_stack: Any) -> None:
    template, _ = queue_stack
    ssm = boto3.client("ssm", region_name=REGION)
    ssm.put_parameter(Name=_BOOTSTRAP_PARAMETER, Value="21", Type="String")
    deploy_template(template)
    assert ssm.get_parameter(Name=_BOOTSTRAP_PARAMETER)["Parameter"]["Value"] == "21"


def test_a_type_moto_skips_fails_loudly(moto: None, unsupported_template: Any) -> None:
    assert _UNSUPPORTED_TYPE not in parsing.get_model_map(), "pick a type moto cannot create"
    with pytest.raises(ResourceVerificationError) as caught:
        deploy_template(unsupported_template)
    assert caught.value.missing == [("Link", _UNSUPPORTED_TYPE)]
    assert f"Link: {_UNSUPPORTED_TYPE}" in str(caught.value)
    assert "silently skips" in str(caught.value)


def test_verify_false_still_reports_skipped_types(moto: None, unsupported_template: Any) -> None:
    with pytest.raises(ResourceVerificationError, match="Link"):
        deploy_template(unsupported_template, verify=False)


def test_a_resource_whose_condition_is_false_is_not_expected(moto: None) -> None:
    stack = new_stack()
    elsewhere = CfnCondition(
        stack, "Elsewhere", expression=Fn.condition_equals(stack.region, "eu-west-1")
    )
    here = CfnCondition(stack, "Here", expression=Fn.condition_equals(stack.region, REGION))
    skipped = CfnResource(stack, "Link", type=_UNSUPPORTED_TYPE, properties={})
    skipped.cfn_options.condition = elsewhere
    queue = sqs.CfnQueue(stack, "Jobs")
    queue.cfn_options.condition = here
    deployed = deploy_template(template_of(stack))
    assert set(deployed.resources) == {"Jobs"}


def test_a_failed_create_raises_with_the_reason(moto: None) -> None:
    stack = new_stack()
    # SQS rejects a FIFO queue whose explicit name lacks '.fifo'.
    sqs.CfnQueue(stack, "Bad", fifo_queue=True, queue_name="bad-name")
    with pytest.raises(DeploymentError, match=r"create_stack 'Broken' failed.*\.fifo"):
        deploy_template(template_of(stack), stack_name="Broken")


def test_refuses_without_moto(queue_stack: Any) -> None:
    template, _ = queue_stack
    with pytest.raises(UnsafeTargetError, match="refusing to deploy to https://"):
        deploy_template(template)


def test_refuses_a_non_loopback_endpoint(queue_stack: Any) -> None:
    template, _ = queue_stack
    with pytest.raises(UnsafeTargetError, match=r"example\.com"):
        deploy_template(template, endpoint_url="http://example.com:5000")


@pytest.fixture(scope="module")
def moto_server() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def test_deploys_into_a_moto_server(moto_server: str) -> None:
    stack = new_stack()
    queue = sqs.Queue(stack, "Jobs", enforce_ssl=True)
    deployed = deploy_template(template_of(stack), endpoint_url=moto_server, stack_name="Server")

    url = deployed.physical_id(logical_id_of(queue))
    # The adapter ran inside the server: the queue policy is really there.
    policy = deployed.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])
    statement = json.loads(policy["Attributes"]["Policy"])["Statement"][0]
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert deployed.client("sqs").meta.endpoint_url == moto_server


def test_logical_id_of_accepts_l2_and_l1() -> None:
    stack = new_stack()
    queue = sqs.Queue(stack, "Jobs")
    cfn_queue = queue.node.default_child
    assert isinstance(cfn_queue, sqs.CfnQueue)
    assert logical_id_of(queue) == logical_id_of(cfn_queue)
    assert logical_id_of(queue).startswith("Jobs")


def test_delete_removes_the_stack(moto: None, queue_stack: Any) -> None:
    template, queue_id = queue_stack
    deployed = deploy_template(template)
    url = deployed.physical_id(queue_id)
    deployed.delete()
    queues = deployed.client("sqs").list_queues().get("QueueUrls", [])
    assert url not in queues
