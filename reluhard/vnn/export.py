"""``reluhard export``: an inversion problem as an ONNX network and a VNN-LIB property whose
satisfiability means "some latent in the box inverts the network" (VNN-COMP's convention:
the property states the counterexample; ``sat`` is a violated safety property, here an
inverting latent).

- the latent domain becomes the input box: a ``box`` domain, or the w.l.o.g. box a
  ``real`` reduction states (no solution lies outside it);
- ``exact`` (``G(z) = x``) becomes two inequalities per output;
- ``l_inf`` (``||G(z) - x||_inf <= delta``) a box on the outputs;
- ``l_1`` gets the head ``|G(z) - x|_1`` appended to the network as two layers (``|a| =
  ReLU(a) + ReLU(-a)``, then their sum), so the property is the one bound ``Y_0 <= delta``.

What VNN-LIB cannot state is refused with the reason: a discrete latent ({-1,1}^n or
{0,1}^n; export the real-latent reduction instead), p = 2 or 3 (not linear), a strict
``<`` (VNN-LIB has ``<=`` and ``>=`` only), a real latent with no stated box.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from .. import atomic
from ..errors import InputError
from ..inversion import InversionProblem
from ..network import Layer, Network
from . import vnnlib_write as vw


def refusal(problem: InversionProblem) -> str | None:
    """Why VNN-LIB cannot state ``problem`` (one line), or ``None``."""
    dom, q = problem.domain, problem.query
    if dom.is_discrete:
        return (
            f"the latent domain {dom.describe()} is discrete and VNN-LIB inputs are real: "
            "export the real-latent reduction instead (e.g. --via sat-real)"
        )
    if dom.bounds() is None:
        return "the latent domain is R^n with no stated box; VNN-LIB properties need an input box"
    if q.kind == "spec":
        return None
    if q.kind == "approx" and q.p not in (1, "inf"):
        return f"the l_{q.p} query is not linear; VNN-LIB states l_1 and l_inf queries only"
    if q.kind == "approx" and q.strict:
        return "the query is strict (<) and VNN-LIB states <= and >= only"
    return None


def l1_head(problem: InversionProblem) -> Network:
    """The network followed by ``ReLU(y - x), ReLU(x - y)`` and their sum ``||y - x||_1``."""
    m, x = problem.network.out_dim, problem.target
    eye = sp.identity(m, format="csr", dtype=np.float64)
    split = Layer(sp.vstack([eye, -eye], format="csr"), np.r_[-x, x], "relu")
    total = Layer(sp.csr_array(np.ones((1, 2 * m))), np.zeros(1), "identity")
    return Network((*problem.network.layers, split, total))


def exported_network(problem: InversionProblem) -> Network:
    """The network the ONNX file holds: with the l_1 head for an l_1 query."""
    if problem.query.kind == "approx" and problem.query.p == 1:
        return l1_head(problem)
    return problem.network


def output_asserts(problem: InversionProblem) -> list[str]:
    """The output constraints of the property (see the module docstring)."""
    q, x = problem.query, problem.target
    if q.kind == "exact":
        return [
            line
            for j, xj in enumerate(x)
            for line in (f"(assert {vw.bound(f'Y_{j}', '<=', xj)})",
                         f"(assert {vw.bound(f'Y_{j}', '>=', xj)})")
        ]  # fmt: skip
    delta = q.power()  # delta itself, exactly, for p = 1 and p = inf
    if q.p == 1:
        return [f"(assert {vw.bound('Y_0', '<=', delta)})"]
    from fractions import Fraction

    out = []
    for j, xj in enumerate(x):
        out.append(f"(assert {vw.bound(f'Y_{j}', '<=', Fraction(xj) + delta)})")
        out.append(f"(assert {vw.bound(f'Y_{j}', '>=', Fraction(xj) - delta)})")
    return out


def property_for(problem: InversionProblem, comments: tuple[str, ...] = ()) -> str:
    """The VNN-LIB text of ``problem`` (refused problems raise :class:`InputError`)."""
    why = refusal(problem)
    if why:
        raise InputError(None, None, why)
    if problem.query.kind == "spec":
        from .spec import spec_text

        return spec_text(problem, comments)
    box = problem.domain.bounds()
    assert box is not None  # refusal() has checked
    n = problem.n
    net = exported_network(problem)
    lo, hi = [box[0]] * n, [box[1]] * n
    head = [f"query {problem.query.describe()}, latent {problem.domain.describe()}"]
    return vw.property_text(
        (*comments, *head), n, net.out_dim, vw.box_asserts(lo, hi), output_asserts(problem)
    )


@dataclass(frozen=True)
class Exported:
    """What :func:`export` wrote: the network (with any head), its ONNX dtype, the paths."""

    network: Network
    dtype: str
    onnx_path: str | None
    vnnlib_path: str | None


def export(
    problem: InversionProblem,
    onnx_path: str | None,
    vnnlib_path: str | None,
    comments: tuple[str, ...] = (),
) -> Exported:
    """Write the ONNX network and/or the VNN-LIB property of ``problem``."""
    why = refusal(problem)
    if why:
        raise InputError(None, None, why)
    net = exported_network(problem)
    text = property_for(problem, comments)  # before writing anything: it may refuse
    dtype = "-"
    if onnx_path:
        from .onnx_export import save

        dtype = np.dtype(save(net, onnx_path)).name
    if vnnlib_path:
        atomic.write_text(vnnlib_path, text, "property")
    return Exported(net, dtype, onnx_path, vnnlib_path)
