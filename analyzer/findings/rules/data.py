"""SL1xx, the data rules: tables and who touches them. A table belongs to one context
(``findings.ownership``); these rules find the writes, reads, keys and statements that reach
across from another."""

from __future__ import annotations

from collections import defaultdict

from analyzer.findings.facts import Evidence, Finding, finding, listed, possessive, short
from analyzer.findings.ownership import owners
from analyzer.findings.partition import Partition
from analyzer.findings.project import Project
from analyzer.findings.rule import Rule
from analyzer.model import AccessMode
from analyzer.text import count


def _clip(text: str, limit: int = 120) -> str:
    """At most ``limit`` characters, cut at a word."""
    if len(text) <= limit:
        return text
    cut = text[:limit] if text[limit] == " " else text[:limit].rsplit(" ", 1)[0]
    return cut + " …"


class SharedTableWrite(Rule):
    code, name = "SL101", "shared-table-write"

    def check(self, project: Project, partition: Partition) -> list[Finding]:
        owner_of = owners(project, partition)
        # plumbing that writes the tables of several contexts (a command that clears the
        # database) is one multi-context write (SL104), not a shared write of each table
        reach: dict[str, set[str]] = defaultdict(set)
        for item in project.accesses:
            if item.access.mode is AccessMode.WRITE and item.access.table in owner_of:
                reach[item.access.atom].add(owner_of[item.access.table])
        writes: dict[str, dict[str, list[Evidence]]] = defaultdict(lambda: defaultdict(list))
        for item in project.accesses:
            access = item.access
            context = partition.domain(item.element)
            if context in partition.infrastructure and len(reach[access.atom]) > 1:
                continue
            if access.mode is AccessMode.WRITE and context is not None:
                writes[access.table][context].append(Evidence(
                    access.path, access.line,
                    f"{context}: {short(item.element)} writes it via {access.via}"))
        found: list[Finding] = []
        for table, by_context in sorted(writes.items()):
            if len(by_context) < 2:
                continue
            owner = owner_of[table]
            ranked = sorted(by_context, key=lambda c: (c != owner, c))
            parts = [f"{c} ({'owner, ' if c == owner else ''}"
                     f"{count(len(by_context[c]), 'write')})" for c in ranked]
            others = [c for c in ranked if c != owner]
            found.append(finding(
                f"table `{table}` is written by {len(ranked)} contexts: {', '.join(parts)}",
                table, tuple(ranked), [e for c in ranked for e in by_context[c]],
                f"let {owner} alone write `{table}`: {listed(others)} should ask {owner} "
                f"through its API, or publish an event {owner} handles", (table,)))
        return found


class ForeignTableRead(Rule):
    code, name = "SL102", "foreign-table-read"

    def check(self, project: Project, partition: Partition) -> list[Finding]:
        owner_of = owners(project, partition)
        reads: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
        for item in project.accesses:
            access = item.access
            context = partition.domain(item.element)
            if access.mode is AccessMode.READ and context not in (None,
                                                                  owner_of.get(access.table)):
                assert context is not None
                reads[(access.table, context)].append(Evidence(
                    access.path, access.line, f"{short(item.element)} reads it via {access.via}"))
        found: list[Finding] = []
        for (table, reader), evidence in sorted(reads.items()):
            if len(evidence) < self.options["min-reads"]:
                continue
            owner = owner_of[table]
            found.append(finding(
                f"{reader} reads `{table}`, which {owner} owns "
                f"({count(len(evidence), 'read site')})",
                f"{table}<-{reader}", (owner, reader), evidence,
                f"read it through {possessive(owner)} API, keep a replicated read model of it "
                f"in {reader} fed by {possessive(owner)} events, or have {reader} react to "
                f"those events instead of reading `{table}`", (table,)))
        return found


class CrossContextForeignKey(Rule):
    code, name = "SL103", "cross-context-foreign-key"

    def check(self, project: Project, partition: Partition) -> list[Finding]:
        owner_of = owners(project, partition)
        found: list[Finding] = []
        for item in sorted(project.keys, key=lambda k: (k.table, k.key)):
            source, target = owner_of.get(item.table), owner_of.get(item.key.target)
            if source is None or target is None or source == target:
                continue
            found.append(finding(
                f"`{item.table}.{item.key.column}` references `{item.key.target}`: a foreign "
                f"key from {source} into {target}",
                f"{item.table}.{item.key.column}", (source, target),
                [Evidence(item.path, item.key.line, f"{short(item.key.atom)} declares the key")],
                f"keep `{item.key.column}` in `{item.table}` as a plain value without a "
                f"database constraint and check it through {possessive(target)} API (or keep a "
                f"local copy of what {source} needs)",
                (item.table, item.key.target)))
        return found


class MultiContextWrite(Rule):
    code, name = "SL104", "multi-context-write"

    def check(self, project: Project, partition: Partition) -> list[Finding]:
        owner_of = owners(project, partition)
        by_function: dict[str, list[tuple[str, Evidence]]] = defaultdict(list)
        home: dict[str, str] = {}
        for item in project.accesses:
            access = item.access
            context = partition.domain(item.element)
            if access.mode is AccessMode.WRITE and access.table in owner_of and context:
                home[access.atom] = context
                by_function[access.atom].append((access.table, Evidence(
                    access.path, access.line,
                    f"{short(item.element)} writes {access.table}, owned by "
                    f"{owner_of[access.table]}")))
        found: list[Finding] = []
        for function, writes in sorted(by_function.items()):
            tables = sorted({t for t, _ in writes})
            contexts = sorted({owner_of[t] for t in tables})
            if len(contexts) < 2:
                continue
            own = home[function]
            described = ", ".join(f"`{t}` ({owner_of[t]})" for t in tables)
            found.append(finding(
                f"`{short(function)}` writes tables of {len(contexts)} contexts: {described}",
                function, tuple(contexts), [e for _, e in writes],
                "once split this is a distributed transaction: "
                + (f"write only {possessive(own)} tables here and " if own in contexts else "")
                + "let the other contexts react through a saga or a transactional outbox",
                tuple(tables)))
        return found


class CrossContextJoin(Rule):
    code, name = "SL105", "cross-context-join"

    def check(self, project: Project, partition: Partition) -> list[Finding]:
        owner_of = owners(project, partition)
        by_site: dict[tuple[str, int, str], set[str]] = defaultdict(set)
        texts: dict[tuple[str, int, str], str] = {}
        for statement in project.statements:
            if partition.domain(statement.element) is None:  # kernel or unplaced code
                continue
            if len({owner_of[t] for t in statement.tables if t in owner_of}) < 2:
                continue
            site = statement.site
            key = (site.path, site.line, site.atom)
            by_site[key].update(t for t in statement.tables if t in owner_of)
            texts[key] = _clip(" ".join(site.text.split()))
        found: list[Finding] = []
        for key, tables in sorted(by_site.items()):
            path, line, atom = key
            contexts = sorted({owner_of[t] for t in tables})
            described = ", ".join(f"`{t}` ({owner_of[t]})" for t in sorted(tables))
            found.append(finding(
                f"one SQL statement in `{short(atom)}` touches tables of {len(contexts)} "
                f"contexts: {described}",
                f"{path}:{atom}", tuple(contexts),
                [Evidence(path, line, texts[key])],
                "split it into calls to each owner's API, or serve it from a read model or "
                "reporting replica fed by the owners' events", tuple(sorted(tables))))
        return found
