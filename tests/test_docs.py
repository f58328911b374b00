"""The README and docs/ stay true to the code: their links and the paths and module names
they mention exist, the README stays short, its command table lists exactly the real
subcommands, its test command is the one CI runs, and the Python examples run."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import re
from itertools import product
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DOCS = [README, *sorted((ROOT / "docs").glob("*.md"))]
SHARED = ROOT.parent / "shared"
README_MAX_LINES = 260
TEST_COMMAND = ". .venv/bin/activate && python -m pytest -n auto -q"

_FENCE = re.compile(r"^```[^\n]*\n.*?^```[ \t]*$", re.M | re.S)
_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
_PATH = re.compile(r"(?<![\w./-])((?:reluhard|tests|benchmarks|instances|docs)/[\w./*{},-]*)")
_MODULE = re.compile(r"(?<![\w./-])reluhard(?:\.\w+)+(?![\w/])")


def _text(doc: Path) -> str:
    return doc.read_text(encoding="utf-8")


def _prose(doc: Path) -> str:
    """The text outside fenced code blocks."""
    return _FENCE.sub("", _text(doc))


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(doc: Path) -> set[str]:
    return {_slug(m) for m in re.findall(r"^#+ (.*)$", _prose(doc), re.M)}


def _expand(path: str) -> list[str]:
    """``a.{csv,json}`` -> ``a.csv``, ``a.json``."""
    parts = re.split(r"\{([^}]*)\}", path)
    choices = [[p] if i % 2 == 0 else p.split(",") for i, p in enumerate(parts)]
    return ["".join(c) for c in product(*choices)]


def _id(doc: Path) -> str:
    return str(doc.relative_to(ROOT))


@pytest.mark.parametrize("doc", DOCS, ids=_id)
def test_relative_links_exist(doc):
    missing = []
    for target in _LINK.findall(_prose(doc)):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
            continue
        path, _, anchor = target.partition("#")
        dest = (doc.parent / path).resolve() if path else doc
        if dest.is_relative_to(SHARED.resolve()):
            continue
        if not dest.exists():
            missing.append(target)
        elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
            missing.append(f"{target} (no such heading)")
    assert not missing, f"{_id(doc)} links to what does not exist: {missing}"


@pytest.mark.parametrize("doc", DOCS, ids=_id)
def test_mentioned_paths_exist(doc):
    missing = []
    for raw in sorted(set(_PATH.findall(_text(doc)))):
        for path in _expand(raw.rstrip(".,")):
            if not (list(ROOT.glob(path)) if "*" in path else (ROOT / path).exists()):
                missing.append(path)
    assert not missing, f"{_id(doc)} mentions paths that do not exist: {missing}"


def _resolves(name: str) -> bool:
    """``reluhard.a.b.c``: a module, or an attribute of the longest module prefix."""
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        module = ".".join(parts[:i])
        try:
            found = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:
            found = False
        if found:
            obj = importlib.import_module(module)
            for attr in parts[i:]:
                if not hasattr(obj, attr):
                    return False
                obj = getattr(obj, attr)
            return True
    return False


@pytest.mark.parametrize("doc", DOCS, ids=_id)
def test_mentioned_modules_exist(doc):
    names = sorted(set(_MODULE.findall(_text(doc))))
    missing = [n for n in names if not _resolves(n)]
    assert not missing, f"{_id(doc)} names modules or attributes that do not exist: {missing}"


def test_readme_is_short():
    lines = len(_text(README).splitlines())
    assert lines <= README_MAX_LINES, f"README.md has {lines} lines; move detail to docs/"


def _command_table() -> list[str]:
    section = _text(README).split("\n## Commands\n", 1)[1]
    block = re.search(r"^```\n(.*?)^```", section, re.M | re.S).group(1)
    return re.findall(r"^reluhard ([\w-]+)", block, re.M)


def _subcommands() -> set[str]:
    from reluhard.cli import build_parser

    (sub,) = (a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return set(sub.choices)


def test_command_table_lists_exactly_the_subcommands():
    table = _command_table()
    real = _subcommands()
    assert not set(table) - real, f"not subcommands of reluhard: {sorted(set(table) - real)}"
    assert not real - set(table), f"missing from the README: {sorted(real - set(table))}"


def test_readme_test_command_is_what_ci_runs():
    assert f"```sh\n{TEST_COMMAND}\n```" in _text(README)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    activate, _, pytest_command = TEST_COMMAND.partition(" && ")
    assert activate in ci and pytest_command in ci


EXAMPLES = {
    f"{_id(doc)}#{i}": m.group(1)
    for doc in DOCS
    for i, m in enumerate(re.finditer(r"^```python\n(.*?)^```", _text(doc), re.M | re.S))
}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_python_examples_run(name, monkeypatch, capsys):
    """Each ```python block runs as it stands, from the checkout's root."""
    monkeypatch.chdir(ROOT)
    exec(compile(EXAMPLES[name], name, "exec"), {"__name__": "__docs__"})


def _shell_commands(doc: Path) -> list[str]:
    """The ``reluhard ...`` lines of a doc's ```sh blocks."""
    blocks = re.findall(r"^```sh\n(.*?)^```", _text(doc), re.M | re.S)
    return [line for b in blocks for line in b.splitlines() if line.startswith("reluhard ")]


VERIFIER_COMMANDS = _shell_commands(ROOT / "docs" / "verifiers.md")


@pytest.mark.parametrize("command", VERIFIER_COMMANDS)
def test_verifier_doc_commands_parse(command):
    """Every ``reluhard`` command in docs/verifiers.md is a valid command line, and the
    files it reads from the checkout or ../shared exist."""
    import shlex

    from reluhard.cli import build_parser

    argv = shlex.split(command)[1:]
    build_parser().parse_args(argv)  # SystemExit on a usage error
    for arg in argv:
        if arg.startswith("../shared/") and "*" not in arg:
            path = ROOT / arg
            if SHARED.is_dir():
                assert path.exists(), arg


def test_verifier_doc_commands_run(tmp_path, capsys, monkeypatch):
    """The export and invert examples of docs/verifiers.md run and answer as it says."""
    pytest.importorskip("onnx")
    from tests.helpers.cli import run_cli

    monkeypatch.chdir(tmp_path)
    from reluhard.cli import reduce_main

    assert (
        reduce_main([str(ROOT / "instances/example3.cnf"), "--via", "sat-real", "-o", "ex3.npz"])
        == 0
    )
    export = next(c for c in VERIFIER_COMMANDS if c.startswith("reluhard export"))
    assert run_cli(capsys, export.split()[1:])[0] == 0
    vnncomp = SHARED / "instances" / "vnncomp-test"
    if not vnncomp.is_dir():
        pytest.skip("../shared/instances/vnncomp-test is absent")
    for cmd in (
        c for c in VERIFIER_COMMANDS if c.startswith(("reluhard invert", "reluhard verify"))
    ):
        argv = [a.replace("../shared/", str(SHARED) + "/") for a in cmd.split()[1:]]
        code = run_cli(capsys, argv)[0]
        assert code == (0 if "verify" in cmd else 10 if "test_sat" in cmd else 20), cmd
    assert (tmp_path / "sat.txt").read_text().startswith("sat\n((X_0 ")
