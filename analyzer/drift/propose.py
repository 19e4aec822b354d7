"""``seamline init``: an agreed decomposition to start from, made from a proposal.

Each context gets the modules it holds (a package it holds with most of its modules as ``pkg``
and ``pkg.*``, so that a module added to it later is placed, and the exceptions by name), the
definitions it holds in modules it shares, the tables it owns, the contexts it uses today,
imports included (the kernel too: what it uses today is written down for the team to prune),
so the first check fails only on cycles and on tables written or read across contexts, which
the baseline records; and, as its public interface, the modules other contexts use today.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from analyzer.coupling import KERNEL, UNPLACED
from analyzer.decomposition import DEFAULT_IMPORTS, Agreed, AgreedContext
from analyzer.findings import Ownership, Partition, Project

if TYPE_CHECKING:  # the clustering is not loaded by `seamline check`
    from analyzer.cluster import Decomposition


def propose_agreed(project: Project, decomposition: Decomposition,
                   ownership: Sequence[Ownership]) -> Agreed:
    code = project.code
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
    names = sorted(set(home.values()) | set(atoms))
    patterns = _module_patterns(home, {m.name for m in code.modules if m.is_package})
    # what the contexts use today, as `seamline check` will see them: the code cut by the
    # patterns being written (they place every module and definition where the proposal does)
    placed = Agreed(tuple(AgreedContext(name, tuple(patterns.get(name, ())),
                                        tuple(sorted(atoms.get(name, ())))) for name in names))
    partition = Partition.agreed_on(placed, project.element_of)
    uses: dict[str, set[str]] = defaultdict(set)
    public: dict[str, set[str]] = defaultdict(set)
    for use in [*project.uses, *(e.use for e in project.imports(DEFAULT_IMPORTS))]:
        a, b = partition.context(use.source), partition.context(use.target)
        if a and b and a != b:
            uses[a].add(b)
            if b != KERNEL:
                public[b].add(use.target.partition(":")[0])
    tables: dict[str, list[str]] = defaultdict(list)
    for owned in ownership:
        if owned.owner is not None:
            tables[owned.owner].append(owned.table)
    plumbing = {c.name for c in decomposition.contexts if c.kind == "infrastructure"}
    contexts = []
    for name in names:
        kernel = name == KERNEL
        contexts.append(AgreedContext(
            name=name, modules=tuple(patterns.get(name, ())),
            atoms=tuple(sorted(atoms.get(name, ()))),
            public=None if kernel else tuple(sorted(public.get(name, ()))),
            tables=tuple(sorted(tables.get(name, ()))),
            uses=tuple(sorted(uses.get(name, set()) - {name})),
            kernel=kernel, infrastructure=name in plumbing))
    return Agreed(tuple(c for c in contexts if c.modules or c.atoms))


def _parent_context(module: str, home: dict[str, str]) -> str:
    parts = module.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        found = home.get(".".join(parts[:cut]))
        if found is not None:
            return found
    children = sorted(c for m, c in home.items() if m.startswith(module + "."))
    return max(sorted(set(children)), key=children.count) if children else KERNEL


def _module_patterns(home: dict[str, str], packages: set[str]) -> dict[str, list[str]]:
    """Each context's module patterns: ``pkg`` and ``pkg.*`` for a package whose own module
    the context holds together with most of the modules below it (so a module added to the
    package later is the context's too), and the exact name of every module those globs
    would place elsewhere (an exact name is more specific than any glob)."""
    found: dict[str, set[str]] = defaultdict(set)
    for package in sorted(packages):
        context = home.get(package)
        below = [home[m] for m in home if m.startswith(package + ".")]
        if context is not None and 2 * below.count(context) > len(below):
            found[context].update((package, f"{package}.*"))
    globbed = Agreed(tuple(AgreedContext(c, tuple(sorted(p))) for c, p in found.items()))
    for module, context in home.items():
        if globbed.assign(module, module) != context:
            found[context].add(module)
    return {context: sorted(patterns) for context, patterns in found.items()}
