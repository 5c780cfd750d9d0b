"""``python -m constructs_lib check``: exit codes, output, acknowledgments, inputs.

The command is what CI runs for apps in any CDK language, so the apps here
are synthesized without the pack (as a TypeScript app's ``cdk synth``
would leave them) and the command runs as its own process where it matters.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from aws_cdk import Acknowledgment, Validations

from constructs_lib.checks.catalog import RULES_BY_ID
from constructs_lib.cli import main
from tests.conftest import REPO_ROOT
from tests.constructs_lib.checks.reproductions import reproduction


def synthesized(number: int, outdir: Path, *, fixed: bool = False, ack: str | None = None) -> Path:
    """The reproduction app of rule ``number``, synthesized into ``outdir``."""
    app = reproduction(number).build(fixed=fixed, outdir=str(outdir))
    if ack is not None:
        (stack,) = app.node.children
        Validations.of(stack).acknowledge(Acknowledgment(id=ack, reason="known; fixed in Q3"))
    app.synth()
    return outdir


def check_process(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "constructs_lib", "check", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def broken_sp9(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthesized(9, tmp_path_factory.mktemp("sp9"))


def test_an_error_exits_1_with_rule_severity_path_problem_and_fix(broken_sp9: Path) -> None:
    result = check_process(str(broken_sp9))

    assert result.returncode == 1, result.stderr
    rule = RULES_BY_ID["SqsPatterns-SP9"]
    lines = result.stdout.splitlines()
    assert lines[0].startswith("SqsPatterns-SP9  error  Sp9/Uploads/Resource  (Sp9: Uploads")
    assert lines[0].endswith(", Properties/BucketName)")
    assert lines[1] == (
        f"  problem: {rule.name}: BucketName is 'uploads-123456789012-us-east-1' and "
        "DeletionPolicy is Retain: after a destroy, the next deploy finds the name taken"
    )
    assert lines[2] == f"  fix: {rule.fix}"
    assert lines[3] == f"  see: {rule.sources[0]}"
    assert lines[-1] == "1 finding: 1 error (SqsPatterns-SP9) in 1 stack, 2 resources"


def test_advisories_exit_0_unless_strict(tmp_path: Path) -> None:
    """Partial batch responses off (SP11) hangs on the handler's code: an advisory."""
    outdir = synthesized(11, tmp_path)

    relaxed = check_process(str(outdir))
    strict = check_process("--strict", str(outdir))

    assert (relaxed.returncode, strict.returncode) == (0, 1), relaxed.stderr + strict.stderr
    assert relaxed.stdout == strict.stdout
    assert relaxed.stdout.startswith("SqsPatterns-SP11  advisory  Sp11/Handler/")
    assert relaxed.stdout.splitlines()[-1] == (
        "1 finding: 1 advisory (SqsPatterns-SP11) in 1 stack, 7 resources"
    )


def test_a_clean_app_exits_0(tmp_path: Path) -> None:
    result = check_process(str(synthesized(9, tmp_path, fixed=True)))

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "no findings in 1 stack, 2 resources"


def test_unreadable_input_exits_2_and_says_why(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a template")

    missing = check_process(str(tmp_path / "cdk.out"))
    not_a_template = check_process(str(tmp_path / "notes.txt"))
    empty_dir = check_process(str(tmp_path))

    assert (missing.returncode, not_a_template.returncode, empty_dir.returncode) == (2, 2, 2)
    assert "cdk.out: no such file or directory" in missing.stderr
    assert "notes.txt" in not_a_template.stderr
    assert "no manifest.json (not a cloud assembly directory)" in empty_dir.stderr
    assert "CDK app" not in empty_dir.stderr


def test_an_app_folder_points_to_its_cloud_assembly(tmp_path: Path) -> None:
    """``check .`` in a CDK app's folder: its cloud assembly is cdk.out, or cdk.json's output."""
    (tmp_path / "cdk.json").write_text(json.dumps({"app": "python3 app.py"}))

    before_synth = check_process(str(tmp_path))
    synthesized(9, tmp_path / "cdk.out")
    after_synth = check_process(str(tmp_path))
    (tmp_path / "cdk.json").write_text(json.dumps({"app": "python3 app.py", "output": "build"}))
    elsewhere = check_process(str(tmp_path))

    assert (before_synth.returncode, after_synth.returncode, elsewhere.returncode) == (2, 2, 2)
    assert f"run `cdk synth` in it, then check {tmp_path / 'cdk.out'}" in before_synth.stderr
    assert f"check its cloud assembly, {tmp_path / 'cdk.out'}" in after_synth.stderr
    assert f"then check {tmp_path / 'build'}" in elsewhere.stderr


def test_the_command_imports_neither_aws_cdk_nor_cdk_nag(broken_sp9: Path) -> None:
    code = (
        "import sys\nfrom constructs_lib.cli import main\n"
        f"code = main(['check', {str(broken_sp9)!r}])\n"
        "heavy = [m for m in ('aws_cdk', 'cdk_nag', 'jsii', 'boto3', 'moto') if m in sys.modules]\n"
        "print('HEAVY', heavy, code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert "HEAVY [] 1" in result.stdout


@pytest.mark.parametrize(
    "ack",
    ["SqsPatterns-SP9", "SqsPatterns::SqsPatterns-SP9"],
    ids=["cdk-nag form", "aws-cdk-lib form"],
)
def test_an_acknowledged_finding_is_not_reported(
    ack: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outdir = synthesized(9, tmp_path, ack=ack)

    assert main(["check", str(outdir)]) == 0
    assert capsys.readouterr().out.strip() == (
        "no findings in 1 stack, 2 resources; 1 acknowledged (--show-acknowledged lists them)"
    )
    assert main(["check", "--show-acknowledged", str(outdir)]) == 0
    shown = capsys.readouterr().out
    assert "SqsPatterns-SP9  error  Sp9/Uploads/Resource" in shown
    assert "  acknowledged at Sp9: known; fixed in Q3" in shown


def test_an_acknowledgment_of_another_rule_or_pack_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other_rule = synthesized(9, tmp_path / "rule", ack="SqsPatterns-SP1")
    other_pack = synthesized(9, tmp_path / "pack", ack="AwsSolutions::SqsPatterns-SP9")

    assert main(["check", str(other_rule)]) == 1
    assert main(["check", str(other_pack)]) == 1


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outdir = synthesized(4, tmp_path)

    assert main(["check", "--json", str(outdir)]) == 1
    report = json.loads(capsys.readouterr().out)
    (found,) = report["findings"]
    assert found["rule"] == "SqsPatterns-SP4"
    assert found["severity"] == "error"
    assert found["path"] == "Sp4/Handler/SqsEventSource:Sp4Payments15130223/Resource"
    assert found["stack"] == "Sp4"
    assert found["problem"] == [
        "the visibility timeout of Sp4/Payments/Resource (30 s) is below 6 x the timeout of "
        "Sp4/Handler/Resource (30 s) + the batching window (0 s) = 180 s"
    ]
    # only the remedy of this cause: not the FIFO window's nor the scaling modes'
    assert found["fix"] == RULES_BY_ID["SqsPatterns-SP4"].remedies["visibility"]
    assert found["sources"][0].startswith("https://docs.aws.amazon.com/lambda/")
    assert report["acknowledged"] == []
    assert report["summary"] == {"errors": 1, "advisories": 0}
    assert report["checked"]["stacks"] == 1


def test_json_output_of_an_advisory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outdir = synthesized(13, tmp_path)

    assert main(["check", "--json", str(outdir)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [(f["rule"], f["severity"]) for f in report["findings"]] == [
        ("SqsPatterns-SP13", "advisory")
    ]
    assert report["summary"] == {"errors": 0, "advisories": 1}
    assert main(["check", "--json", "--strict", str(outdir)]) == 1


def test_a_template_file_with_cdk_nag_suppressions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A plain CloudFormation user: a template file, acknowledged the cdk-nag v2 way."""
    template = json.loads((synthesized(9, tmp_path / "out") / "Sp9.template.json").read_text())
    path = tmp_path / "uploads.template.json"
    path.write_text(json.dumps(template))

    assert main(["check", str(path)]) == 1
    assert capsys.readouterr().out.startswith("SqsPatterns-SP9  error  uploads/Uploads")

    (bucket,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::S3::Bucket"]
    bucket["Metadata"] = {
        "cdk_nag": {"rules_to_suppress": [{"id": "SqsPatterns-SP9", "reason": "a log archive"}]}
    }
    path.write_text(json.dumps(template))
    assert main(["check", str(path)]) == 0


YAML_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Orders:
    Type: AWS::SNS::Topic
  Ledger:
    Type: AWS::SQS::Queue
    Properties:
      FifoQueue: true
  LedgerSubscription:
    Type: AWS::SNS::Subscription
    Properties:
      Protocol: sqs
      TopicArn: !Ref Orders
      Endpoint: !GetAtt Ledger.Arn
  LedgerPolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Ledger]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: sns.amazonaws.com}
            Action: sqs:SendMessage
            Resource: !GetAtt Ledger.Arn
            Condition:
              ArnEquals: {"aws:SourceArn": !Sub "${Orders}"}
"""


def test_a_yaml_template_with_short_intrinsics(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ledger.yaml"
    path.write_text(YAML_TEMPLATE)

    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("SqsPatterns-SP6  error  ledger/LedgerSubscription")
    assert "1 finding: 1 error (SqsPatterns-SP6) in 1 stack, 4 resources" in out
