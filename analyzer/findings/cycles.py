"""Which dependencies to cut to break a cycle of contexts, fewest first, as import-linter's
``acyclic_siblings`` says ("removable by N dependencies"). Shared by SL201 (proposed contexts)
and SL406 (agreed contexts)."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import combinations

import networkx as nx

from analyzer.text import count

Edge = tuple[str, str]
_EXACT_UP_TO = 16  # edges in one cycle group: every smaller set of cuts is tried below that


def fewest_cuts(weights: Mapping[Edge, int]) -> list[Edge]:
    """The smallest set of dependencies whose removal leaves no cycle among them (the
    lightest such set when several are as small, then the first by name). Exact for groups of
    up to 16 dependencies; beyond, the weakest dependency of a remaining cycle, repeatedly,
    then every cut the others make needless restored."""
    edges = sorted(weights)
    if len(edges) <= _EXACT_UP_TO:
        for size in range(1, len(edges) + 1):
            best: tuple[int, list[Edge]] | None = None
            for cut in combinations(edges, size):
                if _acyclic(edges, set(cut)):
                    candidate = (sum(weights[e] for e in cut), list(cut))
                    if best is None or candidate < best:
                        best = candidate
            if best is not None:
                return best[1]
    cut_set: set[Edge] = set()
    while not _acyclic(edges, cut_set):
        graph = nx.DiGraph([e for e in edges if e not in cut_set])
        cycle = [(a, b) for a, b in nx.find_cycle(graph)]
        cut_set.add(min(cycle, key=lambda e: (weights[e], e)))
    # a cut taken early may be needless once later ones are in: restore those, heaviest first
    for edge in sorted(cut_set, key=lambda e: (-weights[e], e)):
        if _acyclic(edges, cut_set - {edge}):
            cut_set.discard(edge)
    return sorted(cut_set)


def _acyclic(edges: list[Edge], cut: set[Edge]) -> bool:
    graph = nx.DiGraph([e for e in edges if e not in cut])
    return bool(nx.is_directed_acyclic_graph(graph))


def removable(weights: Mapping[Edge, int], unit: str = "use") -> str:
    """``removable by 1 dependency: payments → orders (2 uses)``."""
    cuts = fewest_cuts(weights)
    listed = ", ".join(f"{a} → {b} ({count(weights[(a, b)], unit)})" for a, b in cuts)
    return f"removable by {count(len(cuts), 'dependency')}: {listed}"
