"""Scoring a cut against a reference decomposition: MoJoFM, ARI and AMI.

A reference is either ``packages`` (the current layout: each module's application package) or
a TOML mapping file::

    [modules]                      # module name or pattern -> context
    "shop.orders" = "orders"
    "shop.orders.*" = "orders"
    "shop.utils.*" = "shared"      # "shared" (or "kernel"): a shared kernel, not scored

    [atoms]                        # optional, finer: one definition -> context
    "shop.models:Order" = "orders"

A module mapped to ``split`` takes its atoms from ``[atoms]``. The most specific entry wins:
an exact name, then the longest pattern. Elements the reference leaves out, or calls shared,
are not scored; elements seamline puts in its shared kernel are scored as one more group, so
a kernel never hides a wrong cut.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from analyzer.cluster import Decomposition, metrics
from analyzer.coupling import CouplingGraph
from analyzer.errors import ConfigError
from analyzer.tomlfile import read_toml

NOT_SCORED = frozenset({"shared", "kernel", "shared-kernel", "split"})


@dataclass(frozen=True, slots=True)
class Reference:
    name: str
    modules: tuple[tuple[str, str], ...]  # (name or pattern, context)
    atoms: Mapping[str, str]

    def module_context(self, module: str) -> str | None:
        """An exact entry, else the longest matching pattern (the first of equal length)."""
        best: tuple[str, str] | None = None
        for pattern, context in self.modules:
            if pattern == module:
                return context
            if (any(c in pattern for c in "*?[") and fnmatchcase(module, pattern)
                    and (best is None or len(pattern) > len(best[0]))):
                best = (pattern, context)
        return best[1] if best else None


@dataclass(frozen=True, slots=True)
class Scored:
    reference: str
    atoms: metrics.Agreement | None
    modules: metrics.Agreement | None
    unscored: int  # elements the reference leaves out or calls shared


def load_reference(path: Path) -> Reference:
    data = read_toml(path, "reference")
    modules, atoms = data.get("modules", {}), data.get("atoms", {})
    for section, table in (("modules", modules), ("atoms", atoms)):
        if not isinstance(table, dict) or not all(isinstance(v, str) for v in table.values()):
            raise ConfigError(f"[{section}] must map names to context names", source=str(path))
    if not modules and not atoms:
        raise ConfigError("a reference needs a [modules] or an [atoms] table", source=str(path))
    return Reference(path.name, tuple(modules.items()), dict(atoms))


def packages_reference(graph: CouplingGraph) -> Reference:
    """The current layout as a reference: descend from the top package while one
    subpackage holds more than half of the modules; each module's context is then the
    package it lives in at that depth (or its own name when it lies outside)."""
    modules = sorted({n.module for n in graph.nodes if n.is_element and n.module})
    prefix: list[str] = []
    while True:
        depth = len(prefix)
        inside = [m.split(".") for m in modules if m.split(".")[:depth] == prefix]
        heads = Counter(parts[depth] for parts in inside if len(parts) > depth + 1)
        if not heads:
            break
        head, count = heads.most_common(1)[0]
        if count * 2 <= len(inside):
            break
        prefix.append(head)
    mapping: list[tuple[str, str]] = []
    for module in modules:
        parts = module.split(".")
        shared = 0
        while shared < len(prefix) and shared < len(parts) and parts[shared] == prefix[shared]:
            shared += 1
        mapping.append((module, parts[min(shared, len(parts) - 1)]))
    return Reference("packages", tuple(mapping), {})


def score_against(reference: Reference, graph: CouplingGraph,
                  decomposition: Decomposition) -> Scored:
    placed = decomposition.assignment()
    nodes = graph.node_map()
    truth_atoms: dict[str, str] = {}
    unscored = 0
    for element, _ in sorted(placed.items()):
        node = nodes[element]
        module_truth = reference.module_context(node.module)
        truth = reference.atoms.get(element)
        if truth is None and module_truth not in (None, "split"):
            truth = module_truth
        if truth is None or truth in NOT_SCORED:
            unscored += 1
            continue
        truth_atoms[element] = truth
    proposed_atoms = {e: placed[e] for e in truth_atoms}
    module_plan = {plan.module: plan.context for plan in decomposition.modules}
    truth_modules = {}
    for module in module_plan:
        truth = reference.module_context(module)
        if truth is not None and truth not in NOT_SCORED:
            truth_modules[module] = truth
    proposed_modules = {m: module_plan[m] for m in truth_modules}
    return Scored(
        reference=reference.name,
        atoms=metrics.compare(proposed_atoms, truth_atoms) if truth_atoms else None,
        modules=metrics.compare(proposed_modules, truth_modules) if truth_modules else None,
        unscored=unscored,
    )
