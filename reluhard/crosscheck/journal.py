"""The crosscheck journal: every finished run, appended as one JSON line as it finishes.

A long cross-check must survive ^C, SIGTERM, a power cut. The JSON report is written once, at
the end (it holds per-instance judgements and summaries that need every run), so each run is
also appended to ``REPORT.jsonl`` beside it the moment the parent has judged it, flushed and
fsync'ed. JSON lines rather than SQLite: appending one line is atomic enough (a line cut off
by a crash is the last one, and is ignored on reading), the file is greppable and ``jq``-able
while the run goes on, it needs nothing beyond the standard library on any machine, and there
is one writer (the parent), so a database's concurrency buys nothing.

Lines (schema ``reluhard.crosscheck.journal/1``):

- ``{"type": "run", "key": [SHA256, RUNNER, SETTINGS], "instance": NAME, "run": {...}}``:
  :meth:`~.run.Run.to_json`. ``SETTINGS`` is the canonical JSON of the options that change a
  run's outcome (time limit, proofs): a resumed run with other settings redoes the work.
- ``{"type": "shrink", "key": [SHA256, RUNNER, KIND, SETTINGS], "failure": {...}}``: a
  minimised failure (:meth:`~.run.Failure.to_json`), so a resumed run does not shrink again.

``--resume REPORT`` reads ``REPORT.jsonl`` and skips every run (and shrink) it holds.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, Any

SCHEMA = "reluhard.crosscheck.journal/1"


def beside(report: str | os.PathLike, suffix: str) -> Path:
    """The file beside ``report`` with ``suffix``: ``x.json`` -> ``x.jsonl``, ``x.csv``."""
    p = Path(report)
    return p.with_suffix(suffix) if p.suffix == ".json" else p.with_name(p.name + suffix)


def path_for(report: str | os.PathLike) -> Path:
    """The journal beside ``report``: ``x.json`` -> ``x.jsonl``."""
    return beside(report, ".jsonl")


def settings_key(time_limit: float | None, proofs: bool) -> str:
    """The options a run's outcome depends on, as canonical JSON."""
    return json.dumps({"time_limit": time_limit, "proofs": proofs}, sort_keys=True)


class Journal:
    """Appends lines to a journal file; ``None`` path: a journal that keeps nothing."""

    def __init__(self, path: str | os.PathLike | None, fresh: bool = True) -> None:
        self.path = None if path is None else Path(path)
        self._f: IO[str] | None = None
        if self.path is not None:
            fresh = fresh or not self.path.exists()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._f = open(self.path, "w" if fresh else "a", encoding="utf-8")  # noqa: SIM115
            if fresh:
                self._write({"type": "header", "schema": SCHEMA})

    def _write(self, line: dict) -> None:
        if self._f is None:
            return
        self._f.write(json.dumps(line, separators=(",", ":")) + "\n")
        self._f.flush()
        os.fsync(self._f.fileno())

    def run(self, key: tuple[str, str, str], instance: str, run: dict) -> None:
        self._write({"type": "run", "key": list(key), "instance": instance, "run": run})

    def shrink(self, key: tuple[str, str, str, str], failure: dict) -> None:
        self._write({"type": "shrink", "key": list(key), "failure": failure})

    def close(self) -> None:
        if self._f is not None:
            self._f.close()
            self._f = None


def read(path: str | os.PathLike) -> tuple[dict[tuple, dict], dict[tuple, dict]]:
    """The runs and the shrunk failures a journal holds, by key. A line that does not parse
    (the last one, cut off by a kill) is skipped; a missing journal holds nothing."""
    runs: dict[tuple, dict] = {}
    shrinks: dict[tuple, dict] = {}
    p = Path(path)
    if not p.exists():
        return runs, shrinks
    with open(p, encoding="utf-8") as f:
        for text in f:
            try:
                line: Any = json.loads(text)
            except json.JSONDecodeError:
                continue
            if not isinstance(line, dict):
                continue
            if line.get("type") == "run":
                runs[tuple(line["key"])] = line["run"]
            elif line.get("type") == "shrink":
                shrinks[tuple(line["key"])] = line["failure"]
    return runs, shrinks
