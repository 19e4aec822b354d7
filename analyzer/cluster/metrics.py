"""Metrics that judge a decomposition: a partition of elements into services (contexts).

Every function here is pure: it reads its arguments and returns numbers, and the same inputs
give bit-for-bit the same floats whatever their order (inputs are sorted, and sums of floats
go through :func:`math.fsum`). The definitions follow the project's evaluation protocol.

A partition is a mapping ``element -> service name``; its services are its distinct values.
The functions are generic: nothing is excluded by name, so a caller that keeps a shared
kernel, helper nodes or third-party code out of a score filters the partition (and the edges)
before calling. An element that the partition does not place is ignored by every structural
metric (its edges, its table writes and its use-case reach do not count), except by
:func:`modularity`, which puts each unplaced node of the graph in a community of its own.

Agreement with a ground truth (:func:`compare`, :func:`ari`, :func:`ami`, :func:`mojofm`) is
computed on the elements present in both partitions.

Structural quality of one partition (:func:`score` computes them all):

* :func:`modularity` -- Newman's Q on a weighted undirected graph (networkx). Higher is better.
* :func:`sm` -- structural modularity (Jin et al.) on directed dependency pairs. Higher is
  better.
* :func:`icp` -- inter-partition call percentage, edges weighted ``ln(volume) + 1``. Lower is
  better.
* :func:`ifn` -- interface number: elements called from another service, per service. Lower
  is better.
* :func:`ned` -- non-extreme distribution: share of elements in services that are too small
  or too large. Lower is better.
* :func:`bcp` -- business context purity (Mono2Micro): entropy of use cases over a service's
  elements. Lower is better.
* :func:`cross_ratio` -- share of dependency pairs that cross services. Lower is better.
* :func:`data_purity` -- per table, the entropy of the services that write it. Lower is
  better.

Dependency edges are ``(source, target, volume)`` with ``volume >= 1`` the number of calls or
references. The structural metrics count *distinct directed pairs*: entries repeating a pair
are merged and their volumes added; self-loops are ignored.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from analyzer.cluster.rand import adjusted_rand

__all__ = [
    "Agreement",
    "DataPurity",
    "Dependency",
    "Partition",
    "Scores",
    "WeightedEdge",
    "ami",
    "ari",
    "bcp",
    "compare",
    "cross_ratio",
    "data_purity",
    "icp",
    "ifn",
    "mno",
    "modularity",
    "mojofm",
    "ned",
    "score",
    "sm",
]

Partition = Mapping[str, str]
"""``element -> service name``."""

Dependency = tuple[str, str, int]
"""``(source, target, volume)``: a directed dependency and how often it is used (>= 1)."""

WeightedEdge = tuple[str, str, float]
"""``(u, v, weight)``: an undirected weighted edge of the coupling graph."""

Pair = tuple[str, str]


# --------------------------------------------------------------------------- helpers


def _services(partition: Partition) -> dict[str, list[str]]:
    """``service -> sorted elements``, services in sorted order."""
    members: defaultdict[str, list[str]] = defaultdict(list)
    for element in sorted(partition):
        members[partition[element]].append(element)
    return {service: members[service] for service in sorted(members)}


def _pairs(partition: Partition, dependencies: Iterable[Dependency]) -> dict[Pair, int]:
    """Distinct directed pairs between placed elements, self-loops dropped, volumes added;
    in sorted order."""
    volumes: Counter[Pair] = Counter()
    for source, target, volume in dependencies:
        if volume < 1:
            raise ValueError(
                f"dependency {source!r} -> {target!r} has volume {volume}; volumes are >= 1"
            )
        if source == target or source not in partition or target not in partition:
            continue
        volumes[(source, target)] += volume
    return {pair: volumes[pair] for pair in sorted(volumes)}


def _entropy(counts: Iterable[int]) -> float:
    """Shannon entropy in bits of the distribution proportional to ``counts`` (zeros
    ignored); 0.0 for an empty or one-valued distribution, never -0.0."""
    positive = sorted(c for c in counts if c > 0)
    total = sum(positive)
    if total == 0:
        return 0.0
    return math.fsum(c / total * math.log2(total / c) for c in positive)


def _mean(values: list[float]) -> float:
    return math.fsum(values) / len(values) if values else 0.0


def _common(proposed: Partition, truth: Partition) -> list[str]:
    common = sorted(set(proposed) & set(truth))
    if not common:
        raise ValueError("the two partitions have no element in common")
    return common


# --------------------------------------------------------------------------- agreement


def ari(proposed: Partition, truth: Partition) -> float:
    """Adjusted Rand index (scikit-learn's value, ``analyzer.cluster.rand``) on the common
    elements; 1.0 for equal partitions.

    Raises :class:`ValueError` when the partitions share no element."""
    common = _common(proposed, truth)
    return adjusted_rand([truth[e] for e in common], [proposed[e] for e in common])


def ami(proposed: Partition, truth: Partition) -> float:
    """Adjusted mutual information (scikit-learn, its default arithmetic normalisation) on the
    common elements; 1.0 for equal partitions.

    Raises :class:`ValueError` when the partitions share no element."""
    common = _common(proposed, truth)
    return float(
        _ami([truth[e] for e in common], [proposed[e] for e in common])
    )


def mno(proposed: Partition, truth: Partition) -> int:
    """MoJo distance: the fewest Move and Join operations that turn ``proposed`` (A) into
    ``truth`` (B), on the elements present in both (Wen & Tzerpos).

    ``mno = sum_i (|A_i| - max_j |A_i & B_j|) + (l - g')``: every element of an A-cluster
    outside the cluster's best-overlapping B-cluster is moved once, and ``g'`` is a maximum
    matching between A-clusters and the B-clusters of their maximum overlap (all of them, on
    ties), so ``l - g'`` A-clusters are joined into another one. 0 iff the partitions are
    equal up to renaming. 0 when they share no element."""
    common = sorted(set(proposed) & set(truth))
    overlaps: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for element in common:
        overlaps[proposed[element]][truth[element]] += 1

    import networkx as nx  # type: ignore[import-untyped, unused-ignore]
    from networkx.algorithms import bipartite  # type: ignore[import-untyped, unused-ignore]

    graph = nx.Graph()
    top = [("A", cluster) for cluster in sorted(overlaps)]
    graph.add_nodes_from(top)
    graph.add_nodes_from(sorted({("B", truth[element]) for element in common}))
    moves = 0
    for cluster in sorted(overlaps):
        counts = overlaps[cluster]
        best = max(counts.values())
        moves += sum(counts.values()) - best
        for target in sorted(t for t, c in counts.items() if c == best):
            graph.add_edge(("A", cluster), ("B", target))
    matching = bipartite.hopcroft_karp_matching(graph, top_nodes=top)
    matched = sum(1 for node in top if node in matching)
    return moves + len(top) - matched


def mojofm(proposed: Partition, truth: Partition) -> float:
    """MoJoFM of ``proposed`` against ``truth`` in percent, on the elements present in both:
    ``(1 - mno / (n - g)) * 100`` with ``g`` the number of truth clusters.

    100.0 iff the partitions are equal up to renaming; an all-singleton proposal scores 0.0
    (unless the truth is all singletons too).
    Follows the protocol's ``n - g`` denominator, which is the largest ``mno`` only when no
    truth cluster is too small: a truth with many tiny clusters can push the value below 0
    (truth ``{a,b} {c} {d}``, proposal ``{a,b,c,d}``: ``mno = 2``, ``n - g = 1``, -100.0).
    When ``n == g`` the value is 100.0 if ``mno == 0`` else 0.0.

    Raises :class:`ValueError` when the partitions share no element."""
    common = _common(proposed, truth)
    n = len(common)
    g = len({truth[e] for e in common})
    distance = mno(proposed, truth)
    if n == g:
        return 100.0 if distance == 0 else 0.0
    return (1.0 - distance / (n - g)) * 100.0


@dataclass(frozen=True, slots=True)
class Agreement:
    """How far a proposed partition is from a ground truth (on their common elements)."""

    ari: float
    ami: float
    mojofm: float
    n: int  # elements in both partitions
    k_proposed: int  # services of the proposal among those elements
    k_truth: int  # services of the truth among those elements


def compare(proposed: Partition, truth: Partition) -> Agreement:
    """ARI, AMI and MoJoFM of ``proposed`` against ``truth``.

    Raises :class:`ValueError` when the partitions share no element."""
    common = _common(proposed, truth)
    return Agreement(
        ari=ari(proposed, truth),
        ami=ami(proposed, truth),
        mojofm=mojofm(proposed, truth),
        n=len(common),
        k_proposed=len({proposed[e] for e in common}),
        k_truth=len({truth[e] for e in common}),
    )


# --------------------------------------------------------------------------- structure


def modularity(partition: Partition, graph_edges: Iterable[WeightedEdge]) -> float:
    """Newman modularity Q of the partition on a weighted undirected graph: the value of
    ``networkx.algorithms.community.modularity`` (``weight="weight"``), computed without
    building the graph.

    Entries repeating an edge (in either direction) add their weights. A node of the graph
    that the partition does not place is a community of its own; a placed element that is not
    in the graph is ignored. 0.0 for a graph without edges or of total weight 0."""
    parts: defaultdict[Pair, list[float]] = defaultdict(list)
    for u, v, weight in graph_edges:
        parts[(u, v) if u <= v else (v, u)].append(weight)
    weights = {pair: math.fsum(found) if len(found) > 1 else found[0]
               for pair, found in sorted(parts.items())}
    total = math.fsum(weights.values())
    if not weights or total == 0:
        return 0.0
    # Sums with math.fsum are exact, so the result does not depend on the order of the edges
    # (nor on string hashing): the same in every process. A node the partition does not
    # place is a community of its own.
    inside: defaultdict[str, list[float]] = defaultdict(list)
    degree: defaultdict[str, list[float]] = defaultdict(list)
    for (a, b), weight in weights.items():
        ca = partition.get(a, "\0" + a)
        cb = partition.get(b, "\0" + b)
        degree[ca].append(weight)
        degree[cb].append(weight)  # a self-loop counts twice in its node's degree
        if ca == cb:
            inside[ca].append(weight)
    return math.fsum(math.fsum(inside[c]) / total - (math.fsum(degree[c]) / (2 * total)) ** 2
                     for c in sorted(degree))


def sm(partition: Partition, dependencies: Iterable[Dependency]) -> float:
    """Structural modularity (Jin et al.):
    ``(1/K) sum_i mu_i/N_i^2 - (2/(K(K-1))) sum_{i<j} sigma_ij/(2 N_i N_j)``.

    ``mu_i`` counts the distinct directed dependency pairs inside service ``i``, ``sigma_ij``
    those between ``i`` and ``j`` (both directions), ``N_i`` the size of service ``i``.
    Volumes are not used. The second term is 0 for ``K == 1``; 0.0 for an empty partition."""
    if not partition:  # the dependencies are not read
        return 0.0
    return _sm(partition, _pairs(partition, dependencies))


def _sm(partition: Partition, pairs: Mapping[Pair, int]) -> float:
    services = _services(partition)
    k = len(services)
    if k == 0:
        return 0.0
    inside: Counter[str] = Counter()
    between: Counter[Pair] = Counter()
    for source, target in pairs:
        a, b = partition[source], partition[target]
        if a == b:
            inside[a] += 1
        else:
            between[(a, b) if a < b else (b, a)] += 1
    size = {service: len(members) for service, members in services.items()}
    cohesion = math.fsum(inside[s] / size[s] ** 2 for s in services) / k
    if k == 1:
        return cohesion
    coupling = math.fsum(
        count / (2 * size[a] * size[b]) for (a, b), count in sorted(between.items())
    )
    return cohesion - 2 * coupling / (k * (k - 1))


def icp(partition: Partition, dependencies: Iterable[Dependency]) -> float:
    """Inter-partition call percentage, in [0, 1]: the weight of the dependency pairs that
    cross services over the weight of all of them, a pair weighing ``ln(volume) + 1``.
    0.0 when there is no dependency."""
    return _icp(partition, _pairs(partition, dependencies))


def _icp(partition: Partition, pairs: Mapping[Pair, int]) -> float:
    crossing: list[float] = []
    total: list[float] = []
    for (source, target), volume in pairs.items():
        weight = math.log(volume) + 1.0
        total.append(weight)
        if partition[source] != partition[target]:
            crossing.append(weight)
    if not total:
        return 0.0
    return math.fsum(crossing) / math.fsum(total)


def ifn(partition: Partition, dependencies: Iterable[Dependency]) -> float:
    """Interface number: the elements that are the target of a dependency from another
    service, divided by the number of services. 0.0 for an empty partition."""
    if not partition:  # the dependencies are not read
        return 0.0
    return _ifn(partition, _pairs(partition, dependencies))


def _ifn(partition: Partition, pairs: Mapping[Pair, int]) -> float:
    k = len(set(partition.values()))
    if k == 0:
        return 0.0
    interfaces = {target for source, target in pairs if partition[source] != partition[target]}
    return len(interfaces) / k


def ned(partition: Partition, low: int = 5, high: int = 20) -> float:
    """Non-extreme distribution, in [0, 1]: the share of elements that sit in a service of
    fewer than ``low`` or more than ``high`` elements. 0.0 for an empty partition."""
    if not partition:
        return 0.0
    sizes = Counter(partition.values())
    extreme = sum(size for size in sizes.values() if size < low or size > high)
    return extreme / len(partition)


def cross_ratio(partition: Partition, dependencies: Iterable[Dependency]) -> float:
    """The share, in [0, 1], of distinct directed dependency pairs that cross services
    (volumes not used). 0.0 when there is no dependency."""
    return _cross_ratio(partition, _pairs(partition, dependencies))


def _cross_ratio(partition: Partition, pairs: Mapping[Pair, int]) -> float:
    if not pairs:
        return 0.0
    crossing = sum(1 for source, target in pairs if partition[source] != partition[target])
    return crossing / len(pairs)


@dataclass(frozen=True, slots=True)
class DataPurity:
    """Who writes each table, as the entropy (bits) of the writing services."""

    # table -> entropy, sorted by table; only tables with a writer in the partition.
    per_table: dict[str, float] = field(hash=False)
    mean: float  # over the tables of ``per_table``; 0.0 when there is none
    multi_writer_tables: int  # tables written by more than one service


def data_purity(partition: Partition, writers: Mapping[str, Iterable[str]]) -> DataPurity:
    """For each table (``table -> elements that write it``), the Shannon entropy in bits of
    the services of its writers, each writer counted once: 0.0 for one writing service, 1.0
    for two services with as many writers each. Writers outside the partition are ignored; a
    table without a writer in the partition has no entropy and is left out."""
    per_table: dict[str, float] = {}
    multi = 0
    for table in sorted(writers):
        placed = sorted({w for w in writers[table] if w in partition})
        if not placed:
            continue
        by_service = Counter(partition[w] for w in placed)
        per_table[table] = _entropy(by_service.values())
        if len(by_service) > 1:
            multi += 1
    return DataPurity(
        per_table=per_table, mean=_mean(list(per_table.values())), multi_writer_tables=multi
    )


def bcp(partition: Partition, use_cases: Mapping[str, Iterable[str]]) -> float:
    """Business context purity (Mono2Micro): for each service, the entropy in bits of the
    distribution of use cases over its elements (use case ``u`` counts the elements of the
    service it reaches), averaged over the services that some use case reaches. 0.0 when no
    use case reaches a placed element."""
    reached: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for name in sorted(use_cases):
        for element in sorted(set(use_cases[name])):
            if element in partition:
                reached[partition[element]][name] += 1
    return _mean([_entropy(reached[service].values()) for service in sorted(reached)])


# --------------------------------------------------------------------------- all at once


@dataclass(frozen=True, slots=True)
class Scores:
    """The structural metrics of one partition (see the module docstring for directions)."""

    modularity: float
    sm: float
    icp: float
    ifn: float
    ned: float
    bcp: float
    cross_ratio: float
    data_purity: float  # mean table entropy
    multi_writer_tables: int
    k: int  # services
    elements: int  # placed elements


def score(
    partition: Partition,
    *,
    dependencies: Iterable[Dependency],
    graph_edges: Iterable[WeightedEdge],
    writers: Mapping[str, Iterable[str]],
    use_cases: Mapping[str, Iterable[str]],
) -> Scores:
    """Every structural metric of ``partition`` (NED with its default thresholds 5 and 20)."""
    pairs = _pairs(partition, dependencies)  # made once for the four that read them
    purity = data_purity(partition, writers)
    return Scores(
        modularity=modularity(partition, graph_edges),
        sm=_sm(partition, pairs),
        icp=_icp(partition, pairs),
        ifn=_ifn(partition, pairs),
        ned=ned(partition),
        bcp=bcp(partition, use_cases),
        cross_ratio=_cross_ratio(partition, pairs),
        data_purity=purity.mean,
        multi_writer_tables=purity.multi_writer_tables,
        k=len(set(partition.values())),
        elements=len(partition),
    )


def _ami(truth: list[str], proposed: list[str]) -> float:
    from sklearn.metrics import adjusted_mutual_info_score  # slow to import: only when scoring

    return float(adjusted_mutual_info_score(truth, proposed))
