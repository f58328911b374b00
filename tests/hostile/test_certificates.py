"""Hostile input, certificates and proofs (issue 21): no wrong VERIFIED.

Each attack below verified (exit 0, ``VERIFIED``) or was accepted before the fix: a network
file whose embedded source was swapped for an UNSAT one (with a valid proof of that one), a
DRUP proof naming a literal around 2^70 (which the checker's machine integers wrap onto
variable 2), and embedded source literals beyond int32 (which wrapped onto variable 1)."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from reluhard import netfile, pipeline
from reluhard.certs import proofs
from reluhard.problems.cnf import CNF
from tests.helpers.cli import one_error_line, run_cli

pytestmark = pytest.mark.skipif(proofs.checker_version() is None, reason="drup not installed")

#: unsatisfiable, and unit propagation alone does not refute it: the proof "2 0" then "0"
UNSAT = CNF.from_clauses([[1, 2], [-1, 2], [1, -2], [-1, -2]])
SAT = CNF.from_clauses([[1, 2], [-1, 2], [1, -2]])


def _unsat_solution(tmp_path, proof_lines: list[str]) -> str:
    proof = tmp_path / "p.drup"
    proof.write_text("".join(f"{line}\n" for line in proof_lines))
    sol = tmp_path / "sol.json"
    sol.write_text(json.dumps({"answer": "UNSATISFIABLE", "proof": {"path": "p.drup"}}))
    return str(sol)


def _write(problem, tmp_path, name="net.npz") -> str:
    path = str(tmp_path / name)
    netfile.write(problem, path)
    return path


def test_swapped_source_is_rejected_by_verify(tmp_path, capsys):
    """The network of a satisfiable CNF, carrying an unsatisfiable source and its proof."""
    sat = pipeline.reduce_instance(SAT)
    unsat = pipeline.reduce_instance(UNSAT)
    swapped = replace(sat, source=unsat.source)
    net = _write(swapped, tmp_path)
    sol = _unsat_solution(tmp_path, ["2 0", "0"])
    code, out, _ = run_cli(capsys, ["verify", net, sol])
    assert code == 1
    assert out.splitlines() == [
        f"REJECTED: {net} is not the reduction of its embedded source: layer 1 differs from "
        "what sat-sign builds from the embedded source (the source or the layers were changed)"
    ]
    # the honest file verifies
    code, out, _ = run_cli(capsys, ["verify", _write(unsat, tmp_path, "honest.npz"), sol])
    assert code == 0 and out.startswith("VERIFIED")


def test_swapped_source_is_refused_by_invert_certify(tmp_path, capsys):
    swapped = replace(pipeline.reduce_instance(SAT), source=pipeline.reduce_instance(UNSAT).source)
    net = _write(swapped, tmp_path)
    code, out, err = run_cli(capsys, ["invert", net, "--certify"])
    assert code == 1 and "s " not in out
    assert one_error_line(err) == (
        f"{net}: not the reduction of its embedded source: layer 1 differs from what sat-sign "
        "builds from the embedded source (the source or the layers were changed)"
    )


@pytest.mark.parametrize(
    "lines, reason",
    [
        (["1180591620717411303426 0", "0"], "literal 1180591620717411303426 is out of range"),
        (["9223372036854775810 0", "0"], "literal 9223372036854775810 is out of range"),
        (["4294967298 0", "0"], "literal 4294967298 is out of range"),
        (["5 0", "0"], "literal 5 is out of range"),
        (["d 1 2 0", "-2 -18446744073709551618 0", "2 0", "0"], "literal -184467440737"),
    ],
)
def test_proof_literals_beyond_the_formula_are_rejected(tmp_path, capsys, lines, reason):
    net = _write(pipeline.reduce_instance(UNSAT), tmp_path)
    sol = _unsat_solution(tmp_path, lines)
    code, out, _ = run_cli(capsys, ["verify", net, sol])
    assert code == 1
    [line] = out.splitlines()
    assert line.startswith(f"REJECTED: cannot verify: {tmp_path / 'p.drup'}:")
    limit = 2 + len(lines)
    assert reason in line and line.endswith(
        f"a proof may name variables up to {limit} (the formula's and one fresh one per line)"
    )


def test_check_proof_never_wraps():
    assert proofs.check_proof(UNSAT, ["2 0", "0"]).valid
    with pytest.raises(proofs.InputError, match=r"<proof>:1: literal 1180591620717411303426"):
        proofs.check_proof(UNSAT, [f"{2**70 + 2} 0", "0"])


def _with_source_arrays(tmp_path, problem, **arrays) -> str:
    """``problem`` written with some ``source.*`` arrays replaced (the writer's own layout)."""
    data, meta = netfile._arrays(problem)
    data.update({f"source.{k}": v for k, v in arrays.items()})
    data["meta"] = np.array(json.dumps(meta, sort_keys=True))
    path = str(tmp_path / "bad.npz")
    netfile._write_zip(path, data)
    return path


#: source arrays -> the message (after "NET: inconsistent network file: embedded cnf source: ")
BAD_SOURCES = {
    "literal past int32": (
        {"literals": np.array([1, 2, -1, 2, 1, -2, -1, -(2**32 + 2)], dtype=np.int64)},
        "literals must hold integers within int32 (got -4294967298)",
    ),
    "literal past int64 (uint64)": (
        {"literals": np.array([1, 2, 1, 2, 1, 2, 1, 2**64 - 1], dtype=np.uint64)},
        "literals must hold integers within int32 (got 18446744073709551615)",
    ),
    "float literals": (
        {"literals": np.array([1, 2, -1, 2, 1, -2, -1, -2.5])},
        "literals must hold integers, got dtype float64",
    ),
    "offsets past int64 (uint64)": (
        {"offsets": np.array([0, 2, 4, 6, 2**64 - 1], dtype=np.uint64)},
        "offsets must hold integers within int64 (got 18446744073709551615)",
    ),
    "float offsets": (
        {"offsets": np.array([0.0, 2, 4, 6, 8])},
        "offsets must hold integers, got dtype float64",
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_SOURCES))
@pytest.mark.parametrize("command", ["info", "invert", "verify"])
def test_embedded_source_is_validated_like_a_source_file(tmp_path, capsys, name, command):
    arrays, message = BAD_SOURCES[name]
    net = _with_source_arrays(tmp_path, pipeline.reduce_instance(UNSAT), **arrays)
    argv = {"info": [net], "invert": [net], "verify": [net, _unsat_solution(tmp_path, ["0"])]}
    code, out, err = run_cli(capsys, [command, *argv[command]])
    assert code == 1 and "s " not in out
    assert one_error_line(err) == (
        f"{net}: inconsistent network file: embedded cnf source: {message}"
    )


def test_embedded_source_counts_must_be_integers(tmp_path, capsys):
    data, meta = netfile._arrays(pipeline.reduce_instance(UNSAT))
    meta["source"]["meta"]["nvars"] = 2.5
    data["meta"] = np.array(json.dumps(meta, sort_keys=True))
    path = str(tmp_path / "bad.npz")
    netfile._write_zip(path, data)
    code, _, err = run_cli(capsys, ["info", path])
    assert code == 1
    # the load-time meta check (reluhard/netcheck.py) sees it before the source reader
    assert one_error_line(err) == f"{path}: meta 'source.meta.nvars' is 2.5, not a count"
