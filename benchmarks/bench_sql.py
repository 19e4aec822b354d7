"""How well seamline reads SQL: its table sets against sqlglot's, statement by statement.

Run (from the repository root, with the project's virtualenv, after ``benchmarks/corpus.py``)::

    .venv/bin/python benchmarks/bench_sql.py                    # Trac 1.6 and roundup 2.6.0
    .venv/bin/python benchmarks/bench_sql.py --project trac --show 5

The SQL strings are the ones seamline itself finds in the project (every confidence). Each is
split into statements by both readers; a statement is compared when sqlglot parses it (with the
first dialect of ``DIALECTS`` that accepts it) and its table names do not depend on run-time
values. Two numbers per project: the share of compared statements where the sets of tables
agree, and where the sets of written tables agree. Disagreements are grouped by cause, with
examples; the full list goes to ``.corpus/_reports/sql-<project>.json``.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

import sqlglot
from _common import print_table
from corpus import CORPUS_DIR, ensure
from sqlglot import exp

from analyzer import api
from analyzer.config import Overrides, load_settings
from analyzer.data.sql import read_sql
from analyzer.model import DYNAMIC, SqlStatement

DIALECTS: tuple[str | None, ...] = (None, "sqlite", "postgres", "mysql")
_DEFAULT_SCHEMAS = {"public", "dbo", "main"}


@dataclass
class Report:
    strings: int = 0
    statements: int = 0
    compared: int = 0
    agree: int = 0
    writes_agree: int = 0
    unparsed: int = 0
    dynamic: int = 0
    split_differs: int = 0
    causes: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))


def _name(identifier: exp.Expression | None) -> str | None:
    if not isinstance(identifier, exp.Identifier):
        return None
    return identifier.name if identifier.quoted else identifier.name.lower()


def _table(table: exp.Table) -> str | None:
    name = _name(table.this)
    if name is None:
        return None
    schema = _name(table.args.get("db"))
    if schema and schema not in _DEFAULT_SCHEMAS:
        return f"{schema}.{name}"
    return name


def _sqlglot_tables(statement: exp.Expression) -> tuple[set[str], set[str]]:
    ctes = {cte.alias_or_name.lower() for cte in statement.find_all(exp.CTE)}
    tables = {t for node in statement.find_all(exp.Table) if (t := _table(node))}
    tables -= ctes
    writes: set[str] = set()
    for kind in (exp.Insert, exp.Update, exp.Delete, exp.Merge):
        for node in statement.find_all(kind):
            target = node.this
            if isinstance(target, exp.Schema):
                target = target.this
            if isinstance(target, exp.Table) and (name := _table(target)):
                writes.add(name)
    for node in statement.find_all(exp.Into):
        target = node.this
        if isinstance(target, exp.Table) and (name := _table(target)):
            writes.add(name)
    return tables, writes - ctes


def _parse(text: str) -> list[exp.Expression] | None:
    for dialect in DIALECTS:
        try:
            parsed = sqlglot.parse(text, read=dialect)
        except Exception:  # sqlglot raises many kinds; any means "not in this dialect"
            continue
        statements = [cast(exp.Expression, s) for s in parsed if s is not None]
        if statements and not any(isinstance(s, exp.Command) for s in statements):
            return statements
    return None


def _cause(ours: SqlStatement, theirs: set[str], text: str) -> str:
    mine = set(ours.reads) | set(ours.writes) | set(ours.ddl)
    if ours.problems:
        return "seamline read it only partly"
    if theirs - mine and all("." in t for t in theirs - mine):
        return "schema-qualified name read differently"
    if mine - theirs and not theirs - mine:
        return "seamline names more tables"
    if theirs - mine and not mine - theirs:
        return "sqlglot names more tables"
    return "different tables"


def compare(texts: Iterable[str], report: Report) -> Report:
    for text in texts:
        report.strings += 1
        ours = read_sql(text)
        report.statements += len(ours)
        theirs = _parse(text)
        if theirs is None:
            report.unparsed += len(ours)
            continue
        if len(theirs) != len(ours):
            report.split_differs += len(ours)
            continue
        for mine, other in zip(ours, theirs, strict=True):
            tables, writes = _sqlglot_tables(other)
            if any(DYNAMIC in t for t in tables) or any("run time" in p for p in mine.problems):
                report.dynamic += 1
                continue
            report.compared += 1
            own = set(mine.reads) | set(mine.writes) | set(mine.ddl)
            theirs_all = {t for t in tables if DYNAMIC not in t}
            if own == theirs_all:
                report.agree += 1
            else:
                report.causes[_cause(mine, theirs_all, text)].append({
                    "text": " ".join(text.split())[:300], "seamline": sorted(own),
                    "sqlglot": sorted(theirs_all)})
            if set(mine.writes) == writes:
                report.writes_agree += 1
    return report


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "-"


def main() -> int:
    logging.getLogger("sqlglot").setLevel(logging.ERROR)  # its fallback warnings are counted
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", action="append", choices=["trac", "roundup"],
                        help="which project (repeatable; default both)")
    parser.add_argument("--show", type=int, default=3, help="examples per cause")
    args = parser.parse_args()
    rows: list[tuple[str, ...]] = []
    reports: dict[str, Report] = {}
    for name in args.project or ["trac", "roundup"]:
        root = ensure(name)
        started = time.perf_counter()
        analysis = api.analyze(load_settings(root, Overrides(no_cache=True)))
        seconds = time.perf_counter() - started
        texts = [site.text for site in analysis.data.sql]
        report = compare(texts, Report())
        reports[name] = report
        rows.append((name, str(report.strings), str(report.statements), str(report.compared),
                     str(report.unparsed), str(report.split_differs), str(report.dynamic),
                     _pct(report.agree, report.compared),
                     _pct(report.writes_agree, report.compared), f"{seconds:.1f} s"))
    print_table(("project", "strings", "statements", "compared", "sqlglot failed",
                 "split differs", "dynamic", "tables agree", "writes agree", "analysis"), rows)
    out = CORPUS_DIR / "_reports"
    out.mkdir(parents=True, exist_ok=True)
    for name, report in reports.items():
        print(f"\n{name}: disagreements by cause")
        for cause, cases in sorted(report.causes.items(), key=lambda kv: -len(kv[1])):
            print(f"  {len(cases):4}  {cause}")
            for case in cases[:args.show]:
                print(f"          {case['text'][:110]}")
                print(f"            seamline {case['seamline']}  sqlglot {case['sqlglot']}")
        (out / f"sql-{name}.json").write_text(json.dumps({
            "strings": report.strings, "statements": report.statements,
            "compared": report.compared, "agree": report.agree,
            "writes_agree": report.writes_agree, "unparsed": report.unparsed,
            "split_differs": report.split_differs, "dynamic": report.dynamic,
            "causes": dict(Counter({c: len(v) for c, v in report.causes.items()})),
            "disagreements": report.causes,
        }, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
