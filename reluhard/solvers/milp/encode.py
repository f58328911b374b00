"""The network as a mixed-integer model, unit by unit: classify, then encode (after
MIPVerify.jl's ReLU encoding, Tjeng, Xiao and Tedrake, ICLR 2019).

Each unit's pre-activation is an affine expression ``pre = sum cs * vs + const`` of solver
variables (stable units are substituted away, so it can be a long one), and its bounds
``[L, U]`` come from :mod:`.presolve`. :func:`classify` gives the unit one of the
:data:`KINDS`, and one small function per kind states it:

- ``output``, ``linear``: an identity unit is its pre-activation;
- ``active`` (``L >= 0``): output = pre, with the row ``pre >= 0`` kept (the backward sweep
  may have derived the bound from the target); substituted into the next layer when it has
  at most :data:`SUBSTITUTE_MAX_TERMS` terms, else a variable of its own;
- ``inactive`` (``U <= 0``, ReLU): output 0, with the row ``pre <= 0`` kept likewise;
  ``negative`` (``U <= 0``, leaky ReLU ``max(a, c a)``): output ``c pre``, the same row;
- ``one binary``: an unstable unit whose pre-activation is affine in one binary ``beta`` is
  itself affine in ``beta`` (its two values); ``two binaries``: one of two binaries is
  tabulated, its four values making it linear in them and their product (one AND variable
  per pair, shared). In the last layer these tables also make the norm's term linear
  (:mod:`.norms`); on hamming6-4 this took Vertex Cover at q = 51 (NO) from over 300 s to
  0.1 s with CP-SAT;
- ``unstable``: a binary ``d`` and ``y = max(pre, 0)`` stated by the back end
  (:meth:`.adapters.CpSat.relu`: indicator constraints, no M; the linear solvers: big-M
  rows with the unit's own ``[L, U]``). The second unit of a negation pair
  ``ReLU(a), ReLU(-a)`` (:func:`.presolve.negation_pairs`) takes the complement of its
  partner's binary, ``y_k - y_j = pre_k``, and ``y_j + y_k = |a|`` within the pair's bounds.
  A leaky unit is ``c pre + (1 - c) max(pre, 0)``.

The latent: ``sign`` is ``z = 2 y - 1`` with binary ``y``, ``binary`` is ``z = y``, a
coordinate that presolve shows to be two-valued is ``v0 + (v1 - v0) y``, a box (or the
stated w.l.o.g. box of a real domain) is a continuous variable (SCIP/HiGHS only).
Every solution of the network is a solution of the model (the bounds are sound, the
tabulations exact), so an infeasible model is a sound NO.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ...errors import InputError
from ...inversion import InversionProblem
from ...network import Layer
from .adapters import Backend
from .presolve import Presolve, csr_rows, layer_pairs

INF = math.inf
SUBSTITUTE_MAX_TERMS = 8  # an active unit with a longer expression gets its own variable
SUBSTITUTE_MAX_COEF = 2.0**20  # ... and one with a larger coefficient (see _pass_on)

Expr = tuple[list, list, float]  # (vars, coefs, const): sum coefs * vars + const


@dataclass
class Encoding:
    """The model under construction on ``backend``: the ``latent`` per coordinate as
    ``(var, scale, shift)`` with ``z = scale * var + shift``, the ``outputs`` as expressions,
    and what :mod:`.norms` and the solve loop build on."""

    backend: Backend
    latent: list = field(default_factory=list)
    outputs: list[Expr] = field(default_factory=list)
    booleans: set = field(default_factory=set)  # ids of the model's 0/1 variables
    products: dict = field(default_factory=dict)  # (id b0, id b1) -> their AND variable
    # output index -> (binaries, values): the output is a function of at most two binaries,
    # with value values[(a, b)] (or values[(a,)]); the p-norm term is then linear in them
    tables: dict = field(default_factory=dict)
    kinds: Counter = field(default_factory=Counter)  # units per kind
    unit_binaries: int = 0  # binaries of unstable units (a negation pair's second shares)
    stats: dict = field(default_factory=dict)
    slack: object = None  # slack variable for strict approximate queries
    oa: tuple | None = None  # ([(e_i, s_i)], p): outer approximation of sum |d_i|^p (linear)


@dataclass
class LayerPairs:
    """A layer's negation pairs ``{j: k}``, the bounds on their ``|a|`` (keyed by ``k``),
    and, once ``j`` is encoded, ``shared[k] = (d_j, y_j)``."""

    partner: dict
    sums: dict
    shared: dict = field(default_factory=dict)


@dataclass
class Unit:
    """One unit to encode: its layer, index, pre-activation expression and bounds."""

    layer: Layer
    j: int
    pre: Expr
    lo: float
    hi: float
    post: tuple[float, float]
    last: bool
    pairs: LayerPairs


def classify(layer: Layer, lo: float, hi: float, vs: list, booleans: set, last: bool) -> str:
    """The kind of a unit of ``layer`` with pre-activation bounds ``[lo, hi]`` over the
    variables ``vs`` (``booleans``: the ids of the 0/1 ones): one of :data:`KINDS`, or
    ``"unsupported"``."""
    act = layer.activation
    if act == "identity":
        return "output" if last else "linear"
    if act != "relu" and not (act == "leaky_relu" and 0 <= layer.slope <= 1):
        return "unsupported"
    if lo >= 0:
        return "active"
    if hi <= 0:
        return "inactive" if act == "relu" else "negative"
    if len(vs) in (1, 2) and all(id(v) in booleans for v in vs):
        return "one binary" if len(vs) == 1 else "two binaries"
    return "unstable"


def _scalar(layer: Layer, v: float) -> float:
    return float(layer.act(np.asarray(v, dtype=np.float64)))


def _pass_on(enc: Encoding, expr: Expr, post: tuple[float, float]) -> Expr:
    """``expr`` itself when short enough to substitute, else a new variable equal to it.
    Substitution through a chain of stable units multiplies coefficients layer after layer
    (a wire ``2u - 1`` of a wire doubles them), so an expression with a coefficient past
    ``SUBSTITUTE_MAX_COEF`` is cut by a variable too."""
    vs, cs, const = expr
    if len(vs) <= SUBSTITUTE_MAX_TERMS and max(map(abs, cs), default=0.0) <= SUBSTITUTE_MAX_COEF:
        return expr
    b = enc.backend
    y = b.var(post[0], post[1], b.integral)
    b.row(vs + [y], cs + [-1.0], -const, -const)
    return ([y], [1.0], 0.0)


def conjunction(enc: Encoding, b0, b1):
    """The AND variable of binaries ``b0``, ``b1`` (one per pair, made on first use)."""
    key = tuple(sorted((id(b0), id(b1))))
    if key not in enc.products:
        b = enc.backend
        prod = b.boolean()
        enc.booleans.add(id(prod))
        b.row([prod, b0], [1.0, -1.0], -INF, 0.0)  # prod <= b0
        b.row([prod, b1], [1.0, -1.0], -INF, 0.0)  # prod <= b1
        b.row([prod, b0, b1], [1.0, -1.0, -1.0], -1.0, INF)  # prod >= b0 + b1 - 1
        enc.products[key] = prod
    return enc.products[key]


def _output(enc: Encoding, u: Unit) -> Expr:
    return u.pre


def _linear(enc: Encoding, u: Unit) -> Expr:
    return _pass_on(enc, u.pre, u.post)


def _active(enc: Encoding, u: Unit) -> Expr:
    vs, cs, const = u.pre
    enc.backend.row(vs, cs, -const, INF)
    return _pass_on(enc, u.pre, u.post)


def _inactive(enc: Encoding, u: Unit) -> None:
    vs, cs, const = u.pre
    enc.backend.row(vs, cs, -INF, -const)


def _negative(enc: Encoding, u: Unit) -> Expr:
    vs, cs, const = u.pre
    enc.backend.row(vs, cs, -INF, -const)
    c = u.layer.slope
    return _pass_on(enc, (vs, [c * w for w in cs], c * const), u.post)


def _one_binary(enc: Encoding, u: Unit) -> Expr:
    (beta,), (w,), const = u.pre
    r0, r1 = _scalar(u.layer, const), _scalar(u.layer, const + w)
    if u.last:
        enc.tables[u.j] = ([beta], {(0,): r0, (1,): r1})
    return ([beta], [r1 - r0], r0)


def _two_binaries(enc: Encoding, u: Unit) -> Expr:
    vs, cs, const = u.pre
    r = {(a, c): _scalar(u.layer, const + a * cs[0] + c * cs[1]) for a in (0, 1) for c in (0, 1)}
    inter = r[1, 1] - r[1, 0] - r[0, 1] + r[0, 0]
    evs, ecs = list(vs), [r[1, 0] - r[0, 0], r[0, 1] - r[0, 0]]
    if inter:
        evs.append(conjunction(enc, vs[0], vs[1]))
        ecs.append(inter)
    if u.last:
        enc.tables[u.j] = (list(vs), r)
    return (evs, ecs, r[0, 0])


def _unstable(enc: Encoding, u: Unit) -> Expr:
    b, (vs, cs, const), pairs = enc.backend, u.pre, u.pairs
    leaky = u.layer.activation == "leaky_relu"
    y = b.var(0.0, max(0.0, u.hi if leaky else u.post[1]), b.integral)  # y = max(pre, 0)
    if u.j in pairs.shared:  # pre_j = -pre_k: one binary for both, y_k - y_j = pre_k
        d_k, y_k = pairs.shared[u.j]
        d = b.complement(d_k)
        b.row(vs + [y, y_k], [-c for c in cs] + [1.0, -1.0], const, const)
        s_lo, s_hi = pairs.sums.get(u.j, (0.0, INF))
        b.row([y, y_k], [1.0, 1.0], s_lo, s_hi)  # |pre| in [s_lo, s_hi]
    else:
        enc.unit_binaries += 1
        d = b.boolean()
    if u.j in pairs.partner:
        pairs.shared[pairs.partner[u.j]] = (d, y)
    b.relu(vs, cs, const, y, d, float(u.lo), float(u.hi))
    if not leaky:
        return ([y], [1.0], 0.0)
    c = u.layer.slope  # max(a, c a) = c a + (1 - c) max(a, 0) for 0 <= c <= 1
    return _pass_on(enc, (vs + [y], [c * w for w in cs] + [1.0 - c], c * const), u.post)


#: one encoding function per kind of unit; each returns the unit's output as an expression
#: (``None``: the constant 0)
KINDS: dict[str, Callable[[Encoding, Unit], Expr | None]] = {
    "output": _output,
    "linear": _linear,
    "active": _active,
    "inactive": _inactive,
    "negative": _negative,
    "one binary": _one_binary,
    "two binaries": _two_binaries,
    "unstable": _unstable,
}


def _latent(problem: InversionProblem, pre: Presolve, enc: Encoding) -> None:
    dom, b, bounds = problem.domain, enc.backend, pre.bounds
    for i in range(problem.n):
        if i in pre.two or dom.is_discrete:
            v0, v1 = pre.two.get(i) or {"sign": (-1.0, 1.0), "binary": (0.0, 1.0)}[dom.kind]
            beta = b.boolean()
            enc.booleans.add(id(beta))
            enc.latent.append((beta, v1 - v0, v0))
        else:
            enc.latent.append((b.var(bounds.latent_lo[i], bounds.latent_hi[i]), 1.0, 0.0))


def _affine(layer: Layer, inputs: list[Expr | None]):
    """Each unit's pre-activation ``W a + b`` as an expression in the inputs' variables."""
    W = csr_rows(layer.W)
    single = _one_variable_each(inputs)
    if single is not None:
        return _affine_in_variables(W, layer.b, *single)
    return _affine_general(W, layer.b, inputs)


def _affine_general(W, b: np.ndarray, inputs: list[Expr | None]):
    """:func:`_affine` for any inputs, term by term (the variables of two inputs merge)."""
    for j in range(W.shape[0]):
        terms: dict = {}
        const = float(b[j])
        for k in range(W.indptr[j], W.indptr[j + 1]):
            term = inputs[W.indices[k]]
            if term is None:
                continue
            w = float(W.data[k])
            for v, c in zip(term[0], term[1], strict=True):
                terms[v] = terms.get(v, 0.0) + w * c
            const += w * term[2]
        vs = [v for v, c in terms.items() if c != 0]
        yield vs, [terms[v] for v in vs], const


def _one_variable_each(inputs: list[Expr | None]):
    """``(variables, scales, shifts, present)`` when every input is ``scale * v + shift``
    in a variable of its own (the latent layer always is), else ``None``."""
    if any(e is not None and len(e[0]) != 1 for e in inputs):
        return None
    variables = [e[0][0] if e is not None else None for e in inputs]
    present = np.array([e is not None for e in inputs], dtype=bool)
    if len({id(v) for v in variables if v is not None}) != int(present.sum()):
        return None
    scales = np.array([e[1][0] if e is not None else 0.0 for e in inputs], dtype=np.float64)
    shifts = np.array([e[2] if e is not None else 0.0 for e in inputs], dtype=np.float64)
    return variables, scales, shifts, present


def _affine_in_variables(W, b: np.ndarray, variables: list, scales, shifts, present):
    """:func:`_affine` over inputs of one variable each, in numpy: the coefficients are
    ``W_jk * scale_k``, the constants ``b_j + sum_k W_jk * shift_k``; only the lists handed
    to the back end are built per row. (The rows of ``W`` are canonical: no column twice.)"""
    idx, ptr = W.indices, W.indptr
    rows = np.repeat(np.arange(W.shape[0]), np.diff(ptr))
    on = present[idx]
    coef = np.where(on, W.data * scales[idx], 0.0)
    consts = (b + np.bincount(rows, np.where(on, W.data * shifts[idx], 0.0), W.shape[0])).tolist()
    keep = coef != 0
    kept_ptr = np.concatenate([[0], np.cumsum(np.bincount(rows[keep], minlength=W.shape[0]))])
    cols, cs = idx[keep].tolist(), coef[keep].tolist()
    vs = [variables[k] for k in cols]
    bounds = kept_ptr.tolist()
    for j in range(W.shape[0]):
        lo, hi = bounds[j], bounds[j + 1]
        yield vs[lo:hi], cs[lo:hi], consts[j]


def encode(problem: InversionProblem, pre: Presolve, backend) -> Encoding:
    """State ``problem`` (less its query) on ``backend`` with the bounds of ``pre``; the
    latent coordinates in ``pre.two`` become binaries."""
    enc = Encoding(backend)
    _latent(problem, pre, enc)
    inputs: list[Expr | None] = [([v], [scale], shift) for v, scale, shift in enc.latent]
    bounds, layers = pre.bounds, problem.network.layers
    for li, layer in enumerate(layers):
        last = li == len(layers) - 1
        pairs = LayerPairs(*layer_pairs(problem, bounds, li, pre.pairs))
        plo, phi = bounds.pre_lo[li], bounds.pre_hi[li]
        olo, ohi = bounds.post_lo[li], bounds.post_hi[li]
        outputs: list[Expr | None] = []
        for j, expr in enumerate(_affine(layer, inputs)):
            kind = classify(layer, plo[j], phi[j], expr[0], enc.booleans, last)
            if kind not in KINDS:
                raise InputError(
                    None,
                    None,
                    "the MILP back ends take relu, leaky_relu (slope in [0, 1]) and identity "
                    f"layers; layer {li + 1} is {layer.activation}",
                )
            enc.kinds[kind] += 1
            unit = Unit(layer, j, expr, plo[j], phi[j], (olo[j], ohi[j]), last, pairs)
            outputs.append(KINDS[kind](enc, unit))
        inputs = outputs
    enc.outputs = [e or ([], [], 0.0) for e in inputs]
    dom = problem.domain
    enc.stats = {
        "binaries": enc.unit_binaries + len(enc.products),
        "latent_binaries": sum(1 for v in enc.latent if dom.is_discrete or v[1] != 1.0),
        "two_valued_latents": len(pre.two),
        "units_affine_in_one_binary": enc.kinds["one binary"],
        "units_of_two_binaries": enc.kinds["two binaries"],
    }
    return enc
