"""Drift: how the code departs from the agreed decomposition (``seamline check``).

The code is cut by the agreed decomposition (``Partition.agreed_on``: every definition, and
each module's own code, goes to its most specific pattern's context) and judged by the SL4xx
rules (``findings.rules.drift``), whose findings ``baseline.compare`` tells apart into new and
known, so that only new violations fail a build.
"""

from __future__ import annotations

from dataclasses import dataclass

from analyzer.catalogue import RuleChoice
from analyzer.findings import Finding, Partition, Project, judge
from analyzer.findings.rules.drift import dependencies


@dataclass(frozen=True, slots=True)
class Drift:
    violations: tuple[Finding, ...]
    coupling: float  # share of uses among domain code that cross agreed contexts


def drift(project: Project, partition: Partition, choice: RuleChoice) -> Drift:
    """The SL4xx findings of ``project`` against the agreed ``partition``, at the severities
    ``choice`` gives, reads of other contexts' tables (SL404) at the decomposition's own
    ``check.reads`` level. SL407 compares with ``project.baseline_coupling``, when known."""
    assert partition.agreed is not None
    levels = dict(choice.severity)
    reads = "SL404"
    if partition.agreed.reads == "off":
        levels.pop(reads, None)
    elif reads in levels:
        levels[reads] = partition.agreed.reads
    found = judge(project, partition, RuleChoice(levels, choice.options), "check")
    return Drift(tuple(found), dependencies(project, partition).coupling)
