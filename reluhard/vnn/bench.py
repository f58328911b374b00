"""``reluhard vnn-bench``: a VNN-COMP benchmark category with its ground truth.

For each source instance (a CNF, a graph, a CVP, a circuit) reduced by a real-latent
reduction, the category holds the ONNX network (``onnx/``), the VNN-LIB property
(``vnnlib/``; satisfiable exactly when the instance is a YES), ``instances.csv`` (VNN-COMP's
layout: ``onnx,vnnlib,timeout``, no header) and ``expected.csv``: ``violated`` (a
counterexample exists) with the counterexample that backs it (``certificates/``: the
checked latent and outputs in VNN-COMP's result format, and reluhard's solution file), or
``holds`` with the DRUP proof of the CNF that backs it (``proofs/``, checked VALID by the
verified checker; the reduction's theorem carries it to the property), or for kinds without
proofs the back end's claim, said so. An instance reluhard cannot decide within the time
limit is listed as ``unknown``.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from .. import atomic, pipeline
from ..certs import solution_file
from ..errors import InputError
from ..inversion import check_latent
from ..network import exact_output
from ..status import Status
from . import export, results

EXPECTED_HEADER = ("onnx", "vnnlib", "expected", "backing", "how")


@dataclass(frozen=True)
class Row:
    """One instance: its files (relative to the category), expected answer and backing."""

    name: str
    onnx: str
    vnnlib: str
    expected: str  # violated / holds / unknown
    backing: str  # a file of the category, or ""
    how: str


def _stem(path: str, seen: set[str]) -> str:
    stem = Path(path).name.split(".")[0]
    name, k = stem, 2
    while name in seen:
        name, k = f"{stem}-{k}", k + 1
    seen.add(name)
    return name


def build_one(
    path: str, via: str, params: dict, out: Path, name: str, truth_limit: float | None
) -> Row:
    """Reduce, export and decide one instance (see the module docstring)."""
    src = pipeline.load_source(path)
    problem = pipeline.reduce_source(src, via, params)
    onnx_rel, vnn_rel = f"onnx/{name}.onnx", f"vnnlib/{name}.vnnlib"
    notes = (f"{Path(path).name} via {via}", "sat: the instance is a YES")
    try:
        done = export.export(problem, str(out / onnx_rel), str(out / vnn_rel), notes)
    except InputError as e:
        raise InputError(path, None, f"via {via}: {e.message}") from None
    decision = pipeline.decide(
        problem,
        time_limit=truth_limit,
        prove=src.kind == "cnf",
        proof_path=out / "proofs" / f"{name}.drup",
        solution_dir=out / "proofs",
    )
    v = decision.verdict
    if v.status is Status.INVERTIBLE:
        assert v.latent is not None  # an INVERTIBLE verdict carries its checked latent
        y = check_latent(problem, v.latent).output
        if done.network is not problem.network:  # the l_1 head: the exported outputs
            y = tuple(exact_output(done.network, v.latent))
        cex = f"certificates/{name}.counterexample"
        atomic.write_text(out / cex, results.text("sat", v.latent, y), "counterexample")
        solution_file.write(out / "certificates" / f"{name}.json", decision.to_json())
        how = "; ".join(decision.checks)
        return Row(name, onnx_rel, vnn_rel, "violated", cex, how)
    if v.status is Status.NOT_INVERTIBLE:
        if decision.proof is not None:
            solution_file.write(out / "proofs" / f"{name}.json", decision.to_json())
            proof = f"proofs/{name}.drup"
            return Row(name, onnx_rel, vnn_rel, "holds", proof, "; ".join(decision.checks))
        return Row(name, onnx_rel, vnn_rel, "holds", "", f"{v.solver} claim: {v.reason}")
    return Row(name, onnx_rel, vnn_rel, "unknown", "", v.reason)


def readme(rows: list[Row], inputs: list[str], via: str, timeout: float) -> str:
    counts = {k: sum(r.expected == k for r in rows) for k in ("violated", "holds", "unknown")}
    return f"""# reluhard ground-truth category ({via})

Written by `reluhard vnn-bench`. Each instance is a source instance ({len(inputs)} files,
e.g. `{Path(inputs[0]).name}`) reduced by `{via}` to a ReLU network; the property is
satisfiable (`sat`, "violated") exactly when the source instance is a YES.

- `onnx/`, `vnnlib/`, `instances.csv`: the VNN-COMP layout (onnx, vnnlib, timeout {timeout:g} s).
- `expected.csv`: `violated` / `holds` / `unknown` per instance and the file that backs it:
  a counterexample in VNN-COMP's result format (`certificates/`, checked exactly in rational
  arithmetic on these weights), or a DRUP proof that the CNF is unsatisfiable (`proofs/`,
  checked VALID by a verified checker; the reduction's theorem makes the property hold).

Counts: {counts["violated"]} violated, {counts["holds"]} holds, {counts["unknown"]} unknown.

Check a verifier's answers: `reluhard vnn-check THIS_DIR RESULTS`.
"""


def build(
    inputs: list[str],
    via: str,
    out_dir: str,
    *,
    params: dict | None = None,
    timeout: float = 60.0,
    truth_limit: float | None = None,
    progress=None,
) -> list[Row]:
    """Write the category (see the module docstring) and return its rows."""
    out = Path(out_dir)
    for sub in ("onnx", "vnnlib", "certificates", "proofs"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    seen: set[str] = set()
    for path in inputs:
        row = build_one(path, via, dict(params or {}), out, _stem(path, seen), truth_limit)
        rows.append(row)
        if progress:
            progress(row)
    instances = [[r.onnx, r.vnnlib, f"{timeout:g}"] for r in rows]
    atomic.write_text(out / "instances.csv", _csv(instances), "instances.csv")
    expected = [EXPECTED_HEADER] + [[r.onnx, r.vnnlib, r.expected, r.backing, r.how] for r in rows]
    atomic.write_text(out / "expected.csv", _csv(expected), "expected.csv")
    atomic.write_text(out / "README.md", readme(rows, inputs, via, timeout), "README.md")
    return rows


def read_expected(category: str) -> list[dict]:
    """The rows of ``expected.csv`` as dicts keyed by :data:`EXPECTED_HEADER`."""
    path = Path(category) / "expected.csv"
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        raise InputError(str(path), None, e.strerror or "cannot read") from None
    if rows and set(EXPECTED_HEADER) - set(rows[0]):
        raise InputError(str(path), 1, f"expected the columns {', '.join(EXPECTED_HEADER)}")
    return rows


def _csv(rows: list) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()
