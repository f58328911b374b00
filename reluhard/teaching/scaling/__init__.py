"""``reluhard scaling``: the ``2^n`` of brute force and the solvers' own growth, measured.

For each clause width ``k`` of ``--k`` (default 3; ``--k 3,4,5`` draws one panel each) and
each ``n``, ``--per-n`` uniform random k-CNFs with ``round(R n)`` clauses are built from
``--seed`` (``R`` = ``--ratio``, default the satisfiability threshold of random k-SAT: 4.26,
9.93, 21.12 for k = 3, 4, 5, :data:`.instances.THRESHOLD_RATIOS`), reduced to an inversion
problem (``--via``, default ``sat-sign``) and decided three ways. Brute force runs at ``n``
from ``--n-min`` to ``--n-max`` by ``--step`` (default 12..22 by 2); the MILP back ends and
CaDiCaL run there and on, by ``--solver-step``, up to ``--solver-n-max`` (default 10 and
150), each until the slowest of its instances at some ``n`` takes more than ``--budget``
seconds (default 1.5): the panel reaches the sizes where each solver's own growth shows.
``--lecture`` is the larger panel (k = 3, 4, 5, MILP ``highs`` and ``cpsat``, up to n = 400
with a 5 s budget; several minutes, see ``docs/teaching.md``); options given explicitly win
over it.

1. **brute force** over the latent: *every* one of the ``2^n`` latents is evaluated and the
   inverting ones are counted (no early exit at the first solution), so its time is the
   honest ``2^n`` enumeration. It is the enumerator of the ``brute`` back end,
   :func:`reluhard.solvers.exhaustive.enumerate_latents` (latent ``k`` sets ``z_i`` from bit
   ``i`` of ``k``; aligned blocks of ``2^L`` consecutive ``k`` that stay in cache, sharing
   the first matrix product; a float filter with brute's tolerance; every float hit decided
   by the exact rational check, so the count is exact). The cost is ``2^n`` times a
   polynomial in the network size (for ``sat-sign`` about ``m = 4.26 n`` operations per
   latent). OpenBLAS runs on one thread meanwhile (:mod:`reluhard.blas`), as the other
   methods do. ``sat-sign`` latents are ``{-1,1}^n``; for ``sat-real`` the vertices of its
   box ``[-1,1]^n`` are enumerated, which is complete there (every solution in the box is a
   vertex). Timed as the best of 3 full runs, for every ``n`` alike (the count must not
   change between runs).
2. each **MILP back end** of ``--solvers`` (default ``highs``, the LP-based branch and
   bound; also ``cpsat``, ``scip`` and ``auto``, which on these CNF networks runs CaDiCaL on
   the network's CNF and so is no MILP) through :func:`reluhard.solvers.solve` with
   ``--time-limit`` (default 60 s), one run: bound propagation, model building and solving.
   A time-out is ``UNKNOWN`` and counts as the time limit in medians (a lower bound).
3. **CaDiCaL 1.9.5** through python-sat on the CNF itself: only ``solve()`` is timed (loading
   the clauses is not), best of 3 fresh solvers; its model is checked against the CNF.

Building the network (:func:`reluhard.pipeline.reduce_instance`) is common to 1 and 2 and not
timed. Before timing, every method solves a tiny formula once, so loading a solver library is
not charged to the first instance.

**Which clock.** Every row holds the CPU time of this process (``time.process_time``, all its
threads) and the wall-clock time of the same call; ``--clock`` (default ``cpu``) says which
one is ``seconds``, the time of the medians, fits and plot. All methods run single-threaded,
so on an idle machine the two agree; on a busy shared machine other jobs inflate wall-clock
times by a varying factor, CPU times far less (on a loaded 2-core machine, brute force's
fitted base from wall-clock times ranged over 1.87-2.19 in repeated runs, from CPU times
over 1.96-2.13).

**Agreement.** ``brute count > 0`` must hold exactly when CaDiCaL says SAT and when a MILP
back end says INVERTIBLE (whose latent is decoded through the reduction and checked against
the CNF); past brute force's range the MILP back ends are checked against CaDiCaL, and every
SAT answer's model against the CNF. Any disagreement, failed model check or crash is an
error: :func:`run` prints it loudly, still writes the results, and returns 1.

**Series.** Brute force counts every latent, whatever the answer: one curve. Each solver's
times are split by the instance's truth (brute force's count, else CaDiCaL's verdict):
proving there is no model and finding one grow differently (on satisfiable random
instances the MILP's heuristics often find a model at once), and a median over a mix of
the two jumps between them.

**The fit** (:mod:`.fit`) of ``log2(time) = n log2(c) + a`` to the median time per ``n``
of a series, only over the sizes above start-up overhead: each method's overhead is its
median time on a 4-variable formula, and the fitted range is the longest run of
consecutive ``n`` ending at the largest whose medians all exceed 10 times it (at least 3
sizes, else ``no fit: all points at start-up overhead`` or ``no fit: only ...``). The range
is printed in the table and the legend.

**Outputs** (in ``--out``, default ``scaling-out``): ``scaling.csv`` (one row per instance x
method: ``k, n, instance, seed, clauses, method, seconds, cpu_seconds, wall_seconds,
verdict, brute_count, satisfiable, agrees, detail``), ``scaling.json`` (the rows, medians
and fits per ``k`` and series, the overheads, parameters, machine information, total wall
and CPU time, the caption), ``scaling.png`` (one panel per ``k``: median time against ``n``
on a log scale, the fitted lines over their ranges, a ``2^n`` guide, the fit thresholds,
and a caption on what ETH and SETH claim and what the plot does and does not show). The
instance of a row is rebuilt by ``random_kcnf(n, clauses, k,
numpy.random.default_rng(seed))`` with that row's ``seed`` (derived from ``--seed``, ``n``
and the instance index by :func:`.instances.instance_seed`).

The default run takes about 30-40 s of CPU on a 2-core machine (brute force's three runs at
``n = 22`` and HiGHS near ``n = 90`` are most of it) and puts brute force's fitted base
within a few percent of 2; the ``--lecture`` panel about 10 minutes of CPU.

The modules: :mod:`.instances` (what is measured), :mod:`.runners` (timing one route),
:mod:`.measure` (the rows of a run), :mod:`.rows` (their fields and words), :mod:`.fit`,
:mod:`.report` (table, CSV, JSON, caption), :mod:`.plot`, :mod:`.command` (the command line).
"""

from .command import add_arguments, run

__all__ = ["add_arguments", "run"]
