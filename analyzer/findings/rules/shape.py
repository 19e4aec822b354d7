"""SL3xx, the shape rules: how a proposed cut divides the code (modules it splits, the size of
the shared kernel). They read the cut's own plan, so they judge proposed partitions only."""

from __future__ import annotations

from collections import defaultdict

from analyzer.findings.facts import Evidence, Finding, finding, short
from analyzer.findings.partition import Partition
from analyzer.findings.project import Project
from analyzer.findings.rule import Rule


class GodModule(Rule):
    code, name = "SL301", "god-module"

    def check(self, project: Project, partition: Partition) -> list[Finding]:
        if partition.decomposition is None:
            return []
        found: list[Finding] = []
        for plan in partition.decomposition.modules:
            parts = sorted((c, elements) for c, elements in plan.split
                           if c not in partition.others)
            if len(parts) < max(2, self.options["min-contexts"]):  # one context is no split
                continue
            evidence = [Evidence(*project.site(e), f"{short(e)} → {c}")
                        for c, elements in parts for e in elements]
            moves = "; ".join(
                f"{', '.join(short(e).partition(':')[2] or short(e) for e in elements)} → {c}"
                for c, elements in parts)
            found.append(finding(
                f"module `{plan.module}` holds code of {len(parts)} contexts: "
                f"{', '.join(c for c, _ in parts)}",
                plan.module, tuple(sorted(c for c, _ in parts)), evidence,
                f"split it along the plan: {moves}"))
        return found


class OversizedKernel(Rule):
    code, name = "SL302", "oversized-kernel"

    def check(self, project: Project, partition: Partition) -> list[Finding]:
        if partition.decomposition is None:
            return []
        sizes: dict[str, int] = defaultdict(int)
        kernel_lines = total = 0
        for placement in partition.decomposition.placements:
            node = project.nodes[placement.element]
            if placement.context in partition.unplaced:
                continue
            total += node.size
            if placement.context in partition.kernels:
                kernel_lines += node.size
                sizes[node.module or node.id] += node.size
        share = kernel_lines / total if total else 0.0
        limit = self.options["max-share"]
        if share <= limit:
            return []
        largest = sorted(sizes, key=lambda m: (-sizes[m], m))[:10]
        paths = {n.module: n.path for n in project.nodes.values() if n.module}
        kernels = tuple(sorted(partition.kernels))
        return [finding(
            f"the shared kernel holds {share:.0%} of the placed code ({kernel_lines:,} of "
            f"{total:,} lines; the limit is {limit:.0%})",
            ", ".join(kernels), kernels,
            [Evidence(paths.get(m, m), 1, f"{sizes[m]:,} lines in the kernel") for m in largest],
            "keep only generic utilities in the kernel: pin domain code to its context, or "
            "raise max-share knowingly")]
