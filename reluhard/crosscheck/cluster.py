"""Scale-out on Dask: the same tasks as :class:`.sandbox.Pool`, spread over a Dask cluster.

``--cluster local[:N]`` starts a :class:`distributed.LocalCluster` of ``N`` worker processes
(one thread each) on this machine; ``--scheduler tcp://HOST:PORT`` uses a running cluster.
Either way the parent keeps every judgement: a Dask task only runs
:func:`run_in_sandbox`, which hands the one (instance, runner) task to a sandbox
:class:`~.sandbox.Pool` of one worker *inside the Dask worker process*. The hard time limit
and the crash isolation are therefore the sandbox's, on the machine that runs the solver: a
solver that dies with SIGSEGV is a ``crash`` outcome returned by a healthy Dask task, never a
lost Dask worker. A Dask worker that is itself lost (killed, its machine gone) takes only
its running tasks with it; the scheduler reruns them on another worker (after
``distributed.scheduler.allowed-failures`` losses of the same task, 3 by default, the task
counts as a crash with the reason ``lost Dask worker``).

The task carries the CNF itself (plain numpy arrays, :func:`.runners.payload`), not a path:
workers need reluhard installed (with the same python-sat), but no shared file system.

Dask is optional (``pip install 'reluhard[dask]'``); without it these options are a one-line
input error.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing as mp
import threading
from collections.abc import Iterable, Iterator
from typing import Any

from ..errors import InputError
from .sandbox import Outcome, Pool, Task

MISSING = "--cluster and --scheduler need Dask: pip install 'reluhard[dask]'"

_local = threading.local()


def run_in_sandbox(task: Task) -> Outcome:
    """Dask task body: run ``task`` in this Dask worker's own sandbox pool (one per thread,
    started on first use and reused)."""
    pool = getattr(_local, "pool", None)
    if pool is None:
        me = mp.current_process()
        if me.daemon:
            # Dask's Nanny starts workers as daemonic processes, which multiprocessing
            # forbids to have children; the sandbox's workers are daemonic themselves and
            # die with this process (multiprocessing's exit handler, PR_SET_PDEATHSIG).
            me._config["daemon"] = False  # type: ignore[attr-defined]
        pool = _local.pool = Pool(1)
    return pool.run(task)


def parse_cluster(spec: str) -> int:
    """``local`` or ``local:N`` -> N (default: the CPU count)."""
    name, _, n = spec.partition(":")
    if name != "local" or (n and not (n.isdigit() and int(n) > 0)):
        raise InputError(None, None, f"--cluster '{spec}': expected local or local:N (N >= 1)")
    return int(n) if n else (mp.cpu_count() or 1)


class DaskPool:
    """:class:`~.sandbox.Pool`'s interface (``map``, ``run``, ``close``) on a Dask cluster:
    a LocalCluster of ``workers`` processes, or the scheduler at ``address``."""

    def __init__(self, *, workers: int | None = None, address: str | None = None) -> None:
        try:
            import distributed
        except ImportError:
            raise InputError(None, None, MISSING) from None
        self._cluster = None
        if address is None:
            self._cluster = distributed.LocalCluster(
                n_workers=workers or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            address = self._cluster.scheduler_address
        try:
            self.client: Any = distributed.Client(address, timeout=30)
        except OSError as e:
            self.close()
            raise InputError(
                None, None, f"cannot reach the Dask scheduler {address}: {e}"
            ) from None
        self.address = address
        self._futures: dict[Any, Any] = {}

    def __enter__(self) -> DaskPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def workers(self) -> int:
        """Threads across the cluster's workers, now."""
        return max(1, sum(self.client.nthreads().values()))

    def close(self) -> None:
        client = getattr(self, "client", None)
        if client is not None:
            if self._futures:  # interrupted: take our tasks off a shared cluster
                client.cancel(list(self._futures))
                self._futures = {}
            client.close()
            self.client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def run(self, task: Task) -> Outcome:
        return next(self.map([(None, task)]))[1]

    def map(self, tasks: Iterable[tuple[Any, Task]]) -> Iterator[tuple[Any, Outcome]]:
        """Run ``(key, task)`` pairs, yielding ``(key, outcome)`` as each finishes. At most a
        few tasks per worker thread are in flight (thousands of CNFs stay here), submitted
        in batches when half of them have come back (one message per batch, not per task)."""
        from distributed import as_completed

        pending = iter(tasks)
        window = 4 * self.workers + 8
        done = as_completed(with_results=True, raise_errors=False)

        def submit(n: int) -> None:
            batch = list(itertools.islice(pending, n))
            if batch:
                futs = self.client.map(run_in_sandbox, [t for _, t in batch], pure=False)
                for fut, (key, _) in zip(futs, batch, strict=True):
                    self._futures[fut] = key
                done.update(futs)

        submit(window)
        for fut, result in done:
            key = self._futures.pop(fut)
            if fut.status == "error":  # KilledWorker after repeated losses, or a broken worker
                name = type(result).__name__
                reason = "lost Dask worker" if name == "KilledWorker" else "Dask task failed"
                result = Outcome(ended="crash", detail=f"{reason}: {name}: {result}")
            fut.release()
            if len(self._futures) <= window // 2:
                submit(window - len(self._futures))
            yield key, result
