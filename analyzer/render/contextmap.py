"""The context map as separate, explained views, drawn by graphviz as SVG images:

* ``strongest``: each context's strongest outgoing and incoming dependency, so that the shape of
  the system shows and every connected context is on it;
* ``cycles``: only the contexts that depend on each other in a cycle, with the fewest
  dependencies to cut to break every cycle in red (the cut SL201 proposes);
* ``neighbourhood``: one context with the contexts it uses and those that use it (its page).

Contexts with no dependency in a view are named under it, not drawn. Each drawing keeps where
graphviz put each context, so the page can make a context a link (an HTML image map).
"""

from __future__ import annotations

import base64
import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from analyzer.findings.cycles import cycle_groups, fewest_cuts
from analyzer.text import count

Edge = tuple[str, str]
_AREA = re.compile(r'<area shape="(rect|poly|circle)"[^>]*? href="([^"]+)"[^>]*? '
                   r'coords="([0-9, .-]+)"')
# graphviz's size in points; a number of another shape (from a damaged memo) is no size
_SIZE = re.compile(r'<svg width="([0-9]{1,7}(?:\.[0-9]{1,6})?)pt" '
                   r'height="([0-9]{1,7}(?:\.[0-9]{1,6})?)pt"')
_RANKED_UP_TO = 16  # contexts on a view drawn by dot; more by neato
_GREY, _RED, _BLUE = "#8a93a3", "#b3261e", "#2458c6"


@dataclass(frozen=True, slots=True)
class View:
    key: str
    title: str
    explanation: str
    dot: str  # DOT source: shown as text when graphviz's dot cannot be run
    drawn: int  # contexts on it
    edges: int
    left_out: tuple[str, ...]  # contexts with no dependency in this view


@dataclass(frozen=True, slots=True)
class Drawing:
    svg: str  # base64
    width: int  # CSS pixels, the image map's coordinates
    height: int
    areas: tuple[tuple[str, str, str], ...]  # (shape, href, coords)


def _graph(contexts: Sequence[dict[str, Any]], edges: Mapping[Edge, int],
           owned: Mapping[str, Sequence[Any]], links: Mapping[str, str],
           cut: frozenset[Edge] = frozenset(), focus: str | None = None,
           mutual: frozenset[Edge] = frozenset()) -> str:
    """``cut``: red and labelled "cut"; ``mutual`` (both ways between two contexts): red."""
    import graphviz  # type: ignore[import-untyped]  # only when a report is drawn

    on = {n for e in edges for n in e} | ({focus} if focus else set())
    # dot's ranks read well for a few contexts; beyond, they grow into a strip many times
    # wider than high, and neato's spring layout keeps the map about as high as wide
    layout = ({"layout": "dot", "rankdir": "LR", "nodesep": "0.25", "ranksep": "0.6"}
              if len(on) <= _RANKED_UP_TO else
              {"layout": "neato", "overlap": "false", "sep": "+6", "mode": "major"})
    graph = graphviz.Digraph("contexts", graph_attr={
        "bgcolor": "white", "fontname": "Helvetica", "splines": "true", "pad": "0.2",
        **layout},
        node_attr={"shape": "box", "style": "rounded,filled", "fillcolor": "#eef2fb",
                   "color": _BLUE, "fontname": "Helvetica", "fontsize": "11"},
        edge_attr={"color": _GREY, "fontname": "Helvetica", "fontsize": "9",
                   "fontcolor": "#5b6475", "arrowsize": "0.6"})
    drawn = [c for c in contexts if c["name"] in on]
    index = {c["name"]: f"c{i}" for i, c in enumerate(drawn)}
    largest = max((c["lines"] for c in drawn), default=1) or 1
    for context in drawn:
        scale = math.sqrt(context["lines"] / largest)
        tables = len(owned.get(context["name"], []))
        label = (f"{context['name']}\n{count(len(context['elements']), 'atom')} · "
                 f"{count(context['lines'], 'line')} · {count(tables, 'table')}")
        graph.node(index[context["name"]], label=label, URL=links.get(context["name"], ""),
                   width=f"{1.0 + 0.8 * scale:.2f}", height=f"{0.4 + 0.4 * scale:.2f}",
                   fillcolor=("#fff4d6" if context["name"] == focus else
                              "#f3f5f9" if context["kind"] != "domain" else "#eef2fb"),
                   penwidth="2" if context["name"] == focus else "1")
    for (a, b), uses in sorted(edges.items()):
        red = (a, b) in cut or (a, b) in mutual
        graph.edge(index[a], index[b], label=f"cut {uses}" if (a, b) in cut else str(uses),
                   penwidth=f"{(1.5 if red else 0.5) + 0.5 * math.log1p(uses):.2f}",
                   color=_RED if red else _GREY, fontcolor=_RED if red else "#5b6475")
    return str(graph.source)


def strongest(dsm: Mapping[Edge, int], names: Sequence[str]) -> dict[Edge, int]:
    """Each context's strongest outgoing and strongest incoming dependency (ties: by name)."""
    chosen: dict[Edge, int] = {}
    for name in names:
        for side in (0, 1):
            mine = [(n, e) for e, n in dsm.items() if e[side] == name]
            if mine:
                uses, edge = min(mine, key=lambda m: (-m[0], m[1]))
                chosen[edge] = uses
    return chosen


@dataclass(frozen=True, slots=True)
class Cycles:
    """The dependencies inside cycles of contexts and the fewest to cut to break them all, as
    SL201 proposes them (the same groups, weights and ``fewest_cuts``)."""

    inside: Mapping[Edge, int]
    cut: frozenset[Edge]
    groups: int


def cycle_edges(dsm: Mapping[Edge, int]) -> Cycles:
    """``dsm``: each dependency's number of uses, the weight SL201 gives it."""
    inside: dict[Edge, int] = {}
    cut: set[Edge] = set()
    groups = cycle_groups(e for e in dsm if e[0] != e[1])
    for group in groups:
        members = set(group)
        mine = {e: n for e, n in dsm.items() if e[0] in members and e[1] in members
                and e[0] != e[1]}
        inside.update(mine)
        cut.update(fewest_cuts(mine))
    return Cycles(inside, frozenset(cut), len(groups))


def views(contexts: Sequence[dict[str, Any]], dsm: Mapping[Edge, int],
          owned: Mapping[str, Sequence[Any]], links: Mapping[str, str],
          cycles: Cycles) -> list[View]:
    """``cycles``: ``cycle_edges(dsm)``, computed once for these views and every
    neighbourhood."""
    names = [c["name"] for c in contexts]
    known = {e: n for e, n in dsm.items() if e[0] in names and e[1] in names and e[0] != e[1]}
    top = strongest(known, names)
    inside = {e: n for e, n in cycles.inside.items() if e in known}
    cut, groups = cycles.cut & frozenset(inside), cycles.groups

    def left_out(edges: Mapping[Edge, int]) -> tuple[str, ...]:
        on = {n for e in edges for n in e}
        return tuple(n for n in names if n not in on)

    found = [View(
        "strongest", "Strongest dependencies",
        f"Each context's strongest use of another context and the strongest use of it: "
        f"{count(len(top), 'dependency', 'dependencies')} of the {len(known)}; the matrix below "
        "has them all. An arrow A → B means code of A uses code of B; its number counts the "
        "uses, and thicker is more.",
        _graph(contexts, top, owned, links), len(names) - len(left_out(top)), len(top),
        left_out(top))]
    if inside:
        found.append(View(
            "cycles", "Cycles",
            f"{count(groups, 'group')} of contexts that depend on each other in a cycle, with "
            f"every dependency among them ({len(inside)}). Cutting the "
            f"{count(len(cut), 'red dependency', 'red dependencies')} (invert it with an "
            "event or a callback, or move the code that makes it) breaks every cycle: the "
            "fewest dependencies, and the fewest uses among them.",
            _graph(contexts, inside, owned, links, cut), len(names) - len(left_out(inside)),
            len(inside), left_out(inside)))
    return found


def neighbourhood(contexts: Sequence[dict[str, Any]], dsm: Mapping[Edge, int],
                  owned: Mapping[str, Sequence[Any]], links: Mapping[str, str],
                  name: str, cycles: Cycles) -> str:
    """DOT for one context, the contexts it uses and those that use it; the dependencies of a
    cycle through it in red (``cycles``: ``cycle_edges(dsm)``, computed once)."""
    near = {e: n for e, n in dsm.items() if name in e and e[0] != e[1]}
    both = frozenset(e for e in near if (e[1], e[0]) in near)
    return _graph(contexts, near, owned, links, cycles.cut & frozenset(near), name, both)


Rendered = tuple[bytes, str]  # graphviz's SVG and image map (cmapx) of one DOT source


def render(dot: str) -> Rendered | None:
    """graphviz's SVG and image map of ``dot``; None when its ``dot`` cannot run."""
    import graphviz  # only when a report is drawn

    try:
        svg = graphviz.Source(dot).pipe(format="svg")
        cmapx = graphviz.Source(dot).pipe(format="cmapx").decode("utf-8")
    except (graphviz.ExecutableNotFound, graphviz.CalledProcessError, OSError):
        return None
    return svg, cmapx


@lru_cache(maxsize=1)
def _engine() -> str | None:
    """graphviz's version (``dot -V``): a drawing remembered from another version is redrawn.
    None when ``dot`` cannot run."""
    import graphviz

    try:
        return ".".join(str(part) for part in graphviz.version())
    except (graphviz.ExecutableNotFound, graphviz.CalledProcessError, OSError, RuntimeError):
        return None


def memo_key(dot: str) -> str | None:
    """The key a drawing of ``dot`` is remembered by, or None when ``dot`` cannot run."""
    engine = _engine()
    if engine is None:
        return None
    digest = hashlib.sha256(f"graphviz {engine} svg+cmapx 1\n".encode())
    digest.update(dot.encode("utf-8"))
    return "drawing:" + digest.hexdigest()


def pack(rendered: Rendered) -> bytes:
    svg, cmapx = rendered
    return b"%d\n" % len(svg) + svg + cmapx.encode("utf-8")


def unpack(data: bytes | None) -> Rendered | None:
    """What ``pack`` made, or None for anything else (a memo is never trusted)."""
    if data is None:
        return None
    head, _, rest = data.partition(b"\n")
    if not head.isdigit() or len(head) > 12 or int(head) > len(rest):
        return None
    svg, cmapx = rest[:int(head)], rest[int(head):]
    if b"<svg" not in svg:
        return None
    try:
        return svg, cmapx.decode("utf-8")
    except UnicodeDecodeError:
        return None


def drawing(rendered: Rendered, links: Mapping[str, str]) -> Drawing:
    """The drawing of a rendered view: only areas that point at one of ``links``' pages."""
    svg, cmapx = rendered
    size = _SIZE.search(svg.decode("utf-8", "replace"))
    width, height = ((round(float(size.group(1)) * 4 / 3), round(float(size.group(2)) * 4 / 3))
                     if size else (0, 0))
    pages = set(links.values())
    areas = tuple((shape, href, coords) for shape, href, coords in _AREA.findall(cmapx)
                  if href in pages)
    return Drawing(base64.b64encode(svg).decode("ascii"), width, height, areas)
