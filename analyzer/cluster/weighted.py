"""From a coupling graph and the run's signal weights to one undirected weighted graph.

Signals differ wildly in how many edges they make (vocabulary links every atom to a few
neighbours; code may link a helper to hundreds). So each signal is first scaled to the same
total, the number of elements, and only then multiplied by its weight: a weight is the share
of the picture a signal gets, whatever its density.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from analyzer.cluster.leiden import Numbered
from analyzer.coupling import SIGNALS, ClusterOptions, CouplingGraph, Node

if TYPE_CHECKING:  # imported where a graph of it is made: most runs make none (0.09 s)
    import networkx as nx


@dataclass(slots=True)
class Weighted:
    """The mixed graph, and for explanations each pair's weight by signal."""

    numbered: Numbered  # the graph the engine cuts: its nodes numbered in sorted order
    # every pair of the mix (a < b): its weight by signal, and in all; ``without`` shares them
    by_signal: dict[tuple[str, str], dict[str, float]] = field(default_factory=dict)
    pair_weight: dict[tuple[str, str], float] = field(default_factory=dict)
    members: dict[str, list[str]] = field(default_factory=dict)  # graph node -> elements
    unit: dict[str, str] = field(default_factory=dict)  # element or helper -> graph node
    nodes: dict[str, Node] = field(default_factory=dict)
    _graph: list[nx.Graph] = field(default_factory=list)  # networkx's, made when asked for

    @property
    def graph(self) -> nx.Graph:
        """The same graph in networkx (for the fixed number of contexts, and for tests)."""
        if not self._graph:
            import networkx as nx

            graph = nx.Graph()
            graph.add_nodes_from(self.numbered.names)
            graph.add_edges_from((a, b, {"weight": weight})
                                 for (a, b), weight in self.pair_weight.items()
                                 if a in self.numbered.index and b in self.numbered.index)
            self._graph.append(graph)
        return self._graph[0]

    def neighbours(self, unit: str) -> Iterator[tuple[str, float]]:
        """``unit``'s neighbours in sorted order (as networkx iterates the graph) and the
        weights of its edges to them."""
        return self.numbered.neighbours(unit)

    def without(self, removed: frozenset[str]) -> Weighted:
        """The same mixed graph with the ``removed`` units (and their edges) left out."""
        return Weighted(
            self.numbered.without(removed), self.by_signal, self.pair_weight,
            {u: m for u, m in self.members.items() if u not in removed}, self.unit, self.nodes)


def unit_of(node: Node, granularity: str) -> str:
    """The graph node an element becomes: itself, or its module (``module`` granularity)."""
    if granularity == "module" and node.is_element:
        return node.module or node.id
    return node.id


def mix(graph: CouplingGraph, options: ClusterOptions,
        merged: Mapping[str, str] | None = None) -> Weighted:
    """``merged`` maps a unit to the unit it is contracted into (pins, keep-together); the
    result's ``without(units)`` leaves units out (the shared kernel) without mixing again."""
    merged = merged or {}
    nodes = graph.node_map()
    result = Weighted(Numbered.of_pairs((), {}), nodes=nodes)
    by_module = options.granularity == "module"
    units, members = result.unit, result.members
    elements = 0
    for node in graph.nodes:
        unit = unit_of(node, options.granularity) if by_module else node.id
        unit = merged.get(unit, unit)
        units[node.id] = unit
        if node.is_element:
            members.setdefault(unit, []).append(node.id)
            elements += 1
    elements = elements or 1
    totals: dict[str, float] = defaultdict(float)
    for edge in graph.edges:
        totals[edge.signal] += edge.weight
    scale: dict[str, float] = {}
    for signal in SIGNALS:
        weight = options.weights.get(signal, 0.0)
        if totals.get(signal) and weight > 0:
            scale[signal] = weight * elements / totals[signal]
    pairs: dict[tuple[str, str], dict[str, float]] = {}
    unit_of_node = result.unit
    for edge in graph.edges:
        signal = edge.signal
        factor = scale.get(signal)
        if factor is None:
            continue
        a, b = unit_of_node[edge.source], unit_of_node[edge.target]
        if a == b:
            continue
        signals = pairs.setdefault((a, b) if a < b else (b, a), {})
        signals[signal] = signals.get(signal, 0.0) + edge.weight * factor
    # in sorted order, each pair compared as one number made of its units' ranks in sorted
    # order (the names' order; faster than comparing the names' tuples: 58,000 pairs on nova)
    ranked = {unit: at for at, unit in enumerate(sorted(set(unit_of_node.values())))}
    size = len(ranked)
    order = sorted(pairs, key=lambda pair: ranked[pair[0]] * size + ranked[pair[1]])
    result.by_signal = {pair: pairs[pair] for pair in order}
    result.pair_weight = {key: sum(signals.values()) for key, signals in result.by_signal.items()}
    result.numbered = Numbered.of_pairs(ranked, result.pair_weight)
    for held in members.values():
        held.sort()
    return result


def signals_between(weighted: Weighted, a: str, b: str) -> dict[str, float]:
    key = (a, b) if a < b else (b, a)
    return weighted.by_signal.get(key, {})
