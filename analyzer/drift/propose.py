"""``seamline init``: an agreed decomposition to start from, made from a proposal.

Each context gets the modules it holds whole (a package it holds whole as ``pkg`` and
``pkg.*``), the definitions it holds in modules it shares, the tables it owns, the contexts it
uses today (the kernel included: what it uses today is written down for the team to prune),
so the first check fails only on cycles and on tables written or read across contexts, which
the baseline records; and, as its public interface, the modules other contexts use today.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from analyzer.cluster import KERNEL, UNPLACED, Decomposition
from analyzer.decomposition import Agreed, AgreedContext
from analyzer.findings import Ownership
from analyzer.findings.facts import collect_uses
from analyzer.model import CodeModel, DataModel


def propose_agreed(code: CodeModel, data: DataModel, decomposition: Decomposition,
                   ownership: Sequence[Ownership], element_of: Callable[[str], str]) -> Agreed:
    home: dict[str, str] = {}  # module -> context
    atoms: dict[str, list[str]] = defaultdict(list)
    for plan in decomposition.modules:
        context = KERNEL if plan.context == UNPLACED else plan.context
        home[plan.module] = context
        for part, elements in plan.split:
            if part not in (context, UNPLACED):
                atoms[part].extend(e for e in elements if ":" in e)
    for module in code.modules:  # modules with no element (an empty __init__) follow the
        home.setdefault(module.name, _parent_context(module.name, home))  # package
    assigned = dict(home)
    element_context = {e: c for c, elements in atoms.items() for e in elements}

    def context_of(element: str) -> str | None:
        return element_context.get(element) or assigned.get(element.partition(":")[0])

    uses: dict[str, set[str]] = defaultdict(set)
    public: dict[str, set[str]] = defaultdict(set)
    for use in collect_uses(code, data, element_of):
        a, b = context_of(use.source), context_of(use.target)
        if a and b and a != b:
            uses[a].add(b)
            if b != KERNEL:
                public[b].add(use.target.partition(":")[0])
    tables: dict[str, list[str]] = defaultdict(list)
    for owned in ownership:
        if owned.owner is not None:
            tables[owned.owner].append(owned.table)
    names = sorted(set(home.values()) | set(atoms))
    contexts = []
    for name in names:
        modules = _patterns(sorted(m for m, c in home.items() if c == name), home)
        kernel = name == KERNEL
        contexts.append(AgreedContext(
            name=name, modules=tuple(modules), atoms=tuple(sorted(atoms.get(name, ()))),
            public=None if kernel else tuple(sorted(public.get(name, ()))),
            tables=tuple(sorted(tables.get(name, ()))),
            uses=tuple(sorted(uses.get(name, set()) - {name})),
            kernel=kernel))
    return Agreed(tuple(c for c in contexts if c.modules or c.atoms))


def _parent_context(module: str, home: dict[str, str]) -> str:
    parts = module.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        found = home.get(".".join(parts[:cut]))
        if found is not None:
            return found
    children = sorted(c for m, c in home.items() if m.startswith(module + "."))
    return max(sorted(set(children)), key=children.count) if children else KERNEL


def _patterns(modules: list[str], home: dict[str, str]) -> list[str]:
    """Module names, a package held whole folded into ``pkg`` and ``pkg.*``."""
    chosen = set(modules)
    result: list[str] = []
    covered: set[str] = set()
    for module in modules:
        if module in covered:
            continue
        below = [m for m in home if m.startswith(module + ".")]
        if below and all(m in chosen for m in below):
            result += [module, f"{module}.*"]
            covered.update(below)
        else:
            result.append(module)
    return result
