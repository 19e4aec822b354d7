"""Community detection on the mixed graph: seeded Louvain, the choice of the resolution (and so
of the number of contexts), a fixed number of contexts, and the shared kernel.

Louvain (networkx) is deterministic for a seed and a node order, and both are fixed here.
The resolution is chosen by a sweep: each candidate is run with several seeds; a cut that
changes with the seed is not a seam, so candidates are scored by modularity times agreement
between seeds (the mean adjusted Rand index of the seeds' partitions). Scores within
``TOLERANCE`` of the best are within the noise of two seeds, and of those the cut with the
fewest contexts is kept: fewer services is the cautious proposal (the one-standard-error
rule of model selection).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import networkx as nx
from networkx.algorithms.community import louvain_communities

from analyzer.cluster import metrics

RESOLUTIONS = (0.5, 1.0, 1.5, 2.0, 3.0)
SEEDS = 2  # runs per candidate resolution
TOLERANCE = 0.1  # a candidate scoring within this share of the best one ties with it
_THRESHOLD = 1e-4  # Louvain stops a level when modularity gains less than this
MIN_MEMBERS = 3  # a smaller group is merged into its strongest neighbour
KERNEL_SPREAD = 1 / 3  # a kernel element's users span this share of the effective contexts


@dataclass(frozen=True, slots=True)
class Candidate:
    """One resolution tried: how many contexts, how modular, how stable across seeds."""

    resolution: float
    contexts: int
    modularity: float
    stability: float

    @property
    def score(self) -> float:
        return self.modularity * self.stability


Groups = list[frozenset[str]]


def louvain(graph: nx.Graph, resolution: float, seed: int) -> Groups:
    """Seeded Louvain. Nodes are numbered in sorted order first: networkx iterates sets of
    nodes, and sets of strings change order with Python's hash seed."""
    if graph.number_of_edges() == 0:
        return sorted((frozenset([n]) for n in graph.nodes), key=min)
    names, numbered = _numbered(graph)
    found = louvain_communities(numbered, weight="weight", resolution=resolution, seed=seed,
                                threshold=_THRESHOLD)
    return sorted((frozenset(names[i] for i in c) for c in found), key=min)


def _numbered(graph: nx.Graph) -> tuple[list[str], nx.Graph]:
    """The graph with nodes numbered in sorted order, made once and kept in the graph's own
    attributes (a sweep runs Louvain on one graph ten times)."""
    cached = graph.graph.get("seamline-numbered")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    names = sorted(graph.nodes)
    number = {name: index for index, name in enumerate(names)}
    numbered = nx.Graph()
    numbered.add_nodes_from(range(len(names)))
    numbered.add_weighted_edges_from(
        sorted((number[a], number[b], w) if number[a] < number[b] else (number[b], number[a], w)
               for a, b, w in graph.edges(data="weight")))
    graph.graph["seamline-numbered"] = (names, numbered)
    return names, numbered


def _strength(graph: nx.Graph, group: frozenset[str], owner: Mapping[str, int]) -> dict[int, float]:
    ties: dict[int, float] = defaultdict(float)
    for node in group:
        for other, data in graph[node].items():
            if other not in group:
                ties[owner[other]] += data["weight"]
    return ties


def settle(graph: nx.Graph, groups: Groups, members: Mapping[str, Sequence[str]],
           min_members: int = MIN_MEMBERS, keep: frozenset[str] = frozenset()) -> Groups:
    """Merge groups with fewer than ``min_members`` elements into the group they are most
    tied to, smallest first; a group tied to nothing, or holding a node of ``keep`` (a pinned
    context), stays as it is."""
    working = [set(g) for g in groups]
    owner = {node: i for i, group in enumerate(working) for node in group}
    sizes = [sum(len(members.get(n, ())) for n in g) for g in working]
    small = sorted((i for i, size in enumerate(sizes)
                    if 0 < size < min_members and not working[i] & keep),
                   key=lambda i: (sizes[i], min(working[i])))
    for index in small:
        if not working[index] or sizes[index] >= min_members:
            continue
        ties = _strength(graph, frozenset(working[index]), owner)
        ties.pop(index, None)
        if not ties:
            continue
        target = max(sorted(ties), key=lambda i: ties[i])
        for node in working[index]:
            owner[node] = target
        working[target] |= working[index]
        sizes[target] += sizes[index]
        working[index] = set()
    return sorted((frozenset(g) for g in working if g), key=min)


def _modularity(graph: nx.Graph, groups: Groups) -> float:
    if graph.number_of_edges() == 0:
        return 0.0
    labels = {node: index for index, group in enumerate(groups) for node in group}
    return metrics.modularity({str(n): str(labels[n]) for n in graph.nodes},
                              [(a, b, float(w)) for a, b, w in graph.edges(data="weight")])


def element_labels(groups: Groups, members: Mapping[str, Sequence[str]]) -> dict[str, int]:
    return {element: index for index, group in enumerate(groups)
            for unit in group for element in members.get(unit, ())}


def count_contexts(groups: Groups, members: Mapping[str, Sequence[str]]) -> int:
    return sum(1 for g in groups if sum(len(members.get(n, ())) for n in g) >= MIN_MEMBERS)


def _stability(runs: Sequence[Groups], members: Mapping[str, Sequence[str]]) -> float:
    labels = [element_labels(r, members) for r in runs]
    keys = sorted(labels[0])
    if len(keys) < 2:
        return 1.0
    from sklearn.metrics import adjusted_rand_score  # slow to import: seamline check never cuts

    scores = [adjusted_rand_score([a[k] for k in keys], [b[k] for k in keys])
              for a, b in combinations(labels, 2)]
    return float(sum(scores) / len(scores)) if scores else 1.0


def sweep(graph: nx.Graph, members: Mapping[str, Sequence[str]], seed: int,
          resolutions: Iterable[float] = RESOLUTIONS
          ) -> tuple[list[Candidate], Candidate, Groups]:
    """Try each resolution; return every candidate, the one kept and its groups: the fewest
    contexts among those scoring within ``TOLERANCE`` of the best."""
    candidates: list[Candidate] = []
    groups: dict[float, Groups] = {}
    for resolution in resolutions:
        runs = [settle(graph, louvain(graph, resolution, seed + i), members)
                for i in range(SEEDS)]
        quality = _modularity(graph, runs[0])
        candidates.append(Candidate(resolution, count_contexts(runs[0], members),
                                    round(quality, 4), round(_stability(runs, members), 4)))
        groups[resolution] = runs[0]
    best = kept(candidates)
    return candidates, best, groups[best.resolution]


def kept(candidates: Sequence[Candidate]) -> Candidate:
    """Of the candidates scoring within ``TOLERANCE`` of the best, the one with the fewest
    contexts (the lower resolution on a tie)."""
    top = max(c.score for c in candidates)
    return min((c for c in candidates if c.score >= (1 - TOLERANCE) * top - 1e-9),
               key=lambda c: (c.contexts, c.resolution))


def exactly(graph: nx.Graph, members: Mapping[str, Sequence[str]], wanted: int,
            seed: int) -> tuple[list[Candidate], Groups]:
    """Groups with ``wanted`` contexts: bisect the resolution, then merge the most tied pair
    or split the largest group until the count is exact."""
    low, high = 0.05, 20.0
    tried: list[Candidate] = []
    groups: Groups = []
    for _ in range(14):
        resolution = (low * high) ** 0.5
        groups = settle(graph, louvain(graph, resolution, seed), members)
        count = count_contexts(groups, members)
        quality = _modularity(graph, groups)
        tried.append(Candidate(round(resolution, 4), count, round(quality, 4), 1.0))
        if count == wanted:
            break
        if count < wanted:
            low = resolution
        else:
            high = resolution
    return tried, _adjust(graph, groups, members, wanted, seed)


def _size(group: frozenset[str], members: Mapping[str, Sequence[str]]) -> int:
    return sum(len(members.get(n, ())) for n in group)


def _adjust(graph: nx.Graph, groups: Groups, members: Mapping[str, Sequence[str]],
            wanted: int, seed: int) -> Groups:
    groups = list(groups)
    for _ in range(200):
        real = [g for g in groups if _size(g, members) >= MIN_MEMBERS]
        if len(real) == wanted:
            break
        if len(real) > wanted:
            best: tuple[float, int, int] | None = None
            owner = {n: i for i, g in enumerate(groups) for n in g}
            for i, group in enumerate(groups):
                if _size(group, members) < MIN_MEMBERS:
                    continue
                for j, tie in _strength(graph, group, owner).items():
                    if j <= i or _size(groups[j], members) < MIN_MEMBERS:
                        continue
                    score = tie / (_size(group, members) * _size(groups[j], members))
                    if best is None or score > best[0]:
                        best = (score, i, j)
            if best is None:  # nothing tied: merge the two smallest
                order = sorted(range(len(groups)), key=lambda k: _size(groups[k], members))
                order = [k for k in order if _size(groups[k], members) >= MIN_MEMBERS]
                best = (0.0, order[0], order[1])
            _, i, j = best
            groups[i] = groups[i] | groups[j]
            del groups[j]
        else:
            largest = max(range(len(groups)), key=lambda k: (_size(groups[k], members),
                                                              -k))
            sub = graph.subgraph(groups[largest]).copy()
            parts = settle(sub, louvain(sub, 1.0, seed), members)
            if len([p for p in parts if _size(p, members) >= MIN_MEMBERS]) < 2:
                parts = settle(sub, louvain(sub, 2.5, seed), members)
            if len(parts) < 2:
                break
            parts = sorted(parts, key=lambda p: -_size(p, members))
            del groups[largest]
            groups.extend([parts[0], frozenset().union(*parts[1:])])
    return sorted(groups, key=min)


def effective_count(counts: Iterable[int]) -> float:
    """How many groups ``counts`` are spread over, weighing each by its share (the inverse
    Simpson index): four equal groups give 4, one large group and three single ones about 1.3."""
    values = [c for c in counts if c > 0]
    total = sum(values)
    return total * total / sum(c * c for c in values) if total else 0.0


def kernel_candidates(dependents: Mapping[str, set[str]], labels: Mapping[str, int],
                      contexts: int) -> set[str]:
    """Elements used from many contexts, none of which dominates: generic utilities.
    ``dependents`` maps an element to the elements that use it (code and links).

    "Many" is relative to how the code itself is spread: the users must be spread over at
    least KERNEL_SPREAD of the effective number of contexts, and over three at least. A cut
    with a few large contexts and a long tail of small ones has an effective count near the
    large ones, so a utility used all over those is kernel however many small ones there are.
    """
    if contexts < 3:
        return set()
    sizes: dict[int, int] = defaultdict(int)
    for label in labels.values():
        sizes[label] += 1
    needed = KERNEL_SPREAD * effective_count(sizes.values())
    kernel: set[str] = set()
    for element, users in dependents.items():
        seen: dict[int, int] = defaultdict(int)
        for user in users:
            if user in labels:
                seen[labels[user]] += 1
        if len(seen) < 3:
            continue
        total = sum(seen.values())
        if max(seen.values()) <= 0.5 * total and effective_count(seen.values()) >= needed:
            kernel.add(element)
    return kernel
