"""The one table from rule code to rule (ruff's ``codes.rs``): every rule seamline runs, one
module per family.

* ``data``: SL1xx, tables and who touches them;
* ``dependencies``: SL2xx, dependencies between contexts (SL203, the synchronous call chains,
  in ``findings.chains``);
* ``shape``: SL3xx, the shape of a proposed cut;
* ``drift``: SL4xx, drift from the agreed decomposition (``seamline check``).

To add a rule: give it an entry in ``rules/findings.toml`` and a page in ``rules/docs/``,
write its class in its family's module, and add one line here; ``tests/test_rules.py`` keeps
the four in step.
"""

from __future__ import annotations

from analyzer.findings import chains
from analyzer.findings.rule import Rule
from analyzer.findings.rules import data, dependencies, drift, shape

RULES: dict[str, type[Rule]] = {
    "SL101": data.SharedTableWrite,
    "SL102": data.ForeignTableRead,
    "SL103": data.CrossContextForeignKey,
    "SL104": data.MultiContextWrite,
    "SL105": data.CrossContextJoin,
    "SL201": dependencies.ContextCycle,
    "SL202": dependencies.ChattyBoundary,
    "SL203": chains.SyncCallChain,
    "SL301": shape.GodModule,
    "SL302": shape.OversizedKernel,
    "SL401": drift.ForbiddenDependency,
    "SL402": drift.PrivateModuleUse,
    "SL403": drift.OtherContextTableWrite,
    "SL404": drift.OtherContextTableRead,
    "SL405": drift.UnassignedModule,
    "SL406": drift.NewContextCycle,
    "SL407": drift.CouplingRegression,
}
