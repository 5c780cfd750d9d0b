"""pytest support for the local account: the adapters and the strict account.

Installing the distribution registers it (entry point ``pytest11``, named
``constructs_lib_testing.pytest_plugin``): pytest loads it in every run.
``-p constructs_lib_testing.pytest_plugin`` names it explicitly (with
``PYTEST_DISABLE_PLUGIN_AUTOLOAD``, say) and loads it once, not twice;
``-p no:constructs_lib_testing.pytest_plugin`` keeps it out. Importing it
patches nothing and imports neither moto nor the rest of the kit: a fixture
imports what it needs when a test asks for it, so loading the plugin costs a
run that never uses it nothing. It provides:

- the ``moto_adapters`` fixture: the CloudFormation adapters
  (`constructs_lib_testing.adapters`) active for one test, and moto's own
  code back after it;
- the ``strict_account`` fixture: the adapters, and a fresh strict account for one test (drops
  forgotten, clock at zero), every part on except those a
  ``@pytest.mark.lenient_account("principals", ...)`` marker names;
- a check after each test that uses it: a delivery refused during the test
  and not taken with ``strict_account.take_drops()`` fails the test, naming
  the delivery and the policy that refused it (in the test's call phase, so
  ``xfail`` applies to it).
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from constructs_lib_testing.strict import StrictAccount

LENIENT_MARKER = "lenient_account"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{LENIENT_MARKER}(*parts): turn these parts of the strict local account off "
        "for the test (deliveries, principals, alarms): moto's old leniency",
    )


@pytest.fixture(name="moto_adapters")
def moto_adapters_fixture() -> Iterator[None]:
    """The CloudFormation adapters, active for one test."""
    from constructs_lib_testing.adapters import moto_adapters

    with moto_adapters():
        yield


@pytest.fixture(name="strict_account")
def strict_account_fixture(
    request: pytest.FixtureRequest, moto_adapters: None
) -> Iterator[StrictAccount]:
    """The strict local account (and the adapters), active for one test."""
    from constructs_lib_testing.strict import reset, strict_account

    off: set[str] = set()
    for marker in request.node.iter_markers(LENIENT_MARKER):
        off.update(marker.args)
    reset()
    with strict_account(off=off) as account:
        yield account
    reset()


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> Generator[None, Any, Any]:
    result = yield
    account = pyfuncitem.funcargs.get("strict_account")
    if account is not None:
        from constructs_lib_testing.strict import StrictAccount

        if isinstance(account, StrictAccount):
            account.assert_no_drops()
    return result
