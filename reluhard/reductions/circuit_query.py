"""The preimage question both circuit reductions ask, in one place: the target parameters
(``outputs=BITS`` or ``planted=BITS``), the certificate maps between input vectors and
latents, and the inversion problem and construction each builds from its compiled form.

The conventions, fixed so that others can check them: the latent is the circuit's inputs
in file order (AIGER input order, BENCH ``INPUT`` order) with +1 = true; network output
``i`` is +1 when output bit ``i`` is true and -1 when false, in file order. The target is
``outputs=BITS`` (a 0/1 string in output order), or the outputs of ``planted=BITS`` (an
input vector in input order, kept in the network file as the planted latent), or, with
neither, every output true (AIGER's reading of a combinational circuit as a structural
SAT problem). The circuit embedded in the network file carries the target
(:meth:`~reluhard.problems.circuit.Circuit.with_target`), so that everything reading the
embedded source (the checker, ``--certify``'s Tseitin CNF) asks the same question.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from ..errors import InputError
from ..inversion import Domain, InversionProblem, Query, ReductionRecord, Source
from ..network import Network
from ..options import Param
from ..problems.circuit import Circuit, input_fault, literals_of, preimage_fault, simulate
from .base import Construction
from .circuit_layers import compile_circuit


def bits(text: str) -> str:
    """A bit string: the characters 0 and 1 only (may be empty)."""
    t = str(text).strip()
    if set(t) - {"0", "1"}:
        raise ValueError(f"expected a string of 0s and 1s, got {text!r}")
    return t


bits.__name__ = "bit string (0s and 1s)"

PARAMS = {
    "outputs": Param(
        bits, "the target: one 0/1 per output, in output order (default: every output 1)"
    ),
    "planted": Param(
        bits,
        "plant a preimage: one 0/1 per input, in input order; its outputs become the target "
        "and it is kept in the file",
    ),
}


def _vector(text: str, size: int, key: str, what: str) -> np.ndarray:
    if len(text) != size:
        raise InputError(
            None, None, f"{key}={text} has {len(text)} bits, the circuit has {size} {what}"
        )
    return np.array([c == "1" for c in text], dtype=bool)


def target_of(circuit: Circuit, outputs: str | None = None, planted: str | None = None,
              **_) -> np.ndarray:  # fmt: skip
    """The target output vector the parameters ask for (see the module docstring)."""
    if outputs is not None and planted is not None:
        raise InputError(None, None, "give outputs=BITS or planted=BITS, not both")
    if outputs is not None:
        return _vector(outputs, circuit.noutputs, "outputs", "outputs")
    if planted is not None:
        return simulate(circuit, _vector(planted, circuit.ninputs, "planted", "inputs"))
    return circuit.required()


def planted_of(circuit: Circuit, planted: str | None = None, **_) -> np.ndarray | None:
    """The planted latent (+-1), or None."""
    if planted is None:
        return None
    return np.where(_vector(planted, circuit.ninputs, "planted", "inputs"), 1.0, -1.0)


def recorded(outputs: str | None = None, planted: str | None = None) -> dict:
    """The parameters to record in the network file."""
    given = {"outputs": outputs, "planted": planted}
    return {k: v for k, v in given.items() if v is not None}


def embedded(source: Source | None, circuit: Circuit, target: np.ndarray) -> Source | None:
    """``source`` with its circuit carrying ``target``."""
    return None if source is None else replace(source, instance=circuit.with_target(target))


def problem(circuit: Circuit, form: str, record: tuple[str, str, str], domain: Domain, *,
            source: Source | None = None, outputs: str | None = None,
            planted: str | None = None) -> InversionProblem:  # fmt: skip
    """The inversion problem of ``circuit`` compiled in ``form`` (``"sign"`` or ``"real"``,
    :func:`.circuit_layers.compile_circuit`) on ``domain``, recorded as ``record`` (name,
    paper, theorem): target +1/-1 per output the parameters ask for and, for ``"real"``, the
    penalty output's target ``n`` last (:mod:`.circuit_real`)."""
    target = target_of(circuit, outputs, planted)
    compiled = compile_circuit(circuit, form)
    values = np.where(target, 1.0, -1.0)
    if form == "real":
        values = np.r_[values, float(circuit.ninputs)]
    return InversionProblem(
        Network(tuple(compiled.layers)),
        values,
        domain,
        Query(),
        ReductionRecord(*record, recorded(outputs, planted)),
        embedded(source, circuit, target),
        planted_of(circuit, planted),
        tuple(compiled.bounds),
    )


def construction(ns: dict) -> Construction:
    """The reduction a circuit module defines (its constants, ``build`` and ``size``), with
    the certificate maps and parameters of this module (:meth:`Construction.of_module`)."""
    return Construction.of_module(
        ns, encode=encode, decode=decode, fault=fault, params=PARAMS, states_bounds=True
    )


def encode(circuit: Circuit, certificate: Sequence[int], **params) -> np.ndarray:
    """An input vector (literals ``i`` / ``-i``) becomes the latent ``z in {-1,1}^n``."""
    vector, why = input_fault(circuit, list(certificate))
    if why:
        raise ValueError(why)
    assert vector is not None
    return np.where(vector, 1.0, -1.0)


def decode(circuit: Circuit, z: Sequence[float] | np.ndarray, **params) -> list[int]:
    """Any latent (also an inexact one) becomes the input vector with input ``i`` true iff
    ``z_i > 0``."""
    z = np.asarray(z, dtype=np.float64).reshape(-1)
    return literals_of(z[: circuit.ninputs] > 0)


def fault(circuit: Circuit, certificate, **params) -> str | None:
    """Why ``certificate`` is not a preimage of the target (the circuit simulated), or None."""
    return preimage_fault(circuit, certificate, target_of(circuit, **params))
