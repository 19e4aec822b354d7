"""SL2xx, the dependency rules: uses of one domain context's code by another's (calls,
references, framework links), which a split turns into calls over the network."""

from __future__ import annotations

from collections import defaultdict

from analyzer.findings.cycles import cycle_groups, removable
from analyzer.findings.facts import Evidence, Finding, finding, listed, short
from analyzer.findings.partition import Partition
from analyzer.findings.project import Project
from analyzer.findings.rule import Rule
from analyzer.text import count

Crossings = dict[tuple[str, str], list[tuple[str, str, Evidence]]]


def crossings(project: Project, partition: Partition) -> Crossings:
    """(from context, to context) -> (source, target, where) for every use that crosses
    domain contexts (computed once per partition)."""
    return project.derived("crossings", partition, lambda: _crossings(project, partition))


def _crossings(project: Project, partition: Partition) -> Crossings:
    crossing: Crossings = defaultdict(list)
    for use in project.uses:
        a, b = partition.domain(use.source), partition.domain(use.target)
        if a is None or b is None or a == b:
            continue
        crossing[(a, b)].append((use.source, use.target, Evidence(
            use.path, use.line, f"{a} → {b}: {short(use.source)} uses {short(use.target)}, "
                                f"{use.kind}")))
    return crossing


_SHOWN_EDGES = 6


_HOW_TO_BREAK = ("invert it with an event or a callback interface, move the code that closes "
                 "the cycle, or merge the contexts")


class ContextCycle(Rule):
    code, name = "SL201", "context-cycle"

    def check(self, project: Project, partition: Partition) -> list[Finding]:
        crossing = crossings(project, partition)
        found: list[Finding] = []
        for group in cycle_groups(crossing):
            members = set(group)
            edges = sorted((a, b) for a, b in crossing if a in members and b in members)
            strongest = sorted(edges, key=lambda e: (-len(crossing[e]), e))
            described = ", ".join(f"{a} → {b} ({count(len(crossing[(a, b)]), 'use')})"
                                  for a, b in strongest[:_SHOWN_EDGES])
            if len(edges) > _SHOWN_EDGES:
                more = len(edges) - _SHOWN_EDGES
                described += f" and {count(more, 'more dependency', 'more dependencies')}"
            found.append(finding(
                f"contexts {listed(group)} depend on each other in a cycle: {described}",
                "<->".join(group), tuple(group),
                [e for edge in edges for _, _, e in crossing[edge]],
                # the fewest dependencies to cut, the fewest uses among them: one answer, so
                # the fix never names two different places
                f"the cycle is {removable({e: len(crossing[e]) for e in edges})}; for each, "
                + _HOW_TO_BREAK))
        return found


def _first_per_pair(uses: list[tuple[str, str, Evidence]]) -> list[Evidence]:
    first: dict[tuple[str, str], Evidence] = {}
    for source, target, where in uses:
        if (source, target) not in first or where < first[(source, target)]:
            first[(source, target)] = where
    return list(first.values())


class ChattyBoundary(Rule):
    code, name = "SL202", "chatty-boundary"

    def check(self, project: Project, partition: Partition) -> list[Finding]:
        limit = self.options["max-calls"]
        found: list[Finding] = []
        for (a, b), uses in sorted(crossings(project, partition).items()):
            pairs = {(s, t) for s, t, _ in uses}
            if len(pairs) <= limit:
                continue
            targets = len({t for _, t in pairs})
            callers = len({s for s, _ in pairs})
            found.append(finding(
                f"{a} reaches into {b} through {len(pairs)} distinct caller-callee pairs "
                f"({count(callers, 'caller')} in {a}, {count(targets, 'callee')} in {b}); "
                f"max-calls is {limit}",
                f"{a}->{b}", (a, b), _first_per_pair(uses),
                f"give {b} a few coarser operations (a facade over what {a} needs), or move "
                f"the {a} code that depends on {b} so closely into {b}"))
        return found
