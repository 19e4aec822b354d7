"""The checks of the SL1xx-SL3xx rule family, one function per rule, registered in ``RULES``
by code and name (``rules/findings.toml`` describes them and ``rules/docs/`` documents them;
the SL4xx family is ``analyzer.drift.rules``). Each returns findings without code, name or
severity: ``find`` fills those in from the catalogue and the configuration."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from analyzer.catalogue import Registered
from analyzer.coupling import KERNEL, UNPLACED
from analyzer.findings.chains import sync_call_chain
from analyzer.findings.cycles import cycle_groups, removable
from analyzer.findings.facts import Evidence, Finding, World, finding, possessive, short
from analyzer.model import AccessMode
from analyzer.text import count

Owners = Mapping[str, str]  # table -> owner context
Check = Callable[[World, Owners, Mapping[str, Any]], list[Finding]]


def _clip(text: str, limit: int = 120) -> str:
    """At most ``limit`` characters, cut at a word."""
    if len(text) <= limit:
        return text
    cut = text[:limit] if text[limit] == " " else text[:limit].rsplit(" ", 1)[0]
    return cut + " …"


def _listed(items: Iterable[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# --------------------------------------------------------------------------- data


def shared_table_write(world: World, owners: Owners, options: Mapping[str, Any]
                       ) -> list[Finding]:
    writes: dict[str, dict[str, list[Evidence]]] = defaultdict(lambda: defaultdict(list))
    for item in world.accesses:
        access = item.access
        if access.mode is AccessMode.WRITE and item.context is not None:
            writes[access.table][item.context].append(Evidence(
                access.path, access.line,
                f"{item.context}: {short(item.element)} writes it via {access.via}"))
    found: list[Finding] = []
    for table, by_context in sorted(writes.items()):
        if len(by_context) < 2:
            continue
        owner = owners[table]
        ranked = sorted(by_context, key=lambda c: (c != owner, c))
        parts = [f"{c} ({'owner, ' if c == owner else ''}{count(len(by_context[c]), 'write')})"
                 for c in ranked]
        others = [c for c in ranked if c != owner]
        found.append(finding(
            f"table `{table}` is written by {len(ranked)} contexts: {', '.join(parts)}",
            table, tuple(ranked), [e for c in ranked for e in by_context[c]],
            f"let {owner} alone write `{table}`: {_listed(others)} should ask {owner} through "
            f"its API, or publish an event {owner} handles", (table,)))
    return found


def foreign_table_read(world: World, owners: Owners, options: Mapping[str, Any]
                       ) -> list[Finding]:
    reads: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
    for item in world.accesses:
        access = item.access
        owner = owners.get(access.table)
        if access.mode is AccessMode.READ and item.context not in (None, owner):
            assert item.context is not None
            reads[(access.table, item.context)].append(Evidence(
                access.path, access.line, f"{short(item.element)} reads it via {access.via}"))
    found: list[Finding] = []
    for (table, reader), evidence in sorted(reads.items()):
        if len(evidence) < options["min-reads"]:
            continue
        owner = owners[table]
        found.append(finding(
            f"{reader} reads `{table}`, which {owner} owns "
            f"({count(len(evidence), 'read site')})",
            f"{table}<-{reader}", (owner, reader), evidence,
            f"read it through {possessive(owner)} API, keep a replicated read model of it in "
            f"{reader} fed by {possessive(owner)} events, or have {reader} react to those "
            f"events instead of reading `{table}`", (table,)))
    return found


def cross_context_foreign_key(world: World, owners: Owners, options: Mapping[str, Any]
                              ) -> list[Finding]:
    found: list[Finding] = []
    for item in sorted(world.keys, key=lambda k: (k.table, k.key)):
        source, target = owners.get(item.table), owners.get(item.key.target)
        if source is None or target is None or source == target:
            continue
        found.append(finding(
            f"`{item.table}.{item.key.column}` references `{item.key.target}`: a foreign key "
            f"from {source} into {target}",
            f"{item.table}.{item.key.column}", (source, target),
            [Evidence(item.path, item.key.line, f"{short(item.key.atom)} declares the key")],
            f"keep `{item.key.column}` in `{item.table}` as a plain value without a database "
            f"constraint and check it through {possessive(target)} API (or keep a local copy of "
            f"what {source} needs)",
            (item.table, item.key.target)))
    return found


def multi_context_write(world: World, owners: Owners, options: Mapping[str, Any]
                        ) -> list[Finding]:
    by_function: dict[str, list[tuple[str, Evidence]]] = defaultdict(list)
    home: dict[str, str] = {}
    for item in world.accesses:
        access = item.access
        if access.mode is AccessMode.WRITE and access.table in owners and item.context:
            home[access.atom] = item.context
            by_function[access.atom].append((access.table, Evidence(
                access.path, access.line,
                f"{short(item.element)} writes {access.table}, owned by "
                f"{owners[access.table]}")))
    found: list[Finding] = []
    for function, writes in sorted(by_function.items()):
        tables = sorted({t for t, _ in writes})
        contexts = sorted({owners[t] for t in tables})
        if len(contexts) < 2:
            continue
        own = home[function]
        described = ", ".join(f"`{t}` ({owners[t]})" for t in tables)
        found.append(finding(
            f"`{short(function)}` writes tables of {len(contexts)} contexts: {described}",
            function, tuple(contexts), [e for _, e in writes],
            "once split this is a distributed transaction: "
            + (f"write only {possessive(own)} tables here and " if own in contexts else "")
            + "let the other contexts react through a saga or a transactional outbox",
            tuple(tables)))
    return found


def cross_context_join(world: World, owners: Owners, options: Mapping[str, Any]
                       ) -> list[Finding]:
    by_site: dict[tuple[str, int, str], set[str]] = defaultdict(set)
    texts: dict[tuple[str, int, str], str] = {}
    for statement in world.statements:
        if statement.context is None:  # kernel or unplaced code
            continue
        if len({owners[t] for t in statement.tables if t in owners}) < 2:
            continue
        site = statement.site
        key = (site.path, site.line, site.atom)
        by_site[key].update(t for t in statement.tables if t in owners)
        texts[key] = _clip(" ".join(site.text.split()))
    found: list[Finding] = []
    for key, tables in sorted(by_site.items()):
        path, line, atom = key
        contexts = sorted({owners[t] for t in tables})
        described = ", ".join(f"`{t}` ({owners[t]})" for t in sorted(tables))
        text = texts[key]
        found.append(finding(
            f"one SQL statement in `{short(atom)}` touches tables of {len(contexts)} "
            f"contexts: {described}",
            f"{path}:{atom}", tuple(contexts),
            [Evidence(path, line, text)],
            "split it into calls to each owner's API, or serve it from a read model or "
            "reporting replica fed by the owners' events", tuple(sorted(tables))))
    return found


# --------------------------------------------------------------------------- dependencies


def crossings(world: World) -> dict[tuple[str, str], list[tuple[str, str, Evidence]]]:
    """(from context, to context) -> (source, target, where) for every cross-context use."""
    crossing: dict[tuple[str, str], list[tuple[str, str, Evidence]]] = defaultdict(list)
    for use in world.uses:
        a, b = world.context_of.get(use.source), world.context_of.get(use.target)
        if a is None or b is None or a == b:
            continue
        crossing[(a, b)].append((use.source, use.target, Evidence(
            use.path, use.line, f"{a} → {b}: {short(use.source)} uses {short(use.target)}, "
                                f"{use.kind}")))
    return crossing


_SHOWN_EDGES = 6


_HOW_TO_BREAK = ("invert it with an event or a callback interface, move the code that closes "
                 "the cycle, or merge the contexts")


def context_cycle(world: World, owners: Owners, options: Mapping[str, Any]) -> list[Finding]:
    crossing = crossings(world)
    found: list[Finding] = []
    for group in cycle_groups(crossing):
        members = set(group)
        edges = sorted((a, b) for a, b in crossing if a in members and b in members)
        strongest = sorted(edges, key=lambda e: (-len(crossing[e]), e))
        described = ", ".join(f"{a} → {b} ({count(len(crossing[(a, b)]), 'use')})"
                              for a, b in strongest[:_SHOWN_EDGES])
        if len(edges) > _SHOWN_EDGES:
            more = len(edges) - _SHOWN_EDGES
            described += f" and {count(more, 'more dependency', 'more dependencies')}"
        found.append(finding(
            f"contexts {_listed(group)} depend on each other in a cycle: {described}",
            "<->".join(group), tuple(group),
            [e for edge in edges for _, _, e in crossing[edge]],
            # the fewest dependencies to cut, the fewest uses among them: one answer, so the
            # fix never names two different places
            f"the cycle is {removable({e: len(crossing[e]) for e in edges})}; for each, "
            + _HOW_TO_BREAK))
    return found


def _first_per_pair(uses: list[tuple[str, str, Evidence]]) -> list[Evidence]:
    first: dict[tuple[str, str], Evidence] = {}
    for source, target, where in uses:
        if (source, target) not in first or where < first[(source, target)]:
            first[(source, target)] = where
    return list(first.values())


def chatty_boundary(world: World, owners: Owners, options: Mapping[str, Any]) -> list[Finding]:
    limit = options["max-calls"]
    found: list[Finding] = []
    for (a, b), uses in sorted(crossings(world).items()):
        pairs = {(s, t) for s, t, _ in uses}
        if len(pairs) <= limit:
            continue
        targets = len({t for _, t in pairs})
        callers = len({s for s, _ in pairs})
        found.append(finding(
            f"{a} reaches into {b} through {len(pairs)} distinct caller-callee pairs "
            f"({count(callers, 'caller')} in {a}, {count(targets, 'callee')} in {b}); "
            f"max-calls is {limit}",
            f"{a}->{b}", (a, b), _first_per_pair(uses),
            f"give {b} a few coarser operations (a facade over what {a} needs), or move the "
            f"{a} code that depends on {b} so closely into {b}"))
    return found


# --------------------------------------------------------------------------- shape


def god_module(world: World, owners: Owners, options: Mapping[str, Any]) -> list[Finding]:
    found: list[Finding] = []
    for plan in world.decomposition.modules:
        parts = sorted((c, elements) for c, elements in plan.split
                       if c not in (KERNEL, UNPLACED))
        if len(parts) < max(2, options["min-contexts"]):  # one context is no split
            continue
        evidence = [Evidence(*world.site(e), f"{short(e)} → {c}")
                    for c, elements in parts for e in elements]
        moves = "; ".join(f"{', '.join(short(e).partition(':')[2] or short(e) for e in elements)}"
                          f" → {c}" for c, elements in parts)
        found.append(finding(
            f"module `{plan.module}` holds code of {len(parts)} contexts: "
            f"{', '.join(c for c, _ in parts)}",
            plan.module, tuple(sorted(c for c, _ in parts)), evidence,
            f"split it along the plan: {moves}"))
    return found


def oversized_kernel(world: World, owners: Owners, options: Mapping[str, Any]) -> list[Finding]:
    sizes: dict[str, int] = defaultdict(int)
    kernel_lines = total = 0
    for placement in world.decomposition.placements:
        node = world.nodes[placement.element]
        if placement.context == UNPLACED:
            continue
        total += node.size
        if placement.context == KERNEL:
            kernel_lines += node.size
            sizes[node.module or node.id] += node.size
    share = kernel_lines / total if total else 0.0
    if share <= options["max-share"]:
        return []
    largest = sorted(sizes, key=lambda m: (-sizes[m], m))[:10]
    paths = {n.module: n.path for n in world.nodes.values() if n.module}
    return [finding(
        f"the shared kernel holds {share:.0%} of the placed code ({kernel_lines:,} of "
        f"{total:,} lines; the limit is {options['max-share']:.0%})",
        KERNEL, (KERNEL,),
        [Evidence(paths.get(m, m), 1, f"{sizes[m]:,} lines in the kernel") for m in largest],
        "keep only generic utilities in the kernel: pin domain code to its context, or "
        "raise max-share knowingly")]


# The SL1xx-SL3xx rule family, registered by code and name (the catalogue gives the rest).
RULES: tuple[tuple[Registered, Check], ...] = (
    (Registered("SL101", "shared-table-write"), shared_table_write),
    (Registered("SL102", "foreign-table-read"), foreign_table_read),
    (Registered("SL103", "cross-context-foreign-key"), cross_context_foreign_key),
    (Registered("SL104", "multi-context-write"), multi_context_write),
    (Registered("SL105", "cross-context-join"), cross_context_join),
    (Registered("SL201", "context-cycle"), context_cycle),
    (Registered("SL202", "chatty-boundary"), chatty_boundary),
    (Registered("SL203", "sync-call-chain"), sync_call_chain),
    (Registered("SL301", "god-module"), god_module),
    (Registered("SL302", "oversized-kernel"), oversized_kernel),
)
CHECKS: dict[str, Check] = {registered.code: check for registered, check in RULES}
