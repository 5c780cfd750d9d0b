"""OrderedProcessing deployed into moto: the Payments queue consumed by the
reference Powertools handler, the way Lambda's event-source mapping does it.

moto cannot run Lambda code (Docker), so the test plays the mapping: it
receives real messages from the deployed FIFO queue, builds the SQS event,
calls the handler in-process, deletes the successes and leaves the failures
(``batchItemFailures``). The deployed mapping is disabled first, or moto
would consume the messages behind the test's back on every send. Its
deployed configuration is asserted separately.

moto differences met here: AWS's public parameters under /aws/service/
(other than AMIs) are absent and put_parameter refuses that path, so the test
writes it (`constructs_lib_testing.public_parameters`, the values in
`stacks.public_parameters`); moto's CloudFormation
drops a function's ``Layers`` (checked in the template instead); Lambda asset
code must be in the assets bucket first (`publish_file_assets`).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from aws_cdk import cx_api
from moto import mock_aws

from constructs_lib_testing import DeployedStack, deploy_template
from constructs_lib_testing.assets import publish_file_assets
from constructs_lib_testing.lambda_sqs import play_event_source_mapping
from constructs_lib_testing.public_parameters import put_public_parameters
from handlers.payments import index as payments
from stacks.ordered_processing_stack import POWERTOOLS_LAYER_PARAMETER
from stacks.public_parameters import EXAMPLE_PUBLIC_PARAMETERS
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.runtime

STACK = "OrderedProcessing"

#: The mapping's receive visibility, shortened so failed batches return fast.
TEST_VISIBILITY_S = 1


@pytest.fixture
def deployed(example_assembly: cx_api.CloudAssembly) -> Iterator[tuple[DeployedStack, Any]]:
    stack = example_assembly.get_stack_by_name(STACK)
    with mock_aws():
        session = boto3.Session(region_name="us-east-1")
        put_public_parameters(EXAMPLE_PUBLIC_PARAMETERS)
        publish_file_assets(example_assembly.directory, stack.id, session.client("s3"))
        yield deploy_template(stack.template, stack_name=STACK, session=session), stack


def _ids(stack: Any) -> dict[str, str]:
    resources = stack.template["Resources"]

    def find(resource_type: str, prefix: str) -> str:
        (found,) = [
            i for i, r in resources.items() if r["Type"] == resource_type and i.startswith(prefix)
        ]
        return found

    return {
        "queue": find("AWS::SQS::Queue", "PaymentsQueue"),
        "dlq": find("AWS::SQS::Queue", "PaymentsDeadLetterQueue"),
        "function": find("AWS::Lambda::Function", "PaymentsHandler"),
        "mapping": find("AWS::Lambda::EventSourceMapping", "PaymentsConsumer"),
    }


def test_deployed_mapping_configuration(deployed: tuple[DeployedStack, Any]) -> None:
    stack, artifact = deployed
    ids = _ids(artifact)
    aws_lambda = stack.client("lambda")
    queue_url = stack.physical_id(ids["queue"])
    queue_arn = stack.client("sqs").get_queue_attributes(
        QueueUrl=queue_url, AttributeNames=["QueueArn"]
    )["Attributes"]["QueueArn"]
    function = stack.physical_id(ids["function"])
    (mapping,) = aws_lambda.list_event_source_mappings(FunctionName=function)["EventSourceMappings"]
    assert mapping["EventSourceArn"] == queue_arn
    assert mapping["BatchSize"] == 10
    assert mapping["State"] == "Enabled"
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    config = aws_lambda.get_function_configuration(FunctionName=function)
    assert config["Runtime"] == "python3.14"
    assert config["Handler"] == "index.handler"
    assert config["Timeout"] == 10
    # moto's CloudFormation drops Layers: check the template's wiring instead
    (layer,) = artifact.template["Resources"][ids["function"]]["Properties"]["Layers"]
    parameter = artifact.template["Parameters"][layer["Ref"]]
    assert parameter["Default"] == POWERTOOLS_LAYER_PARAMETER
    assert parameter["Type"] == "AWS::SSM::Parameter::Value<String>"
    # visibility timeout 60 s = 6 x the 10-s function timeout
    attributes = stack.client("sqs").get_queue_attributes(
        QueueUrl=queue_url, AttributeNames=["VisibilityTimeout", "RedrivePolicy"]
    )["Attributes"]
    assert attributes["VisibilityTimeout"] == "60"
    assert json.loads(attributes["RedrivePolicy"])["maxReceiveCount"] == 5


def test_the_deployed_code_is_the_reference_handler(
    deployed: tuple[DeployedStack, Any], example_assembly: cx_api.CloudAssembly
) -> None:
    stack, artifact = deployed
    function = stack.physical_id(_ids(artifact)["function"])
    code = stack.client("lambda").get_function(FunctionName=function)["Code"]
    assert code["RepositoryType"] == "S3"
    config = stack.client("lambda").get_function_configuration(FunctionName=function)
    local = (REPO_ROOT / "handlers" / "payments" / "index.py").read_bytes()
    bucket = "cdk-hnb659fds-assets-123456789012-us-east-1"
    objects = stack.client("s3").list_objects_v2(Bucket=bucket)["Contents"]
    zips = [o["Key"] for o in objects if o["Key"].endswith(".zip")]
    found = []
    for key in zips:
        body = stack.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            names = archive.namelist()
            if "index.py" in names:
                assert archive.read("index.py") == local
                assert not any("__pycache__" in n for n in names)
                found.append(key)
    assert len(found) == 1
    assert config["CodeSize"] > 0


def test_poison_message_reaches_the_dlq_and_every_payment_is_applied_once_in_order(
    deployed: tuple[DeployedStack, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    stack, artifact = deployed
    ids = _ids(artifact)
    sqs = stack.client("sqs")
    aws_lambda = stack.client("lambda")
    queue_url, dlq_url = stack.physical_id(ids["queue"]), stack.physical_id(ids["dlq"])
    # keep moto from consuming behind the test's back
    uuid = stack.physical_id(ids["mapping"])
    aws_lambda.update_event_source_mapping(UUID=uuid, Enabled=False)
    assert aws_lambda.get_event_source_mapping(UUID=uuid)["State"] == "Disabled"

    applied: list[payments.Payment] = []
    monkeypatch.setattr(payments, "apply_payment", applied.append)
    good = [
        {"payment_id": f"{account}-{n}", "account": account, "amount_cents": 100 * n}
        for account in ("acct-1", "acct-2", "acct-3")
        for n in range(1, 6)
    ]
    poison = {"payment_id": "bad-1", "account": "acct-bad", "amount_cents": -5}
    for body in [*good[:7], poison, *good[7:]]:
        sqs.send_message(
            QueueUrl=queue_url, MessageBody=json.dumps(body), MessageGroupId=body["account"]
        )

    run = play_event_source_mapping(
        sqs, queue_url, payments.handler, visibility_timeout=TEST_VISIBILITY_S
    )

    assert sorted(p.payment_id for p in applied) == sorted(g["payment_id"] for g in good)
    for account in ("acct-1", "acct-2", "acct-3"):
        ids_in_order = [p.payment_id for p in applied if p.account == account]
        assert ids_in_order == [f"{account}-{n}" for n in range(1, 6)]
    dead = sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
    assert [json.loads(m["Body"]) for m in dead["Messages"]] == [poison]
    # the poison message was received max_receive_count (5) times; alone in
    # its batch on the later receives, it made those invocations fail
    assert run.invocations >= 5 and run.function_errors >= 1
