"""The machine-readable output: ``analysis.json``, described by ``analysis.schema.json``.

The document depends only on the analysed files and the settings that change what is read: no
timestamps, no absolute paths, no timings, every list in a fixed order. The same input gives the
same bytes.
"""

from __future__ import annotations

import json
from typing import Any

from analyzer import __version__
from analyzer.model import (
    CodeModel,
    Definition,
    Diagnostic,
    Import,
    Method,
    Module,
    ParseStatus,
    Reference,
    Severity,
)

SCHEMA_VERSION = "1.0"


def _method(method: Method) -> dict[str, Any]:
    return {"name": method.name, "line": method.line, "end_line": method.end_line,
            "decorators": list(method.decorators), "async": method.is_async}


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
            "line": item.line, "kinds": list(item.kinds)}


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


def summary(code: CodeModel) -> dict[str, int]:
    modules = code.modules
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
        "errors": sum(d.severity is Severity.ERROR for d in code.diagnostics),
        "warnings": sum(d.severity is Severity.WARNING for d in code.diagnostics),
    }


def analysis_document(root_name: str, source_roots: tuple[str, ...],
                      code: CodeModel) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "seamline", "version": __version__},
        "project": {"name": root_name, "source_roots": list(source_roots)},
        "summary": summary(code),
        "modules": [_module(m) for m in code.modules],
        "diagnostics": [_diagnostic(d) for d in code.diagnostics],
    }


def dumps(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
