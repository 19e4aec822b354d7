"""Findings: what blocks a proposed (or agreed) cut, as rules a team can act on.

``find`` takes the code and data models and a decomposition, decides which context owns each
table (``ownership``), runs the rules the configuration selected (``rules``), and drops the
findings an inline ``# seamline: ignore[...]`` comment suppresses. Every finding carries its
code, severity, message, contexts, tables, every evidence location and a remediation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from analyzer.catalogue import RuleChoice, rule, suppressed_codes
from analyzer.coupling import CouplingGraph
from analyzer.findings.facts import Evidence, Finding, Ownership, Toucher, World
from analyzer.findings.ownership import decide_owners
from analyzer.findings.rules import CHECKS, crossings
from analyzer.model import CodeModel, DataModel, Diagnostic, Severity

if TYPE_CHECKING:  # the clustering is not loaded by `seamline check`
    from analyzer.cluster import Decomposition

__all__ = ["Evidence", "Finding", "Findings", "Ownership", "Toucher", "find", "silence",
           "silencers"]

_RANK = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True, slots=True)
class Findings:
    findings: tuple[Finding, ...]
    ownership: tuple[Ownership, ...]
    suppressed: int  # findings an inline comment silenced
    diagnostics: tuple[Diagnostic, ...]  # inline comments naming no known rule
    # (from context, to context, every use that crosses as (source element, target element,
    # where)) for the report's map and pages; SL201 weighs each pair by its number of uses
    dependencies: tuple[tuple[str, str, tuple[tuple[str, str, Evidence], ...]], ...] = ()

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


def find(code: CodeModel, data: DataModel, decomposition: Decomposition, graph: CouplingGraph,
         element_of: Callable[[str], str], choice: RuleChoice,
         suppressions: Mapping[str, Sequence[tuple[int, tuple[str, ...]]]]) -> Findings:
    """``suppressions`` maps a file's path to its ``(line, rule names)`` comments."""
    world = World.build(code, data, decomposition, graph, element_of)
    ownership = decide_owners(world)
    owners = {o.table: o.owner for o in ownership if o.owner is not None}
    found: list[Finding] = []
    for code_name, severity in choice.severity.items():
        if code_name not in CHECKS:  # a rule of `seamline check`
            continue
        known = rule(code_name)
        for finding in CHECKS[code_name](world, owners, choice.options[code_name]):
            found.append(replace(finding, code=known.code, name=known.name, severity=severity))
    silenced, notes = silencers(suppressions)
    kept = silence(found, silenced)
    kept.sort(key=lambda f: (_RANK[f.severity], f.code, f.subject))
    dependencies = tuple((a, b, tuple(sorted(uses, key=lambda u: (u[2], u[0], u[1]))))
                         for (a, b), uses in sorted(crossings(world).items()))
    return Findings(tuple(kept), ownership, len(found) - len(kept), tuple(notes),
                    dependencies)


def silencers(suppressions: Mapping[str, Sequence[tuple[int, tuple[str, ...]]]]
               ) -> tuple[dict[tuple[str, int], set[str]], list[Diagnostic]]:
    silenced: dict[tuple[str, int], set[str]] = {}
    notes: list[Diagnostic] = []
    for path in sorted(suppressions):
        for line, names in suppressions[path]:
            codes, unknown = suppressed_codes(names)
            silenced.setdefault((path, line), set()).update(codes)
            for name in unknown:
                notes.append(Diagnostic(path, line, "unknown-rule",
                                        f"seamline: ignore[{name}] names no rule; see "
                                        "`seamline rules`", Severity.WARNING))
    return silenced, notes


def silence(found: Sequence[Finding], silenced: Mapping[tuple[str, int], set[str]]
            ) -> list[Finding]:
    """The findings no ``# seamline: ignore[...]`` comment on one of their evidence lines
    names."""
    return [f for f in found
            if not any(f.code in silenced.get((e.path, e.line), ()) for e in f.evidence)]
