"""Which context owns each table: the context that holds its model (declares it), as long as
that context writes it or nobody else does; otherwise, and for tables no code declares, the
one that writes it most, then reads it most. The reason says which, so that a table owned
away from its model says why. DDL (CREATE, ALTER, DROP) counts as declaring. Kernel and
unplaced code never owns a table."""

from __future__ import annotations

from collections import defaultdict

from analyzer.findings.facts import Evidence, Ownership, Toucher, World, short
from analyzer.model import AccessMode


def decide_owners(world: World) -> tuple[Ownership, ...]:
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    sites: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
    tables: set[str] = set()
    for item in world.accesses:
        access = item.access
        tables.add(access.table)
        if item.context is None:
            continue
        slot = {AccessMode.WRITE: 0, AccessMode.READ: 1, AccessMode.DDL: 2}[access.mode]
        counts[access.table][item.context][slot] += 1
        verb = {AccessMode.WRITE: "writes", AccessMode.READ: "reads",
                AccessMode.DDL: "alters"}[access.mode]
        sites[(access.table, item.context)].append(
            Evidence(access.path, access.line, f"{short(item.element)} {verb} it via {access.via}"))
    declarers: dict[str, set[str]] = defaultdict(set)
    for declared in world.declared:
        tables.add(declared.table)
        if declared.context is None:
            continue
        declarers[declared.table].add(declared.context)
        counts[declared.table][declared.context][2] += 1
        declaration = declared.declaration
        sites[(declared.table, declared.context)].append(
            Evidence(declaration.path, declaration.line,
                     f"{short(declaration.atom)} declares it via {declaration.via}"))
    result: list[Ownership] = []
    for table in sorted(tables):
        by_context = counts.get(table, {})
        if not by_context:
            result.append(Ownership(table, None, "untouched", (), ()))
            continue
        owner = min(by_context, key=lambda c: (-by_context[c][0], -by_context[c][1],
                                               -by_context[c][2], c))
        writes, reads, _ = by_context[owner]
        reason = "writes most" if writes else "reads most" if reads else "declares it"
        holders = sorted(declarers.get(table, ()))
        if holders and owner not in holders:
            holder = min(holders, key=lambda c: (-by_context[c][0], c))
            if by_context[holder][0] or not writes:
                owner, reason = holder, "holds its model"
            else:
                reason = f"writes it, while {holder}, which holds its model, never does"
        touchers = tuple(Toucher(c, *by_context[c]) for c in
                         sorted(by_context, key=lambda c: (c != owner, c)))
        result.append(Ownership(table, owner, reason, touchers,
                                tuple(sorted(set(sites[(table, owner)])))))
    return tuple(result)
