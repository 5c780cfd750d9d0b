"""A local account that fails where AWS fails (issue 10).

Four capabilities on top of moto, each a *part* that can be switched off:

- ``deliveries``: SNS, S3, EventBridge, Scheduler, EventBridge Pipes and
  CloudWatch deliveries are judged by the target's resource policy and key
  policy with the condition keys the service sends (each service's description
  in `constructs_lib.services`), through one delivery flow; a refused message
  goes to the DLQ the service keeps, or is dropped, and is recorded
  (`StrictAccount.drops`);
- ``principals``: key and trust policies naming an IAM role or user that does
  not exist are refused; the Auto Scaling service-linked role appears with the
  first Auto Scaling group;
- ``alarms``: `StrictAccount.advance` evaluates alarms and target-tracking
  policies from the account's state and runs their actions;
- the policy evaluator they share: `constructs_lib.policy`.

Nothing happens at import: activate it explicitly::

    from moto import mock_aws
    from constructs_lib_testing.strict import strict_account

    with mock_aws(), strict_account() as account:        # or strict_account(off={"alarms"})
        deployed = deploy_template(template)
        ...
        account.advance(minutes=3)
        account.assert_no_drops()

In pytest, the ``strict_account`` fixture of `constructs_lib_testing.pytest_plugin`
does the same per test, and ``@pytest.mark.lenient_account("principals")``
turns one part off for one test.
"""

from __future__ import annotations

from constructs_lib_testing.activation import PARTS, MotoPatch, Part, resolve
from constructs_lib_testing.strict.account import (
    StrictAccount,
    active_account,
    reset,
    strict_account,
)
from constructs_lib_testing.strict.state import PART_NAMES, STRICT_GROUP, Drop, UnexpectedDrops

__all__ = [
    "PARTS",
    "PART_NAMES",
    "STRICT_GROUP",
    "Drop",
    "MotoPatch",
    "Part",
    "StrictAccount",
    "UnexpectedDrops",
    "active_account",
    "reset",
    "resolve",
    "strict_account",
]
