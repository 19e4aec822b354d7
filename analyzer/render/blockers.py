"""What blocks the split most: the few tables, cycles and god modules to fix first.

Each is ranked by how much of the coupling it carries, measured on the findings' own evidence:

* a table: the distinct code sites (``path:line``) of its findings: other contexts' reads and
  writes, foreign keys into it, statements that join it with another context's tables;
* a cycle of contexts: the distinct uses along the dependencies inside the cycle;
* a god module: the cross-context uses made from its code or into its code (by the full module
  name of each use's two ends, never by the short names of messages).

Every entry keeps the fix its most severe finding proposes, the rule that explains it, and
where that finding stands in the sorted list (``at``), so that its link can open the findings
page that holds it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

CYCLE_CODES = ("SL201",)  # SL406, agreed contexts in a cycle, is `check`'s: never in a report
GOD_CODES = ("SL301",)
SHOWN = 3  # entries per kind: the few to fix first
_FIX_CHARS = 280  # a long fix (a god module's whole plan) is cut; the findings page has it all


def _short(text: str) -> str:
    if len(text) <= _FIX_CHARS:
        return text
    cut = text[:_FIX_CHARS]
    if cut.count("`") % 2:  # never leave a `name` open
        cut = cut[:cut.rfind("`")]
    return cut[:cut.rfind(" ")].rstrip(",;:") + " …"


def _entry(kind: str, subject: str, weight: int, total: int, found: Sequence[dict[str, Any]],
           contexts: set[str], search: dict[str, str], at: int) -> dict[str, Any]:
    """``search``: the findings page's filters that show this entry's findings; ``at``: the
    first of ``found`` in the list of every finding."""
    first = found[0]  # the findings come most severe first
    return {"kind": kind, "subject": subject, "weight": weight, "search": search, "at": at,
            "share": f"{100 * weight / total:.0f}%" if total else "",
            "contexts": sorted(contexts), "codes": sorted({f["code"] for f in found}),
            "findings": len(found), "severity": first["severity"], "code": first["code"],
            "fix": _short(first["remediation"])}


def _ranked(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    entries.sort(key=lambda e: (-e["weight"], -len(e["contexts"]), e["subject"]))
    return entries[:SHOWN]


def _module(element: str) -> str:
    return element.partition(":")[0]


def blockers(findings: dict[str, Any] | None,
             dependencies: Sequence[tuple[str, str, Sequence[tuple[str, str, Any]]]]
             ) -> dict[str, Any]:
    """``findings``: as ``findings_document`` made it; ``dependencies``: (from context, to
    context, every use that crosses as (source element, target element, ``Evidence``))."""
    items = (findings or {}).get("items", [])
    uses = {(a, b): {(e.path, e.line, e.what) for _, _, e in crossing}
            for a, b, crossing in dependencies}
    total_uses = sum(len(u) for u in uses.values())

    sites: dict[str, set[tuple[str, int]]] = defaultdict(set)
    about: dict[str, list[dict[str, Any]]] = defaultdict(list)
    touching: dict[str, set[str]] = defaultdict(set)
    first: dict[str, int] = {}
    for at, item in enumerate(items):
        if item["code"] in CYCLE_CODES or item["code"] in GOD_CODES:
            continue
        for table in item["tables"]:
            first.setdefault(table, at)
            sites[table] |= {(e["path"], e["line"]) for e in item["evidence"]}
            about[table].append(item)
            touching[table] |= set(item["contexts"])
    total_sites = len({s for found in sites.values() for s in found})
    tables = _ranked([_entry("table", t, len(sites[t]), total_sites, about[t], touching[t],
                             {"q": t}, first[t]) for t in about])

    cycles = _ranked([
        _entry("cycle", " ⇄ ".join(item["contexts"]),
               sum(len(u) for (a, b), u in uses.items()
                   if a in item["contexts"] and b in item["contexts"]),
               total_uses, [item], set(item["contexts"]),
               {"rule": item["code"], "context": item["contexts"][0]}, at)
        for at, item in enumerate(items) if item["code"] in CYCLE_CODES])

    by_module: dict[str, set[tuple[str, int, str]]] = defaultdict(set)  # crossing uses
    if any(item["code"] in GOD_CODES for item in items):
        for _, _, crossing in dependencies:
            for source, target, e in crossing:
                by_module[_module(source)].add((e.path, e.line, e.what))
                by_module[_module(target)].add((e.path, e.line, e.what))
    modules: list[dict[str, Any]] = []
    for at, item in enumerate(items):
        if item["code"] not in GOD_CODES:
            continue
        carried = by_module.get(item["subject"], set())
        modules.append(_entry("god module", item["subject"], len(carried), total_uses, [item],
                              set(item["contexts"]), {"q": item["subject"]}, at))
    return {"tables": tables, "cycles": cycles, "modules": _ranked(modules),
            "total_uses": total_uses, "total_sites": total_sites}
