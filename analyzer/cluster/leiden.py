"""The community-detection engine: igraph's Leiden (C), seeded, and a consensus of its runs.

networkx stays the graph model; each graph is handed to igraph once, its nodes numbered in
sorted order (networkx iterates sets of nodes, whose order changes with Python's hash seed),
and igraph draws its random numbers from a ``random.Random`` seeded by the caller, so the same
graph and seed give the same communities on every run and machine.

Leiden improves on Louvain in the two ways that matter here: its communities are connected
(Louvain's can fall apart into pieces that share nothing), and it is fast. On nova 34.0.0's
graph (4,520 nodes, 29,272 edges) one networkx Louvain run took 0.49 s, one Leiden run 0.06 s
with the conversion.

One run of either is one draw: on real monoliths the same graph cut with five seeds gave ARI
against the ground truth from 0.30 to 0.51 (Trac). A seam is what the draws agree on, so the
cut kept is a **consensus** (Lancichinetti and Fortunato, 2012): ``RUNS`` runs; each edge
weighs the share of runs that put its ends together (edges below ``AGREEMENT`` are dropped),
and the graph so weighted is cut once more, unless every run agreed. Lancichinetti and
Fortunato repeat the rounds until the runs agree; two more rounds of ten changed no score on
the benchmark projects (docs/clustering.md) and cost two thirds of the runs.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import random
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:  # networkx is imported where a graph of it is made: most runs make none
    import networkx as nx

from analyzer.cluster.labels import Adjacency, adjacency, in_order
from analyzer.coupling import RunMemo
from analyzer.workers import can_fork, forked, signals_deferred

RUNS = 10  # runs of a consensus
AGREEMENT = 0.5  # an edge whose ends fewer runs than this share put together is dropped
ITERATIONS = 3  # Leiden's passes per run: "until no change" can cycle forever at high resolutions
_DROPPED = 1e-9  # the weight of a dropped edge: it keeps its nodes in the graph, no more
PARALLEL_NODES = 2000  # from this many nodes, runs are worth a forked process (with --jobs)
# a forked process's share of the runs may take a day at most, and no longer than ten times
# the process's own share and a minute: then it is made again in the process
_SHARE_SECONDS = 24 * 3600.0
_SHARE_SLOWER, _SHARE_SLACK_SECONDS = 10.0, 60.0

Groups = list[frozenset[str]]


@dataclass(frozen=True, slots=True)
class Runner:
    """How Leiden runs are made: in ``jobs`` processes at most, and recalled from ``memo``
    when an earlier run made the same ones (same graph, weights, resolution and seed: the
    same memberships). Neither changes a membership."""

    jobs: int = 1
    memo: RunMemo | None = None


@dataclass(frozen=True, slots=True)
class Numbered:
    """A graph numbered in sorted node order: its edges ``(a, b)``, ``a < b``, in sorted
    order, and their weights, as tuples (``edges``, ``weights``) or numpy arrays
    (``arrays``), each made from the other when first asked for."""

    names: tuple[str, ...]
    source: nx.Graph | None  # the networkx graph it numbers, if any
    index: dict[str, int]  # name -> its number
    size: int  # edges
    _lists: list[tuple[tuple[tuple[int, int], ...], tuple[float, ...]]] = field(
        default_factory=list)
    _adjacent: list[Adjacency] = field(default_factory=list)  # made when first asked for
    _arrays: list[tuple[Any, Any]] = field(default_factory=list)  # likewise

    @classmethod
    def of(cls, names: tuple[str, ...], edges: tuple[tuple[int, int], ...],
           weights: tuple[float, ...], source: nx.Graph | None, index: dict[str, int]
           ) -> Numbered:
        return cls(names, source, index, len(edges), [(edges, weights)])

    @property
    def edges(self) -> tuple[tuple[int, int], ...]:
        return self._made_lists()[0]

    @property
    def weights(self) -> tuple[float, ...]:
        return self._made_lists()[1]

    def _made_lists(self) -> tuple[tuple[tuple[int, int], ...], tuple[float, ...]]:
        if not self._lists:
            ends, weights = self._arrays[0]
            self._lists.append((tuple(map(tuple, ends.tolist())), tuple(weights.tolist())))
        return self._lists[0]

    def adjacent(self) -> Adjacency:
        if not self._adjacent:
            self._adjacent.append(adjacency(len(self.names), *self.arrays()))
        return self._adjacent[0]

    def arrays(self) -> tuple[Any, Any]:
        """The edges (numpy, edges x 2) and their weights (numpy)."""
        if not self._arrays:
            import numpy as np

            edges, weights = self._lists[0]
            self._arrays.append((np.array(edges, dtype=np.int64).reshape(-1, 2),
                                 np.array(weights, dtype=np.float64)))
        return self._arrays[0]

    def neighbours(self, name: str) -> Iterator[tuple[str, float]]:
        """``name``'s neighbours and the weights of its edges to them, in sorted order (as
        networkx iterates a graph whose edges were added in sorted order)."""
        adjacent, names = self.adjacent(), self.names
        at = self.index[name]
        for other, weight in zip(adjacent.neighbours[adjacent.start[at]:adjacent.start[at + 1]],
                                 adjacent.weights[adjacent.start[at]:adjacent.start[at + 1]],
                                 strict=True):
            yield names[other], weight

    def without(self, removed: Collection[str]) -> Numbered:
        """This graph less the nodes ``removed`` and their edges, numbered as ``of_pairs``
        numbers what is left (in the same order: the nodes and edges kept keep theirs)."""
        import numpy as np

        ends, weights = self.arrays()
        keep = np.fromiter((name not in removed for name in self.names), dtype=bool,
                           count=len(self.names))
        renumber = np.cumsum(keep) - 1
        kept = keep[ends[:, 0]] & keep[ends[:, 1]]
        left, left_weights = renumber[ends[kept]].reshape(-1, 2), weights[kept]
        names = tuple(itertools.compress(self.names, keep.tolist()))
        # the tuples are made only if asked for: the cut reads the arrays
        return Numbered(names, None, {name: at for at, name in enumerate(names)}, len(left),
                        _arrays=[(left, left_weights)])

    @classmethod
    def of_pairs(cls, names: Iterable[str], pairs: Mapping[tuple[str, str], float]
                 ) -> Numbered:
        """The graph of ``names`` and of the edges ``pairs`` (``(a, b)``, ``a < b``, in sorted
        order, to their weights): numbered as ``numbered_graph`` numbers the same graph."""
        ordered = tuple(sorted(names))
        index = {name: at for at, name in enumerate(ordered)}
        return cls.of(ordered, tuple((index[a], index[b]) for a, b in pairs),
                      tuple(pairs.values()), None, index)


Graph: TypeAlias = "nx.Graph | Numbered"  # what the engine cuts: a networkx graph, or one numbered


def numbered_graph(graph: Graph) -> Numbered:
    """``graph`` numbered in sorted node order, made once and kept in the graph's attributes;
    a subgraph or a copy carries its parent's attributes, so the cache names its graph."""
    if isinstance(graph, Numbered):
        return graph
    cached = graph.graph.get("seamline-numbered")
    if isinstance(cached, Numbered) and cached.source is graph:
        return cached
    names = tuple(sorted(graph.nodes))
    number = {name: index for index, name in enumerate(names)}
    ordered = sorted((min(number[a], number[b]), max(number[a], number[b]), float(w))
                     for a, b, w in graph.edges(data="weight"))
    found = Numbered.of(names, tuple((a, b) for a, b, _ in ordered),
                        tuple(w for *_, w in ordered), graph, number)
    graph.graph["seamline-numbered"] = found
    return found


def _fork_pool(jobs: int, tasks: int, nodes: int) -> int:
    """How many processes to run ``tasks`` Leiden runs of a graph of ``nodes`` nodes in: one
    (here) unless the runs are worth a process's start and workers can be forked."""
    if jobs < 2 or tasks < 2 or nodes < PARALLEL_NODES or not can_fork():
        return 1
    return min(jobs, tasks)


def _run(graph: Any, weights: Sequence[float], resolution: float, seed: int) -> list[int]:
    import igraph

    igraph.set_random_number_generator(random.Random(seed))
    try:
        membership: list[int] = graph.community_leiden(
            objective_function="modularity", weights=weights, resolution=resolution,
            n_iterations=ITERATIONS).membership
        return membership
    finally:
        igraph.set_random_number_generator(random)


@lru_cache(maxsize=1)
def _engine() -> str:
    """igraph's version: runs remembered from another version are made again."""
    from importlib.metadata import PackageNotFoundError, version  # 0.02 s: only for the memo

    try:
        return version("igraph")
    except PackageNotFoundError:  # pragma: no cover - igraph is a dependency
        return "?"


def _memo_key(nodes: int, edges: bytes, weights: bytes,
              tasks: Sequence[tuple[float, int]]) -> str:
    """A digest of everything a batch of runs depends on, igraph's version included;
    ``edges``: their ends as 64-bit integers, one edge after another; ``weights``: theirs as
    doubles."""
    digest = hashlib.sha256(f"leiden-runs 1 igraph {_engine()} iterations {ITERATIONS} "
                            f"nodes {nodes} tasks {tasks!r}\n".encode())
    digest.update(edges)
    digest.update(weights)
    return "leiden:" + digest.hexdigest()


def _labels_of(data: bytes | None, nodes: int, runs: int) -> Any:
    """The memberships of ``runs`` runs as bytes (a memo's, or a forked process's: a label
    per node and run, each a C int), as numpy (runs x nodes), if they have that shape and
    every label is a node's number; else None."""
    import numpy as np

    if data is None or len(data) != np.dtype(np.intc).itemsize * nodes * runs:
        return None
    labels = np.frombuffer(data, dtype=np.intc).reshape(runs, nodes)
    if nodes and (int(labels.min()) < 0 or int(labels.max()) >= nodes):
        return None
    return labels.astype(np.int64)


def _memberships(numbered: Numbered, weights: Any,
                 tasks: Sequence[tuple[float, int]], runner: Runner) -> list[list[int]]:
    """One Leiden run per ``(resolution, seed)`` task: ``_labels`` as lists."""
    labels: list[list[int]] = _labels(numbered, weights, tasks, runner).tolist()
    return labels


def _labels(numbered: Numbered, weights: Any,
            tasks: Sequence[tuple[float, int]], runner: Runner) -> Any:
    """One Leiden run per ``(resolution, seed)`` task (numpy, runs x nodes), each drawing from
    its own generator seeded by the task, so the memberships are the same whether the runs
    are made in this process alone or shared with up to ``runner.jobs - 1`` processes forked
    beside it (igraph holds the interpreter's lock while it runs: threads would take turns),
    or were made by an earlier run and remembered."""
    import numpy as np

    # a dropped edge (no agreement) is left out: it would only slow every run down
    values = np.asarray(weights, dtype=np.float64)
    kept = values > _DROPPED
    every = bool(kept.all())
    nodes = len(numbered.names)

    ends = numbered.arrays()[0]

    def made() -> Any:  # the edges and weights as igraph takes them, made only for the runs
        taken = ends if every else ends[kept]
        # pairs zipped from two lists: a third of the time of a list of lists
        edges = zip(taken[:, 0].tolist(), taken[:, 1].tolist(), strict=True)
        return _made(nodes, edges, values[kept].tolist(), tasks, runner.jobs)

    if runner.memo is None:
        return made()
    key = _memo_key(nodes, (ends if every else ends[kept]).astype("<i8", copy=False).tobytes(),
                    (values if every else values[kept]).astype("<f8", copy=False).tobytes(),
                    tasks)
    recalled = _labels_of(runner.memo.recall(key), nodes, len(tasks))
    if recalled is not None:
        return recalled
    labels = made()
    runner.memo.remember(key, labels.astype(np.intc).tobytes())
    return labels


def _made(nodes: int, edges: Iterable[tuple[int, int]], weights: list[float],
          tasks: Sequence[tuple[float, int]], jobs: int) -> Any:
    """The runs of ``tasks``, shared among up to ``jobs`` processes: the first share here, and
    each other share in a process forked beside this one, which hands its memberships back as
    bytes (one fork per share, and no process idles while the others work). A share whose
    process made nothing (it was killed, none could fork, or it took ten times as long as
    this process's own share and a minute more) is run here after; an interruption here ends
    the forked processes. The memberships come as numpy (runs x nodes)."""
    import time

    import igraph  # a C library: loaded only when a graph is cut
    import numpy as np

    if not tasks:
        return np.empty((0, nodes), dtype=np.int64)
    graph = igraph.Graph(n=nodes, edges=edges)

    def share(part: Sequence[tuple[float, int]]) -> list[list[int]]:
        made: list[list[int]] = []
        for resolution, seed in part:
            # Ctrl-C waits for the end of the run: interrupted inside its Leiden, igraph
            # aborted the whole process ("free(): invalid pointer", tests/hostile)
            with signals_deferred():
                made.append(_run(graph, weights, resolution, seed))
        return made

    size = -(-len(tasks) // _fork_pool(jobs, len(tasks), nodes))
    parts = [tasks[i:i + size] for i in range(0, len(tasks), size)]
    waiting = [(part, forked(partial(_packed_share, share, part), _SHARE_SECONDS))
               for part in parts[1:]]
    try:
        started = time.monotonic()
        made = [np.array(share(parts[0]), dtype=np.int64).reshape(-1, nodes)]
        patience = _SHARE_SLACK_SECONDS + _SHARE_SLOWER * (time.monotonic() - started)
        for part, result in waiting:
            labels = _labels_of(result(within=patience), nodes, len(part))
            made.append(np.array(share(part), dtype=np.int64).reshape(-1, nodes)
                        if labels is None else labels)
    except BaseException:
        for _, result in waiting:
            result.cancel()
        raise
    return np.concatenate(made)


def _packed_share(share: Callable[[Sequence[tuple[float, int]]], list[list[int]]],
                  part: Sequence[tuple[float, int]]) -> bytes:
    """``share(part)``'s memberships as a forked process hands them back (``_labels_of``)."""
    import numpy as np

    return np.array(share(part), dtype=np.intc).tobytes()


def groups_of(numbered: Numbered, membership: Sequence[int] | Any) -> Groups:
    """The communities of ``membership`` (a label per node), as ``sorted(groups, key=min)``."""
    import numpy as np

    labels = in_order(np.asarray(membership, dtype=np.int64))
    order: list[int] = np.argsort(labels, kind="stable").tolist()
    bounds = np.searchsorted(labels[order], np.arange(int(labels.max(initial=-1)) + 2)).tolist()
    names = numbered.names
    return [frozenset([names[i] for i in order[a:b]]) for a, b in itertools.pairwise(bounds)]


def leiden(graph: Graph, resolution: float, seed: int) -> Groups:
    """One seeded Leiden run maximising modularity at ``resolution``."""
    return leiden_runs(graph, [(resolution, seed)], Runner())[0]


def leiden_runs(graph: Graph, tasks: Sequence[tuple[float, int]], runner: Runner
                ) -> list[Groups]:
    """One seeded Leiden run per ``(resolution, seed)``, as ``runner`` makes them."""
    numbered = numbered_graph(graph)
    return [groups_of(numbered, m) for m in leiden_labels(graph, tasks, runner)]


def leiden_labels(graph: Graph, tasks: Sequence[tuple[float, int]], runner: Runner
                  ) -> list[list[int]]:
    """``leiden_runs`` as a community label for each node of ``numbered_graph(graph)``."""
    numbered = numbered_graph(graph)
    if not numbered.size:  # each node alone
        return [list(range(len(numbered.names))) for _ in tasks]
    return _memberships(numbered, numbered.arrays()[1], tasks, runner)


def consensus(graph: Graph, resolution: float, seed: int, runner: Runner | None = None
              ) -> Groups:
    """The communities ``RUNS`` seeded Leiden runs agree on (see the module's text)."""
    return groups_of(numbered_graph(graph), consensus_labels(graph, resolution, seed, runner))


def consensus_labels(graph: Graph, resolution: float, seed: int,
                     runner: Runner | None = None) -> list[int]:
    """``consensus`` as a community label for each node of ``numbered_graph(graph)``."""
    return consensus_with_runs(graph, resolution, seed, runner)[0]


def consensus_with_runs(graph: Graph, resolution: float, seed: int,
                     runner: Runner | None = None) -> tuple[list[int], Any]:
    """``consensus_labels``, and the runs it is the consensus of (numpy, runs x nodes): how
    far independent runs agree."""
    numbered = numbered_graph(graph)
    import numpy as np  # numpy loads only when a graph is cut

    if not numbered.size:
        alone = list(range(len(numbered.names)))
        return alone, np.array([alone], dtype=np.int64)
    runner = runner or Runner()
    rng = random.Random(seed)
    ends, base = numbered.arrays()
    labels = _labels(numbered, base,
                     [(resolution, rng.getrandbits(32)) for _ in range(RUNS)],
                     runner)  # runs x nodes
    # the share of runs that put each edge's ends together (exact: a count over RUNS)
    together = (labels[:, ends[:, 0]] == labels[:, ends[:, 1]]).sum(axis=0) / RUNS
    if bool(np.all((together == 0.0) | (together == 1.0))):
        agreed: list[int] = labels[0].tolist()
        return agreed, labels  # every run agrees
    weights = np.where(together >= AGREEMENT, together * base, _DROPPED)
    return _memberships(numbered, weights, [(1.0, rng.getrandbits(32))],
                        Runner(memo=runner.memo))[0], labels


def modularity(graph: Graph, groups: Groups) -> float:
    """Newman's weighted modularity of ``groups`` on ``graph`` (a node in no group is a group
    of its own): sum over groups of the share of the weight inside the group less the squared
    share of the group's degree. Every sum is exact (``math.fsum``), so the value does not
    depend on the order of the edges."""
    import numpy as np

    numbered = numbered_graph(graph)
    label = {name: index for index, group in enumerate(groups) for name in group}
    return modularity_of(numbered, np.array(
        [label.get(name, -1 - i) for i, name in enumerate(numbered.names)], dtype=np.int64))


def modularity_of(numbered: Numbered, of: Any) -> float:
    """``modularity`` of the communities ``of`` (a numpy array: a label per node)."""
    import numpy as np

    ends, weights = numbered.arrays()
    total = math.fsum(weights.tolist())
    if not numbered.size or total == 0:
        return 0.0
    first, second = of[ends[:, 0]], of[ends[:, 1]]
    within = first == second
    inside = _sums(first[within], weights[within])
    degree = _sums(np.concatenate([first, second]), np.concatenate([weights, weights]))
    return math.fsum(inside.get(c, 0.0) / total - (degree[c] / (2 * total)) ** 2
                     for c in sorted(degree))


def _sums(labels: Any, values: Any) -> dict[int, float]:
    """The exact sum of ``values`` for each of ``labels`` (numpy arrays of one length)."""
    import numpy as np

    order = np.argsort(labels, kind="stable")
    labels, values = labels[order], values[order].tolist()
    cuts = [0, *(np.flatnonzero(np.diff(labels)) + 1).tolist(), len(values)]
    return {int(labels[a]): math.fsum(values[a:b]) for a, b in itertools.pairwise(cuts)
            if b > a}
