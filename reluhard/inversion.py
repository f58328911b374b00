"""Inversion problems: a network, a target, a latent domain and a query, and the exact
check of a candidate latent that every positive verdict must pass.

The question an :class:`InversionProblem` asks is "is there a latent ``z`` in the domain
with ``G(z) = x``" (query ``exact``) or "... with ``||G(z) - x||_p < delta``" (query
``approx``; ``<=`` when not strict). Domains:

- ``sign``: ``{-1, 1}^n``; ``binary``: ``{0, 1}^n``; ``box``: ``[lo, hi]^n``;
- ``real``: ``R^n``. A reduction whose latent is real states, where it can, a box that is
  *without loss of generality* (some solution lies in it whenever one exists) together with
  the one-line reason; back ends that need finite bounds (the MILP) search that box, and a
  real domain without one is refused by them.

Query ``spec`` is a general VNN-LIB specification (:class:`Spec`): an input box per
coordinate and a disjunction of conjunctions of linear constraints over the inputs ``X``
and the outputs ``Y = G(z)``; the problem's domain is then the box enclosing the spec's
box and its target is unused (zeros).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from .exactness import float64_array
from .network import Network, exact_forward, rational_vector
from .options import NormP

DOMAIN_KINDS = ("sign", "binary", "box", "real")


@dataclass(frozen=True)
class Domain:
    """The latent domain. ``lo``/``hi`` bound a ``box`` domain, or give the w.l.o.g. box of a
    ``real`` one (with ``reason`` saying why it loses no solutions)."""

    kind: str
    lo: float | None = None
    hi: float | None = None
    reason: str = ""

    def __post_init__(self) -> None:
        if self.kind not in DOMAIN_KINDS:
            raise ValueError(f"unknown latent domain {self.kind!r}")
        if self.kind == "box" and (self.lo is None or self.hi is None):
            raise ValueError("a box domain needs lo and hi")
        if (self.lo is None) != (self.hi is None):
            raise ValueError("give both lo and hi, or neither")
        if self.lo is not None and self.hi is not None and not self.lo <= self.hi:
            raise ValueError("lo must be <= hi")

    @property
    def is_discrete(self) -> bool:
        return self.kind in ("sign", "binary")

    def values(self) -> tuple[int, int] | None:
        """The two values of a discrete domain, else ``None``."""
        return {"sign": (-1, 1), "binary": (0, 1)}.get(self.kind)

    def bounds(self) -> tuple[float, float] | None:
        """Finite bounds every coordinate may be restricted to, or ``None`` (real, no box)."""
        if self.kind == "sign":
            return (-1.0, 1.0)
        if self.kind == "binary":
            return (0.0, 1.0)
        if self.lo is None or self.hi is None:
            return None
        return (float(self.lo), float(self.hi))

    def violation(self, num: np.ndarray, den: int) -> str | None:
        """``None`` if the exact latent ``num / den`` lies in the domain, else the reason it
        does not (naming the first offending coordinate)."""
        num = np.asarray(num).ravel()
        vals = self.values()
        if vals is not None:
            bad = ~np.isin(num, [vals[0] * den, vals[1] * den])
        elif self.kind == "box":
            assert self.lo is not None and self.hi is not None  # __post_init__: a box has both
            lo, hi = Fraction(self.lo), Fraction(self.hi)
            bad = np.array(
                [not lo <= Fraction(int(v), den) <= hi for v in num.tolist()], dtype=bool
            )
        else:
            return None
        if not bad.any():
            return None
        i = int(np.flatnonzero(bad)[0])
        zi = Fraction(int(num[i]), den)
        where = f"{{{vals[0]}, {vals[1]}}}" if vals else f"the box [{self.lo}, {self.hi}]"
        return f"latent z[{i}] = {zi} is not in {where}"

    def to_json(self) -> dict:
        d: dict[str, Any] = {"kind": self.kind}
        if self.lo is not None:
            d["box"] = [self.lo, self.hi]
        if self.reason:
            d["reason"] = self.reason
        return d

    @classmethod
    def from_json(cls, d: dict) -> Domain:
        lo, hi = d.get("box", (None, None))
        return cls(d["kind"], lo, hi, d.get("reason", ""))

    def describe(self) -> str:
        v = self.values()
        if v is not None:  # sign, binary
            return f"{{{v[0]},{v[1]}}}^n"
        if self.kind == "box":
            return f"[{self.lo:g},{self.hi:g}]^n"
        if self.lo is None:
            return "R^n (no finite box stated)"
        return f"R^n (w.l.o.g. [{self.lo:g},{self.hi:g}]^n: {self.reason})"


@dataclass(frozen=True)
class Atom:
    """One linear constraint ``sum coef * var <= rhs`` over inputs ``("X", i)`` and outputs
    ``("Y", j)``, exactly: ``terms`` holds ``(var, index, coef)`` with ``coef`` a Fraction."""

    terms: tuple[tuple[str, int, Fraction], ...]
    rhs: Fraction

    def value(self, x: list[Fraction], y: list[Fraction] | tuple[Fraction, ...]) -> Fraction:
        """``sum coef * var - rhs`` at the point (``<= 0``: the atom holds)."""
        return sum(((x if v == "X" else y)[i] * c for v, i, c in self.terms), -self.rhs)

    def describe(self) -> str:
        lhs = " + ".join(f"{c}*{v}_{i}" if c != 1 else f"{v}_{i}" for v, i, c in self.terms)
        return f"{lhs or '0'} <= {self.rhs}"

    def to_json(self) -> dict:
        return {"terms": [[v, i, str(c)] for v, i, c in self.terms], "rhs": str(self.rhs)}

    @classmethod
    def from_json(cls, d: dict) -> Atom:
        terms = tuple((str(v), int(i), Fraction(str(c))) for v, i, c in d["terms"])
        return cls(terms, Fraction(str(d["rhs"])))


def single_bound(atom: Atom) -> tuple[str, int, str, Fraction] | None:
    """``(var, index, "lo" | "hi", value)`` when ``atom`` bounds one variable, else ``None``."""
    if len(atom.terms) != 1 or atom.terms[0][2] == 0:
        return None
    v, i, c = atom.terms[0]
    return v, i, ("hi" if c > 0 else "lo"), atom.rhs / c


@dataclass(frozen=True)
class Spec:
    """A VNN-LIB specification: ``box`` (``(lo, hi)`` per input, exact) and ``disjuncts``,
    each a conjunction of :class:`Atom` s; satisfied at ``(x, y)`` when ``x`` lies in the
    box and some disjunct holds entirely."""

    box: tuple[tuple[Fraction, Fraction], ...]
    disjuncts: tuple[tuple[Atom, ...], ...]

    def violation(self, x: list[Fraction], y) -> str | None:
        """``None`` if the spec holds at ``(x, y)``, else why not."""
        for i, (xi, (lo, hi)) in enumerate(zip(x, self.box, strict=True)):
            if not lo <= xi <= hi:
                return f"X_{i} = {xi} is not in [{lo}, {hi}]"
        worst = []
        for k, conj in enumerate(self.disjuncts):
            bad = [(a, a.value(x, y)) for a in conj]
            bad = [(a, v) for a, v in bad if v > 0]
            if not bad:
                return None
            a, v = bad[0]
            worst.append(f"disjunct {k + 1}: {a.describe()} fails by {float(v):.6g}")
        return (
            "no disjunct holds (" + "; ".join(worst[:3]) + ("; ..." if len(worst) > 3 else "") + ")"
        )

    def output_box(self, m: int) -> tuple[list[Fraction | None], list[Fraction | None]]:
        """Bounds on each output that every disjunct implies by its single-variable atoms
        (the hull over the disjuncts; ``None``: unbounded)."""
        lo: list[Fraction | None] = [None] * m
        hi: list[Fraction | None] = [None] * m
        for k, conj in enumerate(self.disjuncts):
            dlo: list[Fraction | None] = [None] * m
            dhi: list[Fraction | None] = [None] * m
            for a in conj:
                sb = single_bound(a)
                if sb is None or sb[0] != "Y":
                    continue
                _, j, side, val = sb
                if side == "lo":
                    dlo[j] = val if dlo[j] is None else max(dlo[j], val)  # type: ignore[type-var]
                else:
                    dhi[j] = val if dhi[j] is None else min(dhi[j], val)  # type: ignore[type-var]
            if k == 0:
                lo, hi = dlo, dhi
            else:
                lo = [_hull(a, b, min) for a, b in zip(lo, dlo, strict=True)]
                hi = [_hull(a, b, max) for a, b in zip(hi, dhi, strict=True)]
        return lo, hi

    def to_json(self) -> dict:
        return {
            "box": [[str(lo), str(hi)] for lo, hi in self.box],
            "disjuncts": [[a.to_json() for a in conj] for conj in self.disjuncts],
        }

    @classmethod
    def from_json(cls, d: dict) -> Spec:
        box = tuple((Fraction(str(lo)), Fraction(str(hi))) for lo, hi in d["box"])
        disjuncts = tuple(tuple(Atom.from_json(a) for a in conj) for conj in d["disjuncts"])
        return cls(box, disjuncts)

    def describe(self) -> str:
        atoms = sum(len(c) for c in self.disjuncts)
        return (
            f"VNN-LIB spec: input box over {len(self.box)} inputs, {len(self.disjuncts)} "
            f"disjunct(s) of linear constraints ({atoms} in all)"
        )


def _hull(a: Fraction | None, b: Fraction | None, pick) -> Fraction | None:
    """The hull's bound from two bounds (``None``: unbounded on that side)."""
    return None if a is None or b is None else pick(a, b)


def float_down(v: Fraction) -> float:
    """The largest float ``<= v``."""
    f = float(v)
    return f if Fraction(f) <= v else math.nextafter(f, -math.inf)


def float_up(v: Fraction) -> float:
    """The smallest float ``>= v``."""
    f = float(v)
    return f if Fraction(f) >= v else math.nextafter(f, math.inf)


@dataclass(frozen=True)
class Query:
    """``exact``: ``G(z) = x``. ``approx``: ``||G(z) - x||_p < delta`` (``<=`` if not
    ``strict``) with ``p`` a positive integer or ``"inf"``.

    ``delta`` may be irrational (the Half-Clique and Vertex Cover reductions need
    ``delta = (sum ...)^(1/p)``): then ``delta_pow`` holds ``delta^p`` exactly (a
    :class:`~fractions.Fraction`; for ``p = inf``, ``delta`` itself exactly), every exact
    comparison uses it, and ``delta`` is only its float p-th root, for display and float
    filters."""

    kind: str = "exact"
    p: NormP | None = None
    delta: float | None = None
    strict: bool = True
    delta_pow: Fraction | None = None
    spec: Spec | None = None

    def __post_init__(self) -> None:
        if self.kind == "exact":
            return
        if self.kind == "spec":
            if self.spec is None:
                raise ValueError("a spec query needs its Spec")
            object.__setattr__(self, "strict", False)
            return
        if self.kind != "approx":
            raise ValueError(f"unknown query {self.kind!r}")
        if not (self.p == "inf" or (isinstance(self.p, int) and self.p >= 1)):
            raise ValueError(f"norm p must be a positive integer or 'inf', got {self.p!r}")
        if self.delta_pow is not None:
            dp = Fraction(self.delta_pow)
            if dp < 0:
                raise ValueError("delta^p must be >= 0")
            object.__setattr__(self, "delta_pow", dp)
            if self.delta is None:
                root = 1.0 if self.p == "inf" else 1.0 / int(self.p)
                object.__setattr__(self, "delta", float(dp) ** root)
        if self.delta is None or not self.delta >= 0 or not math.isfinite(self.delta):
            raise ValueError("approximate query needs a finite delta >= 0")

    def power(self) -> Fraction:
        """``delta^p`` exactly (finite p), or ``delta`` exactly for ``p = inf``."""
        if self.delta_pow is not None:
            return self.delta_pow  # delta itself for p = inf
        assert self.delta is not None and self.p is not None, "an exact query has no delta"
        if self.p == "inf":
            return Fraction(self.delta)
        return Fraction(self.delta) ** int(self.p)

    def radius_hi(self) -> float:
        """A float at least ``delta``: a safe radius for float filters and bounds."""
        assert self.delta is not None, "an exact query has no delta"
        if self.delta_pow is None:
            return float(self.delta)
        return float(self.delta) * (1 + 1e-9) + 1e-12

    def to_json(self) -> dict:
        if self.kind == "exact":
            return {"kind": "exact"}
        if self.kind == "spec":
            assert self.spec is not None  # __post_init__
            return {"kind": "spec", "spec": self.spec.to_json()}
        d = {"kind": "approx", "p": self.p, "delta": self.delta, "strict": self.strict}
        if self.delta_pow is not None:
            d["delta_pow"] = str(self.delta_pow)
        return d

    @classmethod
    def from_json(cls, d: dict) -> Query:
        if d["kind"] == "exact":
            return cls()
        if d["kind"] == "spec":
            return cls("spec", spec=Spec.from_json(d["spec"]))
        dp = d.get("delta_pow")
        return cls(
            "approx",
            d["p"],
            d["delta"],
            bool(d.get("strict", True)),
            None if dp is None else Fraction(str(dp)),
        )

    def describe(self) -> str:
        if self.kind == "exact":
            return "exact: G(z) = x"
        if self.spec is not None:
            return self.spec.describe()
        rel = "<" if self.strict else "<="
        if self.delta_pow is not None and self.p == "inf":
            return f"approx: ||G(z) - x||_inf {rel} {self.delta_pow}"
        if self.delta_pow is not None:
            return (
                f"approx: ||G(z) - x||_{self.p}^{self.p} {rel} {self.delta_pow} "
                f"(delta = {self.delta:.6g})"
            )
        return f"approx: ||G(z) - x||_{self.p} {rel} {self.delta:g}"


@dataclass(frozen=True)
class ReductionRecord:
    """Which construction built a problem, as the network file records it: the reduction's
    ``name`` (a key of :data:`reluhard.reductions.REGISTRY`), its paper and theorem, and the
    parameters that ``encode``/``decode``/``fault`` need (``q`` for Vertex Cover, ...)."""

    name: str
    paper: str = ""
    theorem: str = ""
    params: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"name": self.name, "paper": self.paper, "theorem": self.theorem,
                "params": dict(self.params)}  # fmt: skip

    @classmethod
    def from_json(cls, d: dict) -> ReductionRecord | None:
        """The record in a network file's meta (``None`` for an empty one: random nets)."""
        if not d:
            return None
        if not isinstance(d.get("name"), str):
            raise ValueError("meta 'reduction' has no name")
        params = d.get("params") or {}
        if not isinstance(params, dict):
            raise ValueError("meta 'reduction.params' is not a JSON object")
        return cls(d["name"], str(d.get("paper", "")), str(d.get("theorem", "")), params)


@dataclass(frozen=True, eq=False)
class Source:
    """The source instance a problem was built from: its kind (``cnf``, ...), the instance
    object, and the sha256 of the source text (the input file's bytes, or of the canonical
    text when built in memory)."""

    kind: str
    instance: Any
    sha256: str
    name: str = ""


@dataclass(frozen=True, eq=False)
class InversionProblem:
    """Does some ``z`` in ``domain`` meet ``query`` for ``network`` and ``target``?

    ``reduction`` records the construction that built it and ``source`` the instance it was
    built from (both ``None`` for a random network). ``planted``, when known, is the latent
    the target was made from (random networks of :mod:`reluhard.randomnet`): back ends
    report their latent error against it.

    ``unit_bounds``, when given, holds per layer an interval ``(lo, hi)`` on every unit's
    pre-activation that the construction proves for every latent in ``domain`` (the circuit
    compiler's gate-level bounds, :mod:`reluhard.reductions.circuit_layers`). Bound
    propagation intersects its intervals with them; they are not stored in network files,
    so a loaded network has them only when it is rebuilt from its source. ``extra`` holds
    named data arrays a recovery loss needs (:mod:`reluhard.measurements`)."""

    network: Network
    target: np.ndarray
    domain: Domain
    query: Query = field(default_factory=Query)
    reduction: ReductionRecord | None = None
    source: Source | None = None
    planted: np.ndarray | None = None
    unit_bounds: tuple[tuple[np.ndarray, np.ndarray], ...] | None = field(
        default=None, compare=False, repr=False
    )
    #: named data arrays a loss needs beyond the target (``spiked.M``, the spiked model's
    #: matrix, :mod:`reluhard.measurements`), stored in the network file under their names
    extra: dict[str, np.ndarray] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        t = float64_array(self.target, "target").reshape(-1)
        if t.shape != (self.network.out_dim,):
            raise ValueError(f"target has length {t.size}, network outputs {self.network.out_dim}")
        object.__setattr__(self, "target", t)
        if self.planted is not None:
            z = np.ascontiguousarray(self.planted, dtype=np.float64).reshape(-1)
            if z.shape != (self.network.in_dim,):
                raise ValueError(
                    f"planted latent has length {z.size}, network takes {self.network.in_dim}"
                )
            object.__setattr__(self, "planted", z)

    @property
    def n(self) -> int:
        return self.network.in_dim


@dataclass(frozen=True)
class LatentCheck:
    """Outcome of :func:`check_latent`: ``ok``, and if not, the reason a person can act on."""

    ok: bool
    reason: str = ""
    output: tuple[Fraction, ...] = ()

    def __bool__(self) -> bool:
        return self.ok


def check_latent(problem: InversionProblem, z) -> LatentCheck:
    """Exactly (in rational arithmetic) decide whether latent ``z`` solves ``problem``.

    Floats in ``z`` are taken as the rationals they denote; no tolerance is applied anywhere.
    """
    num, den = rational_vector(np.asarray(z) if not isinstance(z, list) else z)
    num = np.asarray(num).reshape(-1)
    if num.size != problem.n:
        return LatentCheck(False, f"latent has length {num.size}, network takes {problem.n}")
    bad = problem.domain.violation(num, den)
    if bad:
        return LatentCheck(False, bad)
    onum, oden = exact_forward(problem.network, (num, den))
    tnum, tden = rational_vector(problem.target)
    # output_i - target_i = diff_i / (oden * tden)
    diff = [
        int(a) * tden - int(b) * oden for a, b in zip(onum.tolist(), tnum.tolist(), strict=True)
    ]
    scale = oden * tden
    out = tuple(Fraction(int(a), oden) for a in onum.tolist())
    q = problem.query
    if q.spec is not None:
        x = [Fraction(int(v), den) for v in num.tolist()]
        why = q.spec.violation(x, out)
        return LatentCheck(why is None, why or "", out)
    if q.kind == "exact":
        for i, d in enumerate(diff):
            if d:
                return LatentCheck(
                    False,
                    f"output {i} is {float(out[i]):.17g}, target "
                    f"{problem.target[i]:.17g} (differs by "
                    f"{float(Fraction(d, scale)):.3g})",
                    out,
                )
        return LatentCheck(True, "", out)
    bound = q.power()  # delta^p exactly (delta for p = inf)
    if q.p == "inf":
        norm = max((Fraction(abs(d), scale) for d in diff), default=Fraction(0))
        ok = norm < bound if q.strict else norm <= bound
        shown = float(norm)
    else:
        assert q.p is not None  # an approximate query has its norm
        p = int(q.p)
        power = Fraction(sum(abs(d) ** p for d in diff), scale**p)  # ||G(z) - x||_p^p
        ok = power < bound if q.strict else power <= bound
        shown = float(power) ** (1 / p)
    if ok:
        return LatentCheck(True, "", out)
    rel = "<" if q.strict else "<="
    return LatentCheck(False, f"||G(z) - x||_{q.p} = {shown:.6g} is not {rel} {q.delta:g}", out)
