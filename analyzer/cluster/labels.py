"""Partitions as arrays: each node of a numbered graph (``leiden``: nodes in sorted order)
labelled with its community.

A partition as a list of frozensets of names costs a set and a hash per node at each step,
and a cut settles, counts and compares a dozen of them (100,000 nodes in one large
module). Here a partition is a list of labels numbered in the order of each community's first
node, which is the order of ``sorted(groups, key=min)``: group ``k`` of the sorted list is
label ``k``, so a tie-break that reads a group's index reads the same number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Adjacency:
    """Each node's neighbours in ascending order, the order in which networkx iterates the
    mixed graph's (its edges are added in sorted order), and the weights of those edges."""

    start: list[int]  # node i's neighbours are neighbours[start[i]:start[i + 1]]
    neighbours: list[int]
    weights: list[float]


def adjacency(nodes: int, ends: Any, weight: Any) -> Adjacency:
    """The adjacency of ``nodes`` nodes joined by ``ends`` (numpy, edges x 2, each edge once)
    weighing ``weight`` (numpy)."""
    import numpy as np

    source = np.concatenate([ends[:, 0], ends[:, 1]])
    target = np.concatenate([ends[:, 1], ends[:, 0]])
    order = np.lexsort((target, source))
    start = np.zeros(nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(source, minlength=nodes), out=start[1:])
    return Adjacency(start.tolist(), target[order].tolist(),
                     np.concatenate([weight, weight])[order].tolist())


def in_order(labels: Any) -> Any:
    """``labels`` (a numpy array of ints) renumbered in the order of each label's first node."""
    import numpy as np

    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inverse.reshape(-1)]


def merge_small(adjacent: Adjacency, owner: list[int], count: int, sizes: list[int],
                small: Sequence[int], min_members: int) -> list[int]:
    """Merge each group of ``small`` (in that order) still smaller than ``min_members`` into
    the group its edges tie it to most (the lowest index on a tie); a group tied to nothing
    stays. ``owner`` gives each node's group (-1: none; updated), ``sizes`` each of the
    ``count`` groups' elements (updated). Returns the group each group ended in."""
    import numpy as np

    labels = np.asarray(owner, dtype=np.int64)
    order = np.argsort(labels, kind="stable")
    bounds: list[int] = np.searchsorted(labels[order], np.arange(count + 1)).tolist()
    ordered: list[int] = order.tolist()
    held: dict[int, list[int]] = {}  # the nodes of a group that has changed
    parts: dict[int, list[int]] = {}  # the groups merged into a group, itself first
    start, neighbours, weights = adjacent.start, adjacent.neighbours, adjacent.weights
    for index in small:
        if sizes[index] >= min_members or sizes[index] == 0:
            continue  # grown, or merged into another (its size moved with it)
        nodes = held[index] if index in held else ordered[bounds[index]:bounds[index + 1]]
        ties: dict[int, float] = {}
        for node in nodes:
            for at in range(start[node], start[node + 1]):
                group = owner[neighbours[at]]
                if group != index and group >= 0:
                    ties[group] = ties.get(group, 0.0) + weights[at]
        if not ties:
            continue
        target = max(sorted(ties), key=ties.__getitem__)
        for node in nodes:
            owner[node] = target
        if target not in held:
            held[target] = ordered[bounds[target]:bounds[target + 1]]
        held[target].extend(nodes)
        held[index] = []
        parts.setdefault(target, [target]).extend(parts.pop(index, [index]))
        sizes[target] += sizes[index]
        sizes[index] = 0
    into = list(range(count))
    for target, merged in parts.items():
        for group in merged:
            into[group] = target
    return into
