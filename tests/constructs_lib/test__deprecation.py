"""Renamed public names keep working for a while, and say so each time they are used."""

from __future__ import annotations

import importlib

import pytest

from constructs_lib import aws_scaling_model, defaults, fleet_sizing
from constructs_lib._deprecation import aliases

#: (module, old name, module of the new name, new name): every alias CHANGELOG.md lists.
ALIASES = [
    ("constructs_lib", "FanoutQueue", "constructs_lib.topic_fanout", "FanoutSubscription"),
    (
        "constructs_lib.topic_fanout",
        "FanoutQueue",
        "constructs_lib.topic_fanout",
        "FanoutSubscription",
    ),
    ("constructs_lib", "WorkerScaling", "constructs_lib.queue_worker_fleet", "FleetScalingPolicy"),
    (
        "constructs_lib.queue_worker_fleet",
        "WorkerScaling",
        "constructs_lib.queue_worker_fleet",
        "FleetScalingPolicy",
    ),
    (
        "constructs_lib.queue_worker_fleet",
        "ASSET_EXCLUDES",
        "constructs_lib.defaults",
        "ASSET_EXCLUDES",
    ),
    *(
        ("constructs_lib.defaults", old, "constructs_lib._aws", new)
        for old, new in defaults._MOVED_TO_AWS.items()
    ),
    *(
        ("constructs_lib.scaling", name, "constructs_lib.fleet_sizing", name)
        for name in fleet_sizing.__all__
    ),
    *(
        ("constructs_lib.scaling_rules", name, "constructs_lib.aws_scaling_model", name)
        for name in aws_scaling_model.__all__
    ),
]


@pytest.mark.parametrize(("module", "old", "new_module", "new"), ALIASES, ids=lambda v: str(v))
def test_an_old_name_warns_and_gives_the_new_one(
    module: str, old: str, new_module: str, new: str
) -> None:
    with pytest.warns(DeprecationWarning, match=rf"{module}\.{old} is deprecated.*{new}"):
        value = getattr(importlib.import_module(module), old)
    assert value is getattr(importlib.import_module(new_module), new)


def test_a_name_that_never_existed_is_still_an_attribute_error() -> None:
    module_getattr = aliases("pkg.mod", {"Old": "constructs_lib.defaults:ASSET_EXCLUDES"})
    with pytest.raises(AttributeError, match=r"'pkg\.mod' has no attribute 'Nothing'"):
        module_getattr("Nothing")


def test_a_renamed_module_resolves_to_the_module() -> None:
    module_getattr = aliases("pkg", {"old_defaults": "constructs_lib.defaults"})
    with pytest.warns(DeprecationWarning, match=r"pkg\.old_defaults is deprecated"):
        assert module_getattr("old_defaults") is importlib.import_module("constructs_lib.defaults")


def test_old_imports_keep_working_with_a_warning() -> None:
    with pytest.warns(DeprecationWarning, match=r"constructs_lib\.scaling\.drain_seconds"):
        from constructs_lib.scaling import drain_seconds
    assert drain_seconds(30, 180) == fleet_sizing.drain_seconds(30, 180)
    with pytest.warns(DeprecationWarning, match=r"constructs_lib\.FanoutQueue is deprecated"):
        from constructs_lib import FanoutQueue
    assert FanoutQueue.__name__ == "FanoutSubscription"


def test_the_deprecated_names_are_not_in_the_public_lists() -> None:
    import constructs_lib
    from constructs_lib import queue_worker_fleet, topic_fanout

    assert {"FanoutQueue", "WorkerScaling"}.isdisjoint(constructs_lib.__all__)
    assert "FanoutQueue" not in topic_fanout.__all__
    assert "WorkerScaling" not in queue_worker_fleet.__all__
