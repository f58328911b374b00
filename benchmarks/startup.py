"""Start-up of ``reluhard --help`` and ``reluhard reduce tiny.cnf -o x.npz`` as processes.

Issue 18 asks for both under 0.3 s. Each is run ``--repeats`` times as
``python -m reluhard ...`` (``python -c`` calling :func:`reluhard.cli.main` for a tree
without ``__main__.py``) with ``PYTHONPATH`` set to the tree measured: this checkout
("after") and, when ``--before DIR`` names another checkout (default ``/work/main`` where it
exists, the merged code before the lazy imports), that one in the same run, alternating.
CPU (user + system of the child, ``os.wait4``) and wall (``time.perf_counter``) medians;
``python -c pass`` and ``python -c "import numpy"`` are timed too, as the floor that any
``reduce`` pays (a CNF ``reduce`` loads no scipy), and ``import numpy, scipy.sparse``, what
it paid while the network was built with scipy. Results:
``DIR/startup.{csv,json}``. Timings are noisy on a shared 2-core machine.

Usage::

    python benchmarks/startup.py [--repeats R] [--before DIR] [--quick] [--out DIR]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import (  # noqa: E402
    RESULTS,
    argument_parser,
    machine_info,
    print_table,
    timed_process,
    warm_bytecode,
    write_results,  # noqa: E402
)

TARGET = 0.3
MAIN = "import sys; from reluhard.cli import main; sys.exit(main())"


def commands(tiny: Path) -> dict[str, list[str]]:
    py = sys.executable
    return {
        "python -c pass": [py, "-c", "pass"],
        "import numpy": [py, "-c", "import numpy"],
        "import numpy, scipy.sparse": [py, "-c", "import numpy, scipy.sparse"],
        "reluhard --help": [py, "-c", MAIN, "--help"],
        "reluhard reduce tiny.cnf": [py, "-c", MAIN, "reduce", str(tiny), "-o", f"{tiny}.npz"],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argument_parser(__doc__, "3 repeats", RESULTS)
    ap.add_argument("--repeats", type=int, default=10)
    default_before = Path("/work/main") if Path("/work/main/reluhard").is_dir() else None
    ap.add_argument("--before", type=Path, default=default_before)
    args = ap.parse_args(argv)
    repeats = 3 if args.quick else args.repeats
    trees = {"after": ROOT}
    if args.before is not None and args.before.resolve() != ROOT:
        trees = {"before": args.before.resolve(), **trees}
    warm_bytecode(*(path / "reluhard" for path in trees.values()))
    runs: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        tiny = Path(tmp) / "tiny.cnf"
        tiny.write_text("p cnf 3 2\n1 -2 0\n2 3 0\n")
        for i in range(repeats):
            for tree, path in trees.items():
                env = {**os.environ, "PYTHONPATH": str(path)}
                for what, cmd in commands(tiny).items():
                    if tree == "before" and not what.startswith("reluhard"):
                        continue
                    run = timed_process(cmd, env, tmp)
                    runs.append({"tree": tree, "command": what, "run": i, **run})
    rows = []
    for tree in trees:
        for what in commands(Path("x")):
            rs = [r for r in runs if r["tree"] == tree and r["command"] == what]
            if not rs:
                continue
            cpu = statistics.median(r["cpu"] for r in rs)
            wall = statistics.median(r["wall"] for r in rs)
            target = what.startswith("reluhard")
            rows.append(
                {
                    "tree": tree,
                    "command": what,
                    "cpu": cpu,
                    "wall": wall,
                    "under_target": (wall < TARGET and cpu < TARGET) if target else None,
                }
            )
    print_table(
        ["tree", "command", "CPU s", "wall s", f"< {TARGET} s"],
        [
            [r["tree"], r["command"], f"{r['cpu']:.3f}", f"{r['wall']:.3f}", str(r["under_target"])]
            for r in rows
        ],
    )
    report = {
        "trees": {k: str(v) for k, v in trees.items()},
        "repeats": repeats,
        "medians": rows,
        "machine": machine_info(),
        "noise": "shared 2-core machine",
    }
    write_results(args.out, "startup", report, runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
