"""``reluhard explain``: watch a reduction happen on a small instance, step by step.

Every registered reduction is explained (:data:`OTHER_KINDS` names the walkthrough of
each source kind other than CNF): for a circuit and ``circuit-sign`` / ``circuit-real`` the
steps are those of :mod:`.circuit_walkthrough` (the circuit, each gate's gadget with its
truth table, the layers, the construction, a worked example); for a graph or CVP reduction
(Vertex Cover, Half-Clique, (0,1)-CVP and their real lifts) those of
:mod:`.generic_walkthrough` (the instance, the construction's arithmetic from the reduction
module's docstring, the constants used, layers and weights, a worked certificate and
non-certificate). Every kind gets, for up to 4 latent coordinates, a truth table of every
latent checked exactly (:mod:`.truth`), and with ``out_dir`` the page and ``network.png``.
``--param KEY=VALUE`` passes the reduction's parameters as ``reduce`` does. The rest of this
docstring is about CNFs.

For a CNF and one of the SAT reductions (``sat-sign``, ``sat-real``) this produces:

1. the instance (variables, numbered clauses, and which are unit, empty, tautological or
   repeated);
2. how each clause becomes a ReLU unit (and, for ``sat-real``, the clamp layers and the
   ``|v_i|`` units);
3. every weight matrix as a table with row and column labels, biases in a last column
   (the nonzero entries per row when the table is wider than the terminal);
4. the target, the latent domain and, for ``sat-real``, why ``[-1,1]^n`` loses nothing;
5. a worked example: a certificate (given, or found by an inversion back end) encoded to a
   latent, the forward pass layer by layer, and the output meeting the target, confirmed by
   the exact check :func:`reluhard.inversion.check_latent`;
6. the same for a non-certificate, showing which clause units fire.

:func:`explain` returns the terminal text and, with ``out_dir``, writes ``explain.html``
(self-contained: inline CSS, the figure embedded as base64 PNG at full size, no scripts)
and ``network.png`` (units as boxes in one column per layer, edges coloured by weight sign,
each unit's value under the certificate and the non-certificate, :mod:`.diagram`).
Instances with more than 30 variables or 60 clauses are summarised on the terminal (sizes,
nonzeros, the first few clauses and units, "... N more"); the HTML page shows up to 200
variables and 1000 clauses in full.

:func:`add_arguments` and :func:`run` are the command-line side (``reluhard explain INPUT
[--via NAME] [--param KEY=VALUE]... [--cert CERT] [--out DIR] [--width COLS]``).

This module holds only the entry points; the work is in :mod:`.analysis` (what is shown),
:mod:`.walkthrough` (the six steps as a list of blocks, :mod:`.blocks`; steps 5 and 6 in
:mod:`.passes`), :mod:`.render_text` and :mod:`.render_html` (that list as text and as a
page), :mod:`.diagram` (``network.png``, which needs matplotlib: the ``bench`` extra);
``--cert`` is read by :mod:`reluhard.certs.modelfile`.
"""

from __future__ import annotations

import argparse
import os
import shutil

from .. import atomic, cli_values
from ..certs.modelfile import read_certificate
from ..errors import InputError
from ..inversion import InversionProblem, Source
from . import circuit_walkthrough, generic_walkthrough
from .analysis import analyse
from .blocks import HTML, TEXT
from .blocks import TEXT_LIMITS_CLAUSES as TEXT_LIMITS_CLAUSES  # re-exported
from .blocks import TEXT_LIMITS_VARS as TEXT_LIMITS_VARS  # re-exported
from .diagram import draw, draw_network, require_matplotlib
from .render_html import render_html
from .render_text import render_text
from .walkthrough import document

__all__ = ["explain", "add_arguments", "run", "read_certificate"]

#: seconds ``explain`` spends finding a certificate when none is given
DEFAULT_TIME_LIMIT = 60.0


def explain(
    source: Source,
    problem: InversionProblem,
    cert: list[int] | None = None,
    out_dir: str | os.PathLike | None = None,
    width: int = 100,
    *,
    cert_name: str | None = None,
    time_limit: float = DEFAULT_TIME_LIMIT,
) -> str:
    """The step-by-step explanation of ``problem`` (built from ``source``) as terminal text.

    ``cert`` is an assignment (DIMACS literals) to use as the worked example; without it a
    certificate is found by an inversion back end. With ``out_dir`` (created if needed) also
    writes ``explain.html`` and ``network.png`` there (matplotlib missing: an
    :class:`InputError` before anything is computed or written). ``cert_name`` names where
    ``cert`` came from in messages; ``time_limit`` bounds the search for a certificate
    (:class:`~reluhard.errors.TimeLimitError` when it runs out).
    """
    if out_dir is not None:
        require_matplotlib()
    if source.kind in OTHER_KINDS:
        return _explain_blocks(source, problem, cert, out_dir, width, time_limit)
    ctx = analyse(source, problem, cert, cert_name, time_limit)
    text = render_text(document(ctx, TEXT, None), width)
    if out_dir is not None:
        out = os.fspath(out_dir)
        try:
            os.makedirs(out, exist_ok=True)
            png_path = os.path.join(out, "network.png")
            figure = draw_network(ctx, png_path)
            page = render_html(
                document(ctx, HTML, figure), f"reluhard explain: {ctx.name} via {ctx.red}"
            )
            html_path = os.path.join(out, "explain.html")
            atomic.write_text(html_path, page, "explanation")
        except OSError as e:
            raise InputError(out, None, f"cannot write explanation: {e.strerror or e}") from None
        text += f"\nwrote {html_path}\nwrote {png_path}\n"
    return text


#: source kinds explained by a walkthrough of their own: a module with ``analyse(source,
#: problem, cert, time_limit)``, ``document(analysis, limits, figure)`` and ``figure(analysis)``
OTHER_KINDS = {
    "circuit": circuit_walkthrough,
    "graph": generic_walkthrough,
    "cvp": generic_walkthrough,
}


def _explain_blocks(source, problem, cert, out_dir, width, time_limit) -> str:
    walk = OTHER_KINDS[source.kind]
    an = walk.analyse(source, problem, cert, time_limit)
    text = render_text(walk.document(an, TEXT, None), width)
    if out_dir is not None:
        out = os.fspath(out_dir)
        html_path = os.path.join(out, "explain.html")
        png_path = os.path.join(out, "network.png")
        try:
            os.makedirs(out, exist_ok=True)
            fig = draw(walk.figure(an), png_path)
            page = render_html(
                walk.document(an, HTML, fig),
                f"reluhard explain: {source.name or source.kind} via {problem.reduction.name}",
            )
            atomic.write_text(html_path, page, "explanation")
        except OSError as e:
            raise InputError(out, None, f"cannot write explanation: {e.strerror or e}") from None
        text += f"\nwrote {html_path}\nwrote {png_path}\n"
    return text


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of ``reluhard explain``."""
    parser.add_argument(
        "input", metavar="INPUT", help="instance file (CNF, graph, .cvp, circuit; .gz/.bz2/.xz ok)"
    )
    parser.add_argument(
        "--via", metavar="NAME", help="reduction (default for a CNF: sat-sign); see `reluhard list`"
    )
    parser.add_argument(
        "--param",
        metavar="KEY=VALUE",
        type=cli_values.key_value,
        action="append",
        default=[],
        help="reduction parameter, as for reduce (repeatable; e.g. q=3 for Vertex Cover, "
        "M=2 for Half-Clique, outputs=0101 for a circuit)",
    )
    parser.add_argument(
        "--cert",
        metavar="CERT",
        help="assignment for the worked example: a DIMACS model ('1 -2 3 0', 'v' lines ok) "
        'or a solution JSON with a "certificate" (default: found by a solver)',
    )
    parser.add_argument(
        "--out",
        metavar="DIR",
        help="also write DIR/explain.html and DIR/network.png (needs matplotlib: the bench extra)",
    )
    parser.add_argument(
        "--time-limit",
        metavar="SECONDS",
        type=float,
        default=DEFAULT_TIME_LIMIT,
        help=f"give up finding a certificate after this long (default {DEFAULT_TIME_LIMIT:g})",
    )
    parser.add_argument(
        "--width",
        metavar="COLS",
        type=cli_values.positive_count,
        default=None,
        help="text width (default: the terminal's, at most 160)",
    )


def run(args: argparse.Namespace) -> int:
    """``reluhard explain``: print the explanation; 0 on success (errors raise
    :class:`InputError`)."""
    from ..pipeline import load_source, reduce_source

    src = load_source(args.input)
    problem = reduce_source(src, getattr(args, "via", None), dict(getattr(args, "param", [])))
    cert = None
    cert_path = getattr(args, "cert", None)
    if cert_path:
        size = getattr(src.instance, "nvars", None)
        cert = read_certificate(cert_path, getattr(src.instance, "ninputs", size))
    width = getattr(args, "width", None)
    if not width:
        width = min(160, shutil.get_terminal_size((100, 24)).columns)
    text = explain(
        src,
        problem,
        cert,
        getattr(args, "out", None),
        width,
        cert_name=cert_path,
        time_limit=getattr(args, "time_limit", DEFAULT_TIME_LIMIT),
    )
    print(text, end="")
    return 0
