"""External solver binaries as cross-check runners: ``--solver-cmd NAME='TEMPLATE'``.

The template is split into words as a POSIX shell would (:func:`shlex.split`) but no shell
runs it. Its placeholders (each a file in a fresh temporary folder, unless said otherwise):

- ``{cnf}``: the instance's original file bytes, so the solver's own parser is tested: the
  file itself when it is not compressed; a compressed file's decompressed bytes otherwise;
  for an instance with no file (``--fuzz``, a shrunk reproducer, a circuit's Tseitin CNF)
  the CNF as this tool writes DIMACS;
- ``{dimacs}``: always the CNF as this tool writes DIMACS (for solvers whose parser refuses
  what the original has, e.g. the ``%``/``0`` trailer of the SATLIB uf/uuf files, which
  CaDiCaL and MiniSat reject);
- ``{proof}``: a file the solver writes its proof to (text DRUP/DRAT, binary DRAT or text
  LRAT, told apart by content: :mod:`reluhard.certs.drat`); present in the template, a
  proof is requested and checked;
- ``{out}``: a result file in MiniSat's format (``SAT``/``UNSAT``/``INDET``, then the model
  as literals ending in 0) or in the competition format below, read instead of stdout;
- ``{{`` and ``}}``: literal braces.

Without ``{cnf}`` or ``{dimacs}`` the instance's bytes go to the solver's stdin.

The answer is read as the SAT competitions define it: exit code 10 (SAT), 20 (UNSAT) or 0
(unknown); one ``s SATISFIABLE`` / ``s UNSATISFIABLE`` / ``s UNKNOWN`` line; the model on
one or more ``v`` lines, ending in 0. Any breach is a failure of that solver with its
reason (verdict :data:`BAD_OUTPUT`): no ``s`` line, two ``s`` lines, an exit code that
contradicts the ``s`` line, ``v`` lines without a SAT answer or a SAT answer without them,
a token that is not a literal, a 0 before the end or none at the end. Other exit codes are
errors (``ERROR``, with the last line of stderr); a solver killed by a signal is a ``CRASH``
naming the signal; one that overruns ``--time-limit`` is killed with its process group and
counts as ``TIMEOUT``. The model itself is judged by the parent, as every runner's is.
"""

from __future__ import annotations

import ctypes
import os
import re
import shlex
import shutil
import signal
import string
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError
from ..problems.cnf import CNF

PREFIX = "cmd:"
BAD_OUTPUT = "BAD-OUTPUT"
PLACEHOLDERS = ("cnf", "dimacs", "proof", "out")
_NAME = re.compile(r"^[A-Za-z0-9_.+-]+$")
_LITERAL = re.compile(r"^-?(0|[1-9][0-9]*)$")
#: how much of stdout/stderr a worker keeps (a solver printing gigabytes is its own fault)
_KEEP = 64 << 20


@dataclass(frozen=True)
class Command:
    """A parsed ``--solver-cmd``: the runner's name (``cmd:NAME``), the template, its words."""

    runner: str
    template: str
    argv: tuple[str, ...]

    def uses(self, placeholder: str) -> bool:
        return any(placeholder in _fields(word) for word in self.argv)


def _fields(word: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(word) if f is not None}


def parse_spec(spec: str) -> Command:
    """``NAME=TEMPLATE`` as a :class:`Command`; :class:`ConfigError` when malformed."""
    name, eq, template = spec.partition("=")
    name = name.strip()
    if not eq or not _NAME.match(name):
        raise ConfigError(
            f"--solver-cmd '{spec[:60]}': give NAME=TEMPLATE, NAME of letters, digits, '_.+-'"
        )
    try:
        argv = tuple(shlex.split(template))
        fields = set().union(*(_fields(w) for w in argv)) if argv else set()
    except ValueError as e:
        raise ConfigError(f"--solver-cmd {name}: cannot read the template: {e}") from None
    if not argv:
        raise ConfigError(f"--solver-cmd {name}: the template is empty")
    unknown = sorted(fields - set(PLACEHOLDERS))
    if unknown:
        known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
        raise ConfigError(f"--solver-cmd {name}: unknown placeholder {{{unknown[0]}}} ({known})")
    if _fields(argv[0]):
        raise ConfigError(f"--solver-cmd {name}: the program name cannot be a placeholder")
    return Command(PREFIX + name, template, argv)


def check_startable(cmd: Command) -> str:
    """The program's full path; :class:`ConfigError` when it cannot start (not found on
    PATH, not a file, not executable)."""
    prog = cmd.argv[0]
    name = cmd.runner[len(PREFIX) :]
    if os.sep in prog:
        if not os.path.isfile(prog):
            raise ConfigError(f"--solver-cmd {name}: {prog}: no such file")
        if not os.access(prog, os.X_OK):
            raise ConfigError(f"--solver-cmd {name}: {prog}: not executable")
        return os.path.abspath(prog)
    found = shutil.which(prog)
    if found is None:
        raise ConfigError(f"--solver-cmd {name}: {prog}: command not found on PATH")
    return found


# ------------------------------------------------------------------------ worker side


@dataclass
class Answer:
    """What a run of the command said: verdict (SAT, UNSAT, UNKNOWN, TIMEOUT, CRASH, ERROR
    or :data:`BAD_OUTPUT`), the model, the proof file's bytes (None: none written) and a
    detail for the report."""

    verdict: str
    model: list[int] | None = None
    proof: bytes | None = None
    detail: str = ""


def run(cmd: Command, cnf: CNF, original: bytes | None, time_limit: float | None) -> Answer:
    """Run ``cmd`` on the instance (``original``: its file's bytes, decompressed, if it has
    a file: :func:`original_bytes`) in a fresh temporary folder, within ``time_limit``
    seconds. The bytes travel with the task, so a worker on another machine (Dask) needs
    no shared file system."""
    with tempfile.TemporaryDirectory(prefix="reluhard-cmd-") as tmp:
        d = Path(tmp)
        values: dict[str, str] = {}
        original_path = _original(cnf, original, d)
        stdin_path = None
        if cmd.uses("cnf"):
            values["cnf"] = original_path
        if cmd.uses("dimacs"):
            values["dimacs"] = _write_dimacs(cnf, d)
        if not cmd.uses("cnf") and not cmd.uses("dimacs"):
            stdin_path = original_path
        for name in ("proof", "out"):
            values[name] = os.fspath(d / name)
        argv = [w.format(**values) for w in cmd.argv]
        code, stdout, stderr, timed_out = _execute(argv, stdin_path, time_limit, d)
        if timed_out:
            return Answer("TIMEOUT", detail=f"killed after the time limit of {time_limit:g} s")
        if code < 0:
            from .sandbox import _signal_name

            return Answer("CRASH", detail=_signal_name(code))
        proof_path = d / "proof"
        proof = proof_path.read_bytes() if cmd.uses("proof") and proof_path.exists() else None
        out = None
        if cmd.uses("out"):
            out_path = d / "out"
            out = out_path.read_text("utf-8", "replace") if out_path.exists() else ""
        verdict, model, problem = read_answer(stdout, code, out)
        if problem:
            tail = _last_line(stderr)
            if verdict == "ERROR" and tail:
                problem += f"; stderr: {tail}"
            return Answer(verdict, detail=problem)
        return Answer(verdict, model, proof if verdict == "UNSAT" else None, f"exit code {code}")


def original_bytes(source: str) -> bytes:
    """The bytes of the instance file ``source``, decompressed (gz, bz2, xz): what
    ``{cnf}`` hands the solver."""
    from ..problems.textio import decompress, read_raw

    return decompress(read_raw(source), source)


def _original(cnf: CNF, original: bytes | None, d: Path) -> str:
    """A path holding the instance's original bytes, or (none: a fuzz, shrunk or circuit
    CNF) the CNF as this tool writes DIMACS."""
    if original is None:
        return _write_dimacs(cnf, d)
    path = d / "instance.cnf"
    path.write_bytes(original)
    return os.fspath(path)


def _write_dimacs(cnf: CNF, d: Path) -> str:
    from ..problems.dimacs_cnf import format_cnf

    path = d / "dimacs.cnf"
    if not path.exists():
        path.write_text(format_cnf(cnf))
    return os.fspath(path)


def _die_with_parent() -> None:  # runs in the child between fork and exec
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: Linux only
    except Exception:
        pass


def _execute(
    argv: list[str], stdin_path: str | None, time_limit: float | None, cwd: Path
) -> tuple[int, str, str, bool]:
    """Run ``argv`` in its own process group (killed whole at the time limit, and killed
    with this worker if the sandbox kills it): exit code, stdout, stderr, timed out."""
    stdin = open(stdin_path, "rb") if stdin_path else None
    try:
        proc = subprocess.Popen(
            argv,
            stdin=stdin or subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        try:
            out, err = proc.communicate(timeout=time_limit)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return 0, "", "", True
        finally:
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # whatever it left running
            except ProcessLookupError:
                pass
    finally:
        if stdin is not None:
            stdin.close()
    decode = lambda b: b[:_KEEP].decode("utf-8", "replace")  # noqa: E731
    return proc.returncode, decode(out), decode(err), False


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


_S_VALUES = {"SATISFIABLE": "SAT", "UNSATISFIABLE": "UNSAT", "UNKNOWN": "UNKNOWN"}
_MINISAT = {"SAT": "SAT", "UNSAT": "UNSAT", "INDET": "UNKNOWN"}
_CODES = {10: "SAT", 20: "UNSAT", 0: "UNKNOWN"}


def read_answer(
    stdout: str, code: int, out: str | None = None
) -> tuple[str, list[int] | None, str]:
    """``(verdict, model, problem)`` from a run's stdout and exit code (and the ``{out}``
    file's text, when the template has one); ``problem`` is empty when the output keeps the
    conventions (module docstring), else the verdict is ERROR or :data:`BAD_OUTPUT`.

    >>> read_answer("c hi\\ns SATISFIABLE\\nv 1 -2\\nv 3 0\\n", 10)
    ('SAT', [1, -2, 3], '')
    >>> read_answer("s UNSATISFIABLE\\n", 10)[2]
    "exit code 10 (SAT) contradicts 's UNSATISFIABLE'"
    >>> read_answer("s SATISFIABLE\\nv 1 -2\\n", 10)[2]
    "the 'v' lines do not end with 0"
    >>> read_answer("", 20, "UNSAT\\n")
    ('UNSAT', None, '')
    """
    text, where = stdout, "stdout"
    if out is not None:
        text, problem = _competition_text(out)
        where = "the {out} file"
        if problem:
            return BAD_OUTPUT, None, problem
    said: list[str] = []
    values: list[str] = []
    for line in text.splitlines():
        tokens = line.split()
        if tokens and tokens[0] == "s":
            said.append(" ".join(tokens[1:]))
        elif tokens and tokens[0] == "v":
            values += tokens[1:]
    if code not in _CODES:
        return "ERROR", None, f"exit code {code}" + (f" ('s {said[0]}')" if said else "")
    by_code = _CODES[code]
    if len(said) > 1:
        return BAD_OUTPUT, None, f"{len(said)} 's' lines in {where}: " + ", ".join(said[:3])
    if not said:
        if code == 0:
            return "UNKNOWN", None, ""
        return BAD_OUTPUT, None, f"exit code {code} ({by_code}) but no 's' line in {where}"
    verdict = _S_VALUES.get(said[0])
    if verdict is None:
        return BAD_OUTPUT, None, f"not an answer: 's {said[0][:40]}'"
    if verdict != by_code:
        return BAD_OUTPUT, None, f"exit code {code} ({by_code}) contradicts 's {said[0]}'"
    if verdict != "SAT":
        if values:
            return BAD_OUTPUT, None, f"'v' lines with 's {said[0]}'"
        return verdict, None, ""
    model, problem = _model(values)
    return (BAD_OUTPUT, None, problem) if problem else ("SAT", model, "")


def _competition_text(out: str) -> tuple[str, str]:
    """An ``{out}`` file as competition-format text (MiniSat's ``SAT``/``UNSAT``/``INDET``
    format translated), and a problem when it is malformed."""
    tokens = out.split()
    if not tokens or tokens[0] not in _MINISAT:
        return out, ""
    verdict = _MINISAT[tokens[0]]
    if verdict != "SAT" and len(tokens) > 1:
        return "", f"{{out}} file: literals after '{tokens[0]}'"
    word = next(k for k, v in _S_VALUES.items() if v == verdict)
    return f"s {word}\n" + (f"v {' '.join(tokens[1:])}\n" if len(tokens) > 1 else ""), ""


def _model(values: list[str]) -> tuple[list[int] | None, str]:
    """The literals of the ``v`` lines, or a problem."""
    if not values:
        return None, "'s SATISFIABLE' but no 'v' lines"
    bad = next((t for t in values if not _LITERAL.match(t)), None)
    if bad is not None:
        return None, f"'v' lines: '{bad[:20]}' is not a literal"
    lits = [int(t) for t in values]
    if lits[-1] != 0:
        return None, "the 'v' lines do not end with 0"
    if 0 in lits[:-1]:
        return None, "the 'v' lines have a 0 before the end"
    return lits[:-1], ""
