"""Which dependencies to cut to break a cycle of contexts, fewest first, as import-linter's
``acyclic_siblings`` says ("removable by N dependencies"). Shared by SL201 (proposed contexts)
and SL406 (agreed contexts)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from itertools import combinations, pairwise

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
    while (cycle := _a_cycle([e for e in edges if e not in cut_set])) is not None:
        cut_set.add(min(cycle, key=lambda e: (weights[e], e)))
    # a cut taken early may be needless once later ones are in: restore those, heaviest first
    for edge in sorted(cut_set, key=lambda e: (-weights[e], e)):
        if _acyclic(edges, cut_set - {edge}):
            cut_set.discard(edge)
    return sorted(cut_set)


def _acyclic(edges: list[Edge], cut: set[Edge]) -> bool:
    return _a_cycle([e for e in edges if e not in cut]) is None


def _a_cycle(edges: Iterable[Edge]) -> list[Edge] | None:
    """The edges of one cycle (the first a depth-first walk in name order meets), or None."""
    after: dict[str, list[str]] = defaultdict(list)
    for a, b in sorted(set(edges)):
        after[a].append(b)
    state: dict[str, int] = {}  # 1: on the walk's path, 2: done
    for start in sorted(after):
        if start in state:
            continue
        path: list[str] = [start]
        state[start] = 1
        stack = [iter(after[start])]
        while stack:
            node = next(stack[-1], None)
            if node is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(node) == 1:
                return list(pairwise([*path[path.index(node):], node]))
            elif node not in state:
                state[node] = 1
                path.append(node)
                stack.append(iter(after[node]))
    return None


def cycle_groups(edges: Iterable[Edge]) -> list[list[str]]:
    """The groups of nodes that depend on each other in a cycle (the strongly connected
    components of more than one node), each sorted, in name order (Tarjan's algorithm)."""
    after: dict[str, list[str]] = defaultdict(list)
    nodes: set[str] = set()
    for a, b in sorted(set(edges)):
        after[a].append(b)
        nodes.update((a, b))
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, iter(after[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(after[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return sorted(found)


def removable(weights: Mapping[Edge, int], unit: str = "use") -> str:
    """``removable by 1 dependency: payments → orders (2 uses)``."""
    cuts = fewest_cuts(weights)
    listed = ", ".join(f"{a} → {b} ({count(weights[(a, b)], unit)})" for a, b in cuts)
    return f"removable by {count(len(cuts), 'dependency')}: {listed}"
