"""BASE and HEAD: a cloud assembly, a folder of templates or snapshots, or a git ref.

What an argument is, in this order:

1. a path that exists:

   - a folder with ``manifest.json``: a cloud assembly (``cdk.out``), read
     through its manifest (`constructs_lib.templates`);
   - any other folder: every CloudFormation template below it (``.json``,
     ``.yaml``, ``.yml``; files that are not templates are skipped), named
     by file: ``Orders.template.json`` is stack ``Orders``, and a syrupy
     snapshot ``test_x[Orders].json`` (one JSON snapshot per stack, as this
     project's tests/stacks/__snapshots__/ holds) is stack ``Orders`` too;
   - a file: that one template;

2. a git ref of the repository (``--repo``, default: the current folder's):

   - its snapshot files, when the ref has them (``--snapshots DIR``, or, by
     default, any ``__snapshots__`` folder holding JSON templates): read with
     ``git show``, offline, nothing synthesized;
   - else the app synthesized at that ref: a temporary ``git worktree`` of
     the ref, the CDK CLI run in it (``cdk synth --quiet --output <tmp>``, or
     ``--synth-command``), then the worktree removed. The app's own
     dependencies (its Python packages, its node_modules) must be installed
     where the command runs; ``--synth`` forces this path.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from constructs_lib.review.changes import Side
from constructs_lib.templates.assembly import (
    Assembly,
    StackTemplate,
    assembly_stacks,
    suppressions_in_template,
)
from constructs_lib.templates.errors import AssemblyError
from constructs_lib.templates.yaml_templates import parse_yaml_template

#: syrupy's JSON snapshot of one parametrized test: ``test_name[Param].json``.
_SNAPSHOT_NAME = re.compile(r"^[^\[]*\[(?P<name>.+)\]\.json$")
_TEMPLATE_SUFFIXES = (".json", ".yaml", ".yml", ".template")
#: A folder name that marks snapshot files (syrupy's, jest's).
SNAPSHOT_FOLDER = "__snapshots__"
#: The synth command, ``{out}`` replaced by the output folder.
DEFAULT_SYNTH = "cdk synth --quiet --output {out}"
#: Environment of the CDK CLI: no telemetry, no notices (docs/review.md).
_QUIET_CDK = {"CDK_DISABLE_CLI_TELEMETRY": "true", "CDK_DISABLE_VERSION_CHECK": "true"}


@dataclass(frozen=True)
class Options:
    """How git refs are read: where the repository is, and how to synthesize."""

    repo: Path = Path(".")
    #: repository-relative folder of snapshot files; None: any ``__snapshots__`` folder
    snapshots: str | None = None
    #: synthesize even when the ref has snapshots
    synth: bool = False
    #: the app's folder in the repository (where cdk.json is)
    app_dir: str = "."
    #: a shell command run in the app's folder; ``{out}`` is the output folder
    synth_command: str = DEFAULT_SYNTH
    #: seconds a synth may take
    timeout: float = 900


def load_side(spec: str, options: Options = Options()) -> Side:
    """BASE or HEAD as the review reads it; raises `AssemblyError` when it cannot."""
    path = Path(spec)
    if path.exists():
        return Side(str(spec), _from_path(path))
    commit = _commit(spec, options.repo)
    if commit is None:
        raise AssemblyError(
            f"{spec}: neither a path nor a git ref of {options.repo.resolve()} "
            "(a cdk.out, a folder of templates or snapshots, a template file, or a ref)"
        )
    short = commit[:7]
    if not options.synth:
        stacks = list(_snapshot_stacks(commit, options))
        if stacks:
            return Side(f"{spec} ({short}, snapshots)", Assembly(stacks))
    return Side(f"{spec} ({short}, synthesized)", _synthesized(commit, options))


# --- paths ------------------------------------------------------------------------------


def _from_path(path: Path) -> Assembly:
    if path.is_file():
        stack = _template_stack(path.name, path.read_text(), path)
        if stack is None:
            raise AssemblyError(f"{path}: not a CloudFormation template (no Resources section)")
        return Assembly([stack])
    if (path / "manifest.json").is_file():
        stacks = assembly_stacks(path)
        if not stacks:
            raise AssemblyError(f"{path}: a cloud assembly without stacks")
        return Assembly(stacks)
    stacks = []
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        if file.suffix in _TEMPLATE_SUFFIXES and "node_modules" not in file.parts:
            found = _template_stack(file.name, _read(file), file)
            if found is not None:
                stacks.append(found)
    if not stacks:
        raise AssemblyError(
            f"{path}: no CloudFormation template in it (nor a manifest.json: not a cdk.out)"
        )
    return Assembly(stacks)


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except (OSError, UnicodeDecodeError):
        return ""


def stack_name(file_name: str) -> str:
    """``test_x[Orders].json`` and ``Orders.template.json`` -> ``Orders``."""
    snapshot = _SNAPSHOT_NAME.match(file_name)
    if snapshot:
        return snapshot.group("name")
    stem = file_name
    for suffix in _TEMPLATE_SUFFIXES:
        stem = stem.removesuffix(suffix)
    return stem.removesuffix(".template")


def _template_stack(file_name: str, text: str, source: Path | None) -> StackTemplate | None:
    """The stack of one file, or None when it is not a CloudFormation template."""
    template: Any
    try:
        if text.lstrip().startswith(("{", "[")):
            template = json.loads(text)
        elif file_name.endswith((".yaml", ".yml", ".template")):
            template = parse_yaml_template(Path(file_name), text)
        else:
            return None
    except (ValueError, AssemblyError):
        return None
    if not isinstance(template, Mapping) or not isinstance(template.get("Resources"), Mapping):
        return None
    stack = StackTemplate(name=stack_name(file_name), template=template, source=source)
    stack.acknowledgments += suppressions_in_template(stack)
    return stack


# --- git --------------------------------------------------------------------------------


def _git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=check
    )


def _commit(ref: str, repo: Path) -> str | None:
    if shutil.which("git") is None:
        return None
    found = _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
    return found.stdout.strip() if found.returncode == 0 and found.stdout.strip() else None


def _snapshot_stacks(commit: str, options: Options) -> Iterator[StackTemplate]:
    listing = _git(options.repo, "ls-tree", "-r", "--name-only", "--full-tree", commit).stdout
    folder = options.snapshots.strip("/") + "/" if options.snapshots else None
    for name in listing.splitlines():
        if not name.endswith(".json"):
            continue
        if folder is not None:
            if not name.startswith(folder):
                continue
        elif f"/{SNAPSHOT_FOLDER}/" not in f"/{name}":
            continue
        text = _git(options.repo, "show", f"{commit}:{name}").stdout
        found = _template_stack(name.rsplit("/", 1)[-1], text, None)
        if found is not None:
            yield found


def _synthesized(commit: str, options: Options) -> Assembly:
    """The app at ``commit``, synthesized in a temporary worktree."""
    with tempfile.TemporaryDirectory(prefix="constructs-lib-review-") as folder:
        tree = Path(folder) / "tree"
        out = Path(folder) / "cdk.out"
        added = _git(options.repo, "worktree", "add", "--detach", str(tree), commit, check=False)
        if added.returncode != 0:
            raise AssemblyError(f"git worktree add {commit[:7]} failed: {added.stderr.strip()}")
        try:
            command = options.synth_command.replace("{out}", shlex.quote(str(out)))
            try:
                ran = subprocess.run(
                    command,
                    shell=True,
                    cwd=tree / options.app_dir,
                    capture_output=True,
                    text=True,
                    timeout=options.timeout,
                    env={**os.environ, **_QUIET_CDK},
                    check=False,
                )
            except subprocess.TimeoutExpired as err:
                raise AssemblyError(
                    f"{command!r} at {commit[:7]} took over {err.timeout} s"
                ) from err
            if ran.returncode != 0:
                tail = "\n".join((ran.stderr or ran.stdout).strip().splitlines()[-15:])
                raise AssemblyError(
                    f"{command!r} failed at {commit[:7]} (exit {ran.returncode}):\n{tail}"
                )
            return Assembly(assembly_stacks(out))
        finally:
            _git(options.repo, "worktree", "remove", "--force", str(tree), check=False)
