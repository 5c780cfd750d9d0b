"""The documentation site builds, in strict mode, offline, and covers the public API.

`make docs` builds it into site/; here it is built the same way into a
temporary folder (about 2 s). Strict mode fails on any warning: a broken link
or anchor, a page missing from the nav, an API reference that names nothing.
"""

from __future__ import annotations

import importlib
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import constructs_lib
from tests.conftest import REPO_ROOT

pytestmark = pytest.mark.program

pytest.importorskip("mkdocs", reason="the dev extra's mkdocs-material builds the site")

#: The modules whose ``__all__`` the API reference documents, and their page.
REFERENCE_PAGES = {
    "constructs_lib": "docs/reference/index.md",
    "constructs_lib.dashboard": "docs/reference/dashboard.md",
    "constructs_lib.checks": "docs/reference/checks.md",
    "constructs_lib.simulation": "docs/reference/simulation.md",
    "constructs_lib.runtime": "docs/reference/runtime.md",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=REPO_ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    assert "WARNING" not in result.stderr, result.stderr[-5000:]
    return out


def test_the_site_has_a_page_per_construct_with_its_options(site: Path) -> None:
    constructs = [
        name
        for name in constructs_lib.__all__
        if inspect.isclass(obj := getattr(constructs_lib, name)) and hasattr(obj, "node")
    ]
    assert len(constructs) == 10
    for name in constructs:
        slug = re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()
        html = (site / "constructs" / f"{slug}.html").read_text()
        assert 'id="options"' in html and "<table>" in html, name
        assert '<pre class="mermaid">' in html, f"{name}: its diagram is not rendered by Mermaid"


def test_the_site_fetches_no_fonts_from_the_internet(site: Path) -> None:
    for page in site.rglob("*.html"):
        assert "fonts.googleapis.com" not in page.read_text(), page


def _documented(page: str) -> set[str]:
    """The objects a reference page renders (its ``::: module.Name`` lines)."""
    text = (REPO_ROOT / page).read_text()
    return set(re.findall(r"^::: ([\w.]+)$", text, re.M))


@pytest.mark.parametrize("module_name", sorted(REFERENCE_PAGES))
def test_the_api_reference_documents_every_public_class_and_function(module_name: str) -> None:
    """Each name of the module's ``__all__`` that is a class or function, under the
    module that defines it (constants and type aliases are described in prose)."""
    module = importlib.import_module(module_name)
    public = {
        f"{obj.__module__}.{name}"
        for name in module.__all__
        if inspect.isclass(obj := getattr(module, name)) or inspect.isfunction(obj)
    }
    if module_name == "constructs_lib.dashboard":
        public.discard("constructs_lib.dashboard.PatternDashboard")  # on the package's page
    assert _documented(REFERENCE_PAGES[module_name]) == public


def test_the_site_output_is_not_committed() -> None:
    assert "site/" in (REPO_ROOT / ".gitignore").read_text().splitlines()
