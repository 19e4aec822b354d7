"""Drift: how the code departs from the agreed decomposition (``seamline check``).

Every definition (and each module's own code) is assigned to an agreed context by its
patterns; then each use and each table access is judged against what the decomposition
allows. The results are ``Finding``s of the SL4xx rules, compared with a baseline so that only
new violations fail a build.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
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
from analyzer.findings.facts import (
    Evidence,
    Finding,
    Use,
    collect_uses,
    finding,
    possessive,
    short,
)
from analyzer.model import AccessMode, CodeModel, DataModel

_RANK = {"error": 0, "warning": 1, "info": 2}
DRIFT_RULES = tuple(r.code for r in RULES)


@dataclass(frozen=True, slots=True)
class Drift:
    violations: tuple[Finding, ...]
    coupling: float  # share of uses among domain code that cross agreed contexts
    assigned: Mapping[str, str]  # element -> context


@dataclass(frozen=True, slots=True)
class _Placed:
    """Where the agreed decomposition puts each element, and what it says of contexts."""

    agreed: Agreed
    assigned: Mapping[str, str]  # element -> context
    unassigned: Mapping[str, str]  # module -> path: modules no pattern matches

    def context_of(self, element: str) -> str | None:
        return self.assigned.get(element) or self.assigned.get(element.partition(":")[0])

    @property
    def kernels(self) -> set[str]:
        return {c.name for c in self.agreed.contexts if c.kernel}


def _place(code: CodeModel, agreed: Agreed) -> _Placed:
    modules = {m.name: m for m in code.modules}
    assigned: dict[str, str] = {}
    unassigned: dict[str, str] = {}
    for module in code.modules:
        elements = [module.name, *(f"{module.name}:{d.name}" for d in module.definitions)]
        for element in elements:
            context = agreed.assign(element, module.name)
            if context is not None:
                assigned[element] = context
            elif element == module.name:
                unassigned[module.name] = modules[module.name].path
    return _Placed(agreed, assigned, unassigned)


Crossing = dict[tuple[str, str], list[Evidence]]  # (context, used context) -> the uses


def _dependencies(placed: _Placed, uses: Sequence[Use], imported: Sequence[Use]
                  ) -> tuple[list[Finding], Crossing, float]:
    """SL401 forbidden-dependency and SL402 private-module-use; also every use that crosses
    agreed contexts (for SL406) and the share of domain code's uses that cross (SL407)."""
    agreed, kernels = placed.agreed, placed.kernels
    crossing: Crossing = defaultdict(list)
    pairs: dict[tuple[Registered, str, str], list[Evidence]] = defaultdict(list)
    called: set[tuple[Registered, str, str]] = set()  # pairs with a use other than an import
    total = crossed = 0
    for number, use in enumerate([*uses, *imported]):
        counted = number < len(uses)  # coupling counts uses, not the imports behind them
        a, b = placed.context_of(use.source), placed.context_of(use.target)
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
        if not allowed or not agreed.context(b).is_public(use.target.partition(":")[0]):
            pairs[key].append(where)
            if not use.kind.startswith("import"):
                called.add(key)
    found: list[Finding] = []
    for (broken, source, target), evidence in sorted(pairs.items()):
        a, b = placed.context_of(source), placed.context_of(target)
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
    return found, crossing, round(crossed / total, 4) if total else 0.0


def _tables(placed: _Placed, data: DataModel, element_of: Callable[[str], str]
            ) -> list[Finding]:
    """SL403 other-context-table-write and SL404 other-context-table-read."""
    owner = placed.agreed.owner_of()
    sites: dict[tuple[Registered, str, str, str], list[Evidence]] = defaultdict(list)
    for access in data.accesses:
        element = element_of(access.atom)
        context, table_owner = placed.context_of(element), owner.get(access.table)
        if context is None or table_owner is None or context == table_owner:
            continue
        if access.mode is AccessMode.READ:
            broken, verb = OTHER_CONTEXT_TABLE_READ, "reads"
        else:
            broken, verb = OTHER_CONTEXT_TABLE_WRITE, "writes"
        sites[(broken, element, access.table, verb)].append(Evidence(
            access.path, access.line, f"{short(element)} {verb} it via {access.via}"))
    found: list[Finding] = []
    for (broken, element, table, verb), evidence in sorted(sites.items()):
        context, table_owner = placed.context_of(element), owner[table]
        assert context is not None
        fix = (f"let {table_owner} do the write through its API or an event it handles"
               if verb == "writes" else
               f"read it through {possessive(table_owner)} API or a read model fed by its "
               "events")
        found.append(coded(broken, finding(
            f"`{short(element)}` ({context}) {verb} `{table}`, which {table_owner} owns",
            f"{element}->{table}", (table_owner, context), evidence, fix, (table,))))
    return found


def _unassigned(placed: _Placed) -> list[Finding]:
    """SL405 unassigned-module."""
    return [coded(UNASSIGNED_MODULE, finding(
        f"module `{name}` matches no context of the agreed decomposition",
        name, (), [Evidence(path, 1, "no context's modules or atoms match it")],
        "add it to a context's modules in the decomposition file (a glob such as "
        "`package.*` keeps new modules covered)"))
        for name, path in sorted(placed.unassigned.items())]


def _cycles(crossing: Crossing) -> list[Finding]:
    """SL406 new-context-cycle: agreed contexts that use each other in a cycle."""
    found: list[Finding] = []
    for group in cycle_groups(crossing):
        edges = sorted(e for e in crossing if e[0] in group and e[1] in group)
        found.append(coded(NEW_CONTEXT_CYCLE, finding(
            f"agreed contexts {', '.join(group)} depend on each other in a cycle: "
            + ", ".join(f"{a} → {b} ({len(crossing[(a, b)])})" for a, b in edges),
            "<->".join(group), tuple(group), [e for edge in edges for e in crossing[edge]],
            f"the cycle is {removable({e: len(crossing[e]) for e in edges})}; invert those "
            "dependencies with an event or a callback interface, or move the code that closes "
            "the cycle")))
    return found


def drift(code: CodeModel, data: DataModel, element_of: Callable[[str], str], agreed: Agreed,
          choice: RuleChoice) -> Drift:
    """The SL401-SL406 findings of the code against ``agreed``, at the severities ``choice``
    gives (SL407, coupling against the baseline, is ``baseline.compare``'s)."""
    placed = _place(code, agreed)
    uses = collect_uses(code, data, element_of)
    imported = import_uses(code, element_of, agreed.imports)
    found, crossing, coupling = _dependencies(placed, uses, imported)
    found += _tables(placed, data, element_of)
    found += _unassigned(placed)
    found += _cycles(crossing)

    levels = dict(choice.severity)
    reads = OTHER_CONTEXT_TABLE_READ.code
    if agreed.reads == "off":
        levels.pop(reads, None)
    elif reads in levels:
        levels[reads] = agreed.reads
    kept = [replace(f, severity=levels[f.code]) for f in found if f.code in levels]
    kept.sort(key=lambda f: (_RANK[f.severity], f.code, f.subject))
    return Drift(tuple(kept), coupling, placed.assigned)
