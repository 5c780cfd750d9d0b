"""What moto 5.2.5's CloudFormation skips or gets wrong, mended while activated.

Importing this package changes nothing in moto. `activate_adapters` (or
``with moto_adapters():``, `deploy_template`, `LocalAccount`, the pytest
plugin's fixtures) installs the part ``adapters`` of
`constructs_lib_testing.activation`; `deactivate_adapters` removes it.

Two kinds of adapter, each a module with one `Adapter` record (``ADAPTER``):

- **realizes**: a type moto's CloudFormation skips (``AWS::SQS::QueuePolicy``,
  ``AWS::CloudWatch::Alarm``, ...) gets a model, an `AdapterModel` subclass
  that creates the real thing in moto's backend, removes it, and checks it
  after a deploy (``verify``); `registry.MODELS` maps types to models;
- **fixes**: where moto's own model or parser differs from AWS (an unnamed
  FIFO queue's name, ``Ref`` of an event bus, a template key's policy, ...),
  `MotoPatch`es change moto's code while active, written as the change that
  could be sent to moto.

The table of every adapter is in docs/testing.md, generated from
`registry.ADAPTERS` (``python -m constructs_lib_testing.adapters docs/testing.md``
rewrites it; a test keeps it equal).

Still skipped by moto (a template using them fails the post-deploy check,
naming them): ``Custom::*`` resources (their Lambda handlers need Docker).

Adding an adapter (one module, one line in the registry, one test):

1. Create ``adapters/<service>_<type>.py``. For a type moto skips, subclass
   `AdapterModel`: set ``CFN_TYPE`` (and ``NAME_PROPERTY`` /
   ``CFN_ATTRIBUTES`` when the type has a name property or ``Fn::GetAtt``
   attributes); implement ``apply`` (create it in moto's backend from
   ``self.properties``, intrinsics already resolved), ``remove`` and the
   classmethod ``verify`` (check it through ``deployed.client(...)``; return
   problems). For a fix, write `MotoPatch`es. Either way end the module with
   ``ADAPTER = Adapter(...)`` declaring every moto internal it uses
   (``relies_on``). `sqs_queue_policy` and `events_event_bus` are the models
   to copy.
2. Add the module to `registry.ADAPTERS` and regenerate the docs' table.
3. Add ``tests/constructs_lib_testing/adapters/test_<module>.py``: deploy a
   small synthesized template using the type, assert the real effect through
   boto3 (and that it fails without the adapter, the way moto does), and for
   a model assert that ``verify`` reports a broken resource. The upgrade
   checklist (``tests/constructs_lib_testing/test_activation.py``) picks the
   declared internals up by itself.
"""

from __future__ import annotations

from constructs_lib_testing.adapters._model import Adapter, AdapterModel
from constructs_lib_testing.adapters.registry import (
    ADAPTERS,
    MODELS,
    PART_NAME,
    activate_adapters,
    adapter_table,
    adapters_active,
    deactivate_adapters,
    ensure_adapters_active,
    moto_adapters,
)

__all__ = [
    "ADAPTERS",
    "MODELS",
    "PART_NAME",
    "Adapter",
    "AdapterModel",
    "activate_adapters",
    "adapter_table",
    "adapters_active",
    "deactivate_adapters",
    "ensure_adapters_active",
    "moto_adapters",
]
