"""The README must say what the code does.

For every construct the library exports, the README has a section whose
options table lists exactly the keyword-only parameters of ``__init__``, and
whose default column states each parameter's actual default. Every Python
example runs as printed, given the names of `tests.readme_fixture`.
"""

from __future__ import annotations

import importlib.util
import inspect
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from aws_cdk import App, Duration, Stack
from aws_cdk.assertions import Template
from constructs import Construct

import constructs_lib
from tests.conftest import NO_CDK_NAG, REPO_ROOT, new_app
from tests.readme_examples import Example, python_examples
from tests.readme_fixture import ASSUMED_NAMES, assumed_names

README = (REPO_ROOT / "README.md").read_text()

CONSTRUCTS = [
    obj
    for name in constructs_lib.__all__
    if inspect.isclass(obj := getattr(constructs_lib, name)) and issubclass(obj, Construct)
]


def options_table(section_title: str) -> dict[str, str]:
    """Option name -> default cell of the first table under `### <title>`."""
    match = re.search(
        rf"^### {re.escape(section_title)}\n(.*?)(?=^### |^## |\Z)", README, re.M | re.S
    )
    assert match, f"README has no '### {section_title}' section"
    rows = re.findall(r"^\| `(\w+)` \| [^|]* \| ([^|]*) \|", match.group(1), re.M)
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
def test_readme_documents_every_option_with_its_default(construct: type) -> None:
    params = {
        name: p
        for name, p in inspect.signature(construct.__init__).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY
    }
    table = options_table(construct.__name__)
    assert sorted(table) == sorted(params)
    for name, param in params.items():
        if param.default is inspect.Parameter.empty:
            continue  # required: the table says so in words
        expected = rendered(param.default)
        if expected is not None:
            assert expected in table[name], f"{construct.__name__}.{name}: default {expected}"


def test_readme_opens_with_the_two_commands() -> None:
    assert "make synth" in README and "make test" in README
    ci = (REPO_ROOT / ".ci" / "run").read_text()
    assert "make test" in ci


EXAMPLES = python_examples(README)


def example_params(*, construct_examples: bool) -> list[object]:
    return [
        pytest.param(e, id=e.id, marks=[pytest.mark.runtime] if "moto" in e.code else [])
        for e in EXAMPLES
        if e.uses_self is construct_examples
    ]


def test_readme_has_an_example_per_construct() -> None:
    construct_examples = [e for e in EXAMPLES if e.uses_self]
    assert len(construct_examples) >= len(CONSTRUCTS)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.id)
def test_readme_example_uses_only_names_the_fixture_documents(example: Example) -> None:
    undefined = example.free_names - {"self"} - ASSUMED_NAMES
    assert not undefined, (
        f"{example.id} uses {sorted(undefined)}: define them in the example, or add them to "
        "tests/readme_fixture.py and to the README's list of assumed names"
    )
    listed = re.search(r"use a few names they do not define: (.*?)\.\n\n", README, re.S)
    assert listed, "README lists no assumed names"
    assert set(re.findall(r"`(\w+)`", listed.group(1))) >= ASSUMED_NAMES


@pytest.mark.parametrize("example", example_params(construct_examples=True))
def test_readme_construct_example_synthesizes(
    example: Example, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO_ROOT)  # asset folders are named relative to the app, as in a user's
    stack = Stack(new_app(), "Readme")
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
from tests.readme_examples import python_examples
from tests.readme_fixture import assumed_names

readme = (REPO_ROOT / "README.md").read_text()
example = next(e for e in python_examples(readme) if e.line == int(sys.argv[1]))
exec(example.compiled(), assumed_names(Stack(new_app(), "Readme"), example.free_names))
"""


@pytest.mark.parametrize("example", example_params(construct_examples=False))
def test_readme_program_example_runs(example: Example, tmp_cwd: Path) -> None:
    if "cdk_nag" in example.code and importlib.util.find_spec("cdk_nag") is None:
        pytest.skip(NO_CDK_NAG)
    if "App(" not in example.code:
        exec(example.compiled(), assumed_names(Stack(new_app(), "Readme"), example.free_names))
        return
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM_RUNNER, str(example.line)],
        env={**os.environ, "CDK_VALIDATION": "false", "PYTHONPATH": str(REPO_ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def _section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.M | re.S)
    assert match, f"README has no '## {title}' section"
    return match.group(1)


def test_readme_simulation_command_reproduces_its_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("matplotlib")
    from constructs_lib.cli import main
    from stacks import build_example_app
    from tests.conftest import HAS_BUILTIN_VALIDATION, cdk_context

    section = _section("Simulating a fleet before deploying it (simulate-fleet)")
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, "no bash block in the simulation section"
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
    assert table in section, f"the command now prints:\n{table}"
    assumptions = printed.split("Assumptions:\n")[1].split("\n\nPlot:")[0]
    for assumption in assumptions.splitlines():
        assert assumption in section, f"README lacks the assumption: {assumption}"
    assert png.stat().st_size > 20_000
    assert (REPO_ROOT / "docs/buffering-spike.png").stat().st_size > 20_000
