"""Bounded contexts from a coupling graph: ``decompose(graph, options)``.

1. Mix the signals into one weighted graph (``weighted``), contracting what config pins or
   keeps together into one node.
2. Find communities with seeded Leiden at modularity's resolution, 1 (or one set), or bisect
   the resolution to a fixed number of contexts (``communities``); the cut kept is the
   consensus of many runs (``leiden``).
3. With the shared kernel on: elements used from many contexts, none dominant, go to the
   kernel and the rest is clustered again without them.
4. Honour keep-apart constraints; code with no data that one other context alone uses follows
   it (a composition root that uses many contexts is nobody's sole user); a table-free
   context is a library and joins the kernel, or its one user context.
5. Name the contexts (``naming``), explain every placement,
   roll the atoms up to modules with a split plan, and measure (``metrics``).
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from itertools import combinations

from analyzer.cluster import metrics
from analyzer.cluster.communities import (
    RESOLUTION,
    Candidate,
    adjust,
    cut_at,
    exactly,
    kernel_candidates,
    settle,
)
from analyzer.cluster.communities import tied as is_tied
from analyzer.cluster.leiden import RUNS, Groups, Runner, consensus, modularity
from analyzer.cluster.naming import (
    choose_names,
    context_terms,
    definition_words,
    entity_names,
    held_words,
    project_words,
    spoken,
)
from analyzer.cluster.weighted import Weighted, mix, signals_between, unit_of
from analyzer.coupling import KERNEL as KERNEL  # re-exported: analyzer.cluster.KERNEL
from analyzer.coupling import PROJECT_ROLES, ClusterOptions, CouplingGraph, Node
from analyzer.coupling import UNPLACED as UNPLACED
from analyzer.errors import ConfigError
from analyzer.quickinit import quick_init
from analyzer.text import nouns_of, words

PROPOSED = frozenset({"domain", "infrastructure"})  # the kinds of the contexts a cut proposes
_STRONGEST = 3
HUB_FLOOR = 10  # a hub is used by at least this many units...
HUB_SHARE = 0.02  # ...and at least this share of them
UTILITY_SPREAD = 0.2  # a generic utility is used from at least this share of the contexts
INFRASTRUCTURE_SHARE = 0.5  # a context this much framework plumbing (by lines) serves no domain
ISLAND_ATOMS = 3  # fewer atoms tied to nothing else are no context (as smaller groups join others)
ROOT_SPAN = 3  # a unit using this many contexts composes them: it is no one's sole user
FOLLOW_UNLESS = 4  # private code stays where the graph ties it this many times more strongly
KERNEL_SHARE = 0.25  # the shared kernel holds at most this share of the lines (SL302's limit)
_ONE_AT_A_TIME = 8  # rounds that hold back one library piece each to keep the kernel bounded
_FOLLOW_ROUNDS = 25  # rounds of private code following its users (it settles in about ten)


@quick_init
@dataclass(frozen=True, slots=True)
class Placement:
    """Why an element is where it is."""

    element: str
    context: str
    how: str  # clustered | pinned | kept-together | kernel | unplaced | kept-apart | with-its-users
    # | with-its-module | with-its-role
    signals: tuple[tuple[str, float], ...]  # tie to its own context, by signal
    strongest: tuple[tuple[str, str, float], ...]  # (neighbour, signal, weight) in its context
    runner_up: str | None
    margin: float  # (own tie - runner-up tie) / own tie: 1 is clear-cut, 0 is a coin toss


@dataclass(frozen=True, slots=True)
class Context:
    name: str
    kind: str  # domain | infrastructure | kernel | unplaced
    terms: tuple[str, ...]
    elements: tuple[str, ...]
    modules: tuple[str, ...]  # modules it holds most of
    tables: tuple[str, ...]  # tables placed with it (by analyze: the tables it owns)
    lines: int


@dataclass(frozen=True, slots=True)
class ModulePlan:
    """Where a module goes; when its atoms land in several contexts, the split."""

    module: str
    context: str
    split: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (context, elements) when split


@dataclass(frozen=True, slots=True)
class Choice:
    """How the number of contexts was chosen, with every candidate tried."""

    mode: str  # auto | fixed | resolution
    resolution: float
    candidates: tuple[Candidate, ...]
    reasoning: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Decomposition:
    options: ClusterOptions
    contexts: tuple[Context, ...]
    placements: tuple[Placement, ...]
    modules: tuple[ModulePlan, ...]
    choice: Choice
    conflicts: tuple[str, ...]
    scores: metrics.Scores

    def assignment(self) -> dict[str, str]:
        return {p.element: p.context for p in self.placements}

    def owning(self, owners: Mapping[str, str]) -> Decomposition:
        """The same cut, each context listing the tables ``owners`` gives it (table ->
        context: ``findings.ownership``, the context that holds the table's model unless the
        code says otherwise, and why) instead of those the cut placed with it: one answer
        to who owns a table in every output."""
        owned: dict[str, list[str]] = defaultdict(list)
        for table, context in sorted(owners.items()):
            owned[context].append(table)
        return replace(self, contexts=tuple(replace(c, tables=tuple(owned.get(c.name, ())))
                                            for c in self.contexts))


# --------------------------------------------------------------------------- constraints


def _matches(node: Node, patterns: Sequence[str]) -> bool:
    return any(fnmatchcase(node.id, p) or (node.module and fnmatchcase(node.module, p))
               for p in patterns)


def _contractions(graph: CouplingGraph, options: ClusterOptions,
                  conflicts: list[str]) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(unit -> merged unit, merged unit -> pinned context, merged unit -> how)."""
    merged: dict[str, str] = {}
    pinned: dict[str, str] = {}
    how: dict[str, str] = {}
    elements = [n for n in graph.nodes if n.is_element]
    for context, patterns in options.constraints.pin:
        target = f"pin:{context}"
        pinned[target] = context
        hits = [n for n in elements if _matches(n, patterns)]
        if not hits:
            conflicts.append(f"pin {context!r}: no atom or module matches {list(patterns)}")
        for node in hits:
            unit = unit_of(node, options.granularity)
            if unit in merged and merged[unit] != target:
                conflicts.append(f"{node.id} is pinned to both {pinned[merged[unit]]!r} and "
                                 f"{context!r}; kept in {pinned[merged[unit]]!r}")
                continue
            merged[unit] = target
        how[target] = "pinned"
    for index, patterns in enumerate(options.constraints.together):
        hits = [n for n in elements if _matches(n, patterns)]
        units = sorted({merged.get(unit_of(n, options.granularity), unit_of(n, options.granularity))
                        for n in hits})
        if len(units) < 2:
            if not hits:
                conflicts.append(f"keep-together {list(patterns)}: nothing matches")
            continue
        pins = [u for u in units if u in pinned]
        if len(pins) > 1:
            conflicts.append(f"keep-together {list(patterns)} spans pinned contexts "
                             f"{sorted(pinned[p] for p in pins)}; left apart")
            continue
        target = pins[0] if pins else f"together:{index}"
        how.setdefault(target, "kept-together")
        for node in hits:
            unit = unit_of(node, options.granularity)
            old = merged.get(unit)
            merged[unit] = target
            if old and old != target:  # an earlier together group joins this one
                for key, value in list(merged.items()):
                    if value == old:
                        merged[key] = target
    return merged, pinned, how


def _separate_pins(weighted: Weighted, groups: Groups, pinned: Mapping[str, str]) -> Groups:
    """A group holding several pinned contexts is divided between them by ties."""
    result: Groups = []
    for group in groups:
        pins = sorted(u for u in group if u in pinned)
        if len(pins) < 2:
            result.append(group)
            continue
        parts: dict[str, set[str]] = {p: {p} for p in pins}
        for unit in sorted(group - set(pins)):
            ties = [(sum(signals_between(weighted, unit, p).values()), p) for p in pins]
            best = max(ties, key=lambda t: (t[0], t[1] == pins[0]))[1]
            parts[best].add(unit)
        result.extend(frozenset(p) for p in parts.values())
    return sorted(result, key=min)


def _apart_units(graph: CouplingGraph, weighted: Weighted, options: ClusterOptions) -> set[str]:
    """The units of every side of every keep-apart constraint."""
    patterns = [pattern for group in options.constraints.apart for pattern in group]
    if not patterns:
        return set()
    return {weighted.unit[n.id] for n in graph.nodes
            if n.is_element and n.id in weighted.unit and _matches(n, patterns)}


def _keep_apart(graph: CouplingGraph, weighted: Weighted, groups: Groups,
                options: ClusterOptions, pinned: Mapping[str, str],
                conflicts: list[str], how: dict[str, str]) -> Groups:
    working = [set(g) for g in groups]
    for patterns in options.constraints.apart:
        parties = []
        for pattern in patterns:
            units = {weighted.unit[n.id] for n in graph.nodes
                     if n.is_element and _matches(n, [pattern])}
            parties.append((pattern, units))
        for (first, left), (second, right) in combinations(parties, 2):
            owner = {u: i for i, g in enumerate(working) for u in g}
            shared = {owner[u] for u in left if u in owner} & {owner[u] for u in right
                                                                if u in owner}
            for index in sorted(shared):
                movable = [u for u in sorted(right) if owner.get(u) == index and u not in pinned]
                if not movable:
                    movable = [u for u in sorted(left) if owner.get(u) == index and u not in pinned]
                if not movable:
                    conflicts.append(f"keep-apart {first!r} and {second!r}: both pinned to "
                                     "the same context")
                    continue
                for unit in movable:
                    ties: dict[int, float] = defaultdict(float)
                    for other, weight in weighted.neighbours(unit):
                        if other in owner and owner[other] != index:
                            ties[owner[other]] += weight
                    if ties:
                        target = max(sorted(ties), key=lambda i: ties[i])
                        working[target].add(unit)
                    else:
                        working.append({unit})
                    working[index].discard(unit)
                    how[unit] = "kept-apart"
                    owner = {u: i for i, g in enumerate(working) for u in g}
    return sorted((frozenset(g) for g in working if g), key=min)


# --------------------------------------------------------------------------- decompose


def _cut(weighted: Weighted, options: ClusterOptions) -> tuple[Groups, Choice]:
    members = weighted.members
    if options.contexts is not None:
        tried, groups = exactly(weighted.graph, members, options.contexts, options.seed)
        reasoning = (f"{options.contexts} contexts were asked for (--contexts); the resolution "
                     f"was bisected to {tried[-1].resolution:g}, then the most tied groups "
                     "merged or the groups split where the cut weighs least (loosely tied code "
                     "first) to reach the count exactly.",)
        return groups, Choice("fixed", tried[-1].resolution, tuple(tried), reasoning)
    at = RESOLUTION if options.resolution is None else options.resolution
    found, groups = cut_at(weighted.numbered, members, options.seed, at,
                           Runner(options.jobs, options.memo))
    numbers = (f"{found.contexts} contexts, modularity {found.modularity:.3f}; its "
               f"{RUNS} runs agreed at {found.stability:.2f} (mean adjusted Rand index)."
               if weighted.numbered.size else
               f"{found.contexts} contexts: nothing is tied to anything, so no run was made.")
    if options.resolution is not None:
        return groups, Choice("resolution", at, (found,), (
            f"resolution {at:g} was set; the consensus of its Leiden runs gives {numbers}",))
    return groups, Choice("auto", at, (found,), (
        f"Cut at resolution {at:g}, modularity's own (each tie weighed against its chance in a "
        f"random graph of the same degrees); the cut kept is the consensus of {RUNS} Leiden "
        "runs, which removes the noise of a single run. --resolution sets another (above 1 "
        "finer, below 1 coarser); --contexts N a number of contexts.",
        f"resolution {at:g}: {numbers}"))


def decompose(graph: CouplingGraph, options: ClusterOptions) -> Decomposition:
    conflicts: list[str] = []
    merged, pinned, how = _contractions(graph, options, conflicts)
    mixed = weighted = mix(graph, options, merged)  # the kernel is left out of it below
    kernel: set[str] = set()
    if options.kernel:
        # Hubs (used by many) pull their users together whatever their domain: cluster
        # without them first, then keep in the kernel those whose users are spread out.
        users = _dependents(graph, weighted)
        # code that writes or declares a table is domain data, never a generic utility;
        # a utility reads no table either
        owners = _data_units(graph, weighted, ("write", "ddl", "declares"))
        readers = _data_units(graph, weighted, ("read",))
        foundation, uses = _foundation(users, owners | readers, weighted)
        hubs = frozenset((_hubs(users, len(weighted.members)) | foundation
                          ) - set(pinned) - owners)
        if hubs:
            trial = mixed.without(hubs)
            runner = Runner(options.jobs, options.memo)
            at = options.resolution or RESOLUTION
            raw = consensus(trial.numbered, at, options.seed, runner)
            groups = settle(trial.numbered, raw, trial.members)
            labels = {u: i for i, g in enumerate(groups) for u in g if u in trial.members}
            contexts = len(set(labels.values()))
            kernel = set(kernel_candidates({h: users[h] for h in hubs}, labels, contexts))
            for unit in foundation & hubs:
                spread = {labels[u] for u in users[unit] if u in labels}
                if len(spread) >= max(2, round(contexts * UTILITY_SPREAD)):
                    kernel.add(unit)
            # the kernel stands on its own: what its utilities use is kernel too
            kernel |= _below(kernel & foundation, set(foundation), uses) - set(pinned)
    # config may pin code to the kernel by name
    kernel |= {unit for unit, context in pinned.items() if context == KERNEL}
    wanted = options.contexts
    if wanted is not None:
        units = len(weighted.members)  # the kernel is not yet set apart
        if wanted > units:
            raise ConfigError(f"--contexts {wanted}: the graph has only {units} "
                              f"{'element' if units == 1 else 'elements'} to place")
        if wanted > units - len(kernel & set(weighted.members)):
            kernel = set()  # the count asked for needs the kernel's code too
    if kernel:
        weighted = mixed.without(frozenset(kernel))
    groups, choice = _cut(weighted, options)
    groups = _separate_pins(weighted, groups, pinned)
    groups = _keep_apart(graph, weighted, groups, options, pinned, conflicts, how)
    # both sides of a keep-apart stay where keep-apart left them, as pinned code stays where
    # pinned: no rule after the cut may put them back together (the side that stayed could
    # follow its users to the side that moved)
    held = set(pinned) | _apart_units(graph, weighted, options)
    # what uses what, and what touches data, among the units left after the kernel
    users = _dependents(graph, weighted)
    data = _data_units(graph, weighted, ("write", "ddl", "declares", "read"))
    # private code may read a table (a form's choices, a view's list): only writing, changing
    # the schema of or declaring one is owning it, and keeps code where it is
    owning = _data_units(graph, weighted, ("write", "ddl", "declares"))
    groups = _with_sole_user(weighted, groups, _without_roots(weighted, groups, users), owning,
                             held, how)
    groups = _whole_modules(graph, weighted, groups, users, data, held, how)
    if options.kernel and any(n.kind == "table" for n in graph.nodes):
        moved = dict(how)
        # the kernel is bounded: what the libraries may add to it, in lines
        room_lines = KERNEL_SHARE * _lines(mixed, mixed.members) - _lines(mixed, kernel)
        libraries, followed, stayed = _libraries(weighted, groups, users, data, held, moved,
                                                 room_lines)
        # a fixed count needs as many units left outside the kernel
        room = wanted is None or len(weighted.members) - len(libraries) >= wanted
        # the report says why a library that several contexts use is not the kernel's
        if stayed and room:
            largest = min(stayed, key=lambda u: (-_lines(weighted, (u,)), u))
            choice = replace(choice, reasoning=(
                *choice.reasoning,
                f"the shared kernel is bounded at {KERNEL_SHARE:.0%} of the lines: "
                f"{len(stayed)} table-free {'piece' if len(stayed) == 1 else 'pieces'} "
                f"that several contexts use ({_lines(weighted, stayed):,} lines; the largest "
                f"{largest}) {'stays' if len(stayed) == 1 else 'stay'} out of it, in contexts "
                f"of their own."))
        if followed != groups and room:
            how.update(moved)
            kernel |= libraries
            weighted = mixed.without(frozenset(kernel))
            groups = settle(weighted.numbered, followed, weighted.members,
                            keep=frozenset(held))
    serving = plumbing_roles(graph, weighted.nodes)
    declared = _declarers(graph)
    models = _models(declared)
    # a settings module names every app: it is the project's, whichever domain the cut put it
    # with (after the cut, whose ties it is part of); set apart before the plumbing is
    # gathered by role, so that what was with it is gathered by its own role (Mezzanine's
    # project template: its manage.py, with its wsgi.py gone, is a command like the others)
    project = {unit for unit, elements in weighted.members.items() if unit not in pinned
               and all(weighted.nodes[e].role in PROJECT_ROLES for e in elements)}
    if project and (wanted is None or len(weighted.members) - len(project) >= wanted):
        kernel |= project
        groups = [g - project for g in groups if g - project]
    wiring = _wiring(weighted.nodes.values())
    groups = _plumbing_together(weighted, groups, held, serving, models, wiring)
    groups = _tools_apart(graph, weighted, groups, held, serving, how, declared, models, wiring)
    if wanted is not None:  # the rules after the cut must not change the count asked for
        groups = adjust(weighted.graph, groups, weighted.members, wanted, options.seed)
    return _result(graph, options, weighted, groups, choice, kernel, pinned, how, conflicts,
                   serving, declared, models, wiring)


def _whole_modules(graph: CouplingGraph, weighted: Weighted, groups: Groups,
                   users: Mapping[str, set[str]], data: set[str], fixed: set[str],
                   how: dict[str, str]) -> Groups:
    """A module's definitions that touch no table are split by the cut only where the split
    makes no cycle: where a definition calls (or uses by name) another of its module in a
    second context, and that context uses the first anywhere, the two contexts depend on
    each other through a module the proposal cut in two (tradepost's ``require`` raising
    ``ValidationError``). The definitions so joined, each piece whole, go to the context of
    its parts the piece is most tied to (the first on a tie) and can go to without taking a
    whole context with it (merging contexts is the cut's call), until no such call is left."""
    owner = {u: i for i, g in enumerate(groups) for u in g if u in weighted.members}
    module_of: dict[str, str] = {}  # units of one definition each, movable, by module
    for unit in owner:
        elements = weighted.members[unit]
        node = weighted.nodes[elements[0]]
        if (len(elements) == 1 and unit == elements[0] and unit not in fixed
                and unit not in data and node.module and node.module != unit):
            module_of[unit] = node.module  # a definition, not the module-level code
    by_module: dict[str, list[str]] = defaultdict(list)
    for unit in sorted(module_of):
        by_module[module_of[unit]].append(unit)
    # the calls between them (a call, or a use by name: raising an error, making an object),
    # not a base class (the subclasses of one error are not one piece) or a decorator
    calls: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for edge in graph.edges:
        module = module_of.get(edge.source)
        if (module is not None and module == module_of.get(edge.target)
                and edge.signal == "code" and edge.source != edge.target
                and {"call", "name"} & set(edge.kind.split("+"))):
            calls[module].add((edge.source, edge.target))
    # how many uses go from each context to each other, kept up to date as units move
    uses: dict[str, set[str]] = defaultdict(set)
    for used, those in users.items():
        for user in those:
            uses[user].add(used)
    crossing: Counter[tuple[int, int]] = Counter(
        (owner[user], owner[used]) for used, those in users.items() if used in owner
        for user in those if user in owner and owner[user] != owner[used])
    working = [set(g) for g in groups]

    def count(pair: tuple[int, int], change: int) -> None:
        if pair[0] != pair[1]:  # uses inside a context are not counted
            crossing[pair] += change

    def move(unit: str, target: int) -> None:
        for user in users.get(unit, ()):
            if user in owner and user != unit:
                count((owner[user], owner[unit]), -1)
                count((owner[user], target), 1)
        for used in uses.get(unit, ()):
            if used in owner and used != unit:
                count((owner[unit], owner[used]), -1)
                count((target, owner[used]), 1)
        working[owner[unit]].discard(unit)
        working[target].add(unit)
        owner[unit] = target
        how[unit] = "with-its-module"

    joined: dict[str, set[tuple[str, str]]] = defaultdict(set)  # pieces only grow
    for _ in range(_FOLLOW_ROUNDS):  # a move elsewhere can close the next cycle
        grown = False
        for module, units in sorted(by_module.items()):
            while True:  # until no new call of this module closes a cycle
                found = {(user, used) for user, used in calls.get(module, ())
                         if owner[user] != owner[used]
                         and crossing[(owner[used], owner[user])] > 0} - joined[module]
                if not found:
                    break
                grown = True
                joined[module] |= found
                for piece in _pieces(units, sorted(joined[module])):
                    contexts = sorted({owner[u] for u in piece})
                    if len(contexts) < 2:
                        continue
                    ties = _ties(weighted, piece, owner)
                    # the most tied context the piece can go to without taking a whole
                    # context with it (merging contexts is the cut's call), if any
                    target = next((i for i in sorted(contexts, key=lambda i: -ties.get(i, 0.0))
                                   if not any(working[o] <= piece for o in contexts if o != i)),
                                  None)
                    if target is None:
                        continue
                    for unit in sorted(piece):
                        if owner[unit] != target:
                            move(unit, target)
        if not grown:
            break
    return sorted((frozenset(g) for g in working if g), key=min)


def _pieces(units: Sequence[str], joins: Sequence[tuple[str, str]]) -> list[set[str]]:
    """``units`` joined by ``joins`` (pairs of them; union-find), in order of first unit."""
    parent = {u: u for u in units}

    def root(unit: str) -> str:
        while parent[unit] != unit:
            parent[unit] = parent[parent[unit]]
            unit = parent[unit]
        return unit

    for first, second in joins:
        parent[root(first)] = root(second)
    pieces: dict[str, set[str]] = {}
    for unit in units:
        pieces.setdefault(root(unit), set()).add(unit)
    return list(pieces.values())


def _without_roots(weighted: Weighted, groups: Groups, users: Mapping[str, set[str]]
                   ) -> dict[str, set[str]]:
    """``users`` less the composition roots: units whose uses span ROOT_SPAN contexts or more
    (a GraphQL schema root, a URL conf, an admin site, an app factory). A root wires the
    domains together; what only a root uses is the domain's code it exposes, not the root's
    private code, so it must not follow the root out of its domain."""
    owner = {u: i for i, g in enumerate(groups) for u in g if u in weighted.members}
    spans: dict[str, set[int]] = defaultdict(set)
    for target, sources in users.items():
        if target in owner:
            for source in sources:
                spans[source].add(owner[target])
    roots = {unit for unit, contexts in spans.items() if len(contexts) >= ROOT_SPAN}
    return {target: sources - roots for target, sources in users.items()}


def _with_sole_user(weighted: Weighted, groups: Groups, users: Mapping[str, set[str]],
                    data: set[str], fixed: set[str], how: dict[str, str]) -> Groups:
    """Code that owns no table (``data``: the units that write, change or declare one; a
    read is no ownership) and is used from one context only is that context's private code: a
    module's share of a context moves to the context of its users when they all sit in one
    other context, unless the graph ties it ``FOLLOW_UNLESS`` times more strongly to where it
    is (a plugin's component used by one registry is not the registry's code). Moves cascade
    (a helper follows the code it serves) until nothing moves; pinned code stays."""
    working = [set(g) for g in groups]
    movable = {unit: (node.module or node.id) for unit in weighted.members
               if unit not in fixed and unit not in data
               for node in (weighted.nodes[weighted.members[unit][0]],)}
    owner = {u: i for i, g in enumerate(working) for u in g if u in weighted.members}
    held = [0] * len(working)  # units with members in each context, kept up to date
    parts: dict[tuple[str, int], set[str]] = defaultdict(set)
    for unit, index in owner.items():
        held[index] += 1
        if unit in movable:
            parts[(movable[unit], index)].add(unit)
    # the units that use a part from outside it; None when nothing does, or the kernel does
    # (a part's users never change, nor do the units placed: it is asked once per part)
    users_of: dict[frozenset[str], set[str] | None] = {}
    for _ in range(_FOLLOW_ROUNDS):
        moves: list[tuple[str, int, int]] = []
        for (module, index), part in sorted(parts.items()):
            key = frozenset(part)
            if key not in users_of:
                found = {u for p in part for u in users.get(p, ()) if u not in part}
                # (not ``found - owner.keys()``: that makes a set of every key each time)
                users_of[key] = found if found and all(u in owner for u in found) else None
            outside = users_of[key]
            if outside is None:  # unused, or used by the kernel
                continue
            contexts = {owner[u] for u in outside}
            # a context made of this part alone is not private code: merging two whole
            # contexts is the resolution's call, not this rule's
            whole = len(part) >= held[index]
            if len(contexts) == 1 and index not in contexts and not whole:
                target = contexts.pop()
                ties = _ties(weighted, part, owner)
                if ties.get(target, 0.0) * FOLLOW_UNLESS < ties.get(index, 0.0):
                    continue  # the graph says it belongs where it is, whoever uses it
                working[index] -= part
                working[target] |= part
                held[index] -= len(part)
                held[target] += len(part)
                for unit in part:  # at once: two parts using only each other must not swap
                    how[unit] = "with-its-users"
                    owner[unit] = target
                moves.append((module, index, target))
        if not moves:
            break
        # the parts of the next round: each moved part joins its module's part where it went
        gone = [(module, target, parts.pop((module, index))) for module, index, target in moves]
        for module, target, part in gone:
            parts[(module, target)] |= part
    return sorted((frozenset(g) for g in working if g), key=min)


def _nouns(graph: CouplingGraph, declared: Mapping[str, Sequence[str]]) -> frozenset[str]:
    """The domain's nouns as the vocabulary has them: the words of the tables' names (their
    nodes' terms) and of the classes that declare them, when the code speaks them
    (:func:`~analyzer.cluster.naming.spoken`)."""
    declaring = {c.rpartition(":")[2] for classes in declared.values() for c in classes}
    found = [t for n in graph.nodes if n.kind == "table" for t in n.terms]
    return spoken(nouns_of([*found, *(w for name in sorted(declaring) for w in words(name))]),
                  graph.nodes)


def plumbing_roles(graph: CouplingGraph, nodes: Mapping[str, Node]) -> dict[str, Node]:
    """``nodes``, where a function that only plumbing of one role calls (a call, not a name
    handed over), and that touches no table, plays that role too, to a fixed point: it is
    the plumbing's private code. The application factory's ``init_celery`` is the factory's
    wiring, and ``hack_model_fields``, which only pretalx's ``makemigrations`` command calls,
    is the command's. A class only the plumbing uses is a component it registers (Superset's
    REST APIs, which only its app initializer uses, are each a domain's), a receiver an app
    config connects is the domain's it serves, and code that touches a table is a domain's,
    whoever calls it: a command's importer writing the catalogue is the catalogue's."""
    users: dict[str, set[str]] = defaultdict(set)
    data: set[str] = set()
    for edge in graph.edges:
        if edge.signal == "data":
            data.add(edge.source)
        elif edge.signal == "code" and edge.source != edge.target and edge.source in nodes \
                and edge.target in nodes:
            # only a call makes private code: a receiver an app config connects by name
            # (``post_save.connect(on_saved)``) is the domain's, handed to the framework
            users[edge.target].add(edge.source if "call" in edge.kind.split("+") else "")
    role = {n: node.role for n, node in nodes.items()}
    changed = True
    while changed:
        changed = False
        for element in sorted(users):
            if not role[element] and nodes[element].kind == "function" and element not in data:
                found = {role[u] if u else "" for u in users[element]}
                if len(found) == 1 and "" not in found:
                    role[element] = found.pop()
                    changed = True
    return {n: node if role[n] == node.role else replace(node, role=role[n])
            for n, node in nodes.items()}


def _plumbing_role(elements: Iterable[str], nodes: Mapping[str, Node],
                   models: Collection[str], wiring: Collection[str] = frozenset()) -> str:
    """The framework role (``settings``, ``template-tags``) of code that is at least
    ``INFRASTRUCTURE_SHARE`` plumbing by lines: the role of most of its lines; else ``""``.
    Code that holds a model (one of ``models``: the definitions that declare a table, a
    Django or SQLAlchemy model class or a SQLAlchemy ``Table``) has none:
    a model is a domain's, and so is the code around it. Mezzanine's blog, whose importers
    (``import_blogger``, ``import_rss``, ...) are most of its lines, was an infrastructure
    context named ``command``, and the core's commands joined it. ``wiring``: module-level
    code of modules that have definitions (:func:`_wiring`); beside none of its module's
    definitions it says nothing of what the code is, and is not weighed."""
    roles: dict[str, int] = defaultdict(int)
    elements = list(elements)
    defined = {nodes[e].module for e in elements if nodes[e].kind != "module"}
    for element in elements:
        if element in models:
            return ""
        if element in wiring and nodes[element].module not in defined:
            continue
        roles[nodes[element].role] += nodes[element].size
    size = sum(roles.values())
    plumbing = size - roles.pop("", 0)
    if roles and plumbing >= INFRASTRUCTURE_SHARE * size > 0:
        return max(sorted(roles), key=lambda r: roles[r])
    return ""


def _wiring(nodes: Iterable[Node]) -> frozenset[str]:
    """The module-level code of each module that has definitions, and plays no role of its
    own (a settings module's or a script's does): its imports and constants are its
    definitions' wiring. tradepost's `tradepost.utils.money`, whose `Money` is the kernel's,
    sat with its application factory and had made that context a domain, 7 lines of
    plumbing in 25."""
    nodes = list(nodes)
    defining = {n.module for n in nodes if n.is_element and n.kind != "module"}
    return frozenset(n.id for n in nodes
                     if n.kind == "module" and n.module in defining and not n.role)


def _group_role(weighted: Weighted, group: frozenset[str], fixed: set[str],
                roles: Mapping[str, Node], models: Collection[str],
                wiring: Collection[str]) -> str:
    """The framework role of a group of plumbing (``_plumbing_role``); none for a group that
    holds pinned or kept-apart code, which is the user's."""
    if group & fixed:
        return ""
    return _plumbing_role([e for u in group for e in weighted.members.get(u, ())], roles,
                          models, wiring)


def _plumbing_together(weighted: Weighted, groups: Groups, fixed: set[str],
                       roles: Mapping[str, Node], models: Collection[str],
                       wiring: Collection[str]) -> Groups:
    """Contexts of framework plumbing of one role (every template tag library that no domain
    claims, each tied to nothing but itself) are one infrastructure context: a service per
    template filter is no proposal."""
    first: dict[str, int] = {}
    merged: list[set[str]] = []
    for group in groups:
        role = _group_role(weighted, group, fixed, roles, models, wiring)
        if role and role in first:
            merged[first[role]] |= group
            continue
        if role:
            first[role] = len(merged)
        merged.append(set(group))
    return sorted((frozenset(g) for g in merged), key=min)


def _tools_apart(graph: CouplingGraph, weighted: Weighted, groups: Groups, fixed: set[str],
                 roles: Mapping[str, Node], how: dict[str, str],
                 declared: Mapping[str, Sequence[str]], models: Collection[str],
                 wiring: Collection[str]) -> Groups:
    """Framework plumbing that writes the tables of several contexts (a management command
    that seeds or clears the whole database: saleor's ``cleardb``, pretalx's
    ``create_test_event``) is the project's tooling, no domain's: it joins the
    infrastructure context of its role (``with-its-role``), made for it if there is none.
    The cut had put ``cleardb``, which empties the tables of ten contexts, with shipping,
    whose three tables it also empties, and every other table it writes was shipping's
    shared write (SL101): thirteen errors the proposal made. Plumbing that writes one
    context's tables (an importer of the catalogue) is that context's, as code that touches
    a table is (:func:`plumbing_roles`)."""
    owner = {unit: index for index, group in enumerate(groups) for unit in group}
    # a table is the context's that holds its model, as the findings will say who owns it
    holdings = _holdings(weighted, owner, declared)
    held = {table: index for index, tables in holdings.items() for table in tables}
    writes: dict[str, set[str]] = defaultdict(set)
    for edge in graph.edges:
        if edge.signal == "data" and edge.kind == "write" and edge.source in weighted.unit:
            writes[weighted.unit[edge.source]].add(edge.target)
    home: dict[str, int] = {}
    for index, group in enumerate(groups):
        role = _group_role(weighted, group, fixed, roles, models, wiring)
        if role:
            home.setdefault(role, index)
    working = [set(g) for g in groups]
    for unit in sorted(writes.keys() & owner.keys() & weighted.members.keys() - fixed):
        played = {roles[e].role for e in weighted.members[unit]}
        if len(played) != 1 or "" in played or played & PROJECT_ROLES:
            continue
        if len({held[t] for t in writes[unit] if t in held}) < 2:
            continue
        role = played.pop()
        if role not in home:
            home[role] = len(working)
            working.append(set())
        if owner[unit] != home[role]:
            working[owner[unit]].discard(unit)
            working[home[role]].add(unit)
            how[unit] = "with-its-role"
    return sorted((frozenset(g) for g in working if g), key=min)


def _ties(weighted: Weighted, part: set[str], owner: Mapping[str, int]) -> dict[int, float]:
    """The weight of ``part``'s edges to each context, its own edges left out."""
    ties: dict[int, float] = defaultdict(float)
    for unit in sorted(part):  # in order: a sum in a set's order moves with the hash seed
        for other, weight in weighted.neighbours(unit):
            if other not in part and other in owner:
                ties[owner[other]] += weight
    return ties


def _lines(weighted: Weighted, units: Iterable[str]) -> int:
    """The lines of the elements of ``units``."""
    return sum(weighted.nodes[e].size for u in units for e in weighted.members.get(u, ()))


def _libraries(weighted: Weighted, groups: Groups, users: Mapping[str, set[str]],
               data: set[str], fixed: set[str], how: dict[str, str], room: float
               ) -> tuple[set[str], Groups, set[str]]:
    """A context that holds no table and no data access is a library, not a service (asked
    only when the project has tables at all). Its entry points (views, tasks, commands: a
    layer's pieces) each join the context whose code they call most. Then each piece of a
    library that others use goes where its users are (:func:`_library_pieces`): the shared
    kernel when two or more contexts use it, or a piece gone there does, else its one user
    context; what nothing outside uses (a script) stays, and joins its most tied neighbour
    when fewer than three atoms are left. The kernel is bounded: ``room`` is the lines it may
    still take, and while the pieces bound for it are more, the largest stays in its library.
    Returns the units that join the kernel, the groups after the moves, and the pieces held
    back from the kernel by its bound."""
    owner = {u: i for i, g in enumerate(groups) for u in g if u in weighted.members}
    working = [set(g) for g in groups]
    libraries = [index for index, group in enumerate(groups)
                 if group & owner.keys() and not group & data
                 and not any(weighted.nodes[u].kind == "table" for u in group
                             if u in weighted.nodes)]
    # an entry point (a view, a task, a command) is called by the framework, not by the code
    # that uses a library: in a library it is a layer's piece, and follows the code it calls
    entries = {weighted.unit.get(n.id.removeprefix("usecase:")) for n in weighted.nodes.values()
               if n.kind == "usecase"}
    for index in libraries:
        for unit in sorted(groups[index] & owner.keys() & entries - fixed):
            calls: dict[int, float] = defaultdict(float)
            for other, weight in weighted.neighbours(unit):
                if unit in users.get(other, ()) and other in owner and owner[other] != index:
                    calls[owner[other]] += weight
            if calls:
                target = max(sorted(calls), key=lambda i: calls[i])
                working[index].discard(unit)
                working[target].add(unit)
                owner[unit] = target
                how[unit] = "with-its-users"
    # the kernel is bounded (``room``: the lines it may still take): while the pieces bound
    # for it are more, the largest of them stays in its library, a component of its own (and
    # what only it uses then stays with it); after ``_ONE_AT_A_TIME`` rounds, as many of the
    # largest as cover the excess stay at once, so that a kernel far over its bound (the
    # hubs alone may fill it) costs a few rounds, not one per piece
    stay: set[str] = set()
    for round_ in itertools.count():
        trial_owner, trial_working, trial_how = dict(owner), [set(g) for g in working], dict(how)
        kernel: set[str] = set()
        _library_pieces(libraries, users, trial_owner, trial_working, fixed | stay, kernel,
                        trial_how)
        excess = _lines(weighted, kernel) - room
        if excess <= 0 or not kernel:
            break
        for unit in sorted(kernel, key=lambda u: (-_lines(weighted, (u,)), u)):
            stay.add(unit)
            excess -= _lines(weighted, (unit,))
            if excess <= 0 or round_ < _ONE_AT_A_TIME:
                break
    how.clear()
    how.update(trial_how)
    return kernel, sorted((frozenset(g) for g in trial_working if g), key=min), stay


def _library_pieces(libraries: Sequence[int], users: Mapping[str, set[str]],
                    owner: dict[str, int], working: list[set[str]], fixed: set[str],
                    kernel: set[str], how: dict[str, str]) -> None:
    """Each piece of the ``libraries`` (what they hold now, a piece one of them took from
    another included) goes where its users are, until nothing moves: to the kernel when two
    contexts use it or a piece gone to the kernel does, to its one user context otherwise (a
    form that only a view uses follows the view); what only its library uses stays."""
    for _ in range(_FOLLOW_ROUNDS):
        changed = False
        for index in libraries:
            for unit in sorted(working[index] - fixed):
                if unit not in owner:
                    continue  # a helper node (a use case), not code
                where: set[int | None] = set()  # None: the kernel
                for user in users.get(unit, ()):
                    if user in kernel:
                        where.add(None)
                    elif user in owner and owner[user] != index:
                        where.add(owner[user])
                if not where:
                    continue
                working[index].discard(unit)
                changed = True
                target = where.pop() if len(where) == 1 else None
                if target is None:
                    kernel.add(unit)
                    del owner[unit]
                else:
                    working[target].add(unit)
                    owner[unit] = target
                    how[unit] = "with-its-users"
        if not changed:
            break


def _data_units(graph: CouplingGraph, weighted: Weighted, kinds: tuple[str, ...]) -> set[str]:
    """Units with a data edge of one of ``kinds`` (write, ddl, declares, read)."""
    return {weighted.unit[e.source] for e in graph.edges
            if e.signal == "data" and e.kind in kinds and e.source in weighted.unit}


def _foundation(users: Mapping[str, set[str]], data: set[str], weighted: Weighted
                ) -> tuple[set[str], dict[str, set[str]]]:
    """Generic utilities, whatever their fan-in: definitions that touch no table (``data``)
    and rest on nothing but other such definitions, used from outside that set by at least
    two units (or resting under one that is). A closed group of classes that only use one
    another is a domain of its own, not a utility. Returns them and what each uses."""
    uses: dict[str, set[str]] = defaultdict(set)
    for target, sources in users.items():
        for source in sources:
            uses[source].add(target)
    found = {u for u, elements in weighted.members.items() if u not in data
             and any(weighted.nodes[e].kind != "module" for e in elements)}
    changed = True
    while changed:
        changed = False
        for unit in sorted(found):
            if uses.get(unit, set()) - found:
                found.discard(unit)
                changed = True
    seeds = sorted(u for u in found if len(users.get(u, ())) >= 2 and users[u] - found)
    return _below(set(seeds), found, uses), uses


def _below(start: set[str], within: set[str], uses: Mapping[str, set[str]]) -> set[str]:
    """``start`` and everything in ``within`` it uses, directly or not."""
    reached: set[str] = set()
    todo = sorted(start)
    while todo:
        unit = todo.pop()
        if unit not in reached:
            reached.add(unit)
            todo.extend(sorted(uses.get(unit, set()) & within))
    return reached


def _hubs(users: Mapping[str, set[str]], units: int) -> set[str]:
    """Units used by unusually many others: at least HUB_FLOOR, and HUB_SHARE of all."""
    floor = max(HUB_FLOOR, round(HUB_SHARE * units))
    return {unit for unit, who in users.items() if len(who) >= floor}


def _dependents(graph: CouplingGraph, weighted: Weighted) -> dict[str, set[str]]:
    users: dict[str, set[str]] = defaultdict(set)
    for edge in graph.edges:
        if edge.signal in ("code", "links"):
            a, b = weighted.unit.get(edge.source), weighted.unit.get(edge.target)
            if a and b and a != b and a in weighted.members and b in weighted.members:
                users[b].add(a)
    return users


def _result(graph: CouplingGraph, options: ClusterOptions, weighted: Weighted, groups: Groups,
            choice: Choice, kernel: set[str], pinned: Mapping[str, str], how: Mapping[str, str],
            conflicts: list[str], roles: Mapping[str, Node],
            declared: Mapping[str, Sequence[str]], models: Collection[str],
            wiring: Collection[str]) -> Decomposition:
    """The decomposition of ``groups``; ``roles``: the nodes with the plumbing role their
    code plays (:func:`plumbing_roles`), for the contexts' kinds and names; ``declared``:
    each table's declaring definitions (:func:`_declarers`), ``models`` all of them;
    ``wiring``: the module code not weighed for a kind (:func:`_wiring`)."""
    nodes = weighted.nodes
    members = weighted.members
    owner = {unit: index for index, group in enumerate(groups) for unit in group}

    real = [i for i, g in enumerate(groups) if sum(len(members.get(u, ())) for u in g) > 0]
    # a group tied to nothing is unplaced code, unless the number of contexts asked for
    # needs it (the tied code could not make that many)
    tied = [i for i in real if is_tied(weighted.numbered, groups[i], members)]
    if options.contexts is None:
        # (a context pinned by config is the user's, whatever its size)
        tied = [i for i in tied if groups[i] & pinned.keys()
                or not _island(weighted, groups[i], roles)]
    if options.contexts is not None and len(tied) < options.contexts:
        spare = sorted((i for i in real if i not in tied),
                       key=lambda i: (-_lines(weighted, groups[i]), min(groups[i])))
        tied = sorted(tied + spare[:options.contexts - len(tied)])
    order = sorted(tied, key=lambda i: (-_lines(weighted, groups[i]), min(groups[i])))
    pin_names = {i: pinned[u] for i in order for u in groups[i] if u in pinned}
    term_groups = {i: [e for u in sorted(groups[i]) for e in members.get(u, ())] +
                   [u for u in sorted(groups[i])
                    if nodes.get(u) is not None and nodes[u].kind == "table"]
                   for i in order}
    own = project_words(graph.project, (n.module for n in graph.nodes if n.module))
    terms = context_terms(term_groups, nodes, nouns=_nouns(graph, declared), unnamed=own)
    # a context of framework plumbing is named for the role its code plays (``settings``,
    # ``middleware``): its class names (``BillingConfig``) name the domains it wires up
    for index, elements in term_groups.items():
        role = _plumbing_role(elements, roles, models, wiring)
        if role:
            terms[index] = (role, *(t for t in terms[index] if t != role))
    taken = set(pin_names.values()) | {KERNEL, UNPLACED}
    names = dict(pin_names)
    holdings = _holdings(weighted, owner, declared)
    names.update(choose_names({i: terms[i] for i in order if i not in pin_names}, taken,
                              held_words(holdings, nodes),
                              entity_names(holdings, nodes, declared),
                              definition_words(nodes.values())))

    context_of: dict[str, str] = {}
    for unit, index in owner.items():
        if unit in members:
            context_of[unit] = names.get(index, UNPLACED)
    for unit in kernel:
        context_of[unit] = KERNEL
    # a helper node (table, use case, package) counts for the context it is most tied to
    for unit in weighted.numbered.names:
        if unit not in members:
            ties: dict[str, float] = defaultdict(float)
            for other, weight in weighted.neighbours(unit):
                if other in members and other in context_of:
                    ties[context_of[other]] += weight
            if ties:
                context_of[unit] = max(sorted(ties), key=lambda c: ties[c])

    placements = _placements(graph, weighted, context_of, how, kernel)
    by_context: dict[str, list[str]] = defaultdict(list)
    for placement in placements:
        by_context[placement.context].append(placement.element)
    modules = _roll_up(placements, nodes)
    held: dict[str, list[str]] = defaultdict(list)
    for plan in modules:
        held[plan.context].append(plan.module)
    tables: dict[str, list[str]] = defaultdict(list)
    for unit, index in owner.items():
        node = nodes.get(unit)
        if node is not None and node.kind == "table" and index in names:
            tables[names[index]].append(node.id.removeprefix("table:"))

    contexts: list[Context] = []
    for index in order:
        name = names[index]
        kind = ("infrastructure" if _plumbing_role(by_context[name], roles, models, wiring)
                else "domain")
        contexts.append(Context(name, kind, terms.get(index, ()), tuple(by_context[name]),
                                tuple(held[name]), tuple(sorted(tables[name])),
                                sum(nodes[e].size for e in by_context[name])))
    for special, kind in ((KERNEL, "kernel"), (UNPLACED, "unplaced")):
        if by_context.get(special):
            contexts.append(Context(special, kind, (), tuple(by_context[special]),
                                    tuple(held[special]), (),
                                    sum(nodes[e].size for e in by_context[special])))
    scores = _scores(graph, weighted, placements, groups)
    chosen = next((c.contexts for c in choice.candidates if c.resolution == choice.resolution),
                  len(order))
    if choice.mode != "fixed" and chosen != len(order):  # why the count is not the cut's
        choice = replace(choice, reasoning=(
            *choice.reasoning,
            f"pins, keep-apart and the rules after the cut (private code following its users, "
            f"libraries joining the kernel or their one user) leave {len(order)} contexts of "
            f"the cut's {chosen}."))
    return Decomposition(options, tuple(contexts), placements, modules, choice,
                         tuple(conflicts), scores)


def _declarers(graph: CouplingGraph) -> dict[str, list[str]]:
    """Each table and the definitions that declare it (a model, its proxies), in the graph's
    order."""
    found: dict[str, list[str]] = defaultdict(list)
    for edge in graph.edges:
        if edge.signal == "data" and edge.kind == "declares":
            found[edge.target].append(edge.source)
    return found


def _models(declared: Mapping[str, Sequence[str]]) -> frozenset[str]:
    """The definitions that declare a table (``_declarers``)."""
    return frozenset(c for classes in declared.values() for c in classes)


def _holdings(weighted: Weighted, owner: Mapping[str, int],
              declared: Mapping[str, Sequence[str]]) -> dict[int, list[str]]:
    """The tables each group holds as the findings will say (``findings.ownership``): with
    the model that declares it (``_declarers``), else where the cut put it. FlaskBB's
    ``users`` table sat in one context and its ``User`` model, which owns it, in another."""
    holder: dict[str, int] = {}
    for table, classes in declared.items():
        index = next((owner[weighted.unit[c]] for c in classes
                      if c in weighted.unit and weighted.unit[c] in owner), None)
        if index is not None:
            holder[table] = index
    holds: dict[int, list[str]] = defaultdict(list)
    for unit in sorted(u for u in owner if u in weighted.nodes
                       and weighted.nodes[u].kind == "table"):
        holds[holder.get(unit, owner[unit])].append(unit)
    return holds


def _island(weighted: Weighted, group: frozenset[str], roles: Mapping[str, Node]) -> bool:
    """Whether ``group`` is fewer than ``ISLAND_ATOMS`` definitions (with their modules'
    own code, if any) tied to each other and to nothing else outside the kernel, holding no
    table and playing no framework role: a script's ``main``, a pair of helpers nothing
    calls (pretalx's ``api/shims.py``, its module code and two functions). Such a group
    cannot join the group it is most tied to, as other small groups do; no evidence says
    which domain it serves, and a service of two helpers is no proposal: it is unplaced
    code."""
    elements = [e for u in group for e in weighted.members.get(u, ())]
    # a module's own code is its definitions' wiring, not counted beside them; a module
    # whose definitions are all elsewhere counts as one
    defining = {weighted.nodes[e].module for e in elements if weighted.nodes[e].kind != "module"}
    counted = [e for e in elements
               if weighted.nodes[e].kind != "module" or weighted.nodes[e].module not in defining]
    if len(counted) >= ISLAND_ATOMS or any(roles[e].role for e in elements):
        return False
    if any(weighted.nodes[u].kind == "table" for u in group if u in weighted.nodes):
        return False
    return not any(other not in group and weight > 0
                   for unit in group if unit in weighted.numbered.index
                   for other, weight in weighted.neighbours(unit))


def _placements(graph: CouplingGraph, weighted: Weighted, context_of: Mapping[str, str],
                how: Mapping[str, str], kernel: set[str]) -> tuple[Placement, ...]:
    """Every element's placement, by element: its context and how it got there, its ties to
    its own context by signal, its strongest neighbours there, and the runner-up context with
    the margin of its own tie over the runner-up's (1 is clear-cut, 0 is a coin toss)."""
    numbered, by_signal = weighted.numbered, weighted.by_signal
    adjacent, names = numbered.adjacent(), numbered.names
    start, neighbours, weights = adjacent.start, adjacent.neighbours, adjacent.weights
    context_at = [context_of.get(name) for name in names]  # by the node's number
    placements: list[Placement] = []
    for node in graph.nodes:
        if not node.is_element:
            continue
        element, unit = node.id, weighted.unit[node.id]
        context = context_of.get(unit, UNPLACED)
        if unit in kernel:
            placements.append(Placement(element, KERNEL, how.get(unit, "kernel"), (), (), None,
                                        1.0))
            continue
        ties: dict[str, float] = defaultdict(float)
        signals: dict[str, float] = defaultdict(float)
        strongest: list[tuple[float, str, str]] = []
        at = numbered.index.get(unit)
        if at is not None:
            first, last = start[at], start[at + 1]
            for other_at, weight in zip(neighbours[first:last], weights[first:last],
                                        strict=True):
                other_context = context_at[other_at]
                if other_context is None:
                    continue
                ties[other_context] += weight
                if other_context == context:
                    other = names[other_at]
                    for signal, share in by_signal.get(
                            (unit, other) if unit < other else (other, unit), {}).items():
                        signals[signal] += share
                        strongest.append((share, other, signal))
        own = ties.get(context, 0.0)
        # the runner-up: the most tied other context, the first by name on a tie
        runner: tuple[float, str] | None = None
        for other_context, weight in ties.items():
            if other_context != context and (runner is None
                                             or (-weight, other_context) < runner):
                runner = (-weight, other_context)
        margin = 1.0 if runner is None or own <= 0 else max(0.0, (own + runner[0]) / own)
        if own <= 0 and context != UNPLACED and runner is None:
            margin = 0.0
        if len(strongest) > 1:
            strongest.sort(key=lambda t: (-t[0], t[1], t[2]))
        ranked = (sorted(signals.items(), key=lambda p: -p[1]) if len(signals) > 1
                  else signals.items())
        placements.append(Placement(
            element=element, context=context,
            how=how.get(unit, "clustered" if context != UNPLACED else "unplaced"),
            signals=tuple([(s, round(w, 4)) for s, w in ranked]),
            strongest=tuple([(other, signal, round(weight, 4))
                             for weight, other, signal in strongest[:_STRONGEST]]),
            runner_up=runner[1] if runner is not None else None, margin=round(margin, 4),
        ))
    return tuple(sorted(placements, key=lambda p: p.element))


def _roll_up(placements: Sequence[Placement], nodes: Mapping[str, Node]) -> tuple[ModulePlan, ...]:
    by_module: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    defined = {nodes[p.element].module for p in placements if nodes[p.element].kind != "module"}
    for placement in placements:
        node = nodes[placement.element]
        if node.kind == "module" and node.module in defined:
            continue  # a module's wiring goes with its definitions
        by_module[node.module or node.id][placement.context].append(placement.element)
    plans: list[ModulePlan] = []
    for module in sorted(by_module):
        shares = by_module[module]
        weight = {c: sum(nodes[e].size for e in elements) for c, elements in shares.items()}
        ranked = sorted(shares, key=lambda c: (c == UNPLACED, c == KERNEL, -weight[c], c))
        split = tuple((c, tuple(sorted(shares[c]))) for c in ranked) if len(
            [c for c in shares if c != UNPLACED]) > 1 else ()
        plans.append(ModulePlan(module, ranked[0], split))
    return tuple(plans)


def _scores(graph: CouplingGraph, weighted: Weighted, placements: Sequence[Placement],
            groups: Groups) -> metrics.Scores:
    partition = {p.element: p.context for p in placements if p.context not in (KERNEL, UNPLACED)}
    dependencies: dict[tuple[str, str], int] = defaultdict(int)
    writers: dict[str, set[str]] = defaultdict(set)
    use_cases: dict[str, set[str]] = defaultdict(set)
    traced: dict[str, set[str]] = defaultdict(set)  # BCP takes real use cases when there are
    for edge in graph.edges:
        if edge.signal in ("code", "links"):
            dependencies[(edge.source, edge.target)] += edge.count
        elif edge.signal == "data" and edge.kind in ("write", "ddl"):
            writers[edge.target.removeprefix("table:")].add(edge.source)
        elif edge.signal == "usecases":  # a trace's root, or an entry point
            (traced if edge.kind == "trace" else use_cases)[edge.source].add(edge.target)
    scores = metrics.score(
        partition,
        dependencies=[(a, b, n) for (a, b), n in sorted(dependencies.items())],
        graph_edges=[],
        writers={t: sorted(w) for t, w in sorted(writers.items())},
        use_cases={u: sorted(e) for u, e in sorted((traced or use_cases).items())},
    )
    # modularity of the graph that was cut, helper nodes with their groups
    return replace(scores, modularity=round(modularity(weighted.numbered, groups), 4))

