"""Drift: how the code departs from the agreed decomposition (``seamline check``).

Every definition (and each module's own code) is assigned to an agreed context by its
patterns; then each use and each table access is judged against what the decomposition
allows. The results are ``Finding``s of the SL4xx rules, compared with a baseline so that only
new violations fail a build.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from analyzer.catalogue import Registered, RuleChoice
from analyzer.decomposition import Agreed
from analyzer.drift.imports import import_uses
from analyzer.drift.rules import (
    FORBIDDEN_DEPENDENCY,
    NEW_CONTEXT_CYCLE,
    OTHER_CONTEXT_TABLE_READ,
    OTHER_CONTEXT_TABLE_WRITE,
    PRIVATE_MODULE_USE,
    RULES,
    UNASSIGNED_MODULE,
    coded,
)
from analyzer.findings.cycles import cycle_groups, removable
from analyzer.findings.facts import Evidence, Finding, collect_uses, finding, possessive, short
from analyzer.model import AccessMode, CodeModel, DataModel

_RANK = {"error": 0, "warning": 1, "info": 2}
DRIFT_RULES = tuple(r.code for r in RULES)


@dataclass(frozen=True, slots=True)
class Drift:
    violations: tuple[Finding, ...]
    coupling: float  # share of uses among domain code that cross agreed contexts
    assigned: Mapping[str, str]  # element -> context


def drift(code: CodeModel, data: DataModel, element_of: Callable[[str], str], agreed: Agreed,
          choice: RuleChoice) -> Drift:
    modules = {m.name: m for m in code.modules}
    assigned: dict[str, str] = {}
    elements: list[tuple[str, str]] = []  # (element, module)
    for module in code.modules:
        elements.append((module.name, module.name))
        elements.extend((f"{module.name}:{d.name}", module.name) for d in module.definitions)
    unassigned: dict[str, str] = {}
    for element, holder in elements:
        context = agreed.assign(element, holder)
        if context is None:
            if element == holder:
                unassigned[holder] = modules[holder].path
        else:
            assigned[element] = context

    def module_of(element: str) -> str:
        return element.partition(":")[0]

    def context_of(element: str) -> str | None:
        return assigned.get(element) or assigned.get(module_of(element))

    uses = collect_uses(code, data, element_of)
    imported = import_uses(code, element_of, agreed.imports)

    kernels = {c.name for c in agreed.contexts if c.kernel}
    found: list[Finding] = []
    crossing: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
    pairs: dict[tuple[Registered, str, str], list[Evidence]] = defaultdict(list)
    called: set[tuple[Registered, str, str]] = set()  # pairs with a use other than an import
    total = crossed = 0
    for number, use in enumerate([*uses, *imported]):
        counted = number < len(uses)  # coupling counts uses, not the imports behind them
        a, b = context_of(use.source), context_of(use.target)
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
        allowed = b in kernels or b in agreed.context(a).uses
        key = (PRIVATE_MODULE_USE if allowed else FORBIDDEN_DEPENDENCY, use.source, use.target)
        if not allowed or not agreed.context(b).is_public(module_of(use.target)):
            pairs[key].append(where)
            if not use.kind.startswith("import"):
                called.add(key)
    for (broken, source, target), evidence in sorted(pairs.items()):
        a, b = context_of(source), context_of(target)
        assert a is not None and b is not None
        verb = "uses" if (broken, source, target) in called else "imports"
        if broken == FORBIDDEN_DEPENDENCY:
            permitted = ", ".join(agreed.context(a).uses) or "none"
            message = (f"{a} uses {b}, which its `uses` does not allow: `{short(source)}` "
                       f"{verb} `{short(target)}` (allowed: {permitted})")
            fix = (f"go through a context {a} may use, invert the dependency with an event, "
                   f"or add {b!r} to contexts.{a}.uses if the team agrees")
        else:
            public = ", ".join(agreed.context(b).public or ()) or "none"
            message = (f"`{short(source)}` ({a}) {verb} `{short(target)}`, in a module {b} "
                       f"keeps private (public: {public})")
            fix = (f"use {possessive(b)} public interface instead, or add the module to "
                   f"contexts.{b}.public if it is meant to be one")
        found.append(coded(broken, finding(message, f"{source}->{target}", (a, b), evidence,
                                           fix)))

    owner = agreed.owner_of()
    access_sites: dict[tuple[Registered, str, str, str], list[Evidence]] = defaultdict(list)
    for access in data.accesses:
        element = element_of(access.atom)
        context, table_owner = context_of(element), owner.get(access.table)
        if context is None or table_owner is None or context == table_owner:
            continue
        if access.mode is AccessMode.READ:
            broken, verb = OTHER_CONTEXT_TABLE_READ, "reads"
        else:
            broken, verb = OTHER_CONTEXT_TABLE_WRITE, "writes"
        access_sites[(broken, element, access.table, verb)].append(Evidence(
            access.path, access.line, f"{short(element)} {verb} it via {access.via}"))
    for (broken, element, table, verb), evidence in sorted(access_sites.items()):
        context, table_owner = context_of(element), owner[table]
        assert context is not None
        fix = (f"let {table_owner} do the write through its API or an event it handles"
               if verb == "writes" else
               f"read it through {possessive(table_owner)} API or a read model fed by its "
               "events")
        found.append(coded(broken, finding(
            f"`{short(element)}` ({context}) {verb} `{table}`, which {table_owner} owns",
            f"{element}->{table}", (table_owner, context), evidence, fix, (table,))))

    for name, path in sorted(unassigned.items()):
        found.append(coded(UNASSIGNED_MODULE, finding(
            f"module `{name}` matches no context of the agreed decomposition",
            name, (), [Evidence(path, 1, "no context's modules or atoms match it")],
            "add it to a context's modules in the decomposition file (a glob such as "
            "`package.*` keeps new modules covered)")))

    for group in cycle_groups(crossing):
        edges = sorted(e for e in crossing if e[0] in group and e[1] in group)
        found.append(coded(NEW_CONTEXT_CYCLE, finding(
            f"agreed contexts {', '.join(group)} depend on each other in a cycle: "
            + ", ".join(f"{a} → {b} ({len(crossing[(a, b)])})" for a, b in edges),
            "<->".join(group), tuple(group), [e for edge in edges for e in crossing[edge]],
            f"the cycle is {removable({e: len(crossing[e]) for e in edges})}; invert those "
            "dependencies with an event or a callback interface, or move the code that closes "
            "the cycle")))

    levels = dict(choice.severity)
    reads = OTHER_CONTEXT_TABLE_READ.code
    if agreed.reads == "off":
        levels.pop(reads, None)
    elif reads in levels:
        levels[reads] = agreed.reads
    kept = [replace(f, severity=levels[f.code]) for f in found if f.code in levels]
    kept.sort(key=lambda f: (_RANK[f.severity], f.code, f.subject))
    return Drift(tuple(kept), round(crossed / total, 4) if total else 0.0, assigned)
