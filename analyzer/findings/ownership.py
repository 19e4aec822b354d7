"""Which context owns each table: the context that holds its model (declares it), as long as
that context writes it or nobody else does; otherwise, and for tables no code declares, the
one that writes it most, then reads it most. The reason says which, so that a table owned
away from its model says why. DDL (CREATE, ALTER, DROP) counts as declaring. Kernel and
unplaced code never owns a table."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from analyzer.findings.facts import Evidence, Ownership, Toucher, short
from analyzer.findings.partition import Partition
from analyzer.findings.project import Project
from analyzer.model import AccessMode


def owners(project: Project, partition: Partition) -> Mapping[str, str]:
    """table -> owner context: as agreed, or as the code decides for a proposed cut."""
    agreed = partition.owners()
    if agreed is not None:
        return agreed
    return project.derived("owners", partition, lambda: {
        o.table: o.owner for o in ownership(project, partition) if o.owner is not None})


def ownership(project: Project, partition: Partition) -> tuple[Ownership, ...]:
    """Who owns each table the code touches or declares, and why (computed once)."""
    return project.derived("ownership", partition, lambda: decide_owners(project, partition))


def decide_owners(project: Project, partition: Partition) -> tuple[Ownership, ...]:
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    sites: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
    tables: set[str] = set()
    for item in project.accesses:
        access = item.access
        tables.add(access.table)
        context = partition.domain(item.element)
        if context is None:
            continue
        slot = {AccessMode.WRITE: 0, AccessMode.READ: 1, AccessMode.DDL: 2}[access.mode]
        counts[access.table][context][slot] += 1
        verb = {AccessMode.WRITE: "writes", AccessMode.READ: "reads",
                AccessMode.DDL: "alters"}[access.mode]
        sites[(access.table, context)].append(
            Evidence(access.path, access.line, f"{short(item.element)} {verb} it via {access.via}"))
    declarers: dict[str, set[str]] = defaultdict(set)
    for declared in project.declared:
        tables.add(declared.table)
        context = partition.domain(declared.element)
        if context is None:
            continue
        declarers[declared.table].add(context)
        counts[declared.table][context][2] += 1
        declaration = declared.declaration
        sites[(declared.table, context)].append(
            Evidence(declaration.path, declaration.line,
                     f"{short(declaration.atom)} declares it via {declaration.via}"))
    result: list[Ownership] = []
    for table in sorted(tables):
        by_context = counts.get(table, {})
        if not by_context:
            result.append(Ownership(table, None, "untouched", (), ()))
            continue
        owner = min(by_context, key=lambda c: (c in partition.infrastructure, -by_context[c][0],
                                               -by_context[c][1], -by_context[c][2], c))
        writes, reads, _ = by_context[owner]
        reason = "writes most" if writes else "reads most" if reads else "declares it"
        # an infrastructure context holds a model for ownership only when no domain context
        # touches the table (as it owns one only then)
        domain_touch = any(c not in partition.infrastructure for c in by_context)
        holders = sorted(h for h in declarers.get(table, ())
                         if not (domain_touch and h in partition.infrastructure))
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
