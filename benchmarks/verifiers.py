"""reluhard's importer and MILP against Marabou on the same ground-truth VNN-COMP instances.

What is measured
----------------
``reluhard vnn-bench`` categories (ONNX + VNN-LIB + expected.csv) of:

* ``sat-real`` networks of SATLIB's ``uf20``, ``uf50`` (satisfiable) and ``uuf50``
  (unsatisfiable), the first ``--per`` files of each (from ``../shared/instances/satlib``);
* ``vertexcover-real`` (p = inf) networks of random graphs G(n, 0.4) (fixed seeds), at the
  minimum cover size (YES) and one less (NO), labelled by the reference solver;
* ``cvp-real`` (p = 1) networks of random binary CVP instances (planted YES and NO),
  labelled by exhaustive enumeration.

Each instance goes through ``vnn-run`` with the ``reluhard`` runner (the ONNX and VNN-LIB
importer, ``auto`` MILP) and the ``marabou`` runner (maraboupy, its own readers), one
sandbox worker at a time, with a hard limit of ``--timeout`` seconds (+10 s grace); then
``vnn-check`` judges every answer against expected.csv, checking every counterexample
exactly. Where the reference solver (graphs, CVP) or the DRUP-proved expected.csv disagree,
that is a FAIL of the ground truth itself. Reported: per family the answers (correct /
wrong / unanswered), wall and CPU time, and the ratio Marabou / reluhard of wall time per
instance (an unanswered run counts at the limit, so ratios with a timeout are lower
bounds). Without maraboupy only reluhard runs, and the report says so.

Results go to ``DIR/verifiers.{csv,json,png}`` (default ``benchmarks/results``). Timings are
noisy on a shared 2-core machine: compare ratios from one run. ``--quick``: two instances
per family, timeout 20 s. Exit status 1 on a wrong answer of reluhard's or a ground truth
that disagrees with a reference solver (a bug, not a measurement); Marabou's wrong answers
(a verdict against the ground truth, or a counterexample that fails the exact check) are
reported, not failed on.

Usage::

    python benchmarks/verifiers.py [--per 4] [--timeout 60] [--quick] [--out DIR]
"""

from __future__ import annotations

import importlib.util
import statistics
import sys
import tempfile
from pathlib import Path

import networkx as nx
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import (  # noqa: E402
    RESULTS,
    argument_parser,
    machine_info,
    print_table,
    pyplot,
    save_figure,
    verdict,
    write_results,
)
from reluhard.problems import cvp_reference, graph_reference  # noqa: E402
from reluhard.problems.cvp_format import write_cvp  # noqa: E402
from reluhard.problems.graph_format import write_dimacs_graph  # noqa: E402
from reluhard.vnn import bench, check, runners  # noqa: E402

SATLIB = ROOT.parent / "shared" / "instances" / "satlib"


def satlib(prefix: str, per: int) -> list[str]:
    return [str(p) for p in sorted(SATLIB.glob(f"{prefix}-*.cnf"))[:per]]


def graphs(tmp: Path, per: int) -> list[tuple[str, int, bool]]:
    """``(file, q, yes)``: random graphs at their minimum cover size and one below."""
    out = []
    for seed in range(per):
        G = nx.gnp_random_graph(7 + seed % 3, 0.4, seed=100 + seed)
        G = nx.relabel_nodes(G, {v: v + 1 for v in G})
        path = tmp / f"g{seed}.col"
        write_dimacs_graph(G, path)
        k = len(graph_reference.min_vertex_cover(G))
        out += [(str(path), k, True), (str(path), k - 1, False)] if k else [(str(path), 0, True)]
    return out[:per]


def cvps(tmp: Path, per: int) -> list[tuple[str, bool]]:
    rng = np.random.default_rng(7)
    out = []
    for i in range(per):
        c = cvp_reference.random_cvp(rng, 4, 4, 1, planted=i % 2 == 0)
        path = tmp / f"c{i}.cvp"
        write_cvp(c, path)
        out.append((str(path), cvp_reference.solve(c) is not None))
    return out


def categories(tmp: Path, per: int, timeout: float) -> list[tuple[str, Path, dict]]:
    """``(family, category folder, reference answers by instance name or {})``."""
    cats = []
    for prefix in ("uf20", "uf50", "uuf50"):
        files = satlib(prefix, per)
        if files:
            cat = tmp / prefix
            bench.build(files, "sat-real", str(cat), timeout=timeout)
            cats.append((prefix, cat, {}))
    for fam, items in (("vertex-cover", graphs(tmp, per)), ("cvp", cvps(tmp, per))):
        cat = tmp / fam
        ref = {}
        for k, item in enumerate(items):
            if fam == "vertex-cover":
                path, q, yes = item
                params = {"q": str(q), "p": "inf"}
                via = "vertexcover-real"
            else:
                (path, yes), params, via = item, {}, "cvp-real"
            sub = cat / f"part{k}"
            (row,) = bench.build([path], via, str(sub), params=params, timeout=timeout)
            ref[(sub, row.name)] = "violated" if yes else "holds"
        cats.append((fam, cat, ref))
    return cats


def parts(cat: Path) -> list[Path]:
    """A family's category folders (the graph and CVP families: one per instance)."""
    return sorted(p for p in cat.glob("part*") if p.is_dir()) or [cat]


def run_family(fam: str, cat: Path, ref: dict, who: list[str], timeout: float) -> list[dict]:
    rows = []
    for part in parts(cat):
        judged: dict[str, dict] = {}
        for runner in who:
            ran = {r.name: r for r in runners.run(str(part), runner, str(part / f"res-{runner}"))}
            for j in check.check(str(part), str(part / f"res-{runner}")):
                r = ran[j.name]
                rec = judged.setdefault(j.name, {"family": fam, "instance": j.name,
                                                 "expected": j.expected})  # fmt: skip
                rec[f"{runner}_answer"] = j.answer
                rec[f"{runner}_judged"] = j.kind
                rec[f"{runner}_wall"] = r.time if j.kind == "CORRECT" else timeout
                rec[f"{runner}_cpu"] = r.cpu
                rec[f"{runner}_reason"] = j.reason
        for name, rec in judged.items():
            want = ref.get((part, name))
            rec["ground_truth_agrees"] = want is None or want == rec["expected"]
            rec["reference"] = want or "DRUP proof / checked certificate"
            rows.append(rec)
    return rows


def table_row(s: dict, who: list[str], have_marabou: bool) -> list[str]:
    row = [s["family"], str(s["instances"])]
    row += [f"{s[f'{w}_correct']}/{s[f'{w}_wrong']}" for w in who]
    row += [f"{s[f'{w}_median_wall']:.3f}" for w in who]
    return row + ([f"{s['median_ratio']:.1f}x"] if have_marabou else [])


def main() -> int:
    ap = argument_parser(__doc__, "two instances per family, timeout 20 s", RESULTS)
    ap.add_argument("--per", type=int, default=4, help="instances per family (default 4)")
    ap.add_argument("--timeout", type=float, default=60.0)
    args = ap.parse_args()
    per, timeout = (2, 20.0) if args.quick else (args.per, args.timeout)
    have_marabou = importlib.util.find_spec("maraboupy") is not None
    who = ["reluhard"] + (["marabou"] if have_marabou else [])
    if not have_marabou:
        print("(maraboupy is not installed: reluhard only; pip install -e '.[marabou]')")
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        for fam, cat, ref in categories(Path(tmp), per, timeout):
            rows += run_family(fam, cat, ref, who, timeout)
    for r in rows:
        if have_marabou:
            r["ratio_marabou_over_reluhard"] = r["marabou_wall"] / max(r["reluhard_wall"], 1e-3)
    summary = []
    for fam in dict.fromkeys(r["family"] for r in rows):
        fr = [r for r in rows if r["family"] == fam]
        s = {"family": fam, "instances": len(fr)}
        for w in who:
            s[f"{w}_correct"] = sum(r[f"{w}_judged"] == "CORRECT" for r in fr)
            s[f"{w}_wrong"] = sum(r[f"{w}_judged"] in ("WRONG", "ERROR") for r in fr)
            s[f"{w}_median_wall"] = statistics.median(r[f"{w}_wall"] for r in fr)
        if have_marabou:
            s["median_ratio"] = statistics.median(r["ratio_marabou_over_reluhard"] for r in fr)
        s["ground_truth_agrees"] = all(r["ground_truth_agrees"] for r in fr)
        summary.append(s)
    header = ["family", "n"] + [f"{w} ok/wrong" for w in who] + [f"{w} median s" for w in who]
    header += ["marabou/reluhard"] if have_marabou else []
    print_table(header, [table_row(s, who, have_marabou) for s in summary])
    wrong = sum(s["reluhard_wrong"] for s in summary)
    others = {w: sum(s[f"{w}_wrong"] for s in summary) for w in who[1:]}
    truth = all(s["ground_truth_agrees"] for s in summary)
    print(f"reluhard wrong answers: {wrong} ({verdict(wrong == 0)}); ground truth agrees with "
          f"the reference solvers: {verdict(truth)}")  # fmt: skip
    for w, k in others.items():
        print(f"{w} wrong answers (a verdict against the ground truth, or a counterexample that "
              f"fails the exact check): {k}")  # fmt: skip
    report = {"machine": machine_info(), "timeout": timeout, "runners": who,
              "marabou": have_marabou, "summary": summary, "rows": rows}  # fmt: skip
    write_results(args.out, "verifiers", report, rows, sorted({k for r in rows for k in r}))
    plt = pyplot()
    if plt is not None and have_marabou:
        fig, ax = plt.subplots(figsize=(5, 5))
        for fam in dict.fromkeys(r["family"] for r in rows):
            fr = [r for r in rows if r["family"] == fam]
            ax.scatter([r["reluhard_wall"] for r in fr], [r["marabou_wall"] for r in fr], label=fam)
        ax.plot([1e-3, timeout], [1e-3, timeout], "k:", lw=1)
        ax.set(xscale="log", yscale="log", xlabel="reluhard wall s", ylabel="Marabou wall s",
               title=f"same instances (unanswered at {timeout:g} s)")  # fmt: skip
        ax.legend()
        save_figure(fig, args.out / "verifiers.png")
    print(f"wrote {args.out / 'verifiers.json'} and .csv")
    return 0 if wrong == 0 and truth else 1


if __name__ == "__main__":
    sys.exit(main())
