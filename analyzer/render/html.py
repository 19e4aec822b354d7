"""The HTML report: a folder of pages from the Jinja2 templates in ``reports/``, autoescaped,
loading nothing remote.

* ``index.html``: counts, metrics with what they mean, the contexts at a glance, what blocks
  the split most, the context map's views (``contextmap``: graphviz SVG with an image map, or
  DOT source when ``dot`` is missing), the dependency structure matrix, top findings,
  diagnostics;
* ``context-*.html``: one per context: tables, its neighbourhood on the map, dependencies with
  evidence, findings, modules, members and why they are there;
* ``findings.html`` (filterable), ``tables.html``, ``modules.html``, ``rules.html``, and
  ``method.html`` (docs/clustering.md, which the metric cards link to).

A long list is cut into pages (``findings.html``, ``findings-2.html``...). The findings page's
filters work on the page they are on, so each page offers only the rules and contexts it
lists, and every link to filtered findings opens the page that holds the first of them.

Everything taken from the analysed code reaches a page only through Jinja2's autoescaping (the
map is an SVG *image*, whose scripts never run). The one script is ours, allowed by its hash in
the Content-Security-Policy; every page reads fine without it.
"""

from __future__ import annotations

import base64
import hashlib
import marshal
import os
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2
import markupsafe

from analyzer import __version__
from analyzer.catalogue import catalogue
from analyzer.coupling import RunMemo
from analyzer.model import AccessMode, CodeModel, DataModel, Diagnostic, ImportKind
from analyzer.render import contextmap, guide
from analyzer.render.blockers import blockers
from analyzer.render.json import SCHEMA_VERSION, diagnostics, summary
from analyzer.resources import reports_dir
from analyzer.text import count
from analyzer.workers import forked

_TICKS = re.compile(r"`([^`<>]+)`")
_EVIDENCE_SHOWN = 12  # evidence lines per finding or dependency on a page
_TOP_FINDINGS = 10
_PAGE_ROWS = 1000  # rows of a long list per page: no page grows with the project's size


def ticks(text: str) -> markupsafe.Markup:
    """A message's `names` as <code>: the text is escaped first, so only escaped text ever
    lands between the tags."""
    escaped = str(markupsafe.escape(text))
    return markupsafe.Markup(_TICKS.sub(r"<code>\1</code>", escaped))


_JOINTS = re.compile(r"([./:_])")


def breakable(text: str) -> markupsafe.Markup:
    """An identifier that may wrap after its dots, slashes, colons and underscores, never
    inside a word: the text is escaped first, then ``<wbr>`` goes after each joint."""
    return markupsafe.Markup(_JOINTS.sub(r"\1<wbr>", str(markupsafe.escape(text))))


_DICT_NAMES = frozenset(dir(dict))


class _Environment(jinja2.Environment):
    """Jinja2 reads ``row.name`` as ``getattr(row, "name")`` first and ``row["name"]`` only
    when that raises: on the report's rows, which are dicts, each look-up raised and caught an
    AttributeError (177,000 of them on nova with its tests). A dict has no attributes but its
    class's, so asking for the item first when ``name`` is none of those gives the same value
    (or the same undefined) without the exception."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_NAMES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


class _Compiled(jinja2.BytecodeCache):
    """Templates compiled by a process of this run (``compile_ahead``), in memory, never on
    disk: jinja2's own bytecode, which it loads only for the same source (a checksum) and the
    same interpreter (a magic number), else compiles the template itself."""

    def __init__(self, made: dict[str, bytes]) -> None:
        self.made = made

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = self.made.get(bucket.key)
        if data is not None:
            bucket.bytecode_from_string(data)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.made[bucket.key] = bucket.bytecode_to_string()


_AHEAD: list[Callable[[], bytes | None]] = []  # the templates compiled by compile_ahead


def compile_ahead() -> None:
    """Compile the report's templates in a forked process while this one goes on (80 ms of a
    warm analyze of nova, about a fifth of its writing); the report takes them from there."""
    _AHEAD[:] = [forked(_compile_all)]


def _compile_all() -> bytes:
    compiled = _Compiled({})
    environment = _environment(compiled)
    for name in environment.list_templates():
        environment.get_template(name)
    return marshal.dumps(compiled.made)


def _compiled_ahead() -> _Compiled | None:
    made = _AHEAD.pop()() if _AHEAD else None
    if made is None:
        return None
    try:
        templates = marshal.loads(made)
    except (EOFError, ValueError, TypeError):
        return None
    if not (isinstance(templates, dict) and all(
            isinstance(k, str) and isinstance(v, bytes) for k, v in templates.items())):
        return None
    return _Compiled(templates)


def _environment(compiled: _Compiled | None = None) -> jinja2.Environment:
    environment = _Environment(
        loader=jinja2.FileSystemLoader(reports_dir() / "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
        bytecode_cache=compiled,
    )
    environment.filters["ticks"] = ticks
    environment.filters["breakable"] = breakable
    environment.filters["count"] = count  # {{ n | count("write") }}: 1 write, 2 writes
    return environment


@dataclass(frozen=True, slots=True)
class Report:
    pages: tuple[tuple[str, str], ...]  # (file name, html)
    notes: tuple[str, ...]  # what the reader of the terminal should know (no graphviz...)


def slug(name: str) -> str:
    """A file name for a context page: readable, and unique whatever the name holds."""
    readable = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "context"
    return f"context-{readable}-{hashlib.sha256(name.encode()).hexdigest()[:6]}.html"


def _table_rows(data: DataModel) -> list[dict[str, object]]:
    """Per table: who declares it, which atoms write it and how many read it."""
    by_table: dict[str, list[Any]] = defaultdict(list)
    for access in data.accesses:
        by_table[access.table].append(access)
    rows: list[dict[str, object]] = []
    for table in data.tables:
        accesses = by_table.get(table.name, [])
        rows.append({
            "name": table.name,
            "declared": sorted({d.atom for d in table.declarations}),
            "writers": sorted({a.atom for a in accesses if a.mode is AccessMode.WRITE}),
            "readers": len({a.atom for a in accesses if a.mode is AccessMode.READ}),
            "accesses": len(accesses),
        })
    return rows


def paged(name: str, rows: Sequence[Any]) -> list[tuple[str, Sequence[Any], dict[str, Any]]]:
    """A long list cut into pages of ``_PAGE_ROWS``: ``name`` holds the first rows, then
    ``name-2.html``...; each with its slice and a pager (every part's file and first and last
    row, and which part it is)."""
    stem = name.removesuffix(".html")
    chunks = [rows[i:i + _PAGE_ROWS] for i in range(0, len(rows), _PAGE_ROWS)] or [rows]
    files = [name if k == 0 else f"{stem}-{k + 1}.html" for k in range(len(chunks))]
    parts = [(f, k * _PAGE_ROWS + 1, k * _PAGE_ROWS + len(c))
             for k, (f, c) in enumerate(zip(files, chunks, strict=True))]
    return [(f, c, {"parts": parts, "at": k, "total": len(rows)})
            for k, (f, c) in enumerate(zip(files, chunks, strict=True))]


def _rules(findings: dict[str, Any] | None) -> list[dict[str, str]]:
    ran = {r["code"]: r["severity"] for r in (findings or {}).get("rules", [])}
    pages: list[dict[str, str]] = []
    for known in catalogue():
        if known.code in ran:
            try:
                text = known.doc.read_text(encoding="utf-8")
            except OSError:
                text = known.summary
            pages.append({"code": known.code, "name": known.name, "severity": ran[known.code],
                          "summary": known.summary, "text": text})
    return pages


def _script() -> tuple[str, str]:
    text = (reports_dir() / "report.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()
    return text, f"'sha256-{digest}'"


def _draw_all(dots: Mapping[str, str], links: Mapping[str, str], memo: RunMemo | None
              ) -> dict[str, contextmap.Drawing | None]:
    """Each of ``dots`` drawn by graphviz, several at once (each drawing is a process of its
    own, so threads overlap them: one per context page, 52 of them on nova), or recalled from
    ``memo`` when an earlier run drew the same DOT source with the same graphviz."""
    from concurrent.futures import ThreadPoolExecutor

    names = sorted(dots)
    keys = {name: contextmap.memo_key(dots[name]) for name in names} if memo else {}
    rendered = {name: contextmap.unpack(memo.recall(key))
                for name, key in keys.items() if memo is not None and key is not None}
    missing = [name for name in names if rendered.get(name) is None]
    with ThreadPoolExecutor(max_workers=max(1, min(8, os.cpu_count() or 1))) as pool:
        made = list(pool.map(lambda name: contextmap.render(dots[name]), missing))
    for name, drawn in zip(missing, made, strict=True):
        rendered[name] = drawn
        key = keys.get(name)
        if memo is not None and key is not None and drawn is not None:
            memo.remember(key, contextmap.pack(drawn))
    return {name: None if (done := rendered[name]) is None else contextmap.drawing(done, links)
            for name in names}


def _runtime_rows(runtime: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The runtime edges a context page shows: what crosses contexts first, and among those
    what no static reference shows; then the most called."""
    return sorted(runtime, key=lambda r: (r["to"] is None or r["from"] == r["to"], r["static"],
                                          -r["count"], r["source"], r["target"], r["kind"]))


def render_report(project: str, code: CodeModel, data: DataModel,
                  contexts: dict[str, Any] | None = None,
                  findings: dict[str, Any] | None = None,
                  dependencies: Sequence[tuple[str, str, Sequence[tuple[str, str, Any]]]] = (),
                  notes_of_run: Sequence[Diagnostic] | None = None,
                  contracts: dict[str, Any] | None = None, memo: RunMemo | None = None
                  ) -> Report:
    """``notes_of_run``: every diagnostic of the run (default: the code and data models');
    ``memo``: where drawings of earlier runs are remembered (``_draw_all``);
    ``contracts``: as ``contracts_document`` made it; ``dependencies``: (from context, to
    context, every use that crosses as (source element, target element, ``Evidence``))."""
    environment = _environment(_compiled_ahead())
    script, script_hash = _script()
    counts = summary(code, data)
    cards = [("modules", counts["modules"]), ("lines", counts["lines"]),
             ("definitions", counts["definitions"]), ("methods", counts["methods"]),
             ("internal imports", counts["internal_imports"]),
             ("references", counts["references"]), ("tables", counts["tables"]),
             ("table accesses", counts["accesses"]), ("files skipped", counts["skipped"])]
    context_list = (contexts or {}).get("contexts", [])
    links = {c["name"]: slug(c["name"]) for c in context_list}
    ownership = (findings or {}).get("ownership", [])
    owners = {o["table"]: o for o in ownership}
    owned: dict[str, list[Any]] = defaultdict(list)
    for item in ownership:
        if item["owner"] is not None:
            owned[item["owner"]].append(item)
    items = (findings or {}).get("items", [])
    finding_parts = paged("findings.html", items)
    finding_files = [file for file, _, _ in finding_parts]
    finding_counts: dict[str, int] = defaultdict(int)
    findings_of: dict[str, str] = {}  # context -> the findings page with its first finding
    for at, item in enumerate(items):
        for name in item["contexts"]:
            finding_counts[name] += 1
            findings_of.setdefault(name, finding_files[at // _PAGE_ROWS])
    evidence = [(a, b, [e for _, _, e in uses]) for a, b, uses in dependencies]
    # each dependency weighs its number of uses, as SL201 weighs it: the map cuts what it cuts
    dsm = {(a, b): len(uses) for a, b, uses in dependencies}
    cycles = contextmap.cycle_edges(dsm)
    domain = [c["name"] for c in context_list if c["kind"] == "domain"]
    placements: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for placement in (contexts or {}).get("placements", []):
        placements[placement["context"]].append(placement)
    splits = [m for m in (contexts or {}).get("modules", []) if m["split"]]
    runtime = _runtime_rows((contexts or {}).get("runtime", []))
    notes: list[str] = []

    pages = [("index.html", "Overview")]
    if contexts:
        pages += [("findings.html", "Findings")] if findings else []
    pages += [("tables.html", "Tables"), ("modules.html", "Modules")]
    if findings:
        pages.append(("rules.html", "Rules"))
    guide_text = guide.read_guide()
    if guide_text:
        pages.append((guide.PAGE, "Method"))
    common = {"project": project, "version": __version__, "schema_version": SCHEMA_VERSION,
              "pages": pages, "script": script, "script_hash": script_hash, "links": links,
              "limit": _EVIDENCE_SHOWN, "page_names": {v: k for k, v in links.items()}}

    def page(template: str, name: str, title: str, file: str | None = None,
             **values: Any) -> tuple[str, str]:
        """``file``: a later part of a long list (``name`` is its first page)."""
        html = environment.get_template(template).render(
            **common, current=name, title=title, **values)
        return file or name, html

    drawn = [c for c in context_list if c["kind"] != "unplaced"]
    map_views = contextmap.views(drawn, dsm, owned, links, cycles) if drawn else []
    drawings = _draw_all({v.key: v.dot for v in map_views}, links, memo)
    if any(d is None for d in drawings.values()):
        notes.append("graphviz's `dot` was not found: the report's context map is left as "
                     "DOT source; install graphviz (Debian: apt-get install graphviz)")
    blocking = blockers(findings, dependencies)
    for entry in (e for kind in ("tables", "cycles", "modules") for e in blocking[kind]):
        entry["page"] = finding_files[entry["at"] // _PAGE_ROWS]
    result = [page(
        "index.html.j2", "index.html", "", cards=cards, contexts=contexts, domain=domain,
        owned=owned, finding_counts=finding_counts, map_views=map_views, drawings=drawings,
        dsm=dsm, findings=findings,
        metrics=guide.metrics(guide_text), guide_page=guide.PAGE if guide_text else None,
        blocking=blocking,
        top=[f for f in items if f["severity"] == "error"][:_TOP_FINDINGS]
        or items[:_TOP_FINDINGS],
        diagnostics=list(notes_of_run) if notes_of_run is not None else diagnostics(code, data))]
    split_of = {m["module"]: m["split"] for m in splits}
    contract_of = {c["context"]: c for c in (contracts or {}).get("contexts", [])}
    nears = {c["name"]: contextmap.neighbourhood(drawn, dsm, owned, links, c["name"], cycles)
             for c in context_list}
    near_drawings = _draw_all(nears, links, memo) if all(drawings.values()) else {}
    for context in context_list:
        name = context["name"]
        near = nears[name]
        for file, rows, pager in paged(links[name], placements.get(name, [])):
            result.append(page(
                "context.html.j2", links[name], name, file, c=context,
                owned=owned.get(name, []),
                touched=[o for o in ownership if o["owner"] not in (None, name)
                         and any(t["context"] == name for t in o["touchers"])],
                outbound=[(b, ev) for a, b, ev in evidence if a == name],
                inbound=[(a, ev) for a, b, ev in evidence if b == name],
                context_findings=[f for f in items if name in f["contexts"]],
                findings_page=findings_of.get(name, "findings.html"),
                splits=split_of, placements=rows, pager=pager,
                contract=contract_of.get(name), near_dot=near,
                runtime=[r for r in runtime if name in (r["from"], r["to"])],
                traced="runtime" in (contexts or {}),  # with --traces, even if none mapped
                near=None if pager["at"] else near_drawings.get(name)))
    if findings:
        for file, rows, pager in finding_parts:  # each page filters only its own rows
            result.append(page(
                "findings.html.j2", "findings.html", "findings", file, findings=findings,
                rows=rows, pager=pager,
                rule_names=sorted({(f["code"], f["name"]) for f in rows}),
                context_names=sorted({c for f in rows for c in f["contexts"]})))
        result.append(page("rules.html.j2", "rules.html", "rules", rules=_rules(findings)))
    if guide_text:
        result.append(page("method.html.j2", guide.PAGE, "how contexts are proposed",
                           sections=guide.sections(guide_text), source=guide.GUIDE))
    module_context = {m["module"]: m["context"] for m in (contexts or {}).get("modules", [])}
    for file, rows, pager in paged("tables.html", _table_rows(data)):
        result.append(page("tables.html.j2", "tables.html", "tables", file, tables=rows,
                           owners=owners, pager=pager))
    modules = [(m, sum(i.kind is ImportKind.INTERNAL for i in m.imports)) for m in code.modules]
    for file, rows, pager in paged("modules.html", modules):
        result.append(page("modules.html.j2", "modules.html", "modules", file, splits=splits,
                           module_context=module_context, modules=rows, pager=pager))
    return Report(tuple(result), tuple(notes))
