"""Findings: what blocks a cut, as rules a team can act on.

``judge`` runs the rules a configuration chose (``rules.RULES``, one table from code to rule)
on a ``Project`` cut by a ``Partition``, proposed or agreed. ``find`` is what ``seamline
analyze`` makes of a proposed cut: the analyze rules' findings, who owns each table
(``ownership``), and the findings an inline ``# seamline: ignore[...]`` comment suppresses left
out. Every finding carries its code, severity, message, contexts, tables, every evidence
location and a remediation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from analyzer.catalogue import RuleChoice, suppressed_codes
from analyzer.findings.facts import Evidence, Finding, Ownership, Toucher
from analyzer.findings.ownership import ownership
from analyzer.findings.partition import Partition
from analyzer.findings.project import Project
from analyzer.findings.rules import RULES
from analyzer.findings.rules.dependencies import crossings
from analyzer.model import Diagnostic, Severity

__all__ = ["Evidence", "Finding", "Findings", "Ownership", "Partition", "Project", "Toucher",
           "find", "judge", "silence", "silencers"]

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


def judge(project: Project, partition: Partition, choice: RuleChoice, stage: str
          ) -> list[Finding]:
    """The findings of the rules of ``stage`` (``analyze`` or ``check``) that ``choice``
    runs, at its severities, most severe first, then by code and subject."""
    found: list[Finding] = []
    for code, severity in choice.severity.items():
        rule = RULES[code]
        if rule.stage() != stage:
            continue
        for item in rule(choice.options[code]).check(project, partition):
            found.append(replace(item, code=rule.code, name=rule.name, severity=severity))
    found.sort(key=lambda f: (_RANK[f.severity], f.code, f.subject))
    return found


def find(project: Project, partition: Partition, choice: RuleChoice,
         suppressions: Mapping[str, Sequence[tuple[int, tuple[str, ...]]]]) -> Findings:
    """``seamline analyze``'s findings on a proposed cut. ``suppressions`` maps a file's path
    to its ``(line, rule names)`` comments."""
    found = judge(project, partition, choice, "analyze")
    silenced, notes = silencers(suppressions)
    kept = silence(found, silenced)
    dependencies = tuple((a, b, tuple(sorted(uses, key=lambda u: (u[2], u[0], u[1]))))
                         for (a, b), uses in sorted(crossings(project, partition).items()))
    return Findings(tuple(kept), ownership(project, partition), len(found) - len(kept),
                    tuple(notes), dependencies)


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
