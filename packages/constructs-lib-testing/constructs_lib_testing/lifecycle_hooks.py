"""Scale-in through an ``EC2_INSTANCE_TERMINATING`` lifecycle hook, as AWS does it.

moto 5.2.5 stores lifecycle hooks and ignores them: a scale-in terminates the
chosen instances at once, and ``CompleteLifecycleAction`` /
``RecordLifecycleActionHeartbeat`` are not implemented. AWS (EC2 Auto Scaling
User Guide, "Amazon EC2 Auto Scaling lifecycle hooks") instead:

- moves an instance chosen for scale-in to ``Terminating:Wait`` when the
  group has a terminating hook; the group's desired capacity drops at once,
  the instance stays in the group (not ``InService``) and keeps running;
- its instance metadata's ``autoscaling/target-lifecycle-state`` becomes
  ``Terminated`` (see `constructs_lib_testing.instance_metadata`);
- ``CompleteLifecycleAction`` (``CONTINUE`` or ``ABANDON``: for a
  terminating hook both terminate) moves it to ``Terminating:Proceed`` and
  terminates it; so does the hook's heartbeat timeout, with its default
  result; ``RecordLifecycleActionHeartbeat`` restarts that timeout;
- either call for an instance that is not waiting fails with
  ``ValidationError`` "No active Lifecycle Action found with instance ID ...".

`scale_in_with_lifecycle_hooks` activates the part ``lifecycle-hooks``
(`constructs_lib_testing.activation`), which patches moto to do that while
it is active (in-process and for a ``ThreadedMotoServer`` of this process),
and restores moto afterwards::

    with ThreadedMotoServer(...), scale_in_with_lifecycle_hooks():
        autoscaling.set_desired_capacity(AutoScalingGroupName=g, DesiredCapacity=0)
        # the instance waits in Terminating:Wait until the worker completes the action

Timeouts are applied lazily: when the extension next looks at the group
(scale-in, complete, heartbeat, `lifecycle_state`);
`time_out_pending_lifecycle_actions` lets them pass at once (a drain that
outlasts the hook).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from moto.autoscaling.exceptions import ValidationError
from moto.autoscaling.models import (
    AutoScalingBackend,
    FakeAutoScalingGroup,
    InstanceState,
    autoscaling_backends,
)
from moto.autoscaling.responses import AutoScalingResponse
from moto.core.responses import EmptyResult

from constructs_lib_testing.activation import MotoPatch, activated, register_part

__all__ = [
    "WAITING",
    "lifecycle_state",
    "scale_in_with_lifecycle_hooks",
    "time_out_pending_lifecycle_actions",
]

TERMINATING_TRANSITION = "autoscaling:EC2_INSTANCE_TERMINATING"
WAITING = "Terminating:Wait"
PROCEEDING = "Terminating:Proceed"
RESULTS = ("CONTINUE", "ABANDON")


@dataclass
class _PendingAction:
    group: FakeAutoScalingGroup
    state: InstanceState
    hook_name: str
    default_result: str
    heartbeat_timeout: float
    deadline: float


_PENDING: dict[str, _PendingAction] = {}  # by instance id
_LOCK = threading.RLock()


PART_NAME = "lifecycle-hooks"


@contextmanager
def scale_in_with_lifecycle_hooks() -> Iterator[None]:
    """Patches moto's Auto Scaling for the duration of the ``with`` block."""
    try:
        with activated(PART_NAME):
            yield
    finally:
        with _LOCK:
            _PENDING.clear()


def lifecycle_state(instance_id: str) -> str | None:
    """The instance's Auto Scaling lifecycle state; None when it left its group."""
    _expire_overdue()
    for backend in _all_backends():
        for group in backend.autoscaling_groups.values():
            for state in group.instance_states:
                if state.instance.id == instance_id:
                    return str(state.lifecycle_state)
    return None


def time_out_pending_lifecycle_actions() -> int:
    """Lets every waiting instance's heartbeat timeout pass now, as if the hook's
    time had run out: Auto Scaling goes on with the default result (a
    terminating hook terminates), and a later ``CompleteLifecycleAction`` finds
    no active action. Returns how many instances it let go."""
    with _LOCK:
        for pending in _PENDING.values():
            pending.deadline = time.monotonic()
        count = len(_PENDING)
    _expire_overdue()
    return count


# --- moto, patched --------------------------------------------------------------


def _wrap_set_desired_capacity(original: Callable[..., None]) -> Callable[..., None]:
    def set_desired_capacity(self: FakeAutoScalingGroup, new_capacity: int | None) -> None:
        _expire_overdue()
        hook = _terminating_hook(self)
        target = self.min_size if new_capacity is None else new_capacity
        excess = len(self.active_instances()) - (target or 0)
        if hook is None or excess <= 0:
            original(self, new_capacity)
        else:
            _wait_for_hook(self, hook, target or 0, excess)

    return set_desired_capacity


def _wait_for_hook(group: FakeAutoScalingGroup, hook: Any, target: int, excess: int) -> None:
    group.desired_capacity = target
    chosen = [
        s
        for s in group.instance_states
        if s.lifecycle_state == "InService" and not s.protected_from_scale_in
    ][:excess]
    now = time.monotonic()
    with _LOCK:
        for state in chosen:
            state.lifecycle_state = WAITING
            _PENDING[state.instance.id] = _PendingAction(
                group=group,
                state=state,
                hook_name=hook.name,
                default_result=hook.default_result,
                heartbeat_timeout=float(hook.heartbeat_timeout),
                deadline=now + float(hook.heartbeat_timeout),
            )


def _complete_response(self: AutoScalingResponse) -> EmptyResult:
    result = self._get_param("LifecycleActionResult")
    if result not in RESULTS:
        raise ValidationError(f"LifecycleActionResult must be one of {', '.join(RESULTS)}")
    pending = _pending_for(self)
    _terminate(pending)
    return EmptyResult()


def _heartbeat_response(self: AutoScalingResponse) -> EmptyResult:
    pending = _pending_for(self)
    with _LOCK:
        pending.deadline = time.monotonic() + pending.heartbeat_timeout
    return EmptyResult()


def _pending_for(response: AutoScalingResponse) -> _PendingAction:
    _expire_overdue()
    group_name = response._get_param("AutoScalingGroupName")
    hook_name = response._get_param("LifecycleHookName")
    instance_id = response._get_param("InstanceId")
    with _LOCK:
        pending = _PENDING.get(instance_id)
    if pending is None or (pending.group.name, pending.hook_name) != (group_name, hook_name):
        raise ValidationError(f"No active Lifecycle Action found with instance ID {instance_id}")
    return pending


# --- internals -------------------------------------------------------------------


def _terminating_hook(group: FakeAutoScalingGroup) -> Any:
    hooks = group.autoscaling_backend.describe_lifecycle_hooks(group.name)
    return next((h for h in hooks if h.lifecycle_transition == TERMINATING_TRANSITION), None)


def _terminate(pending: _PendingAction) -> None:
    with _LOCK:
        if _PENDING.pop(pending.state.instance.id, None) is None:
            return
    pending.state.lifecycle_state = PROCEEDING
    group = pending.group
    group.autoscaling_backend.ec2_backend.terminate_instances([pending.state.instance.id])
    group.instance_states = [s for s in group.instance_states if s is not pending.state]


def _expire_overdue() -> None:
    now = time.monotonic()
    with _LOCK:
        overdue = [p for p in _PENDING.values() if p.deadline <= now]
    for pending in overdue:  # the hook's default result: a terminating hook terminates
        _terminate(pending)


def _all_backends() -> Iterator[AutoScalingBackend]:
    for account in autoscaling_backends.values():
        yield from account.values()


register_part(
    PART_NAME,
    "scale-in waits in Terminating:Wait for a terminating lifecycle hook; "
    "CompleteLifecycleAction and RecordLifecycleActionHeartbeat answered",
    [
        MotoPatch(
            "moto.autoscaling.models:FakeAutoScalingGroup.set_desired_capacity",
            _wrap_set_desired_capacity,
            relies_on=(
                "moto.autoscaling.models:FakeAutoScalingGroup.active_instances",
                "moto.autoscaling.models:FakeAutoScalingGroup#instance_states",
                "moto.autoscaling.models:FakeAutoScalingGroup#autoscaling_backend",
                "moto.autoscaling.models:FakeAutoScalingGroup#min_size",
                "moto.autoscaling.models:InstanceState#lifecycle_state",
                "moto.autoscaling.models:InstanceState#instance",
                "moto.autoscaling.models:InstanceState#protected_from_scale_in",
                "moto.autoscaling.models:AutoScalingBackend.describe_lifecycle_hooks",
                "moto.autoscaling.models:AutoScalingBackend#autoscaling_groups",
                "moto.autoscaling.models:AutoScalingBackend#ec2_backend",
                "moto.autoscaling.models:autoscaling_backends",
            ),
        ),
        MotoPatch(
            "moto.autoscaling.responses:AutoScalingResponse.complete_lifecycle_action",
            lambda _absent: _complete_response,
            adds=True,
            relies_on=(
                "moto.autoscaling.responses:AutoScalingResponse",
                "moto.core.responses:BaseResponse._get_param",
                "moto.core.responses:EmptyResult",
                "moto.autoscaling.exceptions:ValidationError",
            ),
        ),
        MotoPatch(
            "moto.autoscaling.responses:AutoScalingResponse.record_lifecycle_action_heartbeat",
            lambda _absent: _heartbeat_response,
            adds=True,
        ),
    ],
    group=PART_NAME,
)
