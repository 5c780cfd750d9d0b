"""The test kit's version: the one place it is written.

The distribution ``constructs-lib-testing`` has its own version, apart from
``constructs-lib``'s: its pyproject.toml reads it (``[tool.setuptools.dynamic]``)
and ``constructs_lib_testing.__version__`` re-exports it. Its CHANGELOG.md
(beside its pyproject.toml) says what each version changed.
"""

__version__ = "0.1.0"
