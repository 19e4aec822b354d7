"""From a coupling graph and the run's signal weights to one undirected weighted graph.

Signals differ wildly in how many edges they make (vocabulary links every atom to a few
neighbours; code may link a helper to hundreds). So each signal is first scaled to the same
total, the number of elements, and only then multiplied by its weight: a weight is the share
of the picture a signal gets, whatever its density.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

import networkx as nx

from analyzer.coupling import SIGNALS, ClusterOptions, CouplingGraph, Node


@dataclass(slots=True)
class Weighted:
    """The mixed graph, and for explanations each pair's weight by signal."""

    graph: nx.Graph
    # every pair of the mix (a < b): its weight by signal, and in all; ``without`` shares them
    by_signal: dict[tuple[str, str], dict[str, float]] = field(default_factory=dict)
    pair_weight: dict[tuple[str, str], float] = field(default_factory=dict)
    members: dict[str, list[str]] = field(default_factory=dict)  # graph node -> elements
    unit: dict[str, str] = field(default_factory=dict)  # element or helper -> graph node
    nodes: dict[str, Node] = field(default_factory=dict)

    def without(self, removed: frozenset[str]) -> Weighted:
        """The same mixed graph with the ``removed`` units (and their edges) left out."""
        result = Weighted(nx.Graph(), self.by_signal, self.pair_weight, nodes=self.nodes,
                          unit=self.unit)
        result.members = {u: m for u, m in self.members.items() if u not in removed}
        result.graph.add_nodes_from(n for n in self.graph.nodes if n not in removed)
        result.graph.add_edges_from((a, b, {"weight": weight})
                                    for (a, b), weight in self.pair_weight.items()
                                    if a not in removed and b not in removed)
        return result


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
    result = Weighted(nx.Graph(), nodes=nodes)
    for node in graph.nodes:
        unit = unit_of(node, options.granularity)
        unit = merged.get(unit, unit)
        result.unit[node.id] = unit
        if node.is_element:
            result.members.setdefault(unit, []).append(node.id)
        result.graph.add_node(unit)
    elements = sum(1 for n in graph.nodes if n.is_element) or 1
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
        factor = scale.get(edge.signal)
        if factor is None:
            continue
        a, b = unit_of_node[edge.source], unit_of_node[edge.target]
        if a == b:
            continue
        signals = pairs.setdefault((a, b) if a < b else (b, a), {})
        signals[edge.signal] = signals.get(edge.signal, 0.0) + edge.weight * factor
    result.by_signal = dict(sorted(pairs.items()))
    result.pair_weight = {key: sum(signals.values()) for key, signals in result.by_signal.items()}
    result.graph.add_edges_from((a, b, {"weight": weight})
                                for (a, b), weight in result.pair_weight.items())
    for members in result.members.values():
        members.sort()
    return result


def signals_between(weighted: Weighted, a: str, b: str) -> dict[str, float]:
    key = (a, b) if a < b else (b, a)
    return weighted.by_signal.get(key, {})
