"""A reduction's own docstring as explanation blocks: the one source of each construction's
arithmetic (its rows, constants such as ``alpha``, ``beta``, ``gamma``, ``delta`` and why they
work, and its departures from the printed paper), so that ``explain`` never restates it.

:func:`construction_docs` names the docstrings a reduction is explained by (a lifted one:
the binary construction's, :mod:`reluhard.reductions.lift`'s, then its own);
:func:`doc_blocks` turns one into paragraphs, bullet items and displayed formulas, with the
reStructuredText markup (````x````, ``:mod:`.absval```) read as plain text.
"""

from __future__ import annotations

import re
import textwrap

from .blocks import Block, Para, Pre

_ROLE = re.compile(r":(?:mod|func|class|data|meth|attr):`~?([^`]+)`")
_DEPARTURES = "Departures from the printed"
_ITEM = re.compile(r"\s*(- |\d+\. )")


def plain(text: str) -> str:
    """reStructuredText inline markup as plain text: ````x```` -> ``x``, ``:mod:`.lift``` ->
    ``lift``, ``:class:`~a.B``` -> ``B``."""
    text = _ROLE.sub(lambda m: m.group(1).lstrip(".").rsplit(".", 1)[-1], text)
    return text.replace("``", "").replace("\\\\", "\\")


def _paragraphs(doc: str) -> list[list[str]]:
    paras: list[list[str]] = [[]]
    for line in textwrap.dedent(doc).strip("\n").splitlines():
        if line.strip():
            paras[-1].append(line.rstrip())
        elif paras[-1]:
            paras.append([])
    return [p for p in paras if p]


def doc_blocks(doc: str, skip_title: bool = True) -> tuple[list[Block], list[Block]]:
    """The construction and the departures from the printed paper in docstring ``doc``, as
    blocks (the first paragraph, the one-line title, left out when ``skip_title``). The
    departures are the paragraphs from the one starting "Departures from the printed" on,
    up to the next paragraph that is not a bullet list."""
    body: list[Block] = []
    departures: list[Block] = []
    into = body
    first, in_dep = True, False
    for lines in _paragraphs(doc):
        if first:
            first = False
            if skip_title:
                continue
        head = lines[0].lstrip()
        if head.startswith(_DEPARTURES):
            into, in_dep = departures, True
        elif in_dep and not head.startswith("- "):
            into, in_dep = body, False
        if all(s.startswith("    ") for s in lines):  # a displayed formula
            into.append(Pre([plain(s.strip()) for s in lines]))
            continue
        items: list[str] = []
        for s in lines:
            if _ITEM.match(s) or not items:
                items.append(s.strip())
            else:
                items[-1] += " " + s.strip()
        for item in items:
            text = plain(item)
            into.append(Para("\u2022 " + text[2:] if text.startswith("- ") else text))
    return body, departures


def construction_docs(red) -> list[tuple[str, str]]:
    """``(where, docstring)`` pairs explaining reduction ``red``, binary construction first."""
    from ..reductions import lift

    base = getattr(red, "base", None)
    if isinstance(red, lift.Lifted) and base is not None:
        return [
            (f"reluhard.reductions: {base.name}", base.doc),
            ("reluhard.reductions.lift: the lift to a real latent", lift.__doc__ or ""),
            (f"reluhard.reductions: {red.name}", red.doc),
        ]
    return [(f"reluhard.reductions: {red.name}", red.doc)]
