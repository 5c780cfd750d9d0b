"""The evaluator must import where only the standard library is: synth-time
checks run it in apps that have neither moto nor boto3."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_evaluator_loads_no_moto_boto3_or_aws_cdk() -> None:
    code = (
        "import sys, constructs_lib.policy\n"
        "heavy = [m for m in ('moto', 'boto3', 'botocore', 'aws_cdk', 'jsii')\n"
        "         if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
