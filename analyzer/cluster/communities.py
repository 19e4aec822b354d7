"""Community detection on the mixed graph: seeded Leiden (``leiden``) at a resolution, a
fixed number of contexts, and the shared kernel.

The cut is the consensus of many Leiden runs at modularity's own resolution, 1, unless one is
set: the consensus, not a choice among resolutions, is what removes the noise of a single
run. A sweep that chose among resolutions by modularity times the agreement of two seeds
kept the coarsest (0.5) on seven of eight benchmark projects, merging domains, and scored no
better on average (docs/clustering.md). How far the consensus's runs agreed is reported with
the cut.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from math import fsum
from typing import TYPE_CHECKING, Any

from analyzer.cluster.labels import in_order, merge_small
from analyzer.cluster.leiden import (
    Graph,
    Groups,
    Numbered,
    Runner,
    consensus_with_runs,
    groups_of,
    leiden,
    modularity,
    modularity_of,
    numbered_graph,
)

if TYPE_CHECKING:  # imported where a graph of it is made: most runs make none
    import networkx as nx
from analyzer.cluster.rand import adjusted_rand_arrays

RESOLUTION = 1.0  # modularity's own: each edge against the chance of it in a random graph
MIN_MEMBERS = 3  # a smaller group is merged into its strongest neighbour
EXACT_CUT_WORK = 250_000  # nodes x ties of a piece above which it is split by its communities:
# an exact minimum cut is O(n m log n) in pure Python (0.1 to 0.2 s at this bound)
KERNEL_SPREAD = 1 / 3  # a kernel element's users span this share of the effective contexts


@dataclass(frozen=True, slots=True)
class Candidate:
    """A cut at a resolution (or one step of ``exactly``'s bisection): how many contexts, how
    modular, how far the Leiden runs it was made of agree (1.0 for a single run)."""

    resolution: float
    contexts: int
    modularity: float
    stability: float



def _strength(graph: nx.Graph, group: frozenset[str], owner: Mapping[str, int]) -> dict[int, float]:
    ties: dict[int, float] = defaultdict(float)
    for node in sorted(group):  # floats summed in a set's order differ in the last bit
        for other, data in graph[node].items():
            if other not in group:
                ties[owner[other]] += data["weight"]
    return ties


def settle(graph: Graph, groups: Groups, members: Mapping[str, Sequence[str]],
           min_members: int = MIN_MEMBERS, keep: frozenset[str] = frozenset()) -> Groups:
    """Merge groups with fewer than ``min_members`` elements into the group they are most
    tied to, smallest first; a group tied to nothing, or holding a node of ``keep`` (a pinned
    context), stays as it is."""
    numbered = numbered_graph(graph)
    index = numbered.index
    owner = [-1] * len(numbered.names)
    for label, group in enumerate(groups):
        for node in group:
            at = index.get(node)
            if at is not None:
                owner[at] = label
    sizes = [_size(g, members) for g in groups]
    small = sorted((i for i, size in enumerate(sizes)
                    if 0 < size < min_members and not groups[i] & keep),
                   key=lambda i: (sizes[i], min(groups[i])))
    into = merge_small(numbered.adjacent(), owner, len(groups), sizes, small, min_members)
    merged: dict[int, set[str]] = defaultdict(set)
    for label, group in enumerate(groups):
        merged[into[label]].update(group)
    return sorted((frozenset(g) for g in merged.values() if g), key=min)


@dataclass(frozen=True, slots=True)
class _Cut:
    """The graph a cut is made of, numbered once: its partitions are label arrays."""

    numbered: Numbered
    sizes: Any  # numpy: elements per node
    elements: Any  # numpy: the node of each element

    @classmethod
    def of(cls, graph: Graph, members: Mapping[str, Sequence[str]]) -> _Cut:
        import numpy as np

        numbered = numbered_graph(graph)
        sizes = np.array([len(members.get(n, ())) for n in numbered.names], dtype=np.int64)
        return cls(numbered, sizes, np.repeat(np.arange(len(sizes)), sizes))

    def settle(self, membership: Sequence[int]) -> Any:
        """``settle`` of a Leiden run's membership: a numpy array of labels in group order."""
        import numpy as np

        labels = in_order(np.asarray(membership, dtype=np.int64))
        count = int(labels.max(initial=-1)) + 1
        sizes = np.bincount(labels, weights=self.sizes, minlength=count).astype(np.int64)
        candidates = np.flatnonzero((sizes > 0) & (sizes < MIN_MEMBERS))
        small = candidates[np.argsort(sizes[candidates], kind="stable")].tolist()
        into = merge_small(self.numbered.adjacent(), labels.tolist(), count, sizes.tolist(),
                           small, MIN_MEMBERS)
        return in_order(np.asarray(into, dtype=np.int64)[labels])

    def contexts(self, labels: Any) -> int:
        """``count_contexts`` of a partition."""
        import numpy as np

        sizes = np.bincount(labels, weights=self.sizes)
        return int(np.count_nonzero(sizes >= MIN_MEMBERS))

    def stability(self, runs: Sequence[Any]) -> float:
        """The mean adjusted Rand index of every pair of ``runs`` (partitions), by element."""
        if len(self.elements) < 2 or len(runs) < 2:
            return 1.0
        labels = [run[self.elements] for run in runs]
        scores = [adjusted_rand_arrays(a, b) for a, b in combinations(labels, 2)]
        return float(sum(scores) / len(scores))


def count_contexts(groups: Groups, members: Mapping[str, Sequence[str]]) -> int:
    return sum(1 for g in groups if sum(len(members.get(n, ())) for n in g) >= MIN_MEMBERS)


def cut_at(graph: Graph, members: Mapping[str, Sequence[str]], seed: int,
           resolution: float = RESOLUTION, runner: Runner | None = None
           ) -> tuple[Candidate, Groups]:
    """The consensus cut at ``resolution``, settled (``settle``), and its numbers: contexts,
    modularity, and the agreement of the runs it is the consensus of."""
    cut = _Cut.of(graph, members)
    labels, runs = consensus_with_runs(graph, resolution, seed, runner)
    chosen = cut.settle(labels)
    agreement = cut.stability([cut.settle(run) for run in runs])
    quality = modularity_of(cut.numbered, chosen)
    return (Candidate(resolution, cut.contexts(chosen), round(quality, 4), round(agreement, 4)),
            groups_of(cut.numbered, chosen))


def exactly(graph: nx.Graph, members: Mapping[str, Sequence[str]], wanted: int,
            seed: int) -> tuple[list[Candidate], Groups]:
    """Groups with ``wanted`` contexts of tied code (``adjust``; ``wanted`` must not exceed the
    units with members): bisect the resolution, then merge the most tied pair or make the
    cheapest split until the count is exact."""
    low, high = 0.05, 20.0
    tried: list[Candidate] = []
    groups: Groups = []
    for _ in range(14):
        resolution = (low * high) ** 0.5
        groups = settle(graph, leiden(graph, resolution, seed), members)
        count = count_contexts(groups, members)
        quality = modularity(graph, groups)
        tried.append(Candidate(round(resolution, 4), count, round(quality, 4), 1.0))
        if count == wanted:
            break
        if count < wanted:
            low = resolution
        else:
            high = resolution
    return tried, adjust(graph, groups, members, wanted, seed)


def _size(group: frozenset[str], members: Mapping[str, Sequence[str]]) -> int:
    return sum(len(members.get(n, ())) for n in group)


def _units(group: frozenset[str], members: Mapping[str, Sequence[str]]) -> int:
    """How many nodes of ``group`` hold code."""
    return sum(1 for n in group if members.get(n))


def tied(graph: Graph, group: frozenset[str], members: Mapping[str, Sequence[str]]) -> bool:
    """Whether any code of ``group`` is tied to anything: untied code is unplaced."""
    numbered = numbered_graph(graph)
    return any(sum(weight for _, weight in numbered.neighbours(n)) > 0
               for n in group if members.get(n))


def adjust(graph: nx.Graph, groups: Groups, members: Mapping[str, Sequence[str]],
           wanted: int, seed: int) -> Groups:
    """Exactly ``wanted`` groups of tied code when there is enough of it (groups of helper
    nodes alone, and of code tied to nothing, are not counted: they are the caller's to
    promote when the tied code cannot make ``wanted``, and are split when even they are too
    few). Too many: merge the pair with the strongest tie per element. Too few: make the
    split that cuts the least weight (``_cheapest_split``)."""
    working = [g for g in groups if g]
    halves: dict[frozenset[str], tuple[float, frozenset[str], frozenset[str]]] = {}
    while True:
        counted = [i for i, g in enumerate(working) if tied(graph, g, members)]
        if len(counted) > wanted:
            first, second = _closest(graph, working, counted, members)
            working[first] = working[first] | working[second]
            del working[second]
        elif len(counted) < wanted:
            splittable = [i for i in counted if _units(working[i], members) > 1]
            if not splittable:
                # the caller promotes groups of untied code to make the count; when even
                # they are too few, untied code is split too (at no cost: nothing ties it)
                coded = [i for i, g in enumerate(working) if _size(g, members)]
                if len(coded) < wanted:
                    splittable = [i for i in coded if _units(working[i], members) > 1]
            if not splittable:
                break
            index, part, rest = _cheapest_split(graph, working, splittable, members, seed,
                                                halves)
            working[index] = part
            working.append(rest)
        else:
            break
    return sorted(working, key=min)


def _closest(graph: nx.Graph, groups: Groups, coded: Sequence[int],
             members: Mapping[str, Sequence[str]]) -> tuple[int, int]:
    """The two coded groups to merge: the strongest tie for their sizes, else the two
    smallest. The lower index first."""
    owner = {n: i for i, g in enumerate(groups) for n in g}
    allowed = set(coded)
    best: tuple[float, int, int] | None = None
    for i in coded:
        for j, tie in sorted(_strength(graph, groups[i], owner).items()):
            if j <= i or j not in allowed:
                continue
            score = tie / (_size(groups[i], members) * _size(groups[j], members))
            if best is None or score > best[0]:
                best = (score, i, j)
    if best is not None:
        return best[1], best[2]
    smallest = sorted(coded, key=lambda k: (_size(groups[k], members), k))[:2]
    return min(smallest), max(smallest)


def _cheapest_split(graph: nx.Graph, groups: Groups, splittable: Sequence[int],
                    members: Mapping[str, Sequence[str]], seed: int,
                    halves: dict[frozenset[str], tuple[float, frozenset[str], frozenset[str]]]
                    ) -> tuple[int, frozenset[str], frozenset[str]]:
    """Which of the ``splittable`` groups to cut in two, and its two parts: the cut of least
    weight of any of them (``_bisect``), ties to the larger group. Each new context then costs
    the fewest ties across a boundary: what is loosely attached comes away before a cohesive
    domain is cut through. Asked for 1.5 times their domains, six of the eight benchmark
    projects with a truth scored higher so than by splitting the largest group, atelier the
    same and django-oscar 0.011 lower (docs/clustering.md). ``halves`` keeps each group's
    bisection and its cut for the next call."""
    best: tuple[tuple[float, int, int], int, frozenset[str], frozenset[str]] | None = None
    for index in splittable:
        group = groups[index]
        if group not in halves:
            part, rest = _bisect(graph, group, members, seed)
            halves[group] = (fsum(weight for _, other, weight in graph.edges(part, data="weight")
                                  if other in rest), part, rest)
        cut, part, rest = halves[group]
        key = (round(cut, 9), -_size(group, members), index)
        if best is None or key < best[0]:
            best = (key, index, part, rest)
    if best is None:
        raise ValueError("no group to split")
    return best[1], best[2], best[3]


def _bisect(graph: nx.Graph, group: frozenset[str], members: Mapping[str, Sequence[str]],
            seed: int) -> tuple[frozenset[str], frozenset[str]]:
    """Two parts of ``group``, each holding code, with as little weight between them as can
    be found: apart pieces if it falls apart, else the minimum cut (Stoer and Wagner) of its
    piece with code, each helper node (a table, a use case) held to the code it is most tied
    to, else ``_split`` (a piece too large for the exact cut, or a cut that leaves no code on
    one side)."""
    import networkx as nx

    sub = _induced(graph, group)
    coded = _coded_pieces(sub, members)
    if len(coded) >= 2:
        return coded[0], group - coded[0]
    piece = sub if coded[0] == group else _induced(graph, coded[0])
    if piece.number_of_nodes() * piece.number_of_edges() > EXACT_CUT_WORK:
        return _split(sub, members, seed)
    # a helper is cut off a piece for the price of its few ties, and leaves no code apart:
    # each is folded into its strongest neighbour with code before the cut
    into = {n: n for n in piece}
    for node in piece:
        if not members.get(node):
            ties = [(-data["weight"], other) for other, data in piece[node].items()
                    if members.get(other)]
            if ties:
                into[node] = min(ties)[1]
    folded = nx.Graph()
    folded.add_nodes_from(sorted(set(into.values())))
    weights: dict[tuple[str, str], float] = defaultdict(float)
    for a, b, w in piece.edges(data="weight"):
        x, y = sorted((into[a], into[b]))
        if x != y:
            weights[(x, y)] += w
    folded.add_weighted_edges_from((x, y, w) for (x, y), w in sorted(weights.items()))
    if folded.number_of_nodes() < 2:
        return _split(sub, members, seed)
    _, (left, _right) = nx.stoer_wagner(folded)
    side = set(left)
    part = frozenset(n for n in piece if into[n] in side)
    rest = frozenset(piece) - part
    if _size(part, members) and _size(rest, members):
        smaller = min(part, rest, key=lambda p: (len(p), min(p)))
        return group - smaller, smaller
    return _split(sub, members, seed)


def _split(sub: nx.Graph, members: Mapping[str, Sequence[str]], seed: int
           ) -> tuple[frozenset[str], frozenset[str]]:
    """Two non-empty parts of the group whose subgraph (``_induced``) is ``sub``, in one piece
    of code, each part holding code: its largest community against the rest, else its least
    tied unit on its own."""
    group = frozenset(sub)
    for resolution in (1.0, 2.5, 6.0):
        parts = [p for p in leiden(sub, resolution, seed) if _size(p, members) > 0]
        if len(parts) >= 2:
            parts.sort(key=lambda p: (-_size(p, members), min(p)))
            return parts[0], group - parts[0]
    units = sorted(n for n in group if members.get(n))
    loosest = min(units, key=lambda n: (sub.degree(n, weight="weight"), n))
    return group - {loosest}, frozenset({loosest})


def _induced(graph: nx.Graph, nodes: frozenset[str]) -> nx.Graph:
    """The subgraph of ``graph`` on ``nodes``, its nodes and edges added in sorted order: a
    networkx subgraph view of a small part iterates a set, in an order that changes from run
    to run, and so does the way round ``edges`` gives each edge; minimum cuts and components
    follow both."""
    import networkx as nx

    sub = nx.Graph()
    sub.add_nodes_from(sorted(nodes))
    sub.add_weighted_edges_from(sorted((min(a, b), max(a, b), w)
                                       for a, b, w in graph.edges(nodes, data="weight")
                                       if a in nodes and b in nodes))
    return sub


def _coded_pieces(graph: nx.Graph, members: Mapping[str, Sequence[str]]) -> list[frozenset[str]]:
    """The connected pieces of ``graph`` that hold code, the largest first."""
    import networkx as nx

    pieces = (frozenset(c) for c in nx.connected_components(graph))
    return sorted((p for p in pieces if _size(p, members) > 0),
                  key=lambda p: (-_size(p, members), min(p)))


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
