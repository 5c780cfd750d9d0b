"""The repository's two distributions, built as a user would get them.

constructs-lib (the repository's root) and constructs-lib-testing (the test
kit, packages/constructs-lib-testing): ``python -m build --no-isolation``
(the backend of the dev extra, no network) into a folder of the test's. A
build writes ``build/`` and ``*.egg-info`` into the project's folder, so
builds of this machine take turns (a file lock): pytest-xdist's workers run
tests/test_packaging.py and tests/test_user_path.py side by side.
"""

from __future__ import annotations

import fcntl
import hashlib
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from email.parser import Parser
from pathlib import Path

from tests.conftest import KIT_ROOT, REPO_ROOT

#: Where each distribution's pyproject.toml is.
PROJECTS = {"constructs-lib": REPO_ROOT, "constructs-lib-testing": KIT_ROOT}


@dataclass(frozen=True)
class Built:
    """One distribution's wheel and sdist."""

    name: str
    wheel: Path
    sdist: Path

    def names(self) -> list[str]:
        """Every file of the wheel."""
        return zipfile.ZipFile(self.wheel).namelist()

    def dist_info(self, file: str) -> str:
        """A file of the wheel's ``.dist-info`` (``METADATA``, ``entry_points.txt``)."""
        name = next(n for n in self.names() if n.endswith(f".dist-info/{file}"))
        return zipfile.ZipFile(self.wheel).read(name).decode()

    def metadata(self) -> Message:
        return Parser().parsestr(self.dist_info("METADATA"))

    def requires(self) -> list[str]:
        """The wheel's ``Requires-Dist`` lines."""
        return self.metadata().get_all("Requires-Dist") or []


def pyproject(name: str) -> dict[str, object]:
    project: dict[str, object] = tomllib.loads(
        (PROJECTS[name] / "pyproject.toml").read_text(encoding="utf-8")
    )["project"]
    return project


@contextmanager
def _turn() -> Iterator[None]:
    digest = hashlib.sha256(str(REPO_ROOT).encode()).hexdigest()[:12]
    with open(Path(tempfile.gettempdir()) / f"constructs-lib-build-{digest}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def build(name: str, outdir: Path) -> Built:
    """Build the wheel and the sdist of ``name`` into ``outdir``."""
    with _turn():
        result = subprocess.run(
            [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(outdir), "."],
            cwd=PROJECTS[name],
            capture_output=True,
            text=True,
            check=False,
            timeout=600,
        )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    stem = name.replace("-", "_")
    (wheel,) = outdir.glob(f"{stem}-*.whl")
    (sdist,) = outdir.glob(f"{stem}-*.tar.gz")
    return Built(name=name, wheel=wheel, sdist=sdist)
