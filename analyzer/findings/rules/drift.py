"""SL4xx, the drift rules of ``seamline check``: how the code departs from the decomposition a
team agreed (``Partition.agreed_on``). Every use, import and table access is judged against
what the agreed contexts allow; ``drift.baseline`` then tells the known violations from the
new ones.

One pass over the uses serves SL401, SL402, SL406 and SL407 (``dependencies``): each use that
crosses agreed contexts, whether it is allowed, and the share of domain code's uses that cross.
"""

from __future__ import annotations

from abc import abstractmethod
from collections import defaultdict
from dataclasses import dataclass

from analyzer.decomposition import Agreed
from analyzer.findings.cycles import cycle_groups, removable
from analyzer.findings.facts import Evidence, Finding, finding, possessive, short
from analyzer.findings.ownership import owners
from analyzer.findings.partition import Partition
from analyzer.findings.project import Project
from analyzer.findings.rule import Rule
from analyzer.model import AccessMode

_FORBIDDEN, _PRIVATE = "SL401", "SL402"


@dataclass(frozen=True, slots=True)
class Dependencies:
    """What the uses and imports of a project say against an agreed partition."""

    broken: dict[tuple[str, str, str], list[Evidence]]  # (SL401/SL402, source, target)
    called: set[tuple[str, str, str]]  # of those, the ones with a use other than an import
    crossing: dict[tuple[str, str], list[Evidence]]  # (context, used context) -> the uses
    coupling: float  # share of uses among domain code that cross agreed contexts


def dependencies(project: Project, partition: Partition) -> Dependencies:
    """The uses (and the imports of the kinds the decomposition counts) against the
    partition, computed once for every rule that reads them."""
    return project.derived("drift-dependencies", partition,
                           lambda: _dependencies(project, partition))


def _dependencies(project: Project, partition: Partition) -> Dependencies:
    kernels = partition.kernels
    kinds = partition.agreed.imports if partition.agreed is not None else ()
    uses = project.uses
    imported = [edge.use for edge in project.imports(kinds)]
    crossing: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
    broken: dict[tuple[str, str, str], list[Evidence]] = defaultdict(list)
    called: set[tuple[str, str, str]] = set()
    total = crossed = 0
    for number, use in enumerate([*uses, *imported]):
        counted = number < len(uses)  # coupling counts uses, not the imports behind them
        a, b = partition.context(use.source), partition.context(use.target)
        if a is None or b is None or a == b:
            if counted and a is not None and a == b and a not in kernels:
                total += 1
            continue
        if counted and a not in kernels and b not in kernels:  # coupling: domain contexts
            total += 1
            crossed += 1
        where = Evidence(use.path, use.line,
                         f"{a} → {b}: {short(use.source)} uses {short(use.target)}, {use.kind}")
        if b not in kernels:
            crossing[(a, b)].append(where)
        allowed = partition.may_use(a, b)
        if not allowed or not partition.is_public(b, use.target.partition(":")[0]):
            key = (_PRIVATE if allowed else _FORBIDDEN, use.source, use.target)
            broken[key].append(where)
            if not use.imported:
                called.add(key)
    return Dependencies(broken, called, crossing, round(crossed / total, 4) if total else 0.0)


class _BrokenDependency(Rule):
    """SL401 and SL402: one finding per (user, used) pair the shared pass found broken under
    this rule's code; the subclass says it in its own words."""

    def check(self, project: Project, partition: Partition) -> list[Finding]:
        if partition.agreed is None:
            return []
        found = dependencies(project, partition)
        findings: list[Finding] = []
        for (rule, source, target), evidence in sorted(found.broken.items()):
            if rule != self.code:
                continue
            a, b = partition.context(source), partition.context(target)
            assert a is not None and b is not None
            verb = "uses" if (rule, source, target) in found.called else "imports"
            message, fix = self.said(partition.agreed, a, b,
                                     (f"`{short(source)}`", verb, f"`{short(target)}`"))
            findings.append(finding(message, f"{source}->{target}", (a, b), evidence, fix))
        return findings

    @abstractmethod
    def said(self, agreed: Agreed, a: str, b: str, what: tuple[str, str, str]
             ) -> tuple[str, str]:
        """The message and the fix of ``a``'s code doing ``what`` (user, verb, used) to
        ``b``'s."""


class ForbiddenDependency(_BrokenDependency):
    code, name = _FORBIDDEN, "forbidden-dependency"

    def said(self, agreed: Agreed, a: str, b: str, what: tuple[str, str, str]
             ) -> tuple[str, str]:
        permitted = ", ".join(agreed.context(a).uses) or "none"
        return (f"{a} uses {b}, which its `uses` does not allow: {' '.join(what)} (allowed: "
                f"{permitted})",
                f"go through a context {a} may use, invert the dependency with an event, or "
                f"add {b!r} to contexts.{a}.uses if the team agrees")


class PrivateModuleUse(_BrokenDependency):
    code, name = _PRIVATE, "private-module-use"

    def said(self, agreed: Agreed, a: str, b: str, what: tuple[str, str, str]
             ) -> tuple[str, str]:
        public = ", ".join(agreed.context(b).public or ()) or "none"
        user, verb, used = what
        return (f"{user} ({a}) {verb} {used}, in a module {b} keeps private (public: "
                f"{public})",
                f"use {possessive(b)} public interface instead, or add the module to "
                f"contexts.{b}.public if it is meant to be one")


def _other_context_tables(project: Project, partition: Partition, written: bool
                          ) -> list[Finding]:
    """SL403 (``written``) and SL404: accesses to a table another agreed context owns."""
    owner = owners(project, partition)
    verb = "writes" if written else "reads"
    sites: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
    for item in project.accesses:
        access = item.access
        if (access.mode is AccessMode.READ) is written:
            continue
        context, table_owner = partition.context(item.element), owner.get(access.table)
        if context is None or table_owner is None or context == table_owner:
            continue
        if context in partition.infrastructure and partition.agreed is not None and (
                table_owner in partition.kernels
                or table_owner in partition.agreed.context(context).uses):
            continue  # the operators' tooling, agreed to work on the tables of what it uses
        sites[(item.element, access.table)].append(Evidence(
            access.path, access.line, f"{short(item.element)} {verb} it via {access.via}"))
    found: list[Finding] = []
    for (element, table), evidence in sorted(sites.items()):
        context, table_owner = partition.context(element), owner[table]
        assert context is not None
        fix = (f"let {table_owner} do the write through its API or an event it handles"
               if written else
               f"read it through {possessive(table_owner)} API or a read model fed by its "
               "events")
        found.append(finding(
            f"`{short(element)}` ({context}) {verb} `{table}`, which {table_owner} owns",
            f"{element}->{table}", (table_owner, context), evidence, fix, (table,)))
    return found


class OtherContextTableWrite(Rule):
    code, name = "SL403", "other-context-table-write"

    def check(self, project: Project, partition: Partition) -> list[Finding]:
        return _other_context_tables(project, partition, written=True)


class OtherContextTableRead(Rule):
    code, name = "SL404", "other-context-table-read"

    def check(self, project: Project, partition: Partition) -> list[Finding]:
        return _other_context_tables(project, partition, written=False)


class UnassignedModule(Rule):
    code, name = "SL405", "unassigned-module"

    def check(self, project: Project, partition: Partition) -> list[Finding]:
        unassigned = sorted((m.name, m.path) for m in project.code.modules
                            if partition.context(m.name) is None)
        return [finding(
            f"module `{name}` matches no context of the agreed decomposition",
            name, (), [Evidence(path, 1, "no context's modules or atoms match it")],
            "add it to a context's modules in the decomposition file (a glob such as "
            "`package.*` keeps new modules covered)") for name, path in unassigned]


class NewContextCycle(Rule):
    code, name = "SL406", "new-context-cycle"

    def check(self, project: Project, partition: Partition) -> list[Finding]:
        crossing = dependencies(project, partition).crossing
        found: list[Finding] = []
        for group in cycle_groups(crossing):
            edges = sorted(e for e in crossing if e[0] in group and e[1] in group)
            found.append(finding(
                f"agreed contexts {', '.join(group)} depend on each other in a cycle: "
                + ", ".join(f"{a} → {b} ({len(crossing[(a, b)])})" for a, b in edges),
                "<->".join(group), tuple(group), [e for edge in edges for e in crossing[edge]],
                f"the cycle is {removable({e: len(crossing[e]) for e in edges})}; invert those "
                "dependencies with an event or a callback interface, or move the code that "
                "closes the cycle"))
        return found


class CouplingRegression(Rule):
    code, name = "SL407", "coupling-regression"

    def check(self, project: Project, partition: Partition) -> list[Finding]:
        recorded = project.baseline_coupling
        if recorded is None or partition.agreed is None:
            return []
        coupling = dependencies(project, partition).coupling
        limit = recorded + partition.agreed.max_coupling_increase
        if coupling <= limit + 1e-9:
            return []
        return [finding(
            f"{coupling:.1%} of uses now cross agreed contexts, up from {recorded:.1%} in the "
            f"baseline (the limit is {limit:.1%})",
            "coupling", (), [Evidence(partition.source, 1, "check.max-coupling-increase")],
            "find the new cross-context uses (`git diff` of the change; the violations above "
            "point at the forbidden ones) and keep them inside their context, or accept the "
            "new level with --update-baseline")]
