"""``reluhard vnn-check``: a verifier's answers on a ``vnn-bench`` category, judged.

The answers are one result file per instance (VNN-COMP's format, :mod:`.results`), found in
the results folder as ``NAME.counterexample``, ``NAME.txt``, ``NAME.result`` or ``NAME``,
with ``NAME`` the instance's vnnlib or onnx stem (or ``ONNX_VNNLIB``); or a results CSV in
VNN-COMP's layout, whose rows name the onnx and vnnlib files and a result word, and may
name a counterexample file. Every counterexample is checked exactly (rational arithmetic)
against the network and property as reluhard reads them; every verdict is compared with
``expected.csv``. The report lists the wrong answers first.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from ..errors import InputError
from ..inversion import check_latent
from . import results, spec
from .bench import read_expected

SUFFIXES = (".counterexample", ".txt", ".result", "")
KINDS = ("WRONG", "ERROR", "MISSING", "UNANSWERED", "CORRECT")  # report order


@dataclass(frozen=True)
class Judged:
    """One instance: ``kind`` (one of :data:`KINDS`), the answer word and why."""

    name: str
    kind: str
    answer: str
    expected: str
    reason: str


def _stems(row: dict) -> list[str]:
    o, v = Path(row["onnx"]).stem, Path(row["vnnlib"]).stem
    return [v, o, f"{o}_{v}"]


def _from_folder(folder: Path, row: dict) -> tuple[results.Result | None, str]:
    for stem in _stems(row):
        for suffix in SUFFIXES:
            path = folder / (stem + suffix)
            if path.is_file():
                return results.read(str(path)), str(path)
    return None, ""


def _csv_answers(path: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """``{(onnx stem, vnnlib stem): (result word or raw text, counterexample path)}``."""
    out = {}
    with open(path, newline="", encoding="utf-8", errors="replace") as f:
        for line, row in enumerate(csv.reader(f), 1):
            onnx_col = next((c for c in row if c.strip().endswith(".onnx")), None)
            vnn_col = next((c for c in row if c.strip().endswith(".vnnlib")), None)
            if onnx_col is None or vnn_col is None:
                continue  # a header, or a line of another category
            word = next((c.strip() for c in row if c.strip().lower() in results.WORDS), "")
            cex = next((c.strip() for c in row if c.strip().endswith(".counterexample")), "")
            key = (Path(onnx_col.strip()).stem, Path(vnn_col.strip()).stem)
            out[key] = (word or f"line {line}: no result word", cex)
    return out


def _judge(category: Path, row: dict, res: results.Result) -> tuple[str, str]:
    want = {"violated": "sat", "holds": "unsat"}.get(row["expected"], "")
    if res.word in ("timeout", "unknown", "error"):
        return "UNANSWERED", res.word
    if res.word == "unsat":
        if want == "sat":
            return "WRONG", f"unsat, but a checked counterexample exists ({row['backing']})"
        if not want:
            return "UNANSWERED", "unsat (no ground truth)"
        return "CORRECT", "unsat, as proved"
    problem = spec.load(str(category / row["onnx"]), str(category / row["vnnlib"]))
    missing = [i for i in range(problem.n) if i not in res.x]
    if missing:
        return "WRONG", f"sat, but the counterexample has no X_{missing[0]}"
    x = [res.x[i] for i in range(problem.n)]
    check = check_latent(problem, x)
    if not check.ok:
        return "WRONG", f"sat, but the counterexample fails the exact check: {check.reason}"
    if want == "unsat":
        return "WRONG", "the counterexample passes the exact check, contradicting the ground truth"
    note = _y_note(res.y, check.output)
    return "CORRECT", "sat, counterexample checked exactly" + note


def _y_note(y: dict[int, Fraction], out) -> str:
    if not y:
        return ""
    diff = max((abs(y.get(j, v) - v) for j, v in enumerate(out)), default=Fraction(0))
    return "" if diff == 0 else f" (its Y values differ from G(X) by up to {float(diff):.3g})"


def check(category: str, answers: str) -> list[Judged]:
    """Judge the answers in ``answers`` (a folder or a CSV) against the ``category``."""
    cat = Path(category)
    rows = read_expected(category)
    given = Path(answers)
    table = _csv_answers(given) if given.is_file() else None
    if table is None and not given.is_dir():
        raise InputError(answers, None, "no such results folder or CSV")
    out = []
    for row in rows:
        name = Path(row["vnnlib"]).stem
        try:
            if table is not None:
                word, cex = table.get((Path(row["onnx"]).stem, name), ("", ""))
                res = (
                    None if not word
                    else results.read(str(given.parent / cex)) if cex
                    else results.parse(word, str(given))
                )  # fmt: skip
            else:
                res, _ = _from_folder(given, row)
        except InputError as e:
            out.append(Judged(name, "ERROR", "?", row["expected"], f"unparsable result: {e}"))
            continue
        if res is None:
            out.append(Judged(name, "MISSING", "-", row["expected"], "no result"))
            continue
        kind, reason = _judge(cat, row, res)
        out.append(Judged(name, kind, res.word, row["expected"], reason))
    return sorted(out, key=lambda j: KINDS.index(j.kind))


def summary(judged: list[Judged]) -> str:
    counts = {k: sum(j.kind == k for j in judged) for k in KINDS}
    return ", ".join(f"{v} {k.lower()}" for k, v in counts.items() if v) or "no instances"
