"""Deprecated: the test kit is ``constructs_lib_testing``, distribution constructs-lib-testing.

``pip install 'constructs-lib[testing]'`` installs it. This old name keeps
working until the next breaking release and warns once, on import
(`DeprecationWarning`): ``constructs_lib.testing.X`` is
``constructs_lib_testing.X``, and every ``constructs_lib.testing.<module>``
is the module ``constructs_lib_testing.<module>`` itself (the same object: a
test patching one patches the other). ``-p constructs_lib.testing.pytest_plugin``
loads the kit's plugin (`constructs_lib.testing.pytest_plugin`, kept here).

Replace ``constructs_lib.testing`` by ``constructs_lib_testing`` in imports.
Type checkers see ``constructs_lib.testing``'s names as ``Any`` and do not
find its submodules: the new name is the typed one.

The library never imports the kit (an import-linter contract,
docs/architecture.md): this module names it only as a string, imported when
a user imports the old name.
"""

from __future__ import annotations

from constructs_lib._deprecation import moved_package
from constructs_lib._extras import TESTING_MODULES, require_extra

require_extra("constructs_lib.testing", "testing", TESTING_MODULES)

__getattr__, __dir__ = moved_package(__name__, "constructs_lib_testing", local={"pytest_plugin"})
