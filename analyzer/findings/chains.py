"""SL203 sync-call-chain: an entry point whose call path crosses several contexts in turn.

In the monolith a route that calls orders, which calls payments, which calls customers, is one
process. Cut along the proposed contexts it becomes a chain of network calls: each hop adds
latency, and any service down takes the entry point down with it (the cascading failure
circuit breakers exist for). ``sync_call_chain`` walks from each entry point (a route, view,
task or command: the graph's use-case nodes) along the uses the contracts turn into operations:
a code reference other than a type hint, a base class or a decorator, or a framework loader
(``get_model``). Within a context the walk is free; a use into another context is a hop. A use
that comes with a write into a table the other context owns is not a hop: the AsyncAPI side
proposes an event for that write, and an event cuts the chain. A chain is reported once it
holds ``min-contexts`` contexts: each entry point's longest chain (the first in name order
among equally long ones), once per chain of contexts, with every entry point whose longest it
is, each hop's first ``path:line``, the fan-out at each hop (the distinct operations of other
contexts that context calls on the way), and how many other chains branch off the same calls.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from analyzer.findings.facts import Evidence, Finding, finding, short
from analyzer.findings.ownership import owners
from analyzer.findings.partition import Partition
from analyzer.findings.project import Project
from analyzer.findings.rule import Rule
from analyzer.findings.uses import Use
from analyzer.model import AccessMode
from analyzer.text import count

# what is not a call: the same uses the contracts leave out (analyzer.contracts.operations)
_STRUCTURAL = frozenset({"annotation", "base", "decorator"})
_REFERENCES = frozenset({"annotation", "attribute", "base", "call", "decorator", "default",
                         "name"})
_LOADERS = frozenset({"get-model", "get-class", "get-user-model"})
MAX_CONTEXTS = 8  # a chain is followed this far (or to min-contexts, if more), and no further
_BUDGET = 5_000  # regions one entry point may open: the search stays linear in the code


def synchronous(use: Use) -> bool:
    """A call once the contexts are services: a code reference other than a type hint, a
    base or a decorator, or a framework loader (not a foreign key or relationship)."""
    kinds = set(use.kind.split("+"))
    return bool(kinds & _LOADERS) or (kinds <= _REFERENCES and not kinds <= _STRUCTURAL)


@dataclass(frozen=True, slots=True)
class Hop:
    source: str  # context
    target: str
    where: Evidence  # the first use that crosses
    fan_out: int  # distinct operations of other contexts the source calls on this path


@dataclass(frozen=True, slots=True)
class Chain:
    entry: str  # the entry point's atom
    kind: str  # route, task, command...
    where: Evidence
    hops: tuple[Hop, ...]
    branches: frozenset[tuple[str, ...]] = frozenset()  # its entry point's other chains

    @property
    def contexts(self) -> tuple[str, ...]:
        return (self.hops[0].source, *(h.target for h in self.hops))


class _Walk:
    """The uses of one project as adjacency, with the event cuts taken out."""

    def __init__(self, project: Project, partition: Partition,
                 owners: Mapping[str, str]) -> None:
        self.context_of = partition.domain
        events = _event_uses(project, partition, owners)
        self.inside: dict[str, set[str]] = defaultdict(set)
        self.out: dict[str, list[Use]] = defaultdict(list)
        for use in project.uses:
            a, b = self.context_of(use.source), self.context_of(use.target)
            if a is None or b is None or not synchronous(use):
                continue
            if a == b:
                self.inside[use.source].add(use.target)
            elif (use.source, use.target, use.path, use.line) not in events:
                self.out[use.source].append(use)
        for uses in self.out.values():
            uses.sort(key=lambda u: (u.path, u.line, u.target))
        self._regions: dict[frozenset[str], frozenset[str]] = {}
        self._hops: dict[frozenset[str], dict[str, tuple[Hop, frozenset[str]]]] = {}

    def region(self, starts: frozenset[str]) -> frozenset[str]:
        """What ``starts`` reach without leaving their context."""
        known = self._regions.get(starts)
        if known is not None:
            return known
        seen = set(starts)
        stack = sorted(starts)
        while stack:
            for target in self.inside.get(stack.pop(), ()):
                if target not in seen:
                    seen.add(target)
                    stack.append(target)
        found = self._regions[starts] = frozenset(seen)
        return found

    def hops(self, starts: frozenset[str], source: str) -> dict[str, tuple[Hop, frozenset[str]]]:
        """The hop from ``source``, the context of ``starts``, to each context their region
        calls (its first use, the fan-out: the distinct elements of other contexts called),
        with the elements called there. Walks from many entry points meet the same regions:
        each is grouped once."""
        known = self._hops.get(starts)
        if known is not None:
            return known
        grouped: dict[str, list[Use]] = defaultdict(list)
        for element in sorted(self.region(starts)):
            for use in self.out.get(element, ()):
                target = self.context_of(use.target)
                assert target is not None  # only uses between domain contexts are out
                grouped[target].append(use)
        fan_out = len({u.target for uses in grouped.values() for u in uses})
        found: dict[str, tuple[Hop, frozenset[str]]] = {}
        for target in sorted(grouped):
            uses = grouped[target]
            first = min(uses, key=lambda u: (u.path, u.line, u.source, u.target))
            hop = Hop(source, target, Evidence(
                first.path, first.line,
                f"{source} → {target}: {short(first.source)} calls {short(first.target)}"),
                fan_out)
            found[target] = (hop, frozenset(u.target for u in uses))
        self._hops[starts] = found
        return found

    def chains(self, entry: str, context: str, limit: int) -> list[list[Hop]]:
        """The longest chains of distinct contexts from ``entry`` (at most ``limit``), each
        one no hop can lengthen."""
        found: list[list[Hop]] = []
        budget = [_BUDGET]

        def walk(starts: frozenset[str], path: list[str], hops: list[Hop]) -> None:
            budget[0] -= 1
            calls = self.hops(starts, path[-1])
            onward = [c for c in calls if c not in path]
            if not onward or len(path) >= limit or budget[0] <= 0:
                if hops:
                    found.append(hops)
                return
            for target in onward:
                hop, called = calls[target]
                walk(called, [*path, target], [*hops, hop])

        walk(frozenset({entry}), [context], [])
        return found


def _event_uses(project: Project, partition: Partition, owners: Mapping[str, str]
                ) -> set[tuple[str, str, str, int]]:
    """(source, target, path, line) of the cross-context uses that come with a write into a
    table the used context owns: at the line of the write, or naming the model that declares
    the written table."""
    at_line: dict[tuple[str, str, int], list[Use]] = defaultdict(list)
    for use in project.uses:
        at_line[(use.source, use.path, use.line)].append(use)
    found: set[tuple[str, str, str, int]] = set()
    writes: dict[str, set[str]] = defaultdict(set)  # writer -> tables of other contexts
    for item in project.accesses:
        owner = owners.get(item.access.table)
        if item.access.mode is AccessMode.WRITE and owner is not None and \
                partition.domain(item.element) not in (None, owner):
            writes[item.element].add(item.access.table)
            for use in at_line.get((item.element, item.access.path, item.access.line), ()):
                if partition.domain(use.target) == owner:
                    found.add((use.source, use.target, use.path, use.line))
    models: dict[str, set[str]] = defaultdict(set)  # model element -> tables it declares
    for declared in project.declared:
        models[_element(project, partition, declared.declaration.atom)].add(declared.table)
    for use in project.uses:
        if use.source not in writes or use.target not in models:
            continue
        written = writes[use.source] & models[use.target]
        if any(owners[t] == partition.domain(use.target) for t in written):
            found.add((use.source, use.target, use.path, use.line))
    return found


def _element(project: Project, partition: Partition, atom: str) -> str:
    """The element an atom is part of: itself, else its module (module granularity)."""
    return atom if atom in project.nodes or partition.domain(atom) is not None \
        else atom.partition(":")[0]


def entry_points(project: Project, partition: Partition) -> list[tuple[str, str, Evidence]]:
    """(element, kind, where) of each entry point of the graph, by atom."""
    found: list[tuple[str, str, Evidence]] = []
    for node in sorted(project.nodes.values(), key=lambda n: n.id):
        if node.kind == "usecase":
            atom = node.id.partition(":")[2]
            kind = node.terms[0] if node.terms else "entry point"
            found.append((_element(project, partition, atom), kind,
                          Evidence(node.path, node.line, f"{kind} {short(atom)}")))
    return found


def find_chains(project: Project, partition: Partition, owners: Mapping[str, str],
                min_contexts: int) -> list[Chain]:
    """Each entry point's longest chain (the first in name order among equals), with the
    other chains of ``min_contexts`` or more that branch off its walk."""
    walk = _Walk(project, partition, owners)
    found: list[Chain] = []
    for element, kind, where in entry_points(project, partition):
        context = partition.domain(element)
        if context is None:
            continue
        reach = max(MAX_CONTEXTS, min_contexts)  # else a min-contexts of 9 finds nothing
        long_enough = [hops for hops in walk.chains(element, context, reach)
                       if len(hops) + 1 >= min_contexts]
        if not long_enough:
            continue
        size = max(len(hops) for hops in long_enough)
        longest = Chain(element, kind, where,
                        tuple(next(h for h in long_enough if len(h) == size)))
        others = {(hops[0].source, *(h.target for h in hops)) for hops in long_enough}
        found.append(replace(longest, branches=frozenset(others - {longest.contexts})))
    return found


def _listed(items: Iterable[str], limit: int = 4, last: str = "and") -> str:
    items = list(items)
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {last} {items[-1]}"


class SyncCallChain(Rule):
    code, name = "SL203", "sync-call-chain"

    def check(self, project: Project, partition: Partition) -> list[Finding]:
        return sync_call_chain(project, partition, owners(project, partition), self.options)


def sync_call_chain(project: Project, partition: Partition, owners: Mapping[str, str],
                    options: Mapping[str, Any]) -> list[Finding]:
    by_contexts: dict[tuple[str, ...], list[Chain]] = defaultdict(list)
    for chain in find_chains(project, partition, owners, options["min-contexts"]):
        by_contexts[chain.contexts].append(chain)
    found: list[Finding] = []
    for contexts, chains in sorted(by_contexts.items()):
        first = chains[0]
        shown = " → ".join(contexts)
        hops = ", ".join(f"{h.source} → {h.target} at {h.where.path}:{h.where.line} "
                         f"(fan-out {h.fan_out})" for h in first.hops)
        entries = _listed(f"{c.kind} {short(c.entry)}" for c in chains)
        evidence = [c.where for c in chains] + [h.where for c in chains for h in c.hops]
        last = first.hops[-1]
        branches = set().union(*(c.branches for c in chains)) - set(by_contexts)
        more = (f"; {count(len(branches), 'other chain')} of {options['min-contexts']} or "
                f"more contexts {'branches' if len(branches) == 1 else 'branch'} off the same "
                "calls" if branches else "")
        found.append(finding(
            f"{count(len(chains), 'entry point')} ({entries}) "
            f"{'reaches' if len(chains) == 1 else 'reach'} {shown} through "
            f"synchronous calls: {hops}{more}",
            "->".join(contexts), contexts, evidence,
            f"once split, {contexts[0]} fails whenever {_listed(contexts[1:], 8, 'or')} "
            f"does: make "
            f"a hop an event ({last.source} publishes what {last.target} must do; the "
            f"AsyncAPI document proposes events for writes), cache what {last.source} reads "
            f"from {last.target}, or give each hop a timeout with a circuit breaker and a "
            "fallback"))
    return found
