"""The SL4xx rule family: drift from the agreed decomposition, run by ``seamline check``.

Each rule is registered here with its code and name (``rules/findings.toml`` gives its
severity and options, ``rules/docs/`` documents it); ``analyzer.drift`` and
``analyzer.drift.baseline`` report findings under these and no other codes.
"""

from __future__ import annotations

from dataclasses import replace

from analyzer.catalogue import Registered
from analyzer.findings.facts import Finding

FORBIDDEN_DEPENDENCY = Registered("SL401", "forbidden-dependency")
PRIVATE_MODULE_USE = Registered("SL402", "private-module-use")
OTHER_CONTEXT_TABLE_WRITE = Registered("SL403", "other-context-table-write")
OTHER_CONTEXT_TABLE_READ = Registered("SL404", "other-context-table-read")
UNASSIGNED_MODULE = Registered("SL405", "unassigned-module")
NEW_CONTEXT_CYCLE = Registered("SL406", "new-context-cycle")
COUPLING_REGRESSION = Registered("SL407", "coupling-regression")

RULES: tuple[Registered, ...] = (
    FORBIDDEN_DEPENDENCY, PRIVATE_MODULE_USE, OTHER_CONTEXT_TABLE_WRITE,
    OTHER_CONTEXT_TABLE_READ, UNASSIGNED_MODULE, NEW_CONTEXT_CYCLE, COUPLING_REGRESSION)


def coded(registered: Registered, item: Finding, severity: str | None = None) -> Finding:
    """``item`` reported under ``registered``, at its default severity unless one is given."""
    return replace(item, code=registered.code, name=registered.name,
                   severity=registered.severity if severity is None else severity)
