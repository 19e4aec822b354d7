"""The coupling graph: the one input of clustering, and a documented JSON format.

Nodes are the atoms of the decomposition (top-level classes and functions, and each module's
module-level code) plus helper nodes that carry a signal without being code: tables, use
cases (entry points) and the package layout. Edges are directed, typed by the signal that saw
them, and weighted within that signal; clustering mixes the signals with the weights of the
run, so one exported graph can be clustered again under other weights.

``seamline cluster GRAPH.json`` reads this format, so a graph made elsewhere (from runtime
traces, say) can be clustered too: see ``docs/graph-format.md``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from json.encoder import encode_basestring as _text
from operator import attrgetter
from typing import Any, Protocol

from analyzer import jsonout
from analyzer.errors import ConfigError
from analyzer.quickinit import quick_init

_int = int.__repr__

FORMAT = "seamline-graph"
FORMAT_VERSION = 1

# Every signal, in the order reports list them.
SIGNALS = ("code", "links", "data", "vocabulary", "usecases", "cochange", "packages", "runtime")

# Kinds of node that are code and get placed in a context; the others are helpers.
ELEMENT_KINDS = frozenset({"class", "function", "module", "element"})
HELPER_KINDS = frozenset({"table", "usecase", "package"})

# The two contexts that are not domain contexts: the shared kernel (code every context may
# use) and the code a cut could not place. Clustering makes them; findings and drift judge
# them, so they live here, below both.
KERNEL = "shared-kernel"
# Plumbing roles that configure the whole project (a settings module names every app; the WSGI
# application a server runs loads them all): code of such a role goes to the shared kernel,
# never to one domain's context.
PROJECT_ROLES = frozenset({"settings", "server"})
UNPLACED = "unplaced"


@quick_init
@dataclass(frozen=True, slots=True, order=True)
class Node:
    """One node. ``module``, ``path`` and ``line`` locate code (empty for helpers);
    ``size`` is its length in lines; ``terms`` its strongest domain words, best first."""

    id: str
    kind: str
    module: str = ""
    path: str = ""
    line: int = 0
    size: int = 1
    terms: tuple[str, ...] = ()
    role: str = ""  # framework plumbing it is (template-tags, middleware...), else empty

    @property
    def is_element(self) -> bool:
        return self.kind in ELEMENT_KINDS


@quick_init
@dataclass(frozen=True, slots=True, order=True)
class Edge:
    """``source`` is coupled to ``target`` by ``signal``; ``kind`` says how (``call``,
    ``write``, ``get_model``...), ``count`` how often, ``weight`` how strongly;
    ``evidence``: (trace id, span name) of traces that showed it (``runtime`` only)."""

    source: str
    target: str
    signal: str
    kind: str
    weight: float
    count: int = 1
    evidence: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class CouplingGraph:
    project: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    notes: tuple[str, ...] = ()  # what a signal could not do ("no git history", ...)

    def node_map(self) -> dict[str, Node]:
        return {node.id: node for node in self.nodes}


@dataclass(frozen=True, slots=True)
class Constraints:
    """From config: ``pin`` maps a context name to patterns of atoms or modules that must be
    in it; ``together`` and ``apart`` are groups of patterns."""

    pin: tuple[tuple[str, tuple[str, ...]], ...] = ()
    together: tuple[tuple[str, ...], ...] = ()
    apart: tuple[tuple[str, ...], ...] = ()


DEFAULT_WEIGHTS: Mapping[str, float] = {
    "code": 1.0, "links": 0.5, "data": 1.0, "vocabulary": 0.6, "usecases": 0.3,
    "cochange": 0.5, "packages": 0.5, "runtime": 0.5,  # runtime: only with --traces
}


class RunMemo(Protocol):
    """Remembers the results of deterministic computations from one run to the next, by a
    key that digests all their inputs (``analyzer.cache.FactCache`` is one). A value read
    back is checked by whoever stored it: a memo is a hint, never trusted."""

    def recall(self, key: str) -> bytes | None: ...

    def remember(self, key: str, value: bytes) -> None: ...


@dataclass(frozen=True, slots=True)
class ClusterOptions:
    """How to cut: signal weights (0 switches a signal off), ``granularity`` ``atom`` or
    ``module``, ``contexts`` a fixed number or None for automatic, ``resolution`` None for
    automatic, a seed for determinism, shared-kernel detection on or off, and how many processes
    may share the Leiden runs (``jobs``) and where earlier runs' Leiden runs are remembered
    (``memo``): the cut depends on neither."""

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    granularity: str = "atom"
    contexts: int | None = None
    resolution: float | None = None
    seed: int = 7
    kernel: bool = True
    constraints: Constraints = Constraints()
    jobs: int = 1  # processes for the Leiden runs; the cut is the same whatever the number
    # Leiden runs made by an earlier run on the same graph are recalled, not made again
    memo: RunMemo | None = field(default=None, compare=False, repr=False)


# --------------------------------------------------------------------------- JSON codec


def _graph_head(graph: CouplingGraph) -> dict[str, Any]:
    """What ``graph_to_data`` holds before the nodes and the edges."""
    return {"format": FORMAT, "version": FORMAT_VERSION, "project": graph.project,
            "notes": list(graph.notes)}


def graph_to_data(graph: CouplingGraph) -> dict[str, Any]:
    return _graph_head(graph) | {
        "nodes": [
            {"id": n.id, "kind": n.kind, "module": n.module, "path": n.path, "line": n.line,
             "size": n.size, "terms": list(n.terms)} | ({"role": n.role} if n.role else {})
            for n in graph.nodes
        ],
        "edges": [
            {"source": e.source, "target": e.target, "signal": e.signal, "kind": e.kind,
             "weight": round(e.weight, 6), "count": e.count}
            | ({"evidence": [{"trace": t, "span": s} for t, s in e.evidence]}
               if e.evidence else {})
            for e in graph.edges
        ],
    }


def _field(item: Mapping[str, Any], key: str, kind: type, where: str, default: Any = None) -> Any:
    if key not in item:
        if default is not None:
            return default
        raise ConfigError(f"{where}: missing {key!r}")
    value = item[key]
    ok = isinstance(value, kind) and not (kind in (int, float) and isinstance(value, bool))
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        ok, value = True, float(value)
    if not ok:
        raise ConfigError(f"{where}: {key!r} must be {kind.__name__}, not {value!r}")
    return value


def _evidence(items: list[Any], where: str) -> tuple[tuple[str, str], ...]:
    found = []
    for item in items:
        if not (isinstance(item, dict) and isinstance(item.get("trace"), str)
                and isinstance(item.get("span"), str)):
            raise ConfigError(f"{where}: each 'evidence' must be an object with the strings "
                              "'trace' and 'span'")
        found.append((item["trace"], item["span"]))
    return tuple(found)


_EDGE_KEYS = frozenset({"source", "target", "signal", "kind", "weight", "count"})


def _plain_edge(item: Any, nodes: Mapping[str, Node]) -> Edge | None:
    """The edge of ``item`` when it has the shape ``dumps_graph`` writes (no evidence, every
    key present, of its exact type, each value in range): 65,000 edges of nova are read
    without a check per field. Anything else is ``None``, for the checks that name what is
    wrong."""
    if type(item) is not dict or item.keys() != _EDGE_KEYS:
        return None
    source, target, signal = item["source"], item["target"], item["signal"]
    kind, weight, count = item["kind"], item["weight"], item["count"]
    if (type(source) is str and type(target) is str and type(signal) is str
            and type(kind) is str and type(weight) is float and type(count) is int
            and signal in SIGNALS and source in nodes and target in nodes
            and math.isfinite(weight) and weight >= 0):
        return Edge(source, target, signal, kind, weight, max(1, count))
    return None


# the dataclass's order (its fields in turn), as a key made once per edge, in C
_edge_order = attrgetter("source", "target", "signal", "kind", "weight", "count", "evidence")
_node_id = attrgetter("id")


def graph_from_data(data: Any, source: str) -> CouplingGraph:
    """Read and check a graph; every problem is a ``ConfigError`` naming the element."""
    if not isinstance(data, dict):
        raise ConfigError("a graph must be a JSON object", source=source)
    if data.get("format") != FORMAT:
        raise ConfigError(f"not a seamline graph: 'format' must be {FORMAT!r}", source=source)
    if data.get("version") != FORMAT_VERSION:
        raise ConfigError(f"graph format version {data.get('version')!r} is not supported "
                          f"(this seamline reads version {FORMAT_VERSION})", source=source)
    raw_nodes, raw_edges = data.get("nodes"), data.get("edges")
    if not isinstance(raw_nodes, list) or not isinstance(raw_edges, list):
        raise ConfigError("'nodes' and 'edges' must be lists", source=source)
    nodes: dict[str, Node] = {}
    try:
        for index, item in enumerate(raw_nodes):
            where = f"nodes[{index}]"
            if not isinstance(item, dict):
                raise ConfigError(f"{where}: must be an object")
            node = Node(
                id=_field(item, "id", str, where),
                kind=_field(item, "kind", str, where, "element"),
                module=_field(item, "module", str, where, ""),
                path=_field(item, "path", str, where, ""),
                line=_field(item, "line", int, where, 0),
                size=max(1, _field(item, "size", int, where, 1)),
                terms=tuple(str(t) for t in _field(item, "terms", list, where, [])),
                role=_field(item, "role", str, where, ""),
            )
            if node.kind not in ELEMENT_KINDS | HELPER_KINDS:
                raise ConfigError(f"{where}: unknown kind {node.kind!r}; known: "
                                  f"{', '.join(sorted(ELEMENT_KINDS | HELPER_KINDS))}")
            if node.id in nodes:
                raise ConfigError(f"{where}: duplicate node id {node.id!r}")
            nodes[node.id] = node
        edges: list[Edge] = []
        for index, item in enumerate(raw_edges):
            edge = _plain_edge(item, nodes)
            if edge is not None:  # the shape seamline writes, every field checked
                edges.append(edge)
                continue
            where = f"edges[{index}]"
            if not isinstance(item, dict):
                raise ConfigError(f"{where}: must be an object")
            edge = Edge(
                source=_field(item, "source", str, where),
                target=_field(item, "target", str, where),
                signal=_field(item, "signal", str, where),
                kind=_field(item, "kind", str, where, "-"),
                weight=_field(item, "weight", float, where, 1.0),
                count=max(1, _field(item, "count", int, where, 1)),
                evidence=_evidence(_field(item, "evidence", list, where, []), where),
            )
            if edge.signal not in SIGNALS:
                raise ConfigError(f"{where}: unknown signal {edge.signal!r}; known: "
                                  f"{', '.join(SIGNALS)}")
            for end in (edge.source, edge.target):
                if end not in nodes:
                    raise ConfigError(f"{where}: no node {end!r}")
            if not math.isfinite(edge.weight) or edge.weight < 0:
                raise ConfigError(f"{where}: weight must be a finite number >= 0")
            edges.append(edge)
    except ConfigError as error:
        raise ConfigError(str(error), source=source) from None
    notes = data.get("notes", [])
    return CouplingGraph(
        project=str(data.get("project", "")),
        # ids are unique (checked above), so the id alone orders nodes as the dataclass does
        nodes=tuple(sorted(nodes.values(), key=_node_id)),
        edges=tuple(sorted(edges, key=_edge_order)),
        notes=tuple(str(n) for n in notes) if isinstance(notes, list) else (),
    )


def dumps_graph(graph: CouplingGraph) -> bytes:
    """``jsonout.dumps(graph_to_data(graph))``, with each node and edge written as one piece
    of text (nova's graph.json: 0.09 -> 0.05 s; ``tests/test_jsonout.py`` holds the bytes
    equal)."""
    data = _graph_head(graph)
    data["nodes"] = jsonout.Text(lambda newline: [jsonout.array(graph.nodes, _node, newline)])
    data["edges"] = jsonout.Text(lambda newline: [jsonout.array(graph.edges, _edge, newline)])
    return jsonout.dumps(data)


def _node(node: Node, newline: str) -> str:
    key = newline + " "
    role = f',{key}"role": {_text(node.role)}' if node.role else ""
    return (f'{{{key}"id": {_text(node.id)},{key}"kind": {_text(node.kind)},'
            f'{key}"module": {_text(node.module)},{key}"path": {_text(node.path)},'
            f'{key}"line": {_int(node.line)},{key}"size": {_int(node.size)},'
            f'{key}"terms": {jsonout.strings(node.terms, key)}{role}{newline}}}')


def _edge(edge: Edge, newline: str) -> str:
    key = newline + " "
    evidence = ""
    if edge.evidence:
        evidence = f',{key}"evidence": ' + jsonout.array(
            edge.evidence, lambda e, at: f'{{{at} "trace": {_text(e[0])},{at} "span": '
                                         f'{_text(e[1])}{at}}}', key)
    return (f'{{{key}"source": {_text(edge.source)},{key}"target": {_text(edge.target)},'
            f'{key}"signal": {_text(edge.signal)},{key}"kind": {_text(edge.kind)},'
            f'{key}"weight": {jsonout.number(round(edge.weight, 6))},'
            f'{key}"count": {_int(edge.count)}{evidence}{newline}}}')


def loads_graph(text: bytes, source: str) -> CouplingGraph:
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise ConfigError(f"not valid JSON: {error}", source=source) from None
    return graph_from_data(data, source)
