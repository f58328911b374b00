"""The rows of a scaling run, one per instance x method: their fields, words and the
wrong answers among them."""

from __future__ import annotations

from collections.abc import Sequence

BRUTE = "brute"
CADICAL_METHOD = "cadical"
#: a row's ``verdict``: decided (SAT, UNSAT), timed out, refused by the back end, crashed
SAT, UNSAT, UNKNOWN, NA, ERROR = "SAT", "UNSAT", "UNKNOWN", "n/a", "ERROR"
#: which time a row's ``seconds`` is: CPU time of this process, or wall-clock time
CLOCKS = ("cpu", "wall")
DEFAULT_CLOCK = "cpu"
CSV_FIELDS = (
    "k",
    "n",
    "instance",
    "seed",
    "clauses",
    "method",
    "seconds",
    "cpu_seconds",
    "wall_seconds",
    "verdict",
    "brute_count",
    "satisfiable",
    "agrees",
    "detail",
)


def method_label(method: str) -> str:
    """A name for legends and tables."""
    if method == BRUTE:
        return "brute force"
    if method == CADICAL_METHOD:
        return "CaDiCaL 1.9.5"
    return f"MILP {method.removeprefix('milp:')}"


#: a solver's series is split by the instance's truth: finding a model and proving there is
#: none grow differently (brute force counts every latent either way: one series)
SAT_SERIES, UNSAT_SERIES = "sat", "unsat"


def series(row: dict) -> str:
    """The curve a row belongs to: ``brute``, or ``METHOD sat`` / ``METHOD unsat`` by the
    instance's truth (``satisfiable``; ``METHOD`` alone when it is unknown)."""
    if row["method"] == BRUTE or row.get("satisfiable") is None:
        return row["method"]
    return f"{row['method']} {SAT_SERIES if row['satisfiable'] else UNSAT_SERIES}"


def series_method(key: str) -> str:
    """The method of a series key."""
    return key.split(" ")[0]


def series_order(key: str) -> tuple[int, str, int]:
    """Sort key of series: brute force, the MILP back ends, CaDiCaL; satisfiable first."""
    method, _, cls = key.partition(" ")
    rank = 0 if method == BRUTE else 2 if method == CADICAL_METHOD else 1
    return (rank, method, 1 if cls == UNSAT_SERIES else 0)


def series_label(key: str, short: bool = False) -> str:
    """A series for legends (``MILP highs, satisfiable``) or tables (``MILP highs SAT``)."""
    method, _, cls = key.partition(" ")
    if not cls:
        return method_label(method)
    if short:
        return f"{method_label(method)} {cls.upper()}"
    return f"{method_label(method)}, {'satisfiable' if cls == SAT_SERIES else 'unsatisfiable'}"


def problems(rows: Sequence[dict]) -> list[str]:
    """Every wrong answer or crash in ``rows``, one message each (empty when all agree)."""
    out = []
    for r in rows:
        if r["verdict"] == ERROR or r["agrees"] is False:
            out.append(
                f"k={r.get('k', '?')} n={r['n']} instance {r['instance']} (seed {r['seed']}): "
                f"{method_label(r['method'])} says {r['verdict']}, "
                + (
                    f"brute force counts {r['brute_count']} inverting latents"
                    if r["brute_count"] is not None
                    else "CaDiCaL disagrees"
                )
                + (f" ({r['detail']})" if r["detail"] else "")
            )
    return out
