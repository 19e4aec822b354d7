"""The HTML report: Jinja2 templates from ``reports/``, autoescaped, loading nothing remote.

Everything taken from the analysed code reaches the page only through Jinja2's autoescaping;
the page's Content-Security-Policy forbids scripts and remote loads.
"""

from __future__ import annotations

import re
from typing import Any

import jinja2
import markupsafe

from analyzer import __version__
from analyzer.catalogue import catalogue
from analyzer.model import AccessMode, CodeModel, DataModel, ImportKind
from analyzer.render.json import SCHEMA_VERSION, diagnostics, summary
from analyzer.resources import reports_dir

_TICKS = re.compile(r"`([^`<>]+)`")


def ticks(text: str) -> markupsafe.Markup:
    """A message's `names` as <code>: the text is escaped first, so only escaped text ever
    lands between the tags."""
    escaped = str(markupsafe.escape(text))
    return markupsafe.Markup(_TICKS.sub(r"<code>\1</code>", escaped))


def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(reports_dir() / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    environment.filters["ticks"] = ticks
    return environment


def _table_rows(data: DataModel) -> list[dict[str, object]]:
    """Per table: who declares it, which atoms write it and how many read it."""
    rows: list[dict[str, object]] = []
    for table in data.tables:
        accesses = [a for a in data.accesses if a.table == table.name]
        writers = sorted({a.atom for a in accesses if a.mode is AccessMode.WRITE})
        rows.append({
            "name": table.name,
            "declared": sorted({d.atom for d in table.declarations}),
            "writers": writers,
            "readers": len({a.atom for a in accesses if a.mode is AccessMode.READ}),
            "accesses": len(accesses),
        })
    return rows


def _rules(findings: dict[str, Any] | None) -> list[dict[str, str]]:
    """The documentation of every rule that ran, shown in the page (it opens offline)."""
    ran = {r["code"]: r["severity"] for r in (findings or {}).get("rules", [])}
    pages: list[dict[str, str]] = []
    for known in catalogue():
        if known.code in ran and known.stage == "analyze":
            try:
                text = known.doc.read_text(encoding="utf-8")
            except OSError:
                text = known.summary
            pages.append({"code": known.code, "name": known.name, "severity": ran[known.code],
                          "summary": known.summary, "text": text})
    return pages


def render_index(project: str, code: CodeModel, data: DataModel,
                 contexts: dict[str, Any] | None = None,
                 findings: dict[str, Any] | None = None) -> str:
    counts = summary(code, data)
    cards = [("modules", counts["modules"]), ("lines", counts["lines"]),
             ("definitions", counts["definitions"]), ("methods", counts["methods"]),
             ("internal imports", counts["internal_imports"]),
             ("references", counts["references"]), ("tables", counts["tables"]),
             ("table accesses", counts["accesses"]), ("files skipped", counts["skipped"])]
    return _environment().get_template("index.html.j2").render(
        project=project, version=__version__, schema_version=SCHEMA_VERSION, cards=cards,
        diagnostics=diagnostics(code, data), tables=_table_rows(data),
        modules=[(m, sum(i.kind is ImportKind.INTERNAL for i in m.imports)) for m in code.modules],
        contexts=contexts, placements=_placements(contexts),
        splits=[m for m in (contexts or {}).get("modules", []) if m["split"]],
        findings=findings, rules=_rules(findings),
        owners={o["table"]: o for o in (findings or {}).get("ownership", [])},
    )


def _placements(contexts: dict[str, Any] | None) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for placement in (contexts or {}).get("placements", []):
        grouped.setdefault(placement["context"], []).append(placement)
    return grouped
