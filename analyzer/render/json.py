"""The machine-readable output: ``analysis.json``, described by ``analysis.schema.json``.

The document depends only on the analysed files and the settings that change what is read: no
timestamps, no absolute paths, no timings, every list in a fixed order. The same input gives the
same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from analyzer import __version__, jsonout
from analyzer.catalogue import RuleChoice, rule
from analyzer.coupling import SIGNALS, CouplingGraph
from analyzer.model import (
    CodeModel,
    DataModel,
    Definition,
    Diagnostic,
    Import,
    Method,
    Module,
    Param,
    ParseStatus,
    Reference,
    Severity,
    SqlSite,
    Table,
    TableAccess,
)
from analyzer.render.modules_json import modules_text
from analyzer.traces import were_read

if TYPE_CHECKING:  # at run time only their values are read: seamline check never clusters
    from analyzer.cluster import Decomposition
    from analyzer.cluster.metrics import Agreement
    from analyzer.cluster.reference import Scored
    from analyzer.contracts import Contracts
    from analyzer.findings import Evidence, Finding, Findings
    from analyzer.graph.entrypoints import EntryPoint

SCHEMA_VERSION = "1.9"


def _params(params: tuple[Param, ...]) -> list[dict[str, Any]]:
    return [{"name": p.name, "kind": p.kind, "annotation": p.annotation, "default": p.default}
            for p in params]


def _method(method: Method) -> dict[str, Any]:
    return {"name": method.name, "line": method.line, "end_line": method.end_line,
            "decorators": list(method.decorators), "async": method.is_async,
            "params": _params(method.params), "returns": method.returns}


def _definition(module: str, definition: Definition) -> dict[str, Any]:
    return {
        "id": f"{module}:{definition.name}",
        "name": definition.name,
        "kind": definition.kind,
        "line": definition.line,
        "end_line": definition.end_line,
        "decorators": list(definition.decorators),
        "bases": list(definition.bases),
        "async": definition.is_async,
        "methods": [_method(m) for m in definition.methods],
        "params": _params(definition.params),
        "returns": definition.returns,
    }


def _import(item: Import) -> dict[str, Any]:
    return {
        "module": item.module, "symbol": item.symbol, "alias": item.alias, "line": item.line,
        "kind": item.kind.value, "level": item.level, "star": item.star,
        "conditional": item.conditional, "type_checking": item.type_checking,
        "in_function": item.in_function,
    }


def _reference(item: Reference) -> dict[str, Any]:
    return {"source": item.source, "target": item.target, "count": item.count,
            "line": item.line, "kinds": list(item.kinds), "members": list(item.members)}


def _module(module: Module) -> dict[str, Any]:
    return {
        "name": module.name,
        "path": module.path,
        "is_package": module.is_package,
        "lines": module.lines,
        "status": module.status.value,
        "imports": [_import(i) for i in module.imports],
        "definitions": [_definition(module.name, d) for d in module.definitions],
        "variables": [{"name": v.name, "line": v.line} for v in module.variables],
        "references": [_reference(r) for r in module.references],
    }


def _diagnostic(item: Diagnostic) -> dict[str, Any]:
    return {"path": item.path, "line": item.line, "severity": item.severity.value,
            "code": item.code, "message": item.message}


def _table(table: Table) -> dict[str, Any]:
    return {
        "name": table.name,
        "declarations": [{"atom": d.atom, "kind": d.kind, "via": d.via, "path": d.path,
                          "line": d.line, "field": d.field} for d in table.declarations],
        "foreign_keys": [{"column": k.column, "target": k.target, "atom": k.atom, "line": k.line}
                         for k in table.foreign_keys],
    }


def _access(item: TableAccess) -> dict[str, Any]:
    return {"table": item.table, "mode": item.mode.value, "via": item.via, "atom": item.atom,
            "path": item.path, "line": item.line, "confidence": item.confidence.value,
            "lookup": item.lookup, "evidence": item.evidence}


def _sql_site(site: SqlSite) -> dict[str, Any]:
    return {
        "path": site.path, "line": site.line, "atom": site.atom,
        "confidence": site.confidence.value, "text": site.text,
        "statements": [{"kind": s.kind, "reads": list(s.reads), "writes": list(s.writes),
                        "ddl": list(s.ddl), "lookups": list(s.lookups),
                        "problems": list(s.problems)}
                       for s in site.statements],
    }


def _data(data: DataModel) -> dict[str, Any]:
    return {
        "tables": [_table(t) for t in data.tables],
        "accesses": [_access(a) for a in data.accesses],
        "sql": [_sql_site(s) for s in data.sql],
        "links": [{"source": k.source, "target": k.target, "kind": k.kind, "path": k.path,
                   "line": k.line} for k in data.links],
    }


def diagnostics(code: CodeModel, data: DataModel) -> list[Diagnostic]:
    return sorted(set(code.diagnostics) | set(data.diagnostics))


def summary(code: CodeModel, data: DataModel) -> dict[str, int]:
    modules = code.modules
    notes = diagnostics(code, data)
    return {
        "modules": len(modules),
        "parsed": sum(m.status is ParseStatus.OK for m in modules),
        "skipped": sum(m.status is not ParseStatus.OK for m in modules),
        "lines": sum(m.lines for m in modules),
        "imports": sum(len(m.imports) for m in modules),
        "internal_imports": sum(i.kind.value == "internal" for m in modules for i in m.imports),
        "definitions": sum(len(m.definitions) for m in modules),
        "methods": sum(len(d.methods) for m in modules for d in m.definitions),
        "references": sum(len(m.references) for m in modules),
        "tables": len(data.tables),
        "accesses": len(data.accesses),
        "sql_sites": len(data.sql),
        "links": len(data.links),
        "errors": sum(d.severity is Severity.ERROR for d in notes),
        "warnings": sum(d.severity is Severity.WARNING for d in notes),
    }


def _agreement(found: Agreement | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {"ari": round(found.ari, 4), "ami": round(found.ami, 4),
            "mojofm": round(found.mojofm, 2), "elements": found.n,
            "contexts": found.k_proposed, "reference_contexts": found.k_truth}


def contexts_document(decomposition: Decomposition, graph: CouplingGraph,
                      entry_points: tuple[EntryPoint, ...] | list[EntryPoint],
                      reference: Scored | None) -> dict[str, Any]:
    """The proposed cut: contexts, every placement with its reasons, the module plan, how
    the number of contexts was chosen, the metrics and (with a reference) the agreement."""
    options = decomposition.options
    scores = decomposition.scores
    signals_used = sorted({e.signal for e in graph.edges}, key=SIGNALS.index)
    return {
        "options": {
            "granularity": options.granularity,
            "weights": {s: options.weights.get(s, 0.0) for s in SIGNALS},
            "contexts": options.contexts, "resolution": options.resolution,
            "seed": options.seed, "shared_kernel": options.kernel,
        },
        "signals_present": signals_used,
        "notes": list(graph.notes),
        "choice": {
            "mode": decomposition.choice.mode,
            "resolution": decomposition.choice.resolution,
            "reasoning": list(decomposition.choice.reasoning),
            "candidates": [{"resolution": c.resolution, "contexts": c.contexts,
                            "modularity": c.modularity, "stability": c.stability}
                           for c in decomposition.choice.candidates],
        },
        "contexts": [
            {"name": c.name, "kind": c.kind, "terms": list(c.terms), "lines": c.lines,
             "elements": list(c.elements), "modules": list(c.modules),
             "tables": list(c.tables)}
            for c in decomposition.contexts
        ],
        "placements": [
            {"element": p.element, "context": p.context, "how": p.how,
             "signals": dict(p.signals),
             "strongest": [{"node": n, "signal": s, "weight": w} for n, s, w in p.strongest],
             "runner_up": p.runner_up, "margin": p.margin}
            for p in decomposition.placements
        ],
        "modules": [
            {"module": m.module, "context": m.context,
             "split": [{"context": c, "elements": list(e)} for c, e in m.split]}
            for m in decomposition.modules
        ],
        "entry_points": [{"atom": e.atom, "kind": e.kind, "path": e.path, "line": e.line}
                         for e in entry_points],
        "conflicts": list(decomposition.conflicts),
        "metrics": {
            "contexts": scores.k, "elements": scores.elements,
            "modularity": scores.modularity, "sm": round(scores.sm, 4),
            "icp": round(scores.icp, 4), "ifn": round(scores.ifn, 4),
            "ned": round(scores.ned, 4), "bcp": round(scores.bcp, 4),
            "cross_context_ratio": round(scores.cross_ratio, 4),
            "data_purity": round(scores.data_purity, 4),
            "tables_written_by_several": scores.multi_writer_tables,
        },
        "reference": None if reference is None else {
            "name": reference.reference, "atoms": _agreement(reference.atoms),
            "modules": _agreement(reference.modules), "unscored": reference.unscored,
        },
    } | _runtime(decomposition, graph)


def _runtime(decomposition: Decomposition, graph: CouplingGraph) -> dict[str, Any]:
    """With traces: each runtime call and table access, the contexts at its ends, whether a
    static reference shows it too, and its evidence (absent without traces, empty when they
    show none of the code)."""
    traced = [e for e in graph.edges if e.signal == "runtime"]
    if not traced and not were_read(graph):
        return {}
    context_of = decomposition.assignment()
    static = {(e.source, e.target) for e in graph.edges if e.signal in ("code", "links")}
    return {"runtime": [
        {"source": e.source, "target": e.target, "kind": e.kind, "count": e.count,
         "from": context_of.get(e.source), "to": context_of.get(e.target),
         "static": (e.source, e.target) in static,
         "evidence": [{"trace": t, "span": name} for t, name in e.evidence]}
        for e in traced]}


def _evidence(items: tuple[Evidence, ...]) -> list[dict[str, Any]]:
    return [{"path": e.path, "line": e.line, "what": e.what} for e in items]


def finding_dict(item: Finding) -> dict[str, Any]:
    """Every field of a finding, as JSON (analysis.json and `seamline check --format json`)."""
    return {"code": item.code, "name": item.name, "severity": item.severity,
            "message": item.message, "subject": item.subject, "contexts": list(item.contexts),
            "tables": list(item.tables), "evidence": _evidence(item.evidence),
            "remediation": item.remediation}


def findings_document(found: Findings, choice: RuleChoice) -> dict[str, Any]:
    """The rules that ran, every finding with its evidence, and who owns each table."""
    return {
        "rules": [{"code": code, "severity": level, "options": dict(choice.options[code])}
                  for code, level in choice.severity.items() if rule(code).stage == "analyze"],
        "counts": {"error": found.count("error"), "warning": found.count("warning"),
                   "info": found.count("info"), "suppressed": found.suppressed},
        "items": [finding_dict(f) for f in found.findings],
        "ownership": [
            {"table": o.table, "owner": o.owner, "reason": o.reason,
             "touchers": [{"context": t.context, "writes": t.writes, "reads": t.reads,
                           "declares": t.declares} for t in o.touchers],
             "evidence": _evidence(o.evidence)}
            for o in found.ownership
        ],
    }


def contracts_document(found: Contracts, folder: str = "contracts",
                       protocols: Sequence[str] = ("openapi",)) -> dict[str, Any]:
    """Per context: its documents (relative to the output folder; ``proto`` and ``graphql``
    null unless ``protocols`` has them), operations, events and what maps to no operation.
    The documents themselves are the YAML (proto, SDL) files."""
    from analyzer.contracts import contract_file  # libcst, through the type schemas

    return {"contexts": [
        {"context": c.context,
         "openapi": f"{folder}/{contract_file(c.context, 'openapi')}",
         "asyncapi": None if c.asyncapi is None else
         f"{folder}/{contract_file(c.context, 'asyncapi')}",
         "proto": f"{folder}/{contract_file(c.context, '', 'proto')}"
         if "grpc" in protocols else None,
         "graphql": f"{folder}/{contract_file(c.context, '', 'graphql')}"
         if "graphql" in protocols else None,
         "operations": c.routes(), "events": c.events(), "unmapped": c.unmapped()}
        for c in found.contexts]}


def analysis_document(root_name: str, source_roots: tuple[str, ...],
                      code: CodeModel, data: DataModel,
                      contexts: dict[str, Any] | None = None,
                      findings: dict[str, Any] | None = None,
                      notes: list[Diagnostic] | None = None,
                      contracts: dict[str, Any] | None = None) -> dict[str, Any]:
    """``findings`` as ``findings_document`` made it; ``notes``: every diagnostic of the run
    (default: the code and data models')."""
    return _document(root_name, source_roots, code, data, [_module(m) for m in code.modules],
                     contexts, findings, notes, contracts)


def analysis_json(root_name: str, source_roots: tuple[str, ...], code: CodeModel,
                  data: DataModel, contexts: dict[str, Any] | None = None,
                  findings: dict[str, Any] | None = None, notes: list[Diagnostic] | None = None,
                  contracts: dict[str, Any] | None = None) -> bytes:
    """``dumps(analysis_document(...))``, the modules written straight to text
    (``modules_json``)."""
    modules = jsonout.Text(partial(modules_text, code.modules))
    return dumps(_document(root_name, source_roots, code, data, modules, contexts, findings,
                           notes, contracts))


def _document(root_name: str, source_roots: tuple[str, ...], code: CodeModel, data: DataModel,
              modules: list[dict[str, Any]] | jsonout.Text, contexts: dict[str, Any] | None,
              findings: dict[str, Any] | None, notes: list[Diagnostic] | None,
              contracts: dict[str, Any] | None) -> dict[str, Any]:
    notes = diagnostics(code, data) if notes is None else notes
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "seamline", "version": __version__},
        "project": {"name": root_name, "source_roots": list(source_roots)},
        "summary": summary(code, data) | {
            "errors": sum(d.severity is Severity.ERROR for d in notes),
            "warnings": sum(d.severity is Severity.WARNING for d in notes)},
        "modules": modules,
        "data": _data(data),
        "contexts": contexts,
        "findings": findings,
        "contracts": contracts,
        "diagnostics": [_diagnostic(d) for d in notes],
    }


def dumps(document: dict[str, Any]) -> bytes:
    """The bytes of a JSON file seamline writes (``json.dumps(..., indent=1)``, but faster)."""
    return jsonout.dumps(document)
