"""Runtime tests of PipeToQueue: its template deployed into moto, run by the strict account.

moto's CloudFormation skips ``AWS::Pipes::Pipe`` (the test kit's adapter
creates it in moto's Pipes backend) and moto never runs pipes. The strict
account's ``run_pipe`` polls an SQS source once the way AWS documents a pipe
(EventBridge user guide, "Amazon SQS as a source"): as its role (trust policy
for ``pipes.amazonaws.com``), reading with the role's identity policy and the
source's queue and key policies, sending each record to the target as the
role, deleting it from the source; a refused record stays in the source, whose
redrive policy is the pipe's dead-letter queue. So a policy the construct
forgot would show here as a refusal.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from aws_cdk import aws_sqs as sqs
from aws_cdk.assertions import Template
from moto import mock_aws

from constructs_lib import PipeToQueue, SecureQueue
from constructs_lib_testing import DeployedStack, StrictAccount, deploy_template, logical_id_of
from tests.sources_synth import ACCOUNT, REGION, new_stack

pytestmark = pytest.mark.runtime


@pytest.fixture(scope="module")
def synthesized() -> tuple[dict[str, Any], dict[str, str]]:
    stack = new_stack("PipeRuntime")
    orders = SecureQueue(stack, "Orders", encryption=sqs.QueueEncryption.KMS)
    fulfilment = SecureQueue(stack, "Fulfilment", encryption=sqs.QueueEncryption.KMS)
    plain = PipeToQueue(stack, "OrdersToFulfilment", source_queue=orders, queue=fulfilment)
    ledger = SecureQueue(stack, "Ledger", fifo=True, content_based_deduplication=True)
    audit = SecureQueue(stack, "Audit", fifo=True)
    ordered = PipeToQueue(
        stack,
        "LedgerToAudit",
        source_queue=ledger,
        queue=audit,
        message_group_id="$.attributes.MessageGroupId",
        message_deduplication_id="$.messageId",
    )
    return Template.from_stack(stack).to_json(), {
        "plain": logical_id_of(plain.pipe),
        "plain_role": logical_id_of(plain.role),
        "orders": logical_id_of(orders.queue),
        "fulfilment": logical_id_of(fulfilment.queue),
        "ordered": logical_id_of(ordered.pipe),
        "ledger": logical_id_of(ledger.queue),
        "audit": logical_id_of(audit.queue),
    }


@pytest.fixture
def deployed(synthesized: Any) -> Iterator[DeployedStack]:
    template, _ = synthesized
    with mock_aws():
        yield deploy_template(template, stack_name="PipeRuntime")


def _receive(deployed: DeployedStack, logical_id: str) -> list[dict[str, Any]]:
    response = deployed.client("sqs").receive_message(
        QueueUrl=deployed.physical_id(logical_id),
        WaitTimeSeconds=0,
        MaxNumberOfMessages=10,
        AttributeNames=["All"],
    )
    return list(response.get("Messages", []))


def test_the_pipe_is_deployed_from_the_source_to_the_target_as_its_role(
    deployed: DeployedStack, synthesized: Any
) -> None:
    _, ids = synthesized
    pipe = deployed.client("pipes").describe_pipe(Name=deployed.physical_id(ids["plain"]))
    role = deployed.client("iam").list_roles()["Roles"]
    assert pipe["RoleArn"] in [r["Arn"] for r in role]
    assert pipe["Source"].endswith(":" + deployed.physical_id(ids["orders"]).rsplit("/", 1)[1])
    assert pipe["DesiredState"] == "RUNNING"


def test_a_record_reaches_the_encrypted_target_through_the_role_and_both_keys(
    deployed: DeployedStack, synthesized: Any, strict_account: StrictAccount
) -> None:
    _, ids = synthesized
    deployed.client("sqs").send_message(
        QueueUrl=deployed.physical_id(ids["orders"]), MessageBody='{"order": 1}'
    )
    name = deployed.physical_id(ids["plain"])
    run = strict_account.run_pipe(name, account_id=ACCOUNT, region=REGION)
    assert (run.delivered, run.refused, run.state_reason) == (1, 0, None)
    (message,) = _receive(deployed, ids["fulfilment"])
    record = json.loads(message["Body"])
    assert record["body"] == '{"order": 1}' and record["eventSource"] == "aws:sqs"
    assert _receive(deployed, ids["orders"]) == []  # deleted from the source
    strict_account.assert_no_drops()


def test_a_fifo_pipe_keeps_the_group_and_deduplicates_by_message_id(
    deployed: DeployedStack, synthesized: Any, strict_account: StrictAccount
) -> None:
    _, ids = synthesized
    deployed.client("sqs").send_message(
        QueueUrl=deployed.physical_id(ids["ledger"]), MessageBody="entry", MessageGroupId="acct-7"
    )
    run = strict_account.run_pipe(deployed.physical_id(ids["ordered"]), account_id=ACCOUNT,
                                  region=REGION)  # fmt: skip
    assert run.delivered == 1
    (message,) = _receive(deployed, ids["audit"])
    assert message["Attributes"]["MessageGroupId"] == "acct-7"
    assert (
        message["Attributes"]["MessageDeduplicationId"] == json.loads(message["Body"])["messageId"]
    )


def test_a_role_without_send_leaves_the_record_in_the_source_and_records_the_drop(
    deployed: DeployedStack, synthesized: Any, strict_account: StrictAccount
) -> None:
    """What AWS does with a record the pipe cannot deliver from a queue source: it
    stays there (visible again after the visibility timeout) until its redrive policy
    moves it to the source's DLQ."""
    _, ids = synthesized
    iam = deployed.client("iam")
    role_name = deployed.physical_id(ids["plain_role"])
    deny = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": "sqs:SendMessage", "Resource": "*"}]}  # fmt: skip
    iam.put_role_policy(RoleName=role_name, PolicyName="deny", PolicyDocument=json.dumps(deny))
    deployed.client("sqs").send_message(
        QueueUrl=deployed.physical_id(ids["orders"]), MessageBody="stuck"
    )
    run = strict_account.run_pipe(deployed.physical_id(ids["plain"]), account_id=ACCOUNT,
                                  region=REGION)  # fmt: skip
    assert (run.delivered, run.refused) == (0, 1)
    (drop,) = strict_account.take_drops()
    assert drop.producer == "pipes.amazonaws.com" and "deny" in str(drop.policy)
    attributes = deployed.client("sqs").get_queue_attributes(
        QueueUrl=deployed.physical_id(ids["orders"]),
        AttributeNames=["ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == "1"
    assert _receive(deployed, ids["fulfilment"]) == []


def test_a_role_that_cannot_read_its_source_stops_the_pipe(
    deployed: DeployedStack, synthesized: Any, strict_account: StrictAccount
) -> None:
    """AWS: "Pipes does not have required permissions to perform Queue operations
    (sqs:ReceiveMessage, sqs:DeleteMessage and sqs:GetQueueAttributes)"."""
    _, ids = synthesized
    deny = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Action": "sqs:DeleteMessage", "Resource": "*"}]}  # fmt: skip
    deployed.client("iam").put_role_policy(
        RoleName=deployed.physical_id(ids["plain_role"]),
        PolicyName="deny",
        PolicyDocument=json.dumps(deny),
    )
    deployed.client("sqs").send_message(
        QueueUrl=deployed.physical_id(ids["orders"]), MessageBody="unread"
    )
    run = strict_account.run_pipe(deployed.physical_id(ids["plain"]), account_id=ACCOUNT,
                                  region=REGION)  # fmt: skip
    assert run.state_reason is not None
    assert run.state_reason.startswith("Pipes does not have required permissions")
    assert "sqs:DeleteMessage: denied by statement #1 of policy deny" in run.state_reason
    assert run.delivered == run.refused == 0
