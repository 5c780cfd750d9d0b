"""The documentation must say what the code does, and its examples must run.

The documentation is README.md (the front door) and the site under docs/
(mkdocs; tests/test_docs_site.py builds it). For every construct the library
exports, its page (``docs/constructs/<name in kebab case>.md``) has an
``## Options`` table that lists exactly the keyword-only parameters of
``__init__`` and states each parameter's actual default, and the README links
straight to that table. Every Python example of the README and of the pages
runs as printed, given the names of `tests.doc_fixture`.
"""

from __future__ import annotations

import importlib.util
import inspect
import os
import re
import shlex
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from aws_cdk import App, Duration, Stack
from aws_cdk.assertions import Template
from constructs import Construct

import constructs_lib
from tests.conftest import NO_CDK_NAG, REPO_ROOT, new_app
from tests.doc_examples import Example, doc_examples, python_examples
from tests.doc_fixture import ASSUMED_NAMES, assumed_names

README = (REPO_ROOT / "README.md").read_text()
#: The README is the front door; the reference is the site.
README_MAX_LINES = 300

CONSTRUCTS = [
    obj
    for name in constructs_lib.__all__
    if inspect.isclass(obj := getattr(constructs_lib, name)) and issubclass(obj, Construct)
]


def page_of(construct: type) -> str:
    """``SecureQueue`` -> ``docs/constructs/secure-queue.md``."""
    return "docs/constructs/" + re.sub(r"(?<!^)(?=[A-Z])", "-", construct.__name__).lower() + ".md"


def section(text: str, heading: str) -> str:
    """The text under ``heading`` (e.g. ``## Options``) up to the next heading of its level."""
    level = heading.split(" ")[0]
    match = re.search(rf"^{re.escape(heading)}\n(.*?)(?=^{level} |\Z)", text, re.M | re.S)
    assert match, f"no '{heading}' section"
    return match.group(1)


def options_table(construct: type) -> dict[str, str]:
    """Option name -> default cell of the table under `## Options` of the construct's page."""
    page = (REPO_ROOT / page_of(construct)).read_text()
    rows = re.findall(r"^\| `(\w+)` \| [^|]* \| ([^|]*) \|", section(page, "## Options"), re.M)
    return {name: default.strip() for name, default in rows}


def rendered(default: object) -> str | None:
    if default is None or default is inspect.Parameter.empty:
        return None  # "none" and "required" are explained in words, per option
    if isinstance(default, Duration):
        return default.to_human_string()
    if isinstance(default, bool):
        return str(default)
    if isinstance(default, int):
        return str(default)
    if hasattr(default, "name"):
        return str(default.name)
    return str(default)


@pytest.mark.parametrize("construct", CONSTRUCTS, ids=lambda c: c.__name__)
def test_each_construct_page_documents_every_option_with_its_default(construct: type) -> None:
    params = {
        name: p
        for name, p in inspect.signature(construct.__init__).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    }
    table = options_table(construct)
    assert sorted(table) == sorted(params)
    for name, param in params.items():
        if param.default is inspect.Parameter.empty:
            continue  # required: the table says so in words
        expected = rendered(param.default)
        if expected is not None:
            assert expected in table[name], f"{construct.__name__}.{name}: default {expected}"


@pytest.mark.parametrize("construct", CONSTRUCTS, ids=lambda c: c.__name__)
def test_any_option_is_two_clicks_from_the_readme(construct: type) -> None:
    """The README links the construct's page (its example's heading) and its options table."""
    page = page_of(construct)
    assert f"[{construct.__name__}]({page})" in README
    assert f"[{construct.__name__}]({page}#options)" in README
    assert (
        f"[{construct.__name__}]({page.removeprefix('docs/constructs/')})"
        in (REPO_ROOT / "docs/constructs/index.md").read_text()
    )


def test_the_readme_is_the_front_door() -> None:
    assert len(README.splitlines()) <= README_MAX_LINES
    for command in ("make deploy-local", "make test", "make synth", "make docs"):
        assert command in README
    ci = (REPO_ROOT / ".ci" / "run").read_text()
    assert "make test" in ci


def _slug(heading: str) -> str:
    """The id mkdocs gives a heading: Python-Markdown's toc ``slugify(value, "-")``
    (written out: the floor environment has no Markdown package)."""
    text = unicodedata.normalize("NFKD", heading).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", text).strip().lower())


def _anchors(markdown: str) -> set[str]:
    """The ids of a page's headings."""
    prose = re.sub(r"^```.*?^```", "", markdown, flags=re.M | re.S)
    headings = re.findall(r"^#{1,6} (.+)$", prose, re.M)
    plain = (re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", h).replace("`", "") for h in headings)
    return {_slug(h) for h in plain}


def test_every_link_of_the_readme_resolves() -> None:
    """mkdocs checks the site's links (strict build); the README is outside the site."""
    links = re.findall(r"\]\(([^)\s]+)\)", README)
    local = [link for link in links if not re.match(r"[a-z]+://", link)]
    assert local
    for link in local:
        target, _, anchor = link.partition("#")
        path = REPO_ROOT / target if target else REPO_ROOT / "README.md"
        assert path.exists(), f"README links {link}: no {target}"
        if anchor:
            assert anchor in _anchors(path.read_text()), f"README links {link}: no #{anchor}"


EXAMPLES = doc_examples()


def example_params(*, construct_examples: bool) -> list[object]:
    return [
        pytest.param(e, id=e.id, marks=[pytest.mark.runtime] if "moto" in e.code else [])
        for e in EXAMPLES
        if e.uses_self is construct_examples
    ]


@pytest.mark.parametrize("construct", CONSTRUCTS, ids=lambda c: c.__name__)
def test_each_construct_has_an_example_in_the_readme_and_on_its_page(construct: type) -> None:
    call = f"{construct.__name__}("
    readme = python_examples(README, "README.md")
    page = python_examples((REPO_ROOT / page_of(construct)).read_text(), page_of(construct))
    assert any(call in e.code for e in readme if e.uses_self)
    assert any(call in e.code for e in page if e.uses_self)


@pytest.mark.parametrize("listing", ["README.md", "docs/constructs/index.md"])
def test_the_assumed_names_are_listed_where_the_examples_are_explained(listing: str) -> None:
    text = (REPO_ROOT / listing).read_text()
    listed = re.search(r"use a few names they do not define: (.*?)\.\n\n", text, re.S)
    assert listed, f"{listing} lists no assumed names"
    assert set(re.findall(r"`(\w+)`", listed.group(1))) >= ASSUMED_NAMES


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.id)
def test_example_uses_only_names_the_fixture_documents(example: Example) -> None:
    undefined = example.free_names - {"self"} - ASSUMED_NAMES
    assert not undefined, (
        f"{example.id} uses {sorted(undefined)}: define them in the example, or add them to "
        "tests/doc_fixture.py and to the lists of assumed names (README.md, "
        "docs/constructs/index.md)"
    )


@pytest.mark.parametrize("example", example_params(construct_examples=True))
def test_construct_example_synthesizes(example: Example, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO_ROOT)  # asset folders are named relative to the app, as in a user's
    stack = Stack(new_app(), "Example")
    scope = Construct(stack, "Example")
    exec(example.compiled(), {**assumed_names(stack, example.free_names), "self": scope})

    assert scope.node.children, f"{example.id} built nothing"
    Template.from_stack(stack)  # synthesizes: raises on any error of the example


#: Runs a program example that builds its own App() in a process of its own, as
#: a program runs: that App reads CDK_VALIDATION=false (built-in validation off,
#: 3-4 s less), which an App of this process cannot (jsii's Node process started
#: without it).
PROGRAM_RUNNER = """
import sys
from aws_cdk import Stack
from tests.conftest import REPO_ROOT, new_app
from tests.doc_examples import python_examples
from tests.doc_fixture import assumed_names

path, line = sys.argv[1], int(sys.argv[2])
examples = python_examples((REPO_ROOT / path).read_text(), path)
example = next(e for e in examples if e.line == line)
exec(example.compiled(), assumed_names(Stack(new_app(), "Example"), example.free_names))
"""


@pytest.mark.program
@pytest.mark.parametrize("example", example_params(construct_examples=False))
def test_program_example_runs(example: Example, tmp_cwd: Path) -> None:
    if "cdk_nag" in example.code and importlib.util.find_spec("cdk_nag") is None:
        pytest.skip(NO_CDK_NAG)
    if "App(" not in example.code:
        exec(example.compiled(), assumed_names(Stack(new_app(), "Example"), example.free_names))
        return
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM_RUNNER, example.path, str(example.line)],
        env={**os.environ, "CDK_VALIDATION": "false", "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.mark.program
def test_the_simulation_page_command_reproduces_its_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("matplotlib")
    from constructs_lib.cli import main
    from stacks import build_example_app
    from tests.conftest import HAS_BUILTIN_VALIDATION, cdk_context

    page = (REPO_ROOT / "docs/cli/simulate-fleet.md").read_text()
    block = re.search(r"```bash\n(.*?)```", page, re.S)
    assert block, "no bash block on the simulate-fleet page"
    line = next(
        part
        for part in block.group(1).replace("\\\n", " ").splitlines()
        if "simulate-fleet" in part
    )
    argv = shlex.split(line.split("#")[0])
    argv = argv[argv.index("simulate-fleet") :]
    # `make synth` as the CLI does it: templates with their construct paths
    options = {"builtin_cloud_formation_validation": False} if HAS_BUILTIN_VALIDATION else {}
    cdk_out = tmp_path / "cdk.out"
    context = {**cdk_context(), "aws:cdk:enable-path-metadata": True}
    app = App(outdir=str(cdk_out), context=context, **options)
    build_example_app(app)
    app.synth()
    png = tmp_path / "plot.png"
    argv[argv.index("--template") + 1] = str(cdk_out)
    argv[argv.index("--output") + 1] = str(png)

    assert main(argv) == 0
    printed = capsys.readouterr().out
    table = printed.split("\n\n")[0]
    assert table in page, f"the command now prints:\n{table}"
    assumptions = printed.split("Assumptions:\n")[1].split("\n\nPlot:")[0]
    for assumption in assumptions.splitlines():
        assert assumption in page, f"the page lacks the assumption: {assumption}"
    assert png.stat().st_size > 20_000
    assert (REPO_ROOT / "docs/buffering-spike.png").stat().st_size > 20_000
