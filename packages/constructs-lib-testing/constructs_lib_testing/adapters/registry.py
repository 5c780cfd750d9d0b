"""The adapters, and the part of the local account that makes moto use them.

`ADAPTERS` lists every adapter module's `Adapter`. The part ``adapters``
(`constructs_lib_testing.activation`) holds every adapter's patches, plus two
that make moto's CloudFormation resolve the types it skips to their models
(`MODELS`): moto looks models up in ``parsing.get_model_map()`` (by type) and
``parsing.get_name_type_map()`` (their name property); while the part is
active, both answer the adapters' types too. Nothing else in moto is
touched, and nothing at all before `activate_adapters`.

Because the patches live in moto's own parser, they serve every client of
moto in this process: ``mock_aws()``, a ``ThreadedMotoServer`` and the CDK
CLI deploying into that server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from constructs_lib_testing._moto_version import check_moto_version
from constructs_lib_testing.activation import (
    MotoPatch,
    activate,
    deactivate,
    is_active,
    register_part,
)
from constructs_lib_testing.adapters import (
    autoscaling_lifecycle_hook,
    autoscaling_scaling_policy,
    cdk_metadata,
    cloudformation_update_parameters,
    cloudformation_update_unsupported,
    cloudwatch_alarm,
    ec2_security_group_egress,
    ec2_vpc_teardown,
    events_event_bus,
    events_input_paths,
    kms_key_policy,
    pipes_pipe,
    s3_bucket_policy,
    s3_bucket_properties,
    scheduler_schedule,
    sns_subscription,
    sns_topic_policy,
    sqs_fifo_queue_name,
    sqs_queue_counts,
    sqs_queue_policy,
    sqs_receipt_handles,
)
from constructs_lib_testing.adapters._model import Adapter, AdapterModel

#: The name of the part (and of its group) in `constructs_lib_testing.activation`.
PART_NAME = "adapters"

#: Every adapter, in the order of the docs' table.
ADAPTERS: tuple[Adapter, ...] = tuple(
    module.ADAPTER
    for module in (
        sqs_queue_policy,
        sqs_fifo_queue_name,
        sqs_queue_counts,
        sqs_receipt_handles,
        sns_subscription,
        sns_topic_policy,
        s3_bucket_policy,
        s3_bucket_properties,
        events_event_bus,
        events_input_paths,
        scheduler_schedule,
        pipes_pipe,
        kms_key_policy,
        cloudwatch_alarm,
        autoscaling_scaling_policy,
        autoscaling_lifecycle_hook,
        ec2_security_group_egress,
        ec2_vpc_teardown,
        cdk_metadata,
        cloudformation_update_parameters,
        cloudformation_update_unsupported,
    )
)

#: Resource type -> the model of a type moto's CloudFormation skips; each has
#: a ``verify`` that checks the deployed resource through boto3.
MODELS: dict[str, type[AdapterModel]] = {
    resource_type: adapter.model
    for adapter in ADAPTERS
    if adapter.model is not None
    for resource_type in adapter.resource_types
}


def _with_models(original: Callable[[], dict[str, Any]]) -> Callable[[], dict[str, Any]]:
    def get_model_map() -> dict[str, Any]:
        return {**original(), **MODELS}

    return get_model_map


def _with_model_names(original: Callable[[], dict[str, str]]) -> Callable[[], dict[str, str]]:
    names = {t: model.cloudformation_name_type() for t, model in MODELS.items()}

    def get_name_type_map() -> dict[str, str]:
        return {**original(), **names}

    return get_name_type_map


#: How moto's CloudFormation finds the models of `MODELS` while active.
MODEL_RESOLUTION = (
    MotoPatch(
        "moto.cloudformation.parsing:get_model_map",
        _with_models,
        relies_on=(
            "moto.cloudformation.parsing:resource_class_from_type",
            "moto.cloudformation.parsing:parse_and_create_resource",
        ),
    ),
    MotoPatch(
        "moto.cloudformation.parsing:get_name_type_map",
        _with_model_names,
        relies_on=("moto.cloudformation.parsing:resource_name_property_from_type",),
    ),
)

PART = register_part(
    PART_NAME,
    "CloudFormation types moto skips realized by their models; moto's own models and "
    "parser fixed where they differ from AWS",
    [*MODEL_RESOLUTION, *(patch for adapter in ADAPTERS for patch in adapter.patches)],
    group=PART_NAME,
)


def activate_adapters() -> None:
    """Make moto use the adapters (counted: each call needs a `deactivate_adapters`).

    :raises MotoVersionError: when the installed moto is outside the tested range.
    """
    check_moto_version()
    activate(PART_NAME)


def deactivate_adapters() -> None:
    """Undo one `activate_adapters`; the last one gives moto its own code back."""
    deactivate(PART_NAME)


def adapters_active() -> bool:
    return is_active(PART_NAME)


def ensure_adapters_active() -> None:
    """Activate the adapters unless something did (what `deploy_template` calls)."""
    if not adapters_active():
        activate_adapters()


@contextmanager
def moto_adapters() -> Iterator[None]:
    """The adapters active for the block::

    with mock_aws(), moto_adapters():
        deployed = deploy_template(template)
    """
    activate_adapters()
    try:
        yield
    finally:
        deactivate_adapters()


def adapter_table() -> str:
    """The Markdown table of docs/testing.md, one row per adapter (a test keeps it equal)."""
    rows = [
        "| module | types | realizes or fixes | upstream fix for moto |",
        "|---|---|---|---|",
    ]
    for adapter in ADAPTERS:
        types = ", ".join(f"`{t}`" for t in adapter.resource_types) or "(UpdateStack)"
        rows.append(
            f"| `{adapter.name}` | {types} | {adapter.kind}: {adapter.mends} | "
            f"{adapter.upstream or '-'} |"
        )
    return "\n".join(rows) + "\n"
