"""The library's version: the one place it is written.

pyproject.toml reads it (``[tool.setuptools.dynamic]``) and
``constructs_lib.__version__`` re-exports it. CHANGELOG.md says what each
version changed; docs/versioning.md says what makes a version major.
"""

__version__ = "0.1.0"
